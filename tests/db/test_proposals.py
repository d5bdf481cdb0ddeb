"""Award proposals → decisions: checks with explained blockers, the workflow, money, history."""

from __future__ import annotations

import datetime as dt

import pytest

from thidua.audit.models import AuditLog
from thidua.blocs import actions as bloc_actions
from thidua.blocs.models import BlocKind, MeetingKind
from thidua.core.errors import ActionError, ConcurrentEditError, NotPermitted
from thidua.history import actions as history_actions
from thidua.history.models import AwardRecord
from thidua.movements import actions as movement_actions
from thidua.org import actions as org_actions
from thidua.org.models import Province
from thidua.proposals import actions
from thidua.proposals.models import Decision, DecisionRecipient, Proposal, ProposalEvent

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()


def _no_registration_rule(world):
    province = Province.objects.get(pk=world.an_giang.pk)
    org_actions.do_update_province_settings(
        actor=None, province=province, data={"registration_required_for_proposal": False}, expected_version=province.version
    )


def _person(world, name="Nguyễn Văn An", unit=None):
    return org_actions.do_create_person(actor=None, unit=unit or world.tuyen_giao, data={"full_name": name, "gender": "NAM", "position_title": "Chuyên viên"})


def _proposal(world, actor=None, year=2025, **extra):
    data = {"title": f"Đề nghị tặng danh hiệu Lao động tiên tiến năm {year}", "year": year, "level": "UNIT", **extra}
    return actions.do_create_proposal(actor=actor or world.unit_officer, proposer_unit=world.tuyen_giao, data=data)


def _walk_to_presented(world, proposal):
    proposal = actions.do_transition(actor=world.unit_officer, proposal=proposal, event="submit", expected_version=proposal.version)
    proposal = actions.do_transition(actor=world.an_officer, proposal=proposal, event="receive", expected_version=proposal.version)
    proposal = actions.do_transition(actor=world.an_officer, proposal=proposal, event="appraise", expected_version=proposal.version)
    for item in proposal.items.all():
        actions.do_appraise_item(actor=world.an_officer, item=item, appraisal="APPROVED", note="", expected_version=item.version)
    return actions.do_transition(actor=world.an_officer, proposal=proposal, event="present", expected_version=proposal.version)


DECISION = {"number": "125", "symbol": "QĐ-BTGTU", "issued_on": TODAY, "signer_name": "Trần Thị Thanh Hương", "signer_title": "Trưởng ban"}


@pytest.mark.sqlite
def test_a_blocker_is_explained_then_fixed_in_history_and_the_award_enters_history(world):
    _no_registration_rule(world)
    person = _person(world)
    proposal = _proposal(world)
    item = actions.do_add_item(actor=world.unit_officer, proposal=proposal, data={"person": person, "award": "LDTT", "achievements": "Hoàn thành tốt nhiệm vụ"})
    blocking = item.blocking()
    assert [b["code"] for b in blocking] == ["rating_at_least_good"]
    assert "chưa có kết quả đánh giá" in blocking[0]["text"] and blocking[0]["citation"].startswith("Luật Thi đua, khen thưởng 2022, Điều 24")
    with pytest.raises(ActionError) as refused:
        actions.do_transition(actor=world.unit_officer, proposal=proposal, event="submit", expected_version=proposal.version)
    assert "Nguyễn Văn An" in refused.value.message and "chưa có kết quả đánh giá" in refused.value.message
    assert Proposal.objects.get(pk=proposal.pk).state == "DRAFT"

    history_actions.do_set_task_rating(world.unit_officer, person, 2025, "GOOD")
    proposal = actions.do_check_proposal(actor=world.unit_officer, proposal=proposal)
    item.refresh_from_db()
    assert item.blocking() == [] and item.eligibility["outcome"] == "ELIGIBLE"

    proposal = _walk_to_presented(world, proposal)
    assert proposal.state == "PRESENTED"
    decision = actions.do_issue_decision(actor=world.an_officer, proposal=proposal, data={**DECISION, "issuer_unit": world.tuyen_giao}, expected_version=proposal.version)
    assert Proposal.objects.get(pk=proposal.pk).state == "DECIDED"
    recipient = decision.recipients.get()
    expected = 760_000 if TODAY >= dt.date(2026, 7, 1) else 710_000
    assert recipient.amount_vnd == expected and decision.money_total == expected
    record = AwardRecord.objects.get(person=person, award_code="LDTT", year=2025)
    assert record.decision_number == "125/QĐ-BTGTU" and record.decision_date == TODAY and not record.revoked
    assert record.decision_uid == decision.uid and recipient.history_ref == str(record.uid)
    events = list(ProposalEvent.objects.filter(proposal=proposal).values_list("event", flat=True))
    assert events == ["create", "submit", "receive", "appraise", "present", "decide"]


@pytest.mark.sqlite
def test_each_action_writes_one_audit_row_and_stale_versions_are_refused(world):
    _no_registration_rule(world)
    proposal = _proposal(world)
    before = AuditLog.objects.count()
    actions.do_add_item(actor=world.unit_officer, proposal=proposal, data={"unit": world.tuyen_giao, "award": "BK_TINH"})
    assert AuditLog.objects.count() == before + 1
    proposal = Proposal.objects.get(pk=proposal.pk)
    with pytest.raises(ConcurrentEditError):
        actions.do_transition(actor=world.unit_officer, proposal=proposal, event="submit", expected_version=proposal.version - 1)
    assert Proposal.objects.get(pk=proposal.pk).state == "DRAFT"


def test_registration_is_required_when_the_province_says_so(world):
    person = _person(world)
    proposal = _proposal(world)
    item = actions.do_add_item(actor=world.unit_officer, proposal=proposal, data={"person": person, "award": "LDTT"})
    registration = next(b for b in item.blockers if b["code"] == "registration")
    assert "chưa đăng ký thi đua danh hiệu Lao động tiên tiến năm 2025" in registration["text"]
    bloc = bloc_actions.do_create_bloc(actor=None, province=world.an_giang, data={"name": "Khối các cơ quan Đảng", "kind": BlocKind.KHOI})
    year, _ = bloc_actions.do_open_year(actor=None, bloc=bloc, year=2025)
    bloc_actions.do_add_member(actor=None, bloc_year=year, unit=world.tuyen_giao)
    reg = movement_actions.do_start_registration(actor=None, bloc_year=year, unit=world.tuyen_giao)
    reg = movement_actions.do_update_registration(
        actor=None, registration=reg, targets="", items=[{"subject_kind": "individual", "person": person, "award": "LDTT"}], expected_version=reg.version
    )
    reg = movement_actions.do_submit_registration(actor=None, registration=reg, expected_version=reg.version)
    actions.do_check_proposal(actor=world.unit_officer, proposal=proposal)
    item.refresh_from_db()
    assert "chưa được duyệt" in next(b for b in item.blockers if b["code"] == "registration")["text"]
    movement_actions.do_approve_registration(actor=None, registration=reg, expected_version=reg.version)
    actions.do_check_proposal(actor=world.unit_officer, proposal=proposal)
    item.refresh_from_db()
    assert not [b for b in item.blockers if b["code"] == "registration"]


def test_a_hold_stops_the_dossier_until_the_decider_records_a_reason(world):
    _no_registration_rule(world)
    person = _person(world)
    history_actions.do_set_task_rating(None, person, 2025, "GOOD")
    history_actions.do_record_investigation(None, person, opened_on=dt.date(2025, 11, 1), note="Đơn tố cáo đang xác minh")
    proposal = _proposal(world)
    item = actions.do_add_item(actor=world.unit_officer, proposal=proposal, data={"person": person, "award": "LDTT"})
    assert item.eligibility["outcome"] == "HOLD"
    assert [b["kind"] for b in item.blocking()] == ["HOLD"] and "tạm hoãn" in item.blocking()[0]["text"]
    with pytest.raises(ActionError) as refused:
        actions.do_transition(actor=world.unit_officer, proposal=proposal, event="submit", expected_version=proposal.version)
    assert "tạm hoãn" in refused.value.message
    with pytest.raises(NotPermitted):
        actions.do_override_hold(actor=world.unit_officer, item=item, reason="Đã có kết luận", expected_version=item.version)
    with pytest.raises(ActionError):
        actions.do_override_hold(actor=world.an_officer, item=item, reason=" ", expected_version=item.version)
    actions.do_override_hold(actor=world.an_officer, item=item, reason="Thanh tra tỉnh kết luận không vi phạm (KL 12/KL-TTr)", expected_version=item.version)
    proposal = Proposal.objects.get(pk=proposal.pk)
    proposal = actions.do_transition(actor=world.unit_officer, proposal=proposal, event="submit", expected_version=proposal.version)
    assert proposal.state == "SUBMITTED"


@pytest.mark.sqlite
def test_returned_with_a_reason_the_proposer_fixes_and_sends_again(world):
    _no_registration_rule(world)
    proposal = _proposal(world)
    actions.do_add_item(actor=world.unit_officer, proposal=proposal, data={"unit": world.tuyen_giao, "award": "BK_TINH"})
    proposal = Proposal.objects.get(pk=proposal.pk)
    proposal = actions.do_transition(actor=world.unit_officer, proposal=proposal, event="submit", expected_version=proposal.version)
    with pytest.raises(NotPermitted):
        actions.do_transition(actor=world.unit_officer, proposal=proposal, event="receive", expected_version=proposal.version)
    with pytest.raises(ActionError) as no_reason:
        actions.do_transition(actor=world.an_officer, proposal=proposal, event="return", expected_version=proposal.version)
    assert "lý do" in no_reason.value.message
    proposal = actions.do_transition(actor=world.an_officer, proposal=proposal, event="return", expected_version=proposal.version, reason="Thiếu biên bản họp xét")
    assert proposal.state == "RETURNED" and proposal.state_reason == "Thiếu biên bản họp xét"
    proposal = actions.do_update_proposal(actor=world.unit_officer, proposal=proposal, data={"reasons": "Bổ sung biên bản"}, expected_version=proposal.version)
    proposal = actions.do_transition(actor=world.unit_officer, proposal=proposal, event="submit", expected_version=proposal.version)
    assert proposal.state == "SUBMITTED" and proposal.state_reason == ""
    proposal = actions.do_transition(actor=world.an_officer, proposal=proposal, event="receive", expected_version=proposal.version)
    proposal = actions.do_transition(actor=world.an_officer, proposal=proposal, event="reject", expected_version=proposal.version, reason="Không thuộc thẩm quyền")
    assert proposal.state == "REJECTED"
    with pytest.raises(ActionError):
        actions.do_add_item(actor=world.unit_officer, proposal=proposal, data={"unit": world.tuyen_giao, "award": "GIAY_KHEN"})


def test_council_vote_is_tallied_with_the_threshold_in_force(world):
    _no_registration_rule(world)
    person = _person(world)
    proposal = _proposal(world, title="Đề nghị công nhận Chiến sĩ thi đua cơ sở năm 2025")
    item = actions.do_add_item(actor=world.unit_officer, proposal=proposal, data={"person": person, "award": "CSTDCS"})
    assert any(b["code"] == "vote_missing" and b["kind"] == "WARN" for b in item.blockers)
    item = actions.do_record_vote(actor=world.unit_officer, item=item, members_total=10, present=9, yes=7, held_on=dt.date(2025, 12, 20), expected_version=item.version)
    actions.do_check_proposal(actor=world.unit_officer, proposal=proposal)
    item.refresh_from_db()
    failed = next(b for b in item.blockers if b["code"] == "vote_threshold")
    assert failed["kind"] == "BLOCK" and "7/10" in failed["text"] and "80" in failed["text"]
    item = actions.do_record_vote(actor=world.unit_officer, item=item, members_total=10, present=9, yes=8, held_on=dt.date(2025, 12, 20), expected_version=item.version)
    actions.do_check_proposal(actor=world.unit_officer, proposal=proposal)
    item.refresh_from_db()
    assert not [b for b in item.blockers if b["code"].startswith("vote")]
    with pytest.raises(ActionError):
        actions.do_record_vote(actor=world.unit_officer, item=item, members_total=10, present=11, yes=8, held_on=None, expected_version=item.version)


def _bloc_meeting(world, year=2023):
    bloc = bloc_actions.do_create_bloc(actor=None, province=world.an_giang, data={"name": "Khối thi đua các cơ quan Đảng tỉnh", "kind": BlocKind.KHOI})
    bloc_year, _ = bloc_actions.do_open_year(actor=None, bloc=bloc, year=year)
    for unit in (world.tuyen_giao, world.to_chuc):
        bloc_actions.do_add_member(actor=None, bloc_year=bloc_year, unit=unit)
    bloc_year = bloc_actions.do_set_leadership(actor=None, bloc_year=bloc_year, head_unit=world.tuyen_giao, deputy_unit=None, expected_version=bloc_year.version)
    return bloc_actions.do_record_meeting(
        actor=None, bloc_year=bloc_year, data={"kind": MeetingKind.ANNUAL_REVIEW, "held_on": dt.date(year, 12, 29), "place": "An Giang"},
        attending=[world.tuyen_giao, world.to_chuc],
    )


def test_a_block_proposes_after_its_meeting_within_its_quota(world):
    meeting = _bloc_meeting(world, 2025)
    proposal = actions.do_create_proposal(actor=world.an_officer, meeting=meeting, data={"title": "Tờ trình đề nghị tặng Cờ thi đua của UBND tỉnh", "level": "PROVINCE"})
    assert proposal.year == 2025 and proposal.by_bloc and proposal.receiving_body == "Ban Thi đua - Khen thưởng"
    actions.do_add_item(actor=world.an_officer, proposal=proposal, data={"unit": world.tuyen_giao, "award": "CO_TINH"})
    second = actions.do_add_item(actor=world.an_officer, proposal=proposal, data={"unit": world.to_chuc, "award": "CO_TINH"})
    quota = next(b for b in second.blockers if b["code"] == "quota")
    assert "tối đa 01" in quota["text"] and quota["kind"] == "BLOCK"
    with pytest.raises(ActionError) as outsider:
        actions.do_add_item(actor=world.an_officer, proposal=proposal, data={"unit": world.qn_unit, "award": "BK_TINH"})
    assert "không thuộc đơn vị thành viên" in outsider.value.message
    # A member unit's officer is not the block head: it may not write the block's dossier, but follows it.
    with pytest.raises(NotPermitted):
        actions.do_add_item(actor=world.unit_officer, proposal=proposal, data={"unit": world.tuyen_giao, "award": "BK_TINH"})
    from thidua.core.access import scoped

    assert list(scoped(world.unit_officer, Proposal)) == [proposal]
    assert not scoped(world.qn_officer, Proposal).exists()


@pytest.mark.sqlite
def test_an_external_decision_is_recorded_with_its_list_and_enters_history(world):
    bao = org_actions.do_create_unit(actor=None, province=world.an_giang_old, data={"name": "Báo An Giang", "kind": "PARTY"})
    decision = actions.do_record_external_decision(
        actor=world.an_officer, province=world.an_giang,
        data={"number": "770", "symbol": "QĐ-TTg", "issued_on": dt.date(2023, 6, 29), "level": "CENTRAL", "issuer_name": "Thủ tướng Chính phủ",
              "subject": "Về việc tặng Cờ thi đua của Chính phủ"},
        recipients=[{"unit": bao, "award": "CO_CP", "year": 2022}],
    )
    assert decision.kind == "EXTERNAL" and decision.reference == "770/QĐ-TTg ngày 29/06/2023"
    recipient = decision.recipients.get()
    # No money table before 2024 in the rule data: the amount stays blank rather than guessed.
    assert recipient.amount_vnd is None and decision.money_total == 0 and decision.money_unknown_count == 1
    assert decision.money_total_text == "chưa xác định"
    record = AwardRecord.objects.get(unit=bao, award_code="CO_CP")
    assert record.year == 2022 and record.source == "EXTERNAL" and record.decision_issuer == "Thủ tướng Chính phủ"
    with pytest.raises(ActionError) as duplicate:
        actions.do_record_external_decision(
            actor=world.an_officer, province=world.an_giang,
            data={"number": "770", "symbol": "QĐ-TTg", "issued_on": dt.date(2023, 6, 29), "level": "CENTRAL", "issuer_name": "Thủ tướng Chính phủ"},
            recipients=[{"unit": bao, "award": "CO_CP", "year": 2022}],
        )
    assert "Đã có quyết định số 770" in duplicate.value.message
    with pytest.raises(NotPermitted):
        actions.do_record_external_decision(actor=world.unit_officer, province=world.an_giang, data={}, recipients=[])


@pytest.mark.sqlite
def test_revocation_keeps_the_record_and_marks_history(world):
    a, b = _person(world, "Nguyễn Văn An"), _person(world, "Trần Thị Bình")
    decision = actions.do_record_external_decision(
        actor=world.an_officer, province=world.an_giang,
        data={"number": "15", "symbol": "QĐ-UBND", "issued_on": dt.date(2026, 1, 10), "level": "PROVINCE", "issuer_name": "Chủ tịch UBND tỉnh An Giang"},
        recipients=[{"person": a, "award": "BK_TINH", "year": 2025}, {"person": b, "award": "BK_TINH", "year": 2025}],
    )
    assert decision.money_total == 2 * 3_510_000
    first = decision.recipients.get(person=a)
    decision = actions.do_revoke_decision(
        actor=world.an_officer, decision=decision, reason="Kê khai thành tích không trung thực (KL 05/KL-SNV)", revoked_on=dt.date(2026, 3, 1),
        expected_version=decision.version, recipient_ids=[first.pk],
    )
    first.refresh_from_db()
    assert first.revoked_on == dt.date(2026, 3, 1) and "không trung thực" in first.revoke_reason
    assert decision.revoked_on is None and DecisionRecipient.objects.filter(decision=decision).count() == 2
    record = AwardRecord.objects.get(person=a)
    assert record.revoked and "không trung thực" in record.revoked_reason
    assert not AwardRecord.objects.get(person=b).revoked
    decision = actions.do_revoke_decision(actor=world.an_officer, decision=decision, reason="Hủy toàn bộ", revoked_on=dt.date(2026, 3, 2), expected_version=decision.version)
    assert Decision.objects.get(pk=decision.pk).revoked_on == dt.date(2026, 3, 2)


def test_same_period_titles_pay_only_the_highest(world):
    person = _person(world)
    decision = actions.do_record_external_decision(
        actor=world.an_officer, province=world.an_giang,
        data={"number": "20", "symbol": "QĐ-BTGTU", "issued_on": dt.date(2026, 1, 10), "level": "UNIT", "issuer_name": "Ban Tuyên giáo Tỉnh ủy"},
        recipients=[{"person": person, "award": "LDTT", "year": 2025}, {"person": person, "award": "CSTDCS", "year": 2025}],
    )
    amounts = dict(decision.recipients.values_list("award", "amount_vnd"))
    assert amounts == {"LDTT": 0, "CSTDCS": 2_340_000} and decision.money_total == 2_340_000


def test_outsiders_cannot_touch_a_unit_proposal(world):
    proposal = _proposal(world)
    with pytest.raises(NotPermitted):
        actions.do_update_proposal(actor=world.qn_officer, proposal=proposal, data={"title": "x"}, expected_version=proposal.version)
    with pytest.raises(NotPermitted):
        actions.do_create_proposal(actor=world.viewer, proposer_unit=world.tuyen_giao, data={"title": "x", "year": 2025})
