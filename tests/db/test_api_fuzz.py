"""Issue #12, point 5: Schemathesis drives every operation of /api/v1/openapi.json with generated
requests, valid and invalid, as a signed-in province officer (angiang, Bearer token) on the demo
data. Every answer must be a declared status code with a body matching its declared schema, and
never a server error.

Random UUIDs only ever meet 404s, so most generated requests name real objects instead: the path's
{uid}, and UUIDs in bodies and queries under a known key (unit, province, bloc_year…), are replaced
by uids of the demo's objects of that kind. The run is deterministic (Hypothesis derandomized) and
bounded: FUZZ_EXAMPLES examples per operation and generation mode (3 in `make test`, more in
`make fuzz`)."""

from __future__ import annotations

import logging
import os
import re
import uuid
from collections import defaultdict

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance, status_code_conformance

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "3"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]

# The object kind a path names by the segment before its {uid}.
PATH_MODELS = {
    "provinces": "org.Province", "units": "org.Unit", "people": "org.Person", "blocs": "blocs.Bloc",
    "bloc-years": "blocs.BlocYear", "memberships": "blocs.Membership", "covenants": "blocs.Covenant",
    "commitments": "blocs.CovenantCommitment", "meetings": "blocs.Meeting", "documents": "documents.IssuedDocument",
    "movements": "movements.Movement", "registrations": "movements.Registration", "sets": "scoring.CriteriaSet",
    "rounds": "scoring.ScoringRound", "sheets": "scoring.ScoreSheet", "councils": "voting.Council", "polls": "voting.Poll",
    "catalogue": "awards.AwardType", "overrides": "awards.RuleOverride", "awards": "history.AwardRecord",
    "proposals": "proposals.Proposal", "proposal-items": "proposals.ProposalItem", "decisions": "proposals.Decision",
    "ca-nhan": "org.Person", "don-vi": "org.Unit", "exemplars": "exemplars.Exemplar",
    "national": "exports.NationalExport", "notifications": "notifications.Notification",
}
# The object kind a body or query field names.
FIELD_MODELS = {
    "province": "org.Province", "unit": "org.Unit", "parent": "org.Unit", "head_unit": "org.Unit", "deputy_unit": "org.Unit",
    "proposer_unit": "org.Unit", "to_unit": "org.Unit", "attending": "org.Unit", "units": "org.Unit", "person": "org.Person",
    "people": "org.Person", "department": "org.Department", "bloc": "blocs.Bloc", "bloc_year": "blocs.BlocYear",
    "meeting": "blocs.Meeting", "council": "voting.Council", "criteria_set": "scoring.CriteriaSet", "poll": "voting.Poll",
    "proposal": "proposals.Proposal", "candidate": "voting.Candidate", "candidates": "voting.Candidate",
    "subject": "org.Person", "item": "proposals.ProposalItem", "items": "proposals.ProposalItem",
    "movement": "movements.Movement",
}


def _pools() -> dict[str, list[str]]:
    labels = set(PATH_MODELS.values()) | set(FIELD_MODELS.values())
    pools = {}
    for label in labels:
        model = apps.get_model(label)
        pools[label] = [str(u) for u in model.objects.order_by("pk").values_list("uid", flat=True)[:40]]
    return pools


def _real_uid(data, pools, label: str | None, fallback: str) -> str:
    pool = pools.get(label or "") or []
    if not pool or not data.draw(st.integers(0, 9), label="real") < 8:
        return fallback
    return data.draw(st.sampled_from(pool), label=label)


def _is_uuid(value) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return isinstance(value, str)


def _name_real_objects(case, data, pools) -> None:
    """Put uids of real demo objects where the generated request names objects."""
    path = case.operation.path
    params = case.path_parameters or {}
    if "uid" in params:
        segments = path.split("/")
        before = segments[segments.index("{uid}") - 1]
        if before in {"{kind}"}:
            before = str(params.get("kind"))
        params["uid"] = _real_uid(data, pools, PATH_MODELS.get(before), params["uid"])

    def walk(value, key=None):
        if isinstance(value, dict):
            return {k: walk(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v, key) for v in value]
        if _is_uuid(value):
            return _real_uid(data, pools, FIELD_MODELS.get(key or ""), value)
        return value

    if isinstance(case.body, (dict, list)):
        case.body = walk(case.body)
    if case.query:
        case.query = walk(case.query)


@pytest.fixture
def officer_token(db):
    from thidua.accounts.actions import do_create_api_token
    from thidua.org.demo import load_demo

    load_demo()
    officer = get_user_model().objects.get(username="angiang")
    _, secret = do_create_api_token(actor=officer, name="Schemathesis")
    return secret


@pytest.fixture
def wsgi_app():
    """Django's WSGI application that keeps the test's connection (and its transaction) open
    between requests, as the test client does."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield WSGIHandler()
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def test_every_operation_answers_generated_requests_as_declared(officer_token, wsgi_app):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", wsgi_app)
    pools = _pools()
    headers = {"Authorization": f"Bearer {officer_token}"}
    failures: dict[str, list[str]] = defaultdict(list)
    calls: dict[str, int] = defaultdict(int)
    logging.disable(logging.CRITICAL)  # 404/422 warnings and the logged 500s would flood the output
    try:
        for result in schema.get_all_operations():
            operation = result.ok()
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                strategy = operation.as_strategy(generation_mode=mode)

                @settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
                          suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])
                @given(data=st.data())
                def run(data):
                    case = data.draw(strategy, label="case")
                    _name_real_objects(case, data, pools)
                    calls[operation.label] += 1
                    try:
                        case.call_and_validate(headers=headers, checks=CHECKS)
                    except BaseException as failure:  # schemathesis raises an ExceptionGroup of failures
                        text = re.sub(r"\n\s*\n", "\n", str(failure)).strip()
                        if len(failures[operation.label]) < 3:
                            failures[operation.label].append(f"[{mode.value}] {text[:1500]}")

                run()
    finally:
        logging.disable(logging.NOTSET)
    from thidua.api.main import api_operations

    assert len(calls) == len(list(api_operations())) > 100  # every operation was exercised
    print(f"Schemathesis: {sum(calls.values())} requests, {len(calls)} operations")
    report = "\n\n".join(f"== {label}\n" + "\n".join(items) for label, items in sorted(failures.items()))
    assert not failures, f"{len(failures)} operations answered outside their schema or failed:\n{report}"
