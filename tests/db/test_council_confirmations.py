"""Results that wait on the council (issue #11 point 8).

A person with no history at all used to show a green "Đủ điều kiện" for Bằng khen của Thủ tướng:
the engine is ELIGIBLE because Điều 73 khoản 1 điểm a is made of qualitative conditions only,
and the pages painted every ELIGIBLE green. Such a result now reads "Đủ điều kiện nếu Hội đồng
xác nhận" with its own badge; the council's confirmations, recorded with the minutes of a poll
or the decision of a block meeting, feed the proposal item's evaluation.
"""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from thidua.audit.models import AuditLog
from thidua.core.errors import ActionError, NotPermitted
from thidua.counting import actions
from thidua.counting.models import CouncilConfirmation
from thidua.history import actions as history
from thidua.org import actions as org
from thidua.proposals import actions as proposals
from thidua.voting import actions as voting

pytestmark = pytest.mark.django_db

HELD_ON = dt.date(2025, 12, 20)


def _person(world, name="Nguyễn Văn An"):
    return org.do_create_person(actor=None, unit=world.tuyen_giao, data={"full_name": name, "gender": "NAM"})


def _row(page: str, award_name: str) -> str:
    """The table row of one award in the "Có thể đề nghị" section."""
    match = re.search(r"<tr>\s*<td>" + re.escape(award_name) + r"</td>.*?</tr>", page, re.S)
    assert match, award_name
    return match.group(0)


def _poll(world, candidates, *, state="OPEN"):
    council = voting.do_create_council(
        actor=None, province=world.an_giang, data={"name": "Hội đồng Thi đua - Khen thưởng tỉnh", "level": "PROVINCE"}
    )
    voting.do_add_council_member(actor=None, council=council, data={"full_name": "Nguyễn Văn Chủ", "role": "CHAIR", "term_from": dt.date(2025, 1, 1)})
    poll = voting.do_create_poll(
        actor=None,
        data={"title": "Bình xét Bằng khen của Thủ tướng năm 2025", "council": council, "electorate": "COUNCIL", "subject": "AWARD",
              "award_code": "BK_TTG", "threshold_pct": 50, "method": "APPROVE_EACH", "mode": "E_BALLOT", "held_on": HELD_ON},
        candidates=[{"person": p} for p in candidates],
    )
    if state == "OPEN":
        poll = voting.do_open_poll(actor=None, poll=poll, expected_version=poll.version)
    return poll


def _item(world, person, award="BK_TTG"):
    proposal = proposals.do_create_proposal(
        actor=None, proposer_unit=world.tuyen_giao, data={"title": "Đề nghị tặng Bằng khen năm 2025", "year": 2025}
    )
    item = proposals.do_add_item(actor=None, proposal=proposal, data={"person": person, "award": award})
    proposals.do_check_proposal(actor=None, proposal=proposal)
    item.refresh_from_db()
    return item


def _record(actor, item, poll, key="outstanding", **kwargs):
    data = {"confirmed": True, "reference": "05/BB-HĐTĐKT", "dated": HELD_ON, **kwargs}
    return actions.do_record_council_confirmation(actor=actor, item=item, key=key, poll=poll, **data)


# ------------------------------------------------------------------------------ the badge


@pytest.mark.sqlite
def test_person_with_no_history_is_not_green_for_bang_khen_thu_tuong(world, client_for):
    person = _person(world)
    page = client_for(world.viewer).get(reverse("org:person_detail", kwargs={"uid": person.uid}) + "?nam=2025").content.decode()
    row = _row(page, "Bằng khen của Thủ tướng Chính phủ")
    assert '<span class="badge council">Đủ điều kiện nếu Hội đồng xác nhận</span>' in row
    assert "badge ok" not in row
    # Why: each open route and the conditions it waits on, with their citations.
    assert "Điểm 73.1.a" in row and "Điểm 73.1.c" in row and "Điểm 73.1.b" not in row
    assert "tiêu biểu xuất sắc" in row and "Điều 73" in row
    # The stylesheet gives the badge its own colour (no inline style: CSP).
    css = open("static/css/app.css", encoding="utf-8").read()
    assert ".badge.council" in css and 'style="' not in row


@pytest.mark.sqlite
def test_a_result_the_data_decides_stays_green(world, client_for):
    person = _person(world)
    history.do_set_task_rating(None, person, 2025, "EXCELLENT")
    history.do_record_award(None, person, "LDTT", 2025, decision={"number": "12/QĐ-BTG", "date": dt.date(2026, 1, 5), "issuer": "Ban Tuyên giáo"})
    page = client_for(world.viewer).get(reverse("history:subject", kwargs={"kind": "ca-nhan", "uid": person.uid}) + "?nam=2025").content.decode()
    assert '<span class="badge ok">Đủ điều kiện</span>' in _row(page, "Chiến sĩ thi đua cơ sở")
    # Lao động tiên tiến still needs "nội bộ đoàn kết" confirmed in the minutes.
    assert "badge council" in _row(page, "Lao động tiên tiến")


@pytest.mark.sqlite
def test_batch_page_excel_and_api_tell_the_two_apart(world, client_for):
    decided = _person(world, "Người có dữ liệu")
    history.do_set_task_rating(None, decided, 2025, "EXCELLENT")
    history.do_record_award(None, decided, "LDTT", 2025, decision={"number": "12/QĐ-BTG", "date": dt.date(2026, 1, 5), "issuer": "Ban Tuyên giáo"})
    _person(world, "Người chưa có hồ sơ")
    client = client_for(world.an_officer)
    url = reverse("history:batch")
    page = client.get(url, {"nam": "2025", "khen_thuong": "BK_TTG"}).content.decode()
    assert "Đủ nếu Hội đồng xác nhận" in page and '<span class="badge ok">Đủ</span>' not in page
    page = client.get(url, {"nam": "2025", "khen_thuong": "CSTDCS"}).content.decode()
    assert '<span class="badge ok">Đủ</span>' in page
    response = client.get(url, {"nam": "2025", "khen_thuong": "BK_TTG", "ket_qua": "ELIGIBLE_IF_CONFIRMED", "xuat": "xlsx"})
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert {r[-1] for r in rows[1:]} == {"Đủ điều kiện nếu Hội đồng xác nhận"} and len(rows) == 3
    response = client.get(url, {"nam": "2025", "khen_thuong": "BK_TTG", "ket_qua": "ELIGIBLE", "xuat": "xlsx"})
    assert len(list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))) == 1
    # The API: the engine's outcome code stays, the shown status says it waits on the council.
    batch = client.get("/api/v1/history/eligible", {"year": 2025, "award": "BK_TTG"}).json()
    assert {i["statuses"]["BK_TTG"] for i in batch["items"]} == {"ELIGIBLE_IF_CONFIRMED"}
    assert {i["outcomes"]["BK_TTG"] for i in batch["items"]} == {"ELIGIBLE"}
    one = client.get(f"/api/v1/history/ca-nhan/{decided.uid}/eligibility", {"year": 2025, "decided_on": "2026-01-10"}).json()
    assert {r["award"]: r["outcome"] for r in one["results"]}["BK_TTG"] == "ELIGIBLE"
    assert one["statuses"]["CSTDCS"] == "ELIGIBLE" and one["statuses"]["BK_TTG"] == "ELIGIBLE_IF_CONFIRMED"
    assert one["status_labels"]["BK_TTG"] == "Đủ điều kiện nếu Hội đồng xác nhận"


# ------------------------------------------------------------------------------ council confirmations


def test_confirmation_from_the_minutes_makes_the_item_plainly_eligible(world, client_for):
    person = _person(world)
    poll = _poll(world, [person])
    item = _item(world, person)
    page = client_for(world.an_officer).get(reverse("proposals:proposal_detail", args=[item.proposal.uid])).content.decode()
    assert '<span class="badge council">Đủ điều kiện nếu Hội đồng xác nhận</span>' in page
    _record(world.an_officer, item, poll, key="exemplary")
    row = _record(world.an_officer, item, poll, key="outstanding", note="Được Hội đồng bình chọn tiêu biểu")
    item.refresh_from_db()
    assert item.eligibility["outcome"] == "ELIGIBLE"
    assert not [b for b in item.blockers if b["code"].startswith("confirm:")]
    page = client_for(world.an_officer).get(reverse("proposals:proposal_detail", args=[item.proposal.uid])).content.decode()
    assert '<span class="badge ok">Đủ điều kiện</span>' in page and "badge council" not in page
    assert (
        "Hội đồng đã xác nhận “tiêu biểu xuất sắc, được bình xét lựa chọn trong phong trào thi đua” "
        "theo biên bản số 05/BB-HĐTĐKT ngày 20/12/2025" in page
    )
    log = AuditLog.objects.filter(action="counting.confirmation.record", object_uid=str(row.uid)).get()
    assert log.actor == world.an_officer and log.changes["confirmed"] == [None, True]
    # Recorded again (the council refused it after all): replaced, the audit row keeps the old value.
    _record(world.an_officer, item, poll, key="outstanding", confirmed=False)
    assert CouncilConfirmation.objects.filter(item=item).count() == 2
    assert AuditLog.objects.filter(action="counting.confirmation.record", object_uid=str(row.uid)).latest("pk").changes["confirmed"] == [True, False]
    item.refresh_from_db()
    checks = [c for c in item.eligibility["checks"] if c.get("confirmation") == "outstanding"]
    assert checks and all(c["passed"] is False for c in checks)
    assert item.eligibility["outcome"] == "ELIGIBLE"  # route 73.1.c still waits on the council


@pytest.mark.sqlite
def test_confirmation_page_records_from_the_poll(world, client_for):
    person = _person(world)
    poll = _poll(world, [person])
    item = _item(world, person)
    client = client_for(world.an_officer)
    assert "Ghi xác nhận theo biên bản" in client.get(reverse("voting:poll_detail", kwargs={"uid": poll.uid})).content.decode()
    url = reverse("counting:poll_confirmations", kwargs={"uid": poll.uid})
    page = client.get(url).content.decode()
    assert "Nguyễn Văn An" in page and "tiêu biểu xuất sắc" in page
    response = client.post(url, {"item": str(item.uid), "key": "exemplary", "confirmed": "yes", "reference": "05/BB-HĐTĐKT",
                                 "dated": "20/12/2025", "note": ""})
    assert response.status_code == 302
    assert CouncilConfirmation.objects.get(item=item).key == "exemplary"
    # A refusal is shown on the form, in Vietnamese, and nothing is written.
    response = client.post(url, {"item": str(item.uid), "key": "outstanding", "confirmed": "yes", "reference": "05/BB-HĐTĐKT",
                                 "dated": "19/12/2025", "note": ""})
    assert response.status_code == 422
    assert "không thể trước ngày họp (20/12/2025)" in response.content.decode()
    assert CouncilConfirmation.objects.filter(item=item).count() == 1


def test_refusals_are_in_vietnamese_and_change_nothing(world):
    person, other = _person(world), _person(world, "Trần Thị Bình")
    poll = _poll(world, [person])
    item = _item(world, person)
    stranger = _item(world, other)
    cases = [
        (dict(item=stranger), "Trần Thị Bình không có trong danh sách được bình xét"),
        (dict(key="party_orgs_strong"), "không có tiêu chuẩn “tổ chức đảng, đoàn thể hoàn thành tốt, xuất sắc nhiệm vụ”"),
        (dict(key="la-gi"), "không có trong danh mục"),
        (dict(reference="  "), "Hãy ghi số, ký hiệu biên bản"),
        (dict(dated=dt.date(2025, 12, 19)), "không thể trước ngày họp (20/12/2025)"),
        (dict(dated=dt.date.today() + dt.timedelta(days=3)), "chưa đến"),
    ]
    for change, message in cases:
        data = {"item": item, "key": "outstanding", **change}
        with pytest.raises(ActionError) as refused:
            _record(world.an_officer, data.pop("item"), poll, key=data.pop("key"), **data)
        assert message in refused.value.message, (change, refused.value.message)
    draft = _poll(world, [person], state="DRAFT")
    with pytest.raises(ActionError, match="còn đang chuẩn bị, chưa họp"):
        _record(world.an_officer, item, draft)
    proposal = item.proposal
    from thidua.proposals.models import Proposal

    Proposal.objects.filter(pk=proposal.pk).update(state="REJECTED")
    with pytest.raises(ActionError, match="đã kết thúc"):
        _record(world.an_officer, item, poll)
    assert CouncilConfirmation.objects.count() == 0
    assert not AuditLog.objects.filter(action="counting.confirmation.record").exists()


def test_meeting_decision_only_for_its_own_dossiers(world):
    from thidua.blocs import actions as blocs

    bloc = blocs.do_create_bloc(actor=None, province=world.an_giang, data={"name": "Khối các cơ quan Đảng", "kind": "KHOI"})
    year, _ = blocs.do_open_year(actor=None, bloc=bloc, year=2025)
    for unit in (world.tuyen_giao, world.to_chuc):
        blocs.do_add_member(actor=None, bloc_year=year, unit=unit)
    meeting = blocs.do_record_meeting(
        actor=None, bloc_year=year, data={"kind": "DELIBERATION", "held_on": HELD_ON, "place": "Long Xuyên"}, attending=[world.tuyen_giao],
    )
    person = _person(world)
    unit_item = _item(world, person)
    with pytest.raises(ActionError, match="không được lập từ hội nghị này"):
        actions.do_record_council_confirmation(actor=world.an_officer, item=unit_item, key="outstanding", confirmed=True,
                                               reference="01/QĐ-KTĐ", dated=HELD_ON, meeting=meeting)
    block_proposal = proposals.do_create_proposal(actor=None, meeting=meeting, data={"title": "Khối đề nghị Bằng khen năm 2025"})
    item = proposals.do_add_item(actor=None, proposal=block_proposal, data={"unit": world.to_chuc, "award": "BK_TINH"})
    row = actions.do_record_council_confirmation(actor=world.an_officer, item=item, key="solidarity", confirmed=True,
                                                 reference="01/QĐ-KTĐ", dated=HELD_ON, meeting=meeting)
    assert row.source_text == "quyết định của hội nghị số 01/QĐ-KTĐ ngày 20/12/2025"
    item.refresh_from_db()
    solidarity = [c for c in item.eligibility["checks"] if c.get("confirmation") == "solidarity"]
    assert solidarity and all(c["passed"] is True for c in solidarity)
    # Only who leads the block (or the province's officers) records a meeting's decision.
    with pytest.raises(NotPermitted):
        actions.do_record_council_confirmation(actor=world.unit_officer, item=item, key="exemplary", confirmed=True,
                                               reference="01/QĐ-KTĐ", dated=HELD_ON, meeting=meeting)


def test_access_action_page_and_api(world, client_for):
    person = _person(world)
    poll = _poll(world, [person])
    item = _item(world, person)
    for outsider in (world.unit_officer, world.viewer, world.qn_officer, world.nobody):
        with pytest.raises(NotPermitted):
            _record(outsider, item, poll)
    assert CouncilConfirmation.objects.count() == 0
    url = reverse("counting:poll_confirmations", kwargs={"uid": poll.uid})
    assert client_for(world.viewer).get(url).status_code == 403
    assert client_for(world.qn_officer).get(url).status_code == 404
    body = {"item": str(item.uid), "poll": str(poll.uid), "key": "outstanding", "confirmed": True,
            "reference": "05/BB-HĐTĐKT", "dated": "2025-12-20"}
    assert client_for(world.viewer).post("/api/v1/council-confirmations", body, content_type="application/json").status_code == 403
    assert client_for(world.qn_officer).post("/api/v1/council-confirmations", body, content_type="application/json").status_code == 404
    response = client_for(world.an_officer).post("/api/v1/council-confirmations", body, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["item_status"] == "ELIGIBLE_IF_CONFIRMED"  # "gương mẫu" still to confirm
    body["key"] = "exemplary"
    assert client_for(world.an_officer).post("/api/v1/council-confirmations", body, content_type="application/json").json()["item_status"] == "ELIGIBLE"
    item_api = client_for(world.an_officer).get(f"/api/v1/proposals/{item.proposal.uid}").json()["items"][0]
    assert item_api["outcome"] == "ELIGIBLE" and item_api["status"] == "ELIGIBLE"
    assert any("theo biên bản số 05/BB-HĐTĐKT ngày 20/12/2025" in t for t in item_api["council_confirmations"])
    body["key"] = "party_orgs_strong"
    refused = client_for(world.an_officer).post("/api/v1/council-confirmations", body, content_type="application/json")
    assert refused.status_code in (400, 422) and "không có tiêu chuẩn" in refused.json()["error"]["message"]
