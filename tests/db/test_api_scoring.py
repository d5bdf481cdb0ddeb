"""/api/v1 of scoring: the same actions, scope and audit as the pages; Vietnamese errors; 409 on a
stale version."""

import base64

import pytest
from django.test import Client

from thidua.accounts import actions as account_actions
from thidua.audit.models import AuditLog
from thidua.scoring.models import CriteriaSet, ScoreChange
from tests.db.test_scoring import FULL, build_block, open_round

pytestmark = pytest.mark.django_db

API = "/api/v1"
VIETNAMESE_LETTERS = "ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ"


def _vietnamese(body, code):
    error = body["error"]
    return error["code"] == code and any(ch in error["message"].lower() for ch in VIETNAMESE_LETTERS)


def _bearer(user) -> Client:
    _, secret = account_actions.do_create_api_token(actor=user, name="Phần mềm chấm điểm")
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def _json(client, method, url, data=None):
    return getattr(client, method)(url, data or {}, content_type="application/json")


@pytest.fixture
def block(world):
    return open_round(build_block(world))


def _scores(values, reasons=None):
    reasons = reasons or {}
    return [{"code": code, "points": points, "note": note, "reason": reasons.get(code, "")} for code, (points, note) in values.items()]


@pytest.mark.sqlite
def test_a_unit_scores_submits_and_the_head_corrects_through_the_api(block):
    b, w = block, block.world
    unit = _bearer(w.unit_officer)
    sheet_url = f"{API}/scoring/sheets/{b.tg.uid}"
    body = unit.get(sheet_url).json()
    assert body["score_level"] == "SELF" and body["allowed_events"] == ["submit"]
    assert [r["code"] for r in body["rows"]] == ["1", "1.1", "1.2", "2", "2.1", "3", "4"]

    saved = _json(unit, "put", sheet_url + "/scores", {"version": body["version"], "level": "SELF", "scores": _scores(FULL)})
    assert saved.status_code == 200, saved.content
    assert saved.json()["self_total"] == "90.00"
    bad = _json(unit, "post", sheet_url + "/evidence", {"code": "1.2", "filename": "qd.pdf", "content_base64": "không phải base64"})
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "content_base64"
    attached = _json(unit, "post", sheet_url + "/evidence", {"code": "1.2", "filename": "quyet-dinh.pdf", "content_base64": base64.b64encode(b"%PDF-1.4 qd").decode()})
    assert attached.status_code == 201, attached.content
    assert [e["filename"] for e in next(r for r in attached.json()["rows"] if r["code"] == "1.2")["evidence"]] == ["quyet-dinh.pdf"]
    version = attached.json()["version"]
    submitted = _json(unit, "post", sheet_url + "/transition", {"version": version, "event": "submit"})
    assert submitted.status_code == 200 and submitted.json()["state"] == "SUBMITTED"

    head = _bearer(b.head_officer)
    body = head.get(sheet_url).json()
    assert body["score_level"] == "CROSS"
    refused = _json(head, "put", sheet_url + "/scores", {"version": body["version"], "level": "CROSS", "scores": _scores({"1.1": ("26", None)})})
    assert refused.status_code == 422 and _vietnamese(refused.json(), "invalid") and "lý do" in refused.json()["error"]["message"]
    ok = _json(head, "put", sheet_url + "/scores", {
        "version": body["version"], "level": "CROSS", "scores": _scores({"1.1": ("26", None)}, {"1.1": "Thiếu chỉ tiêu phát triển đảng viên"}),
    })
    assert ok.status_code == 200
    row = next(r for r in ok.json()["rows"] if r["code"] == "1.1")
    assert (row["self_points"], row["cross_points"], row["effective_points"]) == ("28.00", "26.00", "26.00")
    assert row["changes"][0]["reason"] == "Thiếu chỉ tiêu phát triển đảng viên" and row["changes"][0]["old_points"] == "28.00"

    # Before publication the unit does not see the ranking; the head does.
    ranking_url = f"{API}/scoring/rounds/{b.round.uid}/ranking"
    assert unit.get(ranking_url).status_code == 403
    ranking = head.get(ranking_url).json()
    assert ranking["published"] is False and ranking["rows"][0]["unit"] == str(w.tuyen_giao.uid)


@pytest.mark.sqlite
def test_a_stale_version_answers_409_and_writes_nothing(block):
    b, w = block, block.world
    unit = _bearer(w.unit_officer)
    url = f"{API}/scoring/sheets/{b.tg.uid}/scores"
    version = b.tg.version
    first = _json(unit, "put", url, {"version": version, "level": "SELF", "scores": _scores({"1.1": ("20", "")})})
    assert first.status_code == 200
    before = (AuditLog.objects.count(), first.json()["rows"][1]["self_points"])
    second = _json(unit, "put", url, {"version": version, "level": "SELF", "scores": _scores({"1.1": ("29", "")})})
    assert second.status_code == 409 and _vietnamese(second.json(), "conflict")
    assert "đã có người sửa" in second.json()["error"]["message"]
    after = unit.get(f"{API}/scoring/sheets/{b.tg.uid}").json()
    assert (AuditLog.objects.count(), after["rows"][1]["self_points"]) == before == (before[0], "20.00")


def test_sheets_of_other_units_are_not_found_until_published_and_outsiders_never(block):
    b, w = block, block.world
    unit = _bearer(w.unit_officer)
    assert unit.get(f"{API}/scoring/sheets/{b.tc.uid}").status_code == 404
    assert _bearer(w.qn_officer).get(f"{API}/scoring/sheets/{b.tg.uid}").status_code == 404
    round_body = unit.get(f"{API}/scoring/rounds/{b.round.uid}").json()
    assert [s["unit"]["name"] for s in round_body["sheets"]] == ["Ban Tuyên giáo Tỉnh ủy"]
    assert _bearer(w.qn_officer).get(f"{API}/scoring/rounds/{b.round.uid}").status_code == 404
    # The viewer holds no scoring right: writes are refused before anything happens.
    viewer = _bearer(w.viewer)
    refused = _json(viewer, "put", f"{API}/scoring/sheets/{b.tg.uid}/scores", {"version": 1, "level": "SELF", "scores": []})
    assert refused.status_code == 403 and _vietnamese(refused.json(), "forbidden")


def test_sets_are_created_copied_and_frozen_through_the_api(world):
    b = build_block(world)
    officer = _bearer(world.an_officer)
    created = _json(officer, "post", f"{API}/scoring/sets", {
        "province": str(world.an_giang.uid), "bloc": str(b.bloc.uid), "year": b.bloc_year.year, "name": "Bảng tiêu chí sửa đổi",
        "tie_breakers": ["FEWER_DEDUCTIONS"], "bands": [{"code": "DAT", "label": "Đạt", "min_total": "50"}, {"code": "CHUA_DAT", "label": "Chưa đạt", "min_total": "0"}],
    })
    assert created.status_code == 201, created.content
    assert created.json()["version_no"] == 2 and created.json()["bands"][0]["label"] == "Đạt"
    set_uid = created.json()["uid"]
    added = _json(officer, "post", f"{API}/scoring/sets/{set_uid}/criteria", {"code": "1", "title": "Nhiệm vụ chính trị", "kind": "SCORE", "max_points": "100"})
    assert added.status_code == 201 and added.json()["criteria"][0]["max_points"] == "100.00"
    bad = _json(officer, "post", f"{API}/scoring/sets/{set_uid}/criteria", {"code": "2", "title": "Âm", "kind": "SCORE", "max_points": "-1"})
    assert bad.status_code == 422 and _vietnamese(bad.json(), "invalid")

    opened = _json(officer, "post", f"{API}/scoring/rounds", {"bloc_year": str(b.bloc_year.uid), "criteria_set": set_uid, "quota": 1})
    assert opened.status_code == 201, opened.content
    assert len(opened.json()["sheets"]) == 3
    frozen = _json(officer, "post", f"{API}/scoring/sets/{set_uid}/criteria", {"code": "2", "title": "Mới", "kind": "BONUS", "max_points": "5"})
    assert frozen.status_code == 400 and "phiên bản mới" in frozen.json()["error"]["message"]
    copy = _json(officer, "post", f"{API}/scoring/sets/{set_uid}/copy", {})
    assert copy.status_code == 201 and copy.json()["version_no"] == 3 and copy.json()["state"] == "DRAFT"
    assert len(copy.json()["criteria"]) == 1
    stale = _json(officer, "patch", f"{API}/scoring/sets/{copy.json()['uid']}", {"version": 99, "note": "x"})
    assert stale.status_code == 409
    assert CriteriaSet.objects.get(uid=copy.json()["uid"]).note == ""
    # A unit officer may not build criteria sets.
    assert _json(_bearer(world.unit_officer), "post", f"{API}/scoring/sets/{set_uid}/copy", {}).status_code == 403


def test_publish_and_confirm_the_leader_through_the_api(block):
    import datetime as dt

    from thidua.blocs import actions as bloc_actions
    from tests.db.test_scoring import to_appraised

    b, w = block, block.world
    to_appraised(b, b.tg)
    meeting = bloc_actions.do_record_meeting(
        actor=None, bloc_year=b.bloc_year, data={"kind": "ANNUAL_REVIEW", "held_on": dt.date(b.bloc_year.year, 12, 20), "place": "An Giang"}, attending=[],
    )
    head = _bearer(b.head_officer)
    url = f"{API}/scoring/rounds/{b.round.uid}"
    refused = _json(head, "post", url + "/publish", {"version": b.round.version, "meeting": str(meeting.uid)})
    assert refused.status_code == 400 and "Ban Tổ chức" in refused.json()["error"]["message"]
    published = _json(head, "post", url + "/publish", {
        "version": b.round.version, "meeting": str(meeting.uid),
        "unranked": [{"sheet": str(b.tc.uid), "reason": "Không gửi phiếu"}, {"sheet": str(b.dv.uid), "reason": "Không gửi phiếu"}],
    })
    assert published.status_code == 200, published.content
    assert published.json()["state"] == "PUBLISHED"
    # Published: every member sees the ranking and every sheet.
    unit = _bearer(w.unit_officer)
    ranking = unit.get(url + "/ranking").json()
    assert ranking["published"] is True and ranking["leader"] == str(w.tuyen_giao.uid)
    assert unit.get(f"{API}/scoring/sheets/{b.tc.uid}").status_code == 200
    frozen = _json(unit, "post", f"{API}/scoring/sheets/{b.tg.uid}/transition", {"version": 99, "event": "return", "reason": "x"})
    assert frozen.status_code == 400 and "đã công bố" in frozen.json()["error"]["message"]
    version = published.json()["version"]
    confirmed = _json(head, "post", url + "/leader", {"version": version, "unit": str(w.tuyen_giao.uid), "how": "ACCLAMATION"})
    assert confirmed.status_code == 200 and confirmed.json()["confirmed_leader"]["name"] == "Ban Tuyên giáo Tỉnh ủy"
    again = _json(head, "post", url + "/leader", {"version": version, "unit": str(w.tuyen_giao.uid), "how": "ACCLAMATION"})
    assert again.status_code == 409
    assert not ScoreChange.objects.exists()


def test_assigning_a_cross_checker_lets_that_unit_see_the_sheet(block):
    b, w = block, block.world
    officer = _bearer(w.an_officer)
    url = f"{API}/scoring/sheets/{b.tc.uid}"
    assert _bearer(w.unit_officer).get(url).status_code == 404
    assigned = _json(officer, "post", f"{API}/scoring/rounds/{b.round.uid}/assignments", {"sheet": str(b.tc.uid), "reviewer_units": [str(w.tuyen_giao.uid)]})
    assert assigned.status_code == 200, assigned.content
    assert _bearer(w.unit_officer).get(url).status_code == 200
    own = _json(officer, "post", f"{API}/scoring/rounds/{b.round.uid}/assignments", {"sheet": str(b.tc.uid), "reviewer_units": [str(w.to_chuc.uid)]})
    assert own.status_code == 422 and "chính mình" in own.json()["error"]["message"]
    # The block may open its results to every member before publication.
    opened = _json(officer, "patch", f"{API}/scoring/rounds/{b.round.uid}", {"version": b.round.version, "results_visible_before_publish": True})
    assert opened.status_code == 200 and opened.json()["results_visible"] is True
    assert _bearer(w.unit_officer).get(f"{API}/scoring/rounds/{b.round.uid}/ranking").status_code == 200
    stale = _json(officer, "patch", f"{API}/scoring/rounds/{b.round.uid}", {"version": b.round.version, "quota": 1})
    assert stale.status_code == 409
    # Only those who organise the block's scoring assign cross-checkers.
    refused = _json(_bearer(w.unit_officer), "post", f"{API}/scoring/rounds/{b.round.uid}/assignments", {"sheet": str(b.tc.uid), "reviewer_units": []})
    assert refused.status_code == 403
