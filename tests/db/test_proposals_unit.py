"""Unit year-end (bình xét trong đơn vị): a unit decides its own LĐTT / CSTĐCS list, within its head's authority."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from tests.core.docx_xml import DocxXml
from tests.factories import grant, make_user
from thidua.accounts.models import Role
from thidua.audit.models import AuditLog
from thidua.core.errors import NotPermitted
from thidua.documents.models import IssuedDocument
from thidua.history import actions as history_actions
from thidua.history.models import AwardRecord
from thidua.org import actions as org_actions
from thidua.org.models import Person, Province
from thidua.proposals import actions
from thidua.proposals.models import Decision, Proposal, ProposalItem
from thidua.rules.proposals import UNIT_HEAD_AWARDS, unit_head_refusal

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()
DECISION = {"number": "12", "symbol": "QĐ-BTGTU", "issued_on": TODAY, "signer_name": "Trần Thị Thanh Hương", "signer_title": "Trưởng ban"}


def _no_registration_rule(world):
    province = Province.objects.get(pk=world.an_giang.pk)
    org_actions.do_update_province_settings(
        actor=None, province=province, data={"registration_required_for_proposal": False}, expected_version=province.version
    )


def _leader(world, unit=None, name="truong-ban-tuyen-giao"):
    user = make_user(name)
    grant(user, Role.UNIT_LEADER, world.an_giang_old, unit=unit or world.tuyen_giao)
    return user


def _staff(world, count, *, rated=True, prefix="Cán bộ"):
    people = []
    for n in range(1, count + 1):
        person = org_actions.do_create_person(actor=None, unit=world.tuyen_giao, data={"full_name": f"{prefix} {n:03d}", "gender": "NU", "position_title": "Chuyên viên"})
        if rated:
            history_actions.do_set_task_rating(None, person, 2025, "GOOD")
        people.append(person)
    return people


def _unit_proposal(world, actor, unit=None, title="Đề nghị công nhận Lao động tiên tiến năm 2025"):
    return actions.do_create_proposal(actor=actor, proposer_unit=unit or world.tuyen_giao, data={"title": title, "year": 2025, "level": "UNIT"})


def test_the_unit_head_authority_is_data_with_a_citation():
    assert set(UNIT_HEAD_AWARDS) == {"LDTT", "CSTDCS", "TTLDTT", "GIAY_KHEN"}
    assert all("Luật Thi đua, khen thưởng 2022" in c for c in UNIT_HEAD_AWARDS.values())
    assert unit_head_refusal("UNIT", ["LDTT", "CSTDCS"]) is None
    refusal = unit_head_refusal("UNIT", ["LDTT", "BK_TINH"])
    assert "Bằng khen" in refusal and "Điều 80" in refusal
    assert "không do thủ trưởng đơn vị quyết định" in unit_head_refusal("PROVINCE", ["LDTT"])


@pytest.mark.sqlite
def test_a_unit_decides_its_own_list_of_200_and_prints_it(world, client_for):
    _no_registration_rule(world)
    leader = _leader(world)
    eligible = _staff(world, 200)
    _staff(world, 3, rated=False, prefix="Chưa đánh giá")
    proposal = _unit_proposal(world, world.unit_officer)

    client = client_for(world.unit_officer)
    page = client.get(reverse("proposals:proposal_detail", args=[proposal.uid])).content.decode()
    assert "Thêm cán bộ đủ điều kiện" in page and "Thủ trưởng Ban Tuyên giáo Tỉnh ủy tiếp nhận" in page
    response = client.post(reverse("proposals:item_add_eligible", args=[proposal.uid]), {"award": "LDTT"}, follow=True)
    assert "Đã thêm 200 cán bộ đủ điều kiện Lao động tiên tiến năm 2025" in response.content.decode()
    assert set(ProposalItem.objects.filter(proposal=proposal).values_list("person_id", flat=True)) == {p.pk for p in eligible}
    # Running it again adds nobody twice.
    again = client.post(reverse("proposals:item_add_eligible", args=[proposal.uid]), {"award": "LDTT"}, follow=True)
    assert "Không có thêm cán bộ nào" in again.content.decode() and proposal.items.count() == 200

    proposal.refresh_from_db()
    proposal = actions.do_transition(actor=world.unit_officer, proposal=proposal, event="submit", expected_version=proposal.version)
    # The unit's officer cannot receive its own dossier; its leader can, and takes it to the decision.
    with pytest.raises(NotPermitted):
        actions.do_transition(actor=world.unit_officer, proposal=proposal, event="receive", expected_version=proposal.version)
    proposal = actions.do_transition(actor=leader, proposal=proposal, event="receive", expected_version=proposal.version)
    proposal = actions.do_transition(actor=leader, proposal=proposal, event="appraise", expected_version=proposal.version)
    leader_client = client_for(leader)
    page = leader_client.get(reverse("proposals:proposal_detail", args=[proposal.uid])).content.decode()
    assert "Đồng ý tất cả trường hợp không vướng mắc" in page and "Thủ trưởng Ban Tuyên giáo Tỉnh ủy tiếp nhận" in page
    response = leader_client.post(reverse("proposals:proposal_approve_unblocked", args=[proposal.uid]), {"version": proposal.version}, follow=True)
    assert "cho 200 trường hợp" in response.content.decode()
    proposal.refresh_from_db()
    proposal = actions.do_transition(actor=leader, proposal=proposal, event="present", expected_version=proposal.version)
    decision = actions.do_issue_decision(actor=leader, proposal=proposal, data=dict(DECISION), expected_version=proposal.version)
    assert decision.issuer_unit_id == world.tuyen_giao.pk and decision.level == "UNIT"
    assert decision.recipients.count() == 200 and Proposal.objects.get(pk=proposal.pk).state == "DECIDED"
    assert AwardRecord.objects.filter(award_code="LDTT", year=2025, person__in=eligible).count() == 200

    listing = leader_client.get(reverse("proposals:decision_list")).content.decode()
    assert "12/QĐ-BTGTU" in listing and "Ghi nhận quyết định của cấp trên" not in listing  # the province's, not the unit's
    leader_client.post(reverse("proposals:decision_document", args=[decision.uid]))
    document = IssuedDocument.objects.get(kind="AWARD_DECISION")
    text = DocxXml(document.generated_file.open("rb").read()).text()
    assert "Cán bộ 001" in text and "Cán bộ 200" in text and "Chưa đánh giá" not in text
    assert "QUYẾT ĐỊNH" in text and "Lao động tiên tiến" in text


def _presented(world, award, unit=None, person=None):
    """A unit dossier naming one subject for `award`, walked to PRESENTED by the province."""
    unit = unit or world.tuyen_giao
    proposal = _unit_proposal(world, None, unit=unit, title="Đề nghị khen thưởng năm 2025")
    data = {"person": person, "award": award} if person else {"unit": unit, "award": award}
    actions.do_add_item(actor=None, proposal=proposal, data=data)
    proposal.refresh_from_db()
    for event in ("submit", "receive", "appraise"):
        proposal = actions.do_transition(actor=None, proposal=proposal, event=event, expected_version=proposal.version)
    for item in proposal.items.all():
        actions.do_appraise_item(actor=None, item=item, appraisal="APPROVED", note="", expected_version=item.version)
    return actions.do_transition(actor=None, proposal=proposal, event="present", expected_version=proposal.version)


@pytest.mark.sqlite
def test_a_unit_leader_cannot_decide_a_province_award_nor_another_units_dossier(world):
    _no_registration_rule(world)
    leader = _leader(world)
    province_award = _presented(world, "BK_TINH")
    staff = org_actions.do_create_person(actor=None, unit=world.to_chuc, data={"full_name": "Phạm Văn Bình", "gender": "NAM"})
    history_actions.do_set_task_rating(None, staff, 2025, "GOOD")
    other_unit = _presented(world, "LDTT", unit=world.to_chuc, person=staff)
    before = AuditLog.objects.count()
    with pytest.raises(NotPermitted) as refused:
        actions.do_issue_decision(actor=leader, proposal=province_award, data=dict(DECISION), expected_version=province_award.version)
    assert "Thủ trưởng đơn vị không có thẩm quyền quyết định Bằng khen" in refused.value.message
    with pytest.raises(NotPermitted):
        actions.do_issue_decision(actor=leader, proposal=other_unit, data={**DECISION, "number": "13"}, expected_version=other_unit.version)
    with pytest.raises(NotPermitted):
        actions.do_transition(actor=leader, proposal=province_award, event="return", reason="Thiếu hồ sơ", expected_version=province_award.version)
    assert Decision.objects.count() == 0 and AuditLog.objects.count() == before
    assert set(Proposal.objects.values_list("state", flat=True)) == {"PRESENTED"}
    # The province still decides both.
    decision = actions.do_issue_decision(actor=world.an_officer, proposal=province_award, data={**DECISION, "level": "PROVINCE", "issuer_unit": world.tuyen_giao}, expected_version=province_award.version)
    assert decision.recipients.count() == 1


@pytest.mark.sqlite
def test_a_unit_leader_does_not_receive_a_dossier_sent_to_the_province(world):
    _no_registration_rule(world)
    leader = _leader(world)
    person = Person.objects.get(pk=_staff(world, 1)[0].pk)
    proposal = actions.do_create_proposal(actor=None, proposer_unit=world.tuyen_giao, data={"title": "Đề nghị LĐTT", "year": 2025, "level": "PROVINCE"})
    actions.do_add_item(actor=None, proposal=proposal, data={"person": person, "award": "LDTT"})
    proposal.refresh_from_db()
    proposal = actions.do_transition(actor=None, proposal=proposal, event="submit", expected_version=proposal.version)
    with pytest.raises(NotPermitted) as refused:
        actions.do_transition(actor=leader, proposal=proposal, event="receive", expected_version=proposal.version)
    assert "cấp tỉnh" in refused.value.message
    assert Proposal.objects.get(pk=proposal.pk).state == "SUBMITTED"
