"""The two doors of the what-if contract (whatif-api.md): `manage.py evaluate` and the HTTP endpoints.

Both call thidua.whatif.service.evaluate_one; these tests check they give the same answers, the
error shape and codes, exit statuses, HTTP statuses and who may call.
"""

from __future__ import annotations

import copy
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from thidua.whatif.service import evaluate_many, evaluate_one, load_overrides

ROOT = Path(__file__).resolve().parents[2]

VOTING = {
    "kind": "voting",
    "decided_on": "2026-01-05",
    "award": "CSTD_TINH",
    "council_size": 15,
    "present": 13,
    "written_opinions": 2,
    "quota": 2,
    "candidates": [{"id": "A", "yes": 14}, {"id": "B", "yes": 14}, {"id": "C", "yes": 9}],
    "ballots": None,
    "chair_choice": [],
}
CONTRACT_RESULTS = [
    {"id": "A", "yes": 14, "percent": "93.33", "passed": True, "selected": True},
    {"id": "B", "yes": 14, "percent": "93.33", "passed": True, "selected": True},
    {"id": "C", "yes": 9, "percent": "60.00", "passed": False, "selected": False},
]
MALFORMED = {**VOTING, "present": 16}
# The eligibility request of whatif-api.md, verbatim.
ELIGIBILITY = {
    "kind": "eligibility",
    "decided_on": "2026-01-10",
    "province": None,
    "subject": "individual",
    "year": 2025,
    "awards": ["CSTDCS", "CSTD_TINH"],
    "history": [
        {"year": 2025, "rating": "EXCELLENT", "titles": ["LDTT"], "awards": [],
         "initiatives": [{"scope": "PROVINCE", "recognized": True}],
         "discipline": None, "pending_investigation": False}
    ],
    "collective": None,
    "confirmations": {},
}


def contract_view(result: dict) -> dict:
    """The fields whatif-api.md fixes, for comparing doors."""
    return {
        "quorum": {k: result["quorum"][k] for k in ("met", "required", "attending", "text")},
        "threshold": {k: result["threshold"][k] for k in ("percent", "base", "votes_needed", "citation")},
        "results": [{k: r[k] for k in ("id", "yes", "percent", "passed", "selected")} for r in result["results"]],
        "tie": result["tie"],
        "invalid_ballots": result["invalid_ballots"],
    }


def run_command(tmp_path, payload, *, raw: str | None = None):
    """call_command('evaluate', file): (parsed stdout or None, stderr, exit status)."""
    path = tmp_path / "requests.json"
    path.write_text(raw if raw is not None else json.dumps(payload, ensure_ascii=False), encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    status = 0
    try:
        call_command("evaluate", str(path), stdout=out, stderr=err)
    except SystemExit as exc:
        status = exc.code
    text = out.getvalue()
    return (json.loads(text) if text.strip() else None), err.getvalue(), status


# ------------------------------------------------------------------------------ the service


def test_service_voting_contract_example():
    result = evaluate_one(copy.deepcopy(VOTING))
    assert contract_view(result)["results"] == CONTRACT_RESULTS
    assert result["quorum"]["required"] == 10
    assert result["threshold"]["votes_needed"] == 14


@pytest.mark.parametrize(
    ("request_", "code", "field"),
    [
        ([VOTING], "invalid_field", None),
        ("voting", "invalid_field", None),
        ({k: v for k, v in VOTING.items() if k != "kind"}, "invalid_field", "kind"),
        ({**VOTING, "kind": "money"}, "invalid_field", "kind"),
        ({**VOTING, "award": "CSTD_XA"}, "unknown_award", "award"),
        ({**VOTING, "decided_on": "2023-06-01"}, "no_rule_version", "decided_on"),
        ({**VOTING, "province": "99"}, "unknown_province", "province"),
        ({**VOTING, "province": 1}, "invalid_field", "province"),
        ({**VOTING, "province": "01", "decided_on": "5/1/2026"}, "invalid_field", "decided_on"),
        ({"kind": "eligibility", "decided_on": "2026-01-10", "province": "99", "subject": "individual", "year": 2025},
         "unknown_province", "province"),
    ],
)
def test_service_errors_have_code_vietnamese_message_and_field(request_, code, field):
    result = evaluate_one(request_)
    assert set(result) == {"error"}
    assert result["error"]["code"] == code
    assert result["error"]["field"] == field
    assert not result["error"]["message"].isascii()


def test_province_code_must_be_in_force_on_the_decision_date():
    # Code 15 was Yên Bái until 30/06/2025 and is the merged Lào Cai from 01/07/2025.
    assert evaluate_one({**VOTING, "province": "15", "decided_on": "2025-03-01"})["province"] == {"code": "15", "name": "Yên Bái"}
    assert evaluate_one({**VOTING, "province": "15"})["province"] == {"code": "15", "name": "Lào Cai"}
    # Code 10 (the old Lào Cai) ended on 30/06/2025: the message names its successor.
    error = evaluate_one({**VOTING, "province": "10"})["error"]
    assert error["code"] == "unknown_province"
    assert "01/07/2025" in error["message"] and "Lào Cai (mã 15)" in error["message"]
    assert evaluate_one({**VOTING, "province": "10", "decided_on": "2025-06-30"})["province"]["name"] == "Lào Cai"
    # A province merged under a reused code: Bắc Giang (24) became part of Bắc Ninh (24).
    assert evaluate_one({**VOTING, "province": "24"})["province"]["name"] == "Bắc Ninh"


def test_no_overrides_are_stored_yet():
    assert load_overrides("91", "voting") == []
    assert load_overrides(None, "eligibility") == []


def test_evaluate_many_keeps_shape_and_reports_well_formedness():
    results, ok = evaluate_many([VOTING, MALFORMED])
    assert not ok and len(results) == 2 and "error" in results[1] and "results" in results[0]
    single, ok = evaluate_many(VOTING)
    assert ok and isinstance(single, dict)
    assert evaluate_many([]) == ([], True)


# ------------------------------------------------------------------------------ the command line


@pytest.mark.sqlite
def test_command_single_request_prints_one_result_and_exits_0(tmp_path):
    result, err, status = run_command(tmp_path, VOTING)
    assert status == 0 and err == ""
    assert isinstance(result, dict)
    assert contract_view(result) == contract_view(evaluate_one(VOTING))


def test_command_list_with_a_malformed_request_exits_2_and_evaluates_the_others(tmp_path):
    tied = {**VOTING, "quota": 1}
    results, err, status = run_command(tmp_path, [VOTING, MALFORMED, tied])
    assert status == 2
    assert isinstance(results, list) and len(results) == 3
    assert contract_view(results[0])["results"] == CONTRACT_RESULTS
    assert results[1] == {
        "error": {
            "code": "invalid_field",
            "message": "Số thành viên có mặt (16) không được lớn hơn tổng số thành viên hội đồng (15).",
            "field": "present",
        }
    }
    assert results[2]["tie"]["ids"] == ["A", "B"] and results[2]["tie"]["resolved_by"] is None
    assert "1/3 yêu cầu không hợp lệ" in err


def test_command_list_of_good_requests_exits_0(tmp_path):
    results, _, status = run_command(tmp_path, [VOTING, {**VOTING, "chair_choice": None}])
    assert status == 0 and len(results) == 2


@pytest.mark.parametrize(
    ("raw", "message"),
    [("{\"kind\": ", "không phải JSON hợp lệ"), ("", "trống"), ("[NaN]", "không phải JSON hợp lệ")],
)
def test_command_rejects_invalid_json_with_exit_2(tmp_path, raw, message):
    result, err, status = run_command(tmp_path, None, raw=raw)
    assert status == 2 and result is None
    assert message in err


def test_command_unreadable_file_exits_2(tmp_path):
    err = io.StringIO()
    with pytest.raises(SystemExit) as info:
        call_command("evaluate", str(tmp_path / "khong-co.json"), stdout=io.StringIO(), stderr=err)
    assert info.value.code == 2
    assert "Không tìm thấy tệp" in err.getvalue()


def test_command_without_a_file_or_with_a_folder_exits_2_in_vietnamese(tmp_path):
    for args in ((), (str(tmp_path),)):
        err = io.StringIO()
        with pytest.raises(SystemExit) as info:
            call_command("evaluate", *args, stdout=io.StringIO(), stderr=err)
        assert info.value.code == 2
        assert "tệp JSON" in err.getvalue()


def test_command_reads_stdin(tmp_path):
    out = io.StringIO()
    call_command("evaluate", "-", stdin=io.StringIO(json.dumps(VOTING)), stdout=out, stderr=io.StringIO())
    assert contract_view(json.loads(out.getvalue()))["results"] == CONTRACT_RESULTS


@pytest.mark.sqlite
def test_manage_py_evaluate_stdin_without_any_database(tmp_path):
    """`manage.py evaluate -` as a user runs it right after `make install`: no migrated database."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env["DATA_DIR"] = str(tmp_path / "data")
    payload = [VOTING, MALFORMED, {**VOTING, "province": "10"}, {"kind": "eligibility", "province": "99",
                                                                 "decided_on": "2026-01-10"}, ELIGIBILITY]
    proc = subprocess.run(
        [sys.executable, "manage.py", "evaluate", "-"],
        input=json.dumps(payload).encode(),
        capture_output=True,
        cwd=ROOT,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 2, proc.stderr.decode()
    results = json.loads(proc.stdout.decode("utf-8"))
    assert contract_view(results[0])["results"] == CONTRACT_RESULTS
    assert results[1]["error"]["field"] == "present"
    assert results[2]["error"]["code"] == "unknown_province" and "Lào Cai (mã 15)" in results[2]["error"]["message"]
    assert results[3]["error"]["code"] == "unknown_province"
    assert "Traceback" not in proc.stderr.decode()
    assert results[4]["results"][0]["outcome"] == "ELIGIBLE"
    assert "3/5 yêu cầu không hợp lệ" in proc.stderr.decode("utf-8")
    # Nothing touched a database.
    assert not (tmp_path / "data" / "thidua.sqlite3").exists()

    good = subprocess.run(
        [sys.executable, "manage.py", "evaluate", "-"], input=json.dumps(VOTING).encode(), capture_output=True,
        cwd=ROOT, env=env, timeout=120,
    )
    assert good.returncode == 0, good.stderr.decode()
    assert json.loads(good.stdout)["results"][0]["selected"] is True


# ------------------------------------------------------------------------------ HTTP


@pytest.fixture
def signed_in(django_user_model, settings):
    """A signed-in account without any grant: any signed-in user may call the endpoints."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    user = django_user_model.objects.create_user(username="thu-ky-hoi-dong", password="mat-khau-thu-nghiem-1")
    client = Client()
    client.force_login(user)
    return client


def post(client, path, body, **extra):
    data = body if isinstance(body, (str, bytes)) else json.dumps(body)
    return client.post(path, data=data, content_type="application/json", **extra)


@pytest.mark.sqlite
def test_http_voting_answers_the_contract_example(signed_in, tmp_path):
    response = post(signed_in, "/api/v1/voting/evaluate", VOTING)
    assert response.status_code == 200
    body = response.json()
    assert contract_view(body)["results"] == CONTRACT_RESULTS
    # Same answer as the command line.
    cli, _, status = run_command(tmp_path, VOTING)
    assert status == 0 and contract_view(body) == contract_view(cli)


def test_http_kind_may_be_omitted_but_must_match_the_endpoint(signed_in):
    without_kind = {k: v for k, v in VOTING.items() if k != "kind"}
    assert post(signed_in, "/api/v1/voting/evaluate", without_kind).status_code == 200
    response = post(signed_in, "/api/v1/eligibility/evaluate", VOTING)
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "kind"


@pytest.mark.sqlite
@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        (MALFORMED, "invalid_field", "present"),
        ({**VOTING, "award": "XYZ"}, "unknown_award", "award"),
        ({**VOTING, "province": "10"}, "unknown_province", "province"),
        ({**VOTING, "decided_on": "2020-01-01"}, "no_rule_version", "decided_on"),
        ("{không phải json", "invalid_field", None),
        ("[1, 2]", "invalid_field", None),
        (b"\xff\xfe", "invalid_field", None),
    ],
)
def test_http_malformed_requests_answer_422_with_the_error_object(signed_in, body, code, field):
    response = post(signed_in, "/api/v1/voting/evaluate", body)
    assert response.status_code == 422
    payload = response.json()
    assert set(payload) == {"error"}
    assert payload["error"]["code"] == code and payload["error"]["field"] == field
    assert not payload["error"]["message"].isascii()


def test_http_eligibility_errors_use_the_same_shape(signed_in):
    response = post(signed_in, "/api/v1/eligibility/evaluate", {"decided_on": "2026-01-10", "province": "99"})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "unknown_province"


@pytest.mark.sqlite
@pytest.mark.parametrize("path", ["/api/v1/voting/evaluate", "/api/v1/eligibility/evaluate"])
def test_http_anonymous_gets_401_in_vietnamese(db, path):
    response = post(Client(), path, VOTING)
    assert response.status_code == 401
    error = response.json()["error"]
    assert error["code"] == "unauthenticated"
    assert "đăng nhập" in error["message"]


def test_http_anonymous_without_csrf_still_gets_401(db):
    response = post(Client(enforce_csrf_checks=True), "/api/v1/voting/evaluate", VOTING)
    assert response.status_code == 401


def test_http_session_needs_the_csrf_token(django_user_model, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    user = django_user_model.objects.create_user(username="thu-ky", password="mat-khau-thu-nghiem-1")
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    refused = post(client, "/api/v1/voting/evaluate", VOTING)
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "csrf_failed"
    # The CSRF cookie a page would have set, and the same secret echoed in the header.
    token_value = "k" * 32
    client.cookies["csrftoken"] = token_value
    accepted = post(client, "/api/v1/voting/evaluate", VOTING, HTTP_X_CSRFTOKEN=token_value)
    assert accepted.status_code == 200


def test_http_inactive_account_is_refused(django_user_model, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    user = django_user_model.objects.create_user(username="da-khoa", password="mat-khau-thu-nghiem-1")
    client = Client()
    client.force_login(user)
    user.is_active = False
    user.save()
    assert post(client, "/api/v1/voting/evaluate", VOTING).status_code == 401


@pytest.mark.sqlite
def test_openapi_lists_both_endpoints(db):
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in ("/api/v1/eligibility/evaluate", "/api/v1/voting/evaluate"):
        operation = paths[path]["post"]
        assert "requestBody" in operation
        assert set(operation["responses"]) >= {"200", "401", "422"}
    voting_body = paths["/api/v1/voting/evaluate"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert {"council_size", "present", "candidates"} <= set(voting_body["required"])


def test_http_api_token_may_call_without_a_session(world):
    from thidua.accounts.actions import do_create_api_token

    _, secret = do_create_api_token(actor=world.viewer, name="Phần mềm báo cáo")
    client = Client(enforce_csrf_checks=True)
    response = post(client, "/api/v1/voting/evaluate", VOTING, HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 200
    assert contract_view(response.json())["results"] == CONTRACT_RESULTS
    refused = post(client, "/api/v1/voting/evaluate", VOTING, HTTP_AUTHORIZATION="Bearer khong-dung")
    assert refused.status_code == 401


# ------------------------------------------------------------------------------ eligibility through both doors


def eligibility_view(result: dict) -> list[dict]:
    return [
        {k: r[k] for k in ("award", "outcome", "rule", "checks", "needs_confirmation", "money_vnd")}
        for r in result["results"]
    ]


def test_eligibility_contract_example_through_the_service():
    result = evaluate_one(copy.deepcopy(ELIGIBILITY))
    rows = {r["award"]: r for r in result["results"]}
    assert list(rows) == ["CSTDCS", "CSTD_TINH"]
    assert rows["CSTDCS"]["outcome"] == "ELIGIBLE"
    assert rows["CSTDCS"]["money_vnd"] == 2340000
    assert rows["CSTDCS"]["rule"]["version"] == "2025-07-01"


@pytest.mark.sqlite
def test_eligibility_gives_the_same_answer_through_both_doors(signed_in, tmp_path):
    response = post(signed_in, "/api/v1/eligibility/evaluate", ELIGIBILITY)
    assert response.status_code == 200
    cli, _, status = run_command(tmp_path, ELIGIBILITY)
    assert status == 0
    assert eligibility_view(response.json()) == eligibility_view(cli)
    assert eligibility_view(cli) == eligibility_view(evaluate_one(ELIGIBILITY))


def test_eligibility_with_a_province_in_force(signed_in):
    response = post(signed_in, "/api/v1/eligibility/evaluate", {**ELIGIBILITY, "province": "91"})
    assert response.status_code == 200
    assert response.json()["province"] == {"code": "91", "name": "An Giang"}
    # Kiên Giang (91 until 30/06/2025) is part of An Giang from 01/07/2025.
    older = post(signed_in, "/api/v1/eligibility/evaluate", {**ELIGIBILITY, "province": "91", "decided_on": "2025-03-01"})
    assert older.json()["province"]["name"] == "Kiên Giang"


def test_command_mixed_kinds_in_one_list(tmp_path):
    bad_eligibility = {**ELIGIBILITY, "decided_on": "2023-05-01", "year": 2022}
    results, _, status = run_command(tmp_path, [ELIGIBILITY, VOTING, bad_eligibility])
    assert status == 2
    assert results[0]["results"][0]["outcome"] == "ELIGIBLE"
    assert contract_view(results[1])["results"] == CONTRACT_RESULTS
    assert results[2]["error"]["code"] == "no_rule_version"
    assert results[0]["kind"] == "eligibility" and results[1]["kind"] == "voting"
