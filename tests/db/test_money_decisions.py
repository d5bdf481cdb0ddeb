"""Award money in decisions and proposals: one payment per achievement period (NĐ 152/2025 Điều 49),
Giấy khen cá nhân 0,3 × lương cơ sở, and amounts the law does not set shown as "chưa xác định" —
never "0 đồng" — until the officer enters what the issuing body decided (audited, compare-and-set)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.core.docx_xml import DocxXml
from thidua.accounts import actions as account_actions
from thidua.audit.models import AuditLog
from thidua.core.errors import ActionError, ConcurrentEditError, NotPermitted
from thidua.documents.models import IssuedDocument
from thidua.org import actions as org_actions
from thidua.org.models import Province
from thidua.proposals import actions
from thidua.proposals.models import DecisionRecipient, ProposalItem
from thidua.rules.money import money_vnd

pytestmark = pytest.mark.django_db

ZERO = re.compile(r"(?<![\d.])0 đồng")  # a bare zero amount, not the end of 3.510.000 đồng


def _person(world, name="Nguyễn Văn An"):
    return org_actions.do_create_person(actor=None, unit=world.tuyen_giao, data={"full_name": name, "gender": "NAM", "position_title": "Chuyên viên"})


def _decision(world, recipients, *, number="20", issued_on=dt.date(2026, 1, 10), level="PROVINCE"):
    return actions.do_record_external_decision(
        actor=world.an_officer, province=world.an_giang,
        data={"number": number, "symbol": "QĐ-UBND", "issued_on": issued_on, "level": level, "issuer_unit": world.tuyen_giao,
              "issuer_name": "Chủ tịch UBND tỉnh An Giang", "signer_title": "Chủ tịch", "signer_name": "Hồ Văn Mừng"},
        recipients=recipients,
    )


# --------------------------------------------------------------------------- per achievement period


@pytest.mark.sqlite
@pytest.mark.parametrize("issued_on,year", [(dt.date(2026, 1, 10), 2025), (dt.date(2025, 3, 1), 2024)])
def test_cstdcs_and_cstd_tinh_of_one_year_are_both_paid_ldtt_is_not(world, issued_on, year):
    person = _person(world)
    decision = _decision(world, [{"person": person, "award": a, "year": year} for a in ("LDTT", "CSTDCS", "CSTD_TINH")], issued_on=issued_on)
    amounts = dict(decision.recipients.values_list("award", "amount_vnd"))
    assert amounts == {"LDTT": 0, "CSTDCS": 2_340_000, "CSTD_TINH": 7_020_000}
    assert decision.money_total == 9_360_000 and decision.money_unknown_count == 0
    ldtt = decision.recipients.get(award="LDTT")
    assert "Chiến sĩ thi đua cơ sở" in ldtt.money_note and "cao nhất" in ldtt.money_note


def test_a_later_decision_pays_cstdcs_after_cstd_tinh_of_the_same_year(world):
    person = _person(world)
    _decision(world, [{"person": person, "award": "CSTD_TINH", "year": 2025}], number="21")
    later = _decision(world, [{"person": person, "award": "CSTDCS", "year": 2025}], number="22", level="UNIT")
    assert later.recipients.get().amount_vnd == 2_340_000
    third = _decision(world, [{"person": person, "award": "LDTT", "year": 2025}], number="23", level="UNIT")
    assert third.recipients.get().amount_vnd == 0 and "quyết định khác" in third.recipients.get().money_note


def test_giay_khen_for_an_individual_is_paid(world):
    decision = _decision(world, [{"person": _person(world), "award": "GIAY_KHEN", "year": 2025}], level="UNIT")
    assert decision.recipients.get().amount_vnd == 710_000 and decision.money_total_text == "710.000 đồng"


# --------------------------------------------------------------------------- unknown amounts


def _unknown(world):
    """Huân chương Lao động hạng Ba for an individual: the amount is not set (UNCONFIRMED)."""
    person = _person(world, "Trần Thị Bình")
    return _decision(world, [{"person": person, "award": "HCLD_3", "year": 2025}, {"person": person, "award": "BK_TINH", "year": 2025}], number="30",
                     level="CENTRAL")


@pytest.mark.sqlite
def test_an_unknown_amount_is_never_zero_and_the_officer_enters_it(world, client_for):
    decision = _unknown(world)
    assert decision.money_total == 3_510_000 and decision.money_unknown_count == 1
    assert decision.money_total_text == "3.510.000 đồng (chưa gồm 1 trường hợp chưa xác định mức tiền thưởng)"
    client = client_for(world.an_officer)
    page = client.get(reverse("proposals:decision_detail", args=[decision.uid])).content.decode()
    match = ZERO.search(page)
    assert "chưa xác định" in page and "chưa gồm 1 trường hợp" in page and not match, page[match.start() - 300:match.end() + 20] if match else ""
    hcld = decision.recipients.get(award="HCLD_3")
    before = AuditLog.objects.count()
    response = client.post(reverse("proposals:recipient_amount", args=[hcld.uid]),
                           {"version": hcld.version, "amount": "4.680.000", "note": "Điều 2 Quyết định số 30/QĐ-UBND"}, follow=True)
    assert "Đã ghi tiền thưởng" in response.content.decode()
    hcld.refresh_from_db()
    decision.refresh_from_db()
    assert hcld.amount_vnd == 4_680_000 and hcld.amount_entered_by_officer and "Điều 2 Quyết định số 30" in hcld.money_note
    assert decision.money_total == 8_190_000 and decision.money_unknown_count == 0 and decision.money_total_text == "8.190.000 đồng"
    assert AuditLog.objects.count() == before + 1
    log = AuditLog.objects.latest("pk")
    assert log.action == "proposals.recipient.amount" and log.changes["amount_vnd"] == [None, 4_680_000]
    assert log.changes["money_total"] == [3_510_000, 8_190_000]
    page = client.get(reverse("proposals:decision_detail", args=[decision.uid])).content.decode()
    assert "4.680.000" in page and "theo quyết định" in page


def test_bad_entries_change_nothing(world):
    decision = _unknown(world)
    hcld = decision.recipients.get(award="HCLD_3")
    bk = decision.recipients.get(award="BK_TINH")
    with pytest.raises(ActionError) as computed:
        actions.do_set_recipient_amount(actor=world.an_officer, recipient=bk, amount_vnd=1, expected_version=bk.version)
    assert "do pháp luật quy định" in computed.value.message
    for bad in (-5, 10**12, "1000"):
        with pytest.raises(ActionError):
            actions.do_set_recipient_amount(actor=world.an_officer, recipient=hcld, amount_vnd=bad, expected_version=hcld.version)
    with pytest.raises(ActionError):  # clearing an amount nobody entered
        actions.do_set_recipient_amount(actor=world.an_officer, recipient=hcld, amount_vnd=None, expected_version=hcld.version)
    with pytest.raises(ConcurrentEditError):
        actions.do_set_recipient_amount(actor=world.an_officer, recipient=hcld, amount_vnd=100_000, expected_version=hcld.version + 1)
    with pytest.raises(NotPermitted):
        actions.do_set_recipient_amount(actor=world.qn_officer, recipient=hcld, amount_vnd=100_000, expected_version=hcld.version)
    hcld.refresh_from_db()
    decision.refresh_from_db()
    assert hcld.amount_vnd is None and decision.money_unknown_count == 1 and decision.money_total == 3_510_000
    # Entered, then cleared back to "chưa xác định".
    actions.do_set_recipient_amount(actor=world.an_officer, recipient=hcld, amount_vnd=1_000_000, expected_version=hcld.version)
    hcld = DecisionRecipient.objects.get(pk=hcld.pk)
    actions.do_set_recipient_amount(actor=world.an_officer, recipient=hcld, amount_vnd=None, expected_version=hcld.version)
    hcld.refresh_from_db()
    decision.refresh_from_db()
    assert hcld.amount_vnd is None and not hcld.amount_entered_by_officer and decision.money_unknown_count == 1


def test_the_api_says_unknown_and_takes_the_amount(world):
    person = _person(world, "Lê Văn Cường")
    decision = _decision(world, [{"person": person, "award": "HCLD_3", "year": 2025}], number="31", level="CENTRAL")
    _, secret = account_actions.do_create_api_token(actor=world.an_officer, name="Phần mềm kế toán")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    body = client.get(f"/api/v1/decisions/{decision.uid}").json()
    assert body["money_total"] is None and body["money_unknown_count"] == 1 and body["money_total_text"] == "chưa xác định"
    row = body["recipients"][0]
    assert row["amount_vnd"] is None and row["amount_entered_by_officer"] is False
    url = f"/api/v1/decisions/{decision.uid}/recipients/{row['uid']}/amount"
    recipient = DecisionRecipient.objects.get(uid=row["uid"])
    stale = client.post(url, {"version": recipient.version + 3, "amount_vnd": 5_000_000}, content_type="application/json")
    assert stale.status_code == 409
    done = client.post(url, {"version": recipient.version, "amount_vnd": 5_000_000, "note": "Điều 2"}, content_type="application/json")
    assert done.status_code == 200, done.content
    assert done.json()["money_total"] == 5_000_000 and done.json()["recipients"][0]["amount_entered_by_officer"] is True


def test_the_decision_document_never_prints_zero_for_unknown(world, client_for):
    person = _person(world, "Phạm Thị Dung")
    decision = _decision(world, [{"person": person, "award": "HCLD_3", "year": 2025}], number="32", level="UNIT")
    client_for(world.an_officer).post(reverse("proposals:decision_document", args=[decision.uid]))
    text = DocxXml(IssuedDocument.objects.get(kind="AWARD_DECISION").generated_file.open("rb").read()).text()
    assert "Phạm Thị Dung" in text and "chưa xác định" in text and not ZERO.search(text)


# --------------------------------------------------------------------------- proposal totals


@pytest.mark.sqlite
def test_the_proposal_total_pays_one_title_per_period(world, client_for):
    province = Province.objects.get(pk=world.an_giang.pk)
    org_actions.do_update_province_settings(actor=None, province=province, data={"registration_required_for_proposal": False},
                                            expected_version=province.version)
    a, b = _person(world, "Nguyễn Văn An"), _person(world, "Hồ Thị Em")
    proposal = actions.do_create_proposal(actor=world.an_officer, proposer_unit=world.tuyen_giao,
                                          data={"title": "Đề nghị khen thưởng năm 2025", "year": 2025, "level": "PROVINCE"})
    for person, award in ((a, "LDTT"), (a, "CSTDCS"), (a, "CSTD_TINH"), (b, "HCLD_3"), (b, "CSTDCS")):
        actions.do_add_item(actor=world.an_officer, proposal=proposal, data={"person": person, "award": award})
    # The engine refuses these people (no history); take its verdict as eligible except Hồ Thị Em's CSTĐCS.
    ProposalItem.objects.filter(proposal=proposal).exclude(person=b, award="CSTDCS").update(eligibility={"outcome": "ELIGIBLE"})
    today = dt.date.today()
    cstdcs, cstd_tinh = money_vnd("CSTDCS", "individual", today), money_vnd("CSTD_TINH", "individual", today)
    client = client_for(world.an_officer)
    page = client.get(reverse("proposals:proposal_detail", args=[proposal.uid])).content.decode()
    total = f"{cstdcs + cstd_tinh:,}".replace(",", ".")
    assert f"Tổng tiền thưởng dự kiến: <strong>{total} đồng (chưa gồm 1 trường hợp chưa xác định mức tiền thưởng)" in page
    assert "không chi — Không chi tiền thưởng Lao động tiên tiến" in page and "chưa xác định (pháp luật chưa quy định mức" in page
    api = client.get(f"/api/v1/proposals/{proposal.uid}").json()
    money = {(i["subject_name"], i["award"]): i["money_vnd"] for i in api["items"]}
    assert money == {("Nguyễn Văn An", "LDTT"): 0, ("Nguyễn Văn An", "CSTDCS"): cstdcs, ("Nguyễn Văn An", "CSTD_TINH"): cstd_tinh,
                     ("Hồ Thị Em", "HCLD_3"): None, ("Hồ Thị Em", "CSTDCS"): None}
    assert api["money_total"] == cstdcs + cstd_tinh and api["money_unknown_count"] == 1


# --------------------------------------------------------------------------- the person page


@pytest.mark.sqlite
def test_the_person_page_says_which_title_of_a_period_is_paid(world, client_for):
    from thidua.history import actions as history_actions
    from thidua.history.models import AwardSource

    person = _person(world, "Đỗ Văn Giang")
    history_actions.do_set_task_rating(None, person, 2025, "EXCELLENT")
    history_actions.do_record_award(None, person, "LDTT", 2025, source=AwardSource.EXTERNAL,
                                    decision={"number": "25/QĐ-BTG", "date": dt.date(2026, 1, 5), "issuer": "Trưởng Ban Tuyên giáo"})
    page = client_for(world.viewer).get(reverse("org:person_detail", kwargs={"uid": person.uid}) + "?nam=2025").content.decode()
    # LĐTT and CSTĐCS 2025 are both open; given together only CSTĐCS is paid (same achievement period).
    assert "Nếu được tặng cùng lúc với danh hiệu trên: Không chi tiền thưởng Lao động tiên tiến" in page
    assert "với Chiến sĩ thi đua cơ sở" in page and not ZERO.search(page)
