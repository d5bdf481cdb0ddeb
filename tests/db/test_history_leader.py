"""The block's confirmed leading unit (scoring) is what award eligibility reads (Cờ thi đua)."""

from __future__ import annotations

import datetime as dt

import pytest

from thidua.blocs import actions as bloc_actions
from thidua.blocs.models import MeetingKind
from thidua.history import selectors as history
from thidua.history.batch import evaluate_units
from thidua.org.models import Unit
from thidua.scoring import actions
from tests.db.test_scoring import FULL, build_block, open_round, to_appraised

pytestmark = pytest.mark.django_db


def _check(result: dict, code: str):
    for route in result.get("routes", []) or []:
        for check in route.get("checks", []):
            if check.get("code") == code:
                return check
    for check in result.get("checks", []) or []:
        if check.get("code") == code:
            return check
    return None


@pytest.mark.sqlite
def test_confirmed_leader_feeds_bloc_leading_for_the_flag(world):
    b = open_round(build_block(world, year=2024))
    w = b.world
    to_appraised(b, b.tg, {**FULL, "1.1": ("30", "")})
    to_appraised(b, b.tc)
    to_appraised(b, b.dv, {**FULL, "1.1": ("20", "")})
    meeting = bloc_actions.do_record_meeting(
        actor=None, bloc_year=b.bloc_year, data={"kind": MeetingKind.ANNUAL_REVIEW, "held_on": dt.date(2024, 12, 20), "place": "An Giang"},
        attending=[w.tuyen_giao, w.to_chuc, b.dan_van],
    )
    round_ = actions.do_publish_results(actor=w.an_officer, round=b.round, meeting=meeting, expected_version=b.round.version)
    before = history.eligibility_request(w.tuyen_giao, "CO_TINH", 2024)
    assert not any(entry.get("bloc_leading") for entry in before["history"])

    actions.do_confirm_leader(actor=w.an_officer, round=round_, unit=w.tuyen_giao, how="ACCLAMATION", expected_version=round_.version)

    leader = history.eligibility_request(w.tuyen_giao, "CO_TINH", 2024)
    assert [e["year"] for e in leader["history"] if e.get("bloc_leading")] == [2024]
    other = history.eligibility_request(w.to_chuc, "CO_TINH", 2024)
    assert not any(entry.get("bloc_leading") for entry in other["history"])
    led = _check(history.evaluate_subject(w.tuyen_giao, "CO_TINH", 2024, on=dt.date(2025, 1, 15)), "bloc_leading")
    not_led = _check(history.evaluate_subject(w.to_chuc, "CO_TINH", 2024, on=dt.date(2025, 1, 15)), "bloc_leading")
    assert led is not None and led["passed"] is True
    assert not_led is not None and not_led["passed"] is False
    # The batch page gives the same outcomes as one-by-one evaluation for the leader and the others.
    units = Unit.objects.filter(pk__in=[w.tuyen_giao.pk, w.to_chuc.pk, b.dan_van.pk])
    rows = {row.pk: row for row in evaluate_units(units, 2024, awards=["CO_TINH"], on=dt.date(2025, 1, 15))}
    for unit in (w.tuyen_giao, w.to_chuc, b.dan_van):
        one = history.evaluate_subject(unit, "CO_TINH", 2024, on=dt.date(2025, 1, 15))["outcome"]
        assert rows[unit.pk].outcomes["CO_TINH"] == one
