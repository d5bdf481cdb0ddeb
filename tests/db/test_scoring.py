"""Criteria scoring: sets, sheets through their states, reasons, visibility, ranking, publication.

The block of these tests: Ban Tuyên giáo, Ban Tổ chức (head unit) and Ban Dân vận, this year (the
head unit's officers are Trưởng khối only during the head's term). Ban Dân vận is assigned to
cross-check Ban Tuyên giáo's sheet.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from thidua.accounts.models import Role
from thidua.audit.models import AuditLog
from thidua.blocs import actions as bloc_actions
from thidua.blocs.models import BlocKind, MeetingKind
from thidua.core.errors import ActionError, ConcurrentEditError, NotPermitted
from thidua.org import actions as org_actions
from thidua.org.models import UnitKind
from thidua.scoring import actions, selectors
from thidua.scoring.models import (
    CriteriaSet,
    Criterion,
    Score,
    ScoreChange,
    ScoreEvidence,
    ScoreSheet,
    SetState,
    SheetEvent,
    SheetState,
)
from tests.factories import grant, make_user

pytestmark = pytest.mark.django_db

CRITERIA = [
    {"code": "1", "title": "Thực hiện nhiệm vụ chính trị", "kind": "GROUP", "max_points": Decimal("60")},
    {"code": "1.1", "title": "Hoàn thành chỉ tiêu được giao", "kind": "SCORE", "max_points": Decimal("30"), "parent_code": "1"},
    {"code": "1.2", "title": "Tham mưu, đề xuất có chất lượng", "kind": "SCORE", "max_points": Decimal("30"), "parent_code": "1",
     "evidence_required": True},
    {"code": "2", "title": "Công tác thi đua khen thưởng", "kind": "GROUP", "max_points": Decimal("40")},
    {"code": "2.1", "title": "Tổ chức phong trào thi đua", "kind": "SCORE", "max_points": Decimal("40"), "parent_code": "2"},
    {"code": "3", "title": "Điểm thưởng", "kind": "BONUS", "max_points": Decimal("5")},
    {"code": "4", "title": "Điểm trừ", "kind": "DEDUCTION", "max_points": Decimal("5")},
]


def build_block(world, year: int | None = None):
    """The test block with its criteria set and an open round; returns a namespace."""
    year = year or dt.date.today().year
    dan_van = org_actions.do_create_unit(actor=None, province=world.an_giang_old, data={"name": "Ban Dân vận Tỉnh ủy", "kind": UnitKind.PARTY})
    bloc = bloc_actions.do_create_bloc(actor=None, province=world.an_giang, data={"name": "Khối thi đua các cơ quan Đảng tỉnh", "kind": BlocKind.KHOI})
    bloc_year, _ = bloc_actions.do_open_year(actor=None, bloc=bloc, year=year)
    for unit in (world.tuyen_giao, world.to_chuc, dan_van):
        bloc_actions.do_add_member(actor=None, bloc_year=bloc_year, unit=unit)
    bloc_year = bloc_actions.do_set_leadership(actor=None, bloc_year=bloc_year, head_unit=world.to_chuc, deputy_unit=None, expected_version=bloc_year.version)
    head_officer = make_user("can-bo-to-chuc")
    grant(head_officer, Role.UNIT_OFFICER, world.an_giang_old, unit=world.to_chuc)
    peer_officer = make_user("can-bo-dan-van")
    grant(peer_officer, Role.UNIT_OFFICER, world.an_giang_old, unit=dan_van)
    criteria_set = actions.do_create_criteria_set(
        actor=world.an_officer, province=world.an_giang,
        data={"bloc": bloc, "year": year, "name": "Bảng tiêu chí chấm điểm thi đua", "tie_breakers": ["MORE_BONUS"]},
    )
    for data in CRITERIA:
        actions.do_add_criterion(actor=world.an_officer, criteria_set=criteria_set, data=data)
    return SimpleNamespace(
        world=world, bloc=bloc, bloc_year=bloc_year, dan_van=dan_van, criteria_set=criteria_set,
        head_officer=head_officer, peer_officer=peer_officer,
    )


def open_round(b, **extra):
    b.round = actions.do_open_round(actor=b.world.an_officer, bloc_year=b.bloc_year, criteria_set=b.criteria_set, **extra)
    b.sheets = {s.unit_id: s for s in ScoreSheet.objects.filter(round=b.round).select_related("round", "unit", "round__bloc_year")}
    b.tg = b.sheets[b.world.tuyen_giao.pk]
    b.tc = b.sheets[b.world.to_chuc.pk]
    b.dv = b.sheets[b.dan_van.pk]
    actions.do_assign_cross_check(actor=b.world.an_officer, round=b.round, sheet=b.tg, reviewer_units=[b.dan_van])
    return b


@pytest.fixture
def block(world):
    return open_round(build_block(world))


def fresh(sheet):
    return ScoreSheet.objects.select_related("round", "unit", "round__bloc_year", "round__criteria_set").get(pk=sheet.pk)


FULL = {"1.1": ("28", "Hoàn thành 100% chỉ tiêu"), "1.2": ("25", ""), "2.1": ("35", ""), "3": ("2", ""), "4": ("0", "")}


def evidence(name="bien-ban.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4 minh chung", content_type="application/pdf")


def fill_and_submit(actor, sheet, values=None):
    sheet = fresh(sheet)
    actions.do_save_scores(actor=actor, sheet=sheet, level="SELF", values=values or FULL, expected_version=sheet.version)
    actions.do_attach_evidence(actor=actor, sheet=sheet, code="1.2", upload=evidence())
    sheet = fresh(sheet)
    return actions.do_transition_sheet(actor=actor, sheet=sheet, event="submit", expected_version=sheet.version)


def officer_of(b, unit_id):
    return {b.world.tuyen_giao.pk: b.world.unit_officer, b.world.to_chuc.pk: b.head_officer, b.dan_van.pk: b.peer_officer}[unit_id]


def to_appraised(b, sheet, values=None):
    fill_and_submit(officer_of(b, sheet.unit_id), sheet, values)
    sheet = fresh(sheet)
    actions.do_transition_sheet(actor=b.head_officer if sheet.unit_id != b.world.to_chuc.pk else b.world.an_officer, sheet=sheet,
                                event="cross_check", expected_version=sheet.version)
    sheet = fresh(sheet)
    return actions.do_transition_sheet(actor=b.world.an_officer, sheet=sheet, event="appraise", expected_version=sheet.version)


def audit_count():
    return AuditLog.objects.count()


# ---------------------------------------------------------------- the whole flow


@pytest.mark.sqlite
def test_a_unit_fills_submits_and_the_head_corrects_appraises_and_publishes(block):
    b, w = block, block.world
    assert CriteriaSet.objects.get(pk=b.criteria_set.pk).state == SetState.IN_USE
    assert ScoreSheet.objects.filter(round=b.round).count() == 3
    assert Score.objects.filter(sheet=b.tg).count() == 5  # every item, no group rows

    # Zero is a valid score.
    sheet = fill_and_submit(w.unit_officer, b.tg, {**FULL, "2.1": ("0", "Chưa tổ chức")})
    assert sheet.state == SheetState.SUBMITTED and sheet.submitted_at is not None

    # The head unit cross-checks with a correction: the reason is kept with old → new.
    sheet = fresh(b.tg)
    actions.do_save_scores(
        actor=b.head_officer, sheet=sheet, level="CROSS", values={"1.1": ("26", "Thiếu 1 chỉ tiêu"), "1.2": ("25", None)},
        reasons={"1.1": "Chưa hoàn thành chỉ tiêu phát triển đảng viên"}, expected_version=sheet.version,
    )
    change = ScoreChange.objects.get(sheet=b.tg)
    assert (change.old_points, change.new_points, change.level) == (Decimal("28"), Decimal("26"), "CROSS")
    assert change.reason == "Chưa hoàn thành chỉ tiêu phát triển đảng viên" and change.changed_by == b.head_officer
    sheet = fresh(b.tg)
    actions.do_transition_sheet(actor=b.head_officer, sheet=sheet, event="cross_check", expected_version=sheet.version)
    sheet = fresh(b.tg)
    actions.do_save_scores(
        actor=w.an_officer, sheet=sheet, level="PANEL", values={"3": ("1", "Chỉ 1 bằng khen được tính")},
        reasons={"3": "Bằng khen thứ hai thuộc năm trước"}, expected_version=sheet.version,
    )
    sheet = fresh(b.tg)
    actions.do_transition_sheet(actor=w.an_officer, sheet=sheet, event="appraise", expected_version=sheet.version)

    view = selectors.sheet_rows(fresh(b.tg))
    row = {r.criterion.code: r for r in view.rows}
    assert (row["1.1"].self_points, row["1.1"].cross_points, row["1.1"].effective_points) == (Decimal("28"), Decimal("26"), Decimal("26"))
    assert row["3"].effective_points == Decimal("1") and len(row["1.2"].evidence) == 1
    assert view.totals.total == Decimal("26") + 25 + 0 + 1 and view.self_totals.total == Decimal("28") + 25 + 2
    assert [e.event for e in view.events] == ["submit", "cross_check", "appraise"]

    to_appraised(b, b.tc, {**FULL, "1.1": ("30", "")})
    meeting = bloc_actions.do_record_meeting(
        actor=None, bloc_year=b.bloc_year, data={"kind": MeetingKind.ANNUAL_REVIEW, "held_on": dt.date(b.bloc_year.year, 12, 20), "place": "An Giang"},
        attending=[w.tuyen_giao, w.to_chuc, b.dan_van],
    )
    round_ = actions.do_publish_results(
        actor=b.head_officer, round=b.round, meeting=meeting, unranked={b.dv: "Đơn vị không gửi phiếu tự chấm"},
        expected_version=b.round.version,
    )
    assert round_.state == "PUBLISHED"
    snapshot = round_.ranking_snapshot
    assert snapshot["leader_key"] == str(w.to_chuc.uid)
    assert [r["label"] for r in snapshot["rows"]] == ["Ban Tổ chức Tỉnh ủy", "Ban Tuyên giáo Tỉnh ủy", "Ban Dân vận Tỉnh ủy"]
    assert snapshot["rows"][2]["rank"] is None and "không gửi phiếu" in snapshot["rows"][2]["reasons"][0]
    assert fresh(b.tg).state == SheetState.PUBLISHED

    # Everything is frozen now.
    sheet = fresh(b.tg)
    with pytest.raises(ActionError) as frozen:
        actions.do_save_scores(actor=w.an_officer, sheet=sheet, level="PANEL", values={"1.1": "30"}, reasons={"1.1": "x"}, expected_version=sheet.version)
    assert "đã công bố" in frozen.value.message

    # The ranking proposes; the block head records what the meeting confirmed.
    actions.do_confirm_leader(actor=b.head_officer, round=round_, unit=w.to_chuc, how="ACCLAMATION", expected_version=round_.version)
    assert selectors.confirmed_leader(b.bloc_year) == w.to_chuc


def test_a_unit_other_than_the_proposed_leader_needs_the_block_decision_recorded(block):
    b, w = block, block.world
    to_appraised(b, b.tg)
    to_appraised(b, b.tc, {**FULL, "1.1": ("30", "")})
    to_appraised(b, b.dv, {**FULL, "1.1": ("20", "")})
    meeting = bloc_actions.do_record_meeting(
        actor=None, bloc_year=b.bloc_year, data={"kind": MeetingKind.ANNUAL_REVIEW, "held_on": dt.date(b.bloc_year.year, 12, 20), "place": "An Giang"},
        attending=[],
    )
    round_ = actions.do_publish_results(actor=w.an_officer, round=b.round, meeting=meeting, expected_version=b.round.version)
    before = audit_count()
    with pytest.raises(ActionError) as refused:
        actions.do_confirm_leader(actor=w.an_officer, round=round_, unit=w.tuyen_giao, how="ACCLAMATION", expected_version=round_.version)
    assert "không phải đơn vị dẫn đầu" in refused.value.message
    with pytest.raises(ActionError):
        actions.do_confirm_leader(actor=w.an_officer, round=round_, unit=w.to_chuc, how="MEETING_RECORD", expected_version=round_.version)
    assert audit_count() == before and selectors.confirmed_leader(b.bloc_year) is None
    actions.do_confirm_leader(
        actor=w.an_officer, round=round_, unit=w.tuyen_giao, how="MEETING_RECORD", note="Biên bản hội nghị tổng kết: biểu quyết 3/3", expected_version=round_.version,
    )
    assert selectors.confirmed_leader(b.bloc_year) == w.tuyen_giao


# ---------------------------------------------------------------- criteria sets


@pytest.mark.sqlite
def test_a_set_in_use_is_frozen_and_editing_makes_a_new_version(block):
    b, w = block, block.world
    before = (audit_count(), Criterion.objects.count())
    with pytest.raises(ActionError) as refused:
        actions.do_add_criterion(actor=w.an_officer, criteria_set=b.criteria_set, data={"code": "5", "title": "Mới", "kind": "SCORE", "max_points": 5})
    assert "đang được sử dụng, hãy tạo phiên bản mới" in refused.value.message
    criterion = Criterion.objects.get(criteria_set=b.criteria_set, code="1.1")
    with pytest.raises(ActionError):
        actions.do_update_criterion(actor=w.an_officer, criterion=criterion, data={"max_points": 35}, expected_version=criterion.version)
    with pytest.raises(ActionError):
        actions.do_remove_criterion(actor=w.an_officer, criterion=criterion, expected_version=criterion.version)
    assert (audit_count(), Criterion.objects.count()) == before

    copy = actions.do_copy_criteria_set(actor=w.an_officer, source=CriteriaSet.objects.get(pk=b.criteria_set.pk))
    assert (copy.version_no, copy.state, copy.based_on_id) == (2, SetState.DRAFT, b.criteria_set.pk)
    assert sorted(copy.criteria.values_list("code", flat=True)) == sorted(c["code"] for c in CRITERIA)
    assert copy.criteria.get(code="1.2").parent.code == "1"
    actions.do_add_criterion(actor=w.an_officer, criteria_set=copy, data={"code": "2.2", "title": "Khen thưởng kịp thời", "kind": "SCORE", "max_points": 0, "parent_code": "2"})
    assert copy.criteria.count() == len(CRITERIA) + 1


def test_criteria_problems_are_refused_with_nothing_written(world):
    b = build_block(world)
    before = (audit_count(), Criterion.objects.count())
    with pytest.raises(ActionError) as over:
        actions.do_add_criterion(actor=world.an_officer, criteria_set=b.criteria_set, data={"code": "1.3", "title": "Thêm", "kind": "SCORE", "max_points": 10, "parent_code": "1"})
    assert "vượt điểm tối đa của nhóm" in over.value.message
    with pytest.raises(ActionError) as duplicate:
        actions.do_add_criterion(actor=world.an_officer, criteria_set=b.criteria_set, data={"code": "1.1", "title": "Trùng", "kind": "SCORE", "max_points": 1})
    assert "đã có trong bảng" in duplicate.value.message
    with pytest.raises(ActionError):
        actions.do_add_criterion(actor=world.an_officer, criteria_set=b.criteria_set, data={"code": "9", "title": "Không có điểm tối đa", "kind": "SCORE"})
    with pytest.raises(NotPermitted):
        actions.do_add_criterion(actor=world.unit_officer, criteria_set=b.criteria_set, data={"code": "9", "title": "X", "kind": "SCORE", "max_points": 1})
    assert (audit_count(), Criterion.objects.count()) == before


def test_opening_a_round_needs_a_complete_set(world):
    b = build_block(world)
    empty = actions.do_create_criteria_set(actor=world.an_officer, province=world.an_giang, data={"bloc": b.bloc, "year": b.bloc_year.year, "name": "Bảng rỗng"})
    assert empty.version_no == 2
    with pytest.raises(ActionError) as refused:
        actions.do_open_round(actor=world.an_officer, bloc_year=b.bloc_year, criteria_set=empty)
    assert "chưa có tiêu chí chấm điểm" in refused.value.message
    assert CriteriaSet.objects.get(pk=empty.pk).state == SetState.DRAFT and not ScoreSheet.objects.exists()


# ---------------------------------------------------------------- self-scoring and submission


@pytest.mark.sqlite
def test_submit_is_refused_until_every_criterion_is_filled_and_names_the_missing_ones(block):
    w, sheet = block.world, fresh(block.tg)
    actions.do_save_scores(actor=w.unit_officer, sheet=sheet, level="SELF", values={"1.1": "30", "1.2": "0"}, expected_version=sheet.version)
    sheet = fresh(sheet)
    before = audit_count()
    with pytest.raises(ActionError) as refused:
        actions.do_transition_sheet(actor=w.unit_officer, sheet=sheet, event="submit", expected_version=sheet.version)
    assert "2.1. Tổ chức phong trào thi đua" in refused.value.message and "1.1" not in refused.value.message
    assert fresh(sheet).state == SheetState.DRAFT and audit_count() == before and not SheetEvent.objects.exists()


def test_submit_needs_the_required_evidence_when_points_are_claimed(block):
    w, sheet = block.world, fresh(block.tg)
    actions.do_save_scores(actor=w.unit_officer, sheet=sheet, level="SELF", values=FULL, expected_version=sheet.version)
    sheet = fresh(sheet)
    with pytest.raises(ActionError) as refused:
        actions.do_transition_sheet(actor=w.unit_officer, sheet=sheet, event="submit", expected_version=sheet.version)
    assert "minh chứng" in refused.value.message and "1.2" in refused.value.message
    # Zero points claimed on 1.2: nothing to prove.
    actions.do_save_scores(actor=w.unit_officer, sheet=sheet, level="SELF", values={"1.2": "0"}, expected_version=sheet.version)
    sheet = fresh(sheet)
    actions.do_transition_sheet(actor=w.unit_officer, sheet=sheet, event="submit", expected_version=sheet.version)
    assert fresh(sheet).state == SheetState.SUBMITTED


def test_bad_points_are_refused_row_by_row_and_nothing_is_written(block):
    w, sheet = block.world, fresh(block.tg)
    before = audit_count()
    with pytest.raises(ActionError) as refused:
        actions.do_save_scores(
            actor=w.unit_officer, sheet=sheet, level="SELF", values={"1.1": "31", "1.2": "abc", "2.1": "10"}, expected_version=sheet.version
        )
    assert set(refused.value.errors) == {"1.1", "1.2"}
    assert "vượt mức tối đa 30" in refused.value.errors["1.1"][0]
    assert not Score.objects.filter(sheet=sheet, self_points__isnull=False).exists()
    assert audit_count() == before and fresh(sheet).version == sheet.version


def test_only_the_sheet_s_own_unit_fills_it(block):
    b, w = block, block.world
    sheet = fresh(b.tc)
    with pytest.raises(NotPermitted):
        actions.do_save_scores(actor=w.unit_officer, sheet=sheet, level="SELF", values={"1.1": "1"}, expected_version=sheet.version)
    with pytest.raises(NotPermitted):
        actions.do_attach_evidence(actor=w.unit_officer, sheet=sheet, code="1.2", upload=evidence())
    with pytest.raises(NotPermitted):
        actions.do_save_scores(actor=w.qn_officer, sheet=sheet, level="SELF", values={"1.1": "1"}, expected_version=sheet.version)
    assert not Score.objects.filter(sheet=sheet, self_points__isnull=False).exists() and not ScoreEvidence.objects.exists()


# ---------------------------------------------------------------- reasons, returns, who reviews


@pytest.mark.sqlite
def test_every_change_after_submission_needs_a_reason(block):
    b = block
    fill_and_submit(b.world.unit_officer, b.tg)
    sheet = fresh(b.tg)
    before = audit_count()
    with pytest.raises(ActionError) as refused:
        actions.do_save_scores(actor=b.peer_officer, sheet=sheet, level="CROSS", values={"1.1": "20", "2.1": "35"}, expected_version=sheet.version)
    assert list(refused.value.errors) == ["1.1"] and "28 → 20" in refused.value.errors["1.1"][0]
    assert not ScoreChange.objects.exists() and audit_count() == before
    assert Score.objects.get(sheet=sheet, criterion__code="1.1").cross_points is None
    # Agreeing with the unit's points needs no reason.
    actions.do_save_scores(actor=b.peer_officer, sheet=sheet, level="CROSS", values={"2.1": "35"}, expected_version=sheet.version)
    assert Score.objects.get(sheet=sheet, criterion__code="2.1").cross_points == Decimal("35") and not ScoreChange.objects.exists()


def test_a_returned_sheet_goes_back_one_level_and_the_unit_s_changes_need_reasons(block):
    b, w = block, block.world
    fill_and_submit(w.unit_officer, b.tg)
    sheet = fresh(b.tg)
    with pytest.raises(ActionError) as no_reason:
        actions.do_transition_sheet(actor=b.peer_officer, sheet=sheet, event="return", reason="  ", expected_version=sheet.version)
    assert "lý do" in no_reason.value.message and fresh(sheet).state == SheetState.SUBMITTED
    actions.do_transition_sheet(actor=b.peer_officer, sheet=sheet, event="return", reason="Bổ sung minh chứng 2.1", expected_version=sheet.version)
    sheet = fresh(sheet)
    assert sheet.state == SheetState.DRAFT
    assert SheetEvent.objects.get(sheet=sheet, event="return").reason == "Bổ sung minh chứng 2.1"
    with pytest.raises(ActionError):
        actions.do_save_scores(actor=w.unit_officer, sheet=sheet, level="SELF", values={"2.1": "30"}, expected_version=sheet.version)
    actions.do_save_scores(actor=w.unit_officer, sheet=sheet, level="SELF", values={"2.1": "30"}, reasons={"2.1": "Tự điều chỉnh theo góp ý"},
                           expected_version=sheet.version)
    assert ScoreChange.objects.get(sheet=sheet).level == "SELF"

    # The panel returns a cross-checked sheet to the cross-check level, not further.
    sheet = fresh(sheet)
    actions.do_transition_sheet(actor=w.unit_officer, sheet=sheet, event="submit", expected_version=sheet.version)
    sheet = fresh(sheet)
    actions.do_transition_sheet(actor=b.peer_officer, sheet=sheet, event="cross_check", expected_version=sheet.version)
    sheet = fresh(sheet)
    actions.do_transition_sheet(actor=w.an_officer, sheet=sheet, event="return", reason="Chấm lại tiêu chí 1.2", expected_version=sheet.version)
    assert fresh(sheet).state == SheetState.SUBMITTED


def test_cross_check_by_assigned_peer_or_head_unit_only_and_never_one_s_own(block):
    b, w = block, block.world
    fill_and_submit(w.unit_officer, b.tg)
    fill_and_submit(b.peer_officer, b.dv)
    # Ban Tuyên giáo is not assigned to Ban Dân vận's sheet.
    sheet = fresh(b.dv)
    with pytest.raises(NotPermitted):
        actions.do_transition_sheet(actor=w.unit_officer, sheet=sheet, event="cross_check", expected_version=sheet.version)
    # The unit never cross-checks itself.
    with pytest.raises(NotPermitted):
        actions.do_save_scores(actor=b.peer_officer, sheet=sheet, level="CROSS", values={"1.1": "1"}, reasons={"1.1": "x"}, expected_version=sheet.version)
    # A plain member cannot appraise.
    sheet = fresh(b.tg)
    actions.do_transition_sheet(actor=b.peer_officer, sheet=sheet, event="cross_check", expected_version=sheet.version)
    sheet = fresh(b.tg)
    with pytest.raises(NotPermitted):
        actions.do_transition_sheet(actor=b.peer_officer, sheet=sheet, event="appraise", expected_version=sheet.version)
    # The head unit is on the panel.
    actions.do_transition_sheet(actor=b.head_officer, sheet=sheet, event="appraise", expected_version=sheet.version)
    assert fresh(b.tg).state == SheetState.APPRAISED and fresh(b.dv).state == SheetState.SUBMITTED


def test_publish_is_refused_while_a_sheet_is_not_appraised_and_names_it(block):
    b, w = block, block.world
    to_appraised(b, b.tg)
    meeting = bloc_actions.do_record_meeting(
        actor=None, bloc_year=b.bloc_year, data={"kind": MeetingKind.ANNUAL_REVIEW, "held_on": dt.date(b.bloc_year.year, 12, 20), "place": "An Giang"},
        attending=[],
    )
    before = audit_count()
    with pytest.raises(ActionError) as refused:
        actions.do_publish_results(actor=b.head_officer, round=b.round, meeting=meeting, expected_version=b.round.version)
    assert "Ban Tổ chức Tỉnh ủy (đang tự chấm)" in refused.value.message and "Ban Dân vận" in refused.value.message
    with pytest.raises(NotPermitted):
        actions.do_publish_results(actor=w.unit_officer, round=b.round, meeting=meeting, unranked={b.tc: "x", b.dv: "y"}, expected_version=b.round.version)
    assert audit_count() == before and fresh(b.tg).state == SheetState.APPRAISED
    assert b.round.__class__.objects.get(pk=b.round.pk).state == "OPEN"


# ---------------------------------------------------------------- visibility


@pytest.mark.sqlite
def test_a_unit_sees_its_own_sheet_and_those_it_cross_checks_until_published(block):
    b, w = block, block.world
    assert set(selectors.visible_sheets(w.unit_officer, b.round)) == {b.tg}
    assert set(selectors.visible_sheets(b.peer_officer, b.round)) == {b.dv, b.tg}
    assert set(selectors.visible_sheets(b.head_officer, b.round)) == {b.tg, b.tc, b.dv}
    assert set(selectors.visible_sheets(w.an_officer, b.round)) == {b.tg, b.tc, b.dv}
    assert not selectors.visible_sheets(w.qn_officer, b.round).exists()
    from django.http import Http404

    with pytest.raises(Http404):
        selectors.get_visible_sheet_or_404(w.unit_officer, uid=b.tc.uid)
    # The block may let members see each other's sheets before publication.
    actions.do_update_round(actor=w.an_officer, round=b.round, data={"results_visible_before_publish": True}, expected_version=b.round.version)
    assert set(selectors.visible_sheets(w.unit_officer, b.round)) == {b.tg, b.tc, b.dv}


# ---------------------------------------------------------------- concurrency


@pytest.mark.sqlite
def test_two_people_saving_the_same_sheet_version_the_second_is_refused_and_nothing_of_theirs_written(world):
    b = open_round(build_block(world))
    second = make_user("can-bo-tuyen-giao-2")
    grant(second, Role.UNIT_OFFICER, world.an_giang_old, unit=world.tuyen_giao)
    mine, theirs = fresh(b.tg), fresh(b.tg)
    assert mine.version == theirs.version
    actions.do_save_scores(actor=world.unit_officer, sheet=mine, level="SELF", values={"1.1": ("20", "Lần một")}, expected_version=mine.version)
    before = audit_count()
    with pytest.raises(ConcurrentEditError) as conflict:
        actions.do_save_scores(actor=second, sheet=theirs, level="SELF", values={"1.1": ("29", "Lần hai"), "2.1": "40"}, expected_version=theirs.version)
    assert "đã có người sửa" in conflict.value.message
    score = Score.objects.get(sheet=b.tg, criterion__code="1.1")
    assert (score.self_points, score.self_note) == (Decimal("20"), "Lần một")
    assert Score.objects.get(sheet=b.tg, criterion__code="2.1").self_points is None
    assert audit_count() == before
    # A state change with a stale version is refused the same way.
    with pytest.raises(ConcurrentEditError):
        actions.do_transition_sheet(actor=second, sheet=theirs, event="submit", expected_version=theirs.version)


# ---------------------------------------------------------------- ranking from the database


@pytest.mark.sqlite
def test_the_ranking_is_built_in_a_fixed_number_of_queries(world):
    b = open_round(build_block(world))
    for sheet in (b.tg, b.tc):
        fill_and_submit(officer_of(b, sheet.unit_id), sheet)
    round_ = b.round.__class__.objects.get(pk=b.round.pk)
    with CaptureQueriesContext(connection) as few:
        ranking = selectors.round_ranking(round_)
    # Ban Tổ chức and Ban Tuyên giáo tie on points and on bonus: equal rank, the block decides.
    assert ranking.leader_key is None and set(ranking.leader_tie) == {str(world.tuyen_giao.uid), str(world.to_chuc.uid)}
    dv = ranking.row(str(b.dan_van.uid))
    assert dv.rank is None and "chưa gửi" in dv.reasons[0].lower()
    assert len(few.captured_queries) <= 6


# ---------------------------------------------------------------- demo


def test_the_demo_reproduces_the_seeds_and_loads_once(db, monkeypatch):
    from thidua.org import demo as org_demo
    from thidua.scoring.models import ScoringRound

    monkeypatch.setattr(org_demo, "LATER_DEMOS", ("thidua.scoring.demo",))
    org_demo.load_demo()
    rounds = {(r.bloc_year.bloc.province.name, r.bloc_year.year): r for r in ScoringRound.objects.select_related("bloc_year__bloc__province")}
    an_giang = rounds[("An Giang", 2023)]
    assert an_giang.state == "PUBLISHED" and an_giang.published_meeting.held_on == dt.date(2023, 12, 29)
    labels = [r["label"] for r in an_giang.ranking_snapshot["rows"]]
    assert labels[:3] == ["Ban Tuyên giáo Tỉnh ủy", "Ban Tổ chức Tỉnh ủy", "Ban Dân vận Tỉnh ủy"]
    assert [r["within_quota"] for r in an_giang.ranking_snapshot["rows"][:4]] == [True, True, True, False]
    assert selectors.confirmed_leader(an_giang.bloc_year).name == "Ban Tuyên giáo Tỉnh ủy"
    quang_ninh = rounds[("Quảng Ninh", 2017)]
    assert quang_ninh.state == "PUBLISHED" and quang_ninh.published_meeting.held_on == dt.date(2017, 12, 20)
    assert quang_ninh.confirmed_leader is None  # the article names no leader
    live = rounds[("An Giang", 2024)]
    assert live.state == "OPEN"
    states = set(live.sheets.values_list("state", flat=True))
    assert {"DRAFT", "SUBMITTED", "CROSS_CHECKED", "APPRAISED"} <= states
    assert SheetEvent.objects.filter(sheet__round=live, event="return").exists()
    counts = (CriteriaSet.objects.count(), ScoringRound.objects.count(), ScoreSheet.objects.count(), AuditLog.objects.count())
    org_demo.load_demo()
    assert (CriteriaSet.objects.count(), ScoringRound.objects.count(), ScoreSheet.objects.count(), AuditLog.objects.count()) == counts


def test_more_refusals_write_nothing(block):
    b, w = block, block.world
    before = (audit_count(), ScoreEvidence.objects.count(), b.round.__class__.objects.count())
    with pytest.raises(ActionError) as second_round:
        actions.do_open_round(actor=w.an_officer, bloc_year=b.bloc_year, criteria_set=b.criteria_set)
    assert "đã có đợt chấm điểm" in second_round.value.message
    with pytest.raises(ActionError) as own:
        actions.do_assign_cross_check(actor=w.an_officer, round=b.round, sheet=b.tg, reviewer_units=[w.tuyen_giao])
    assert "chính mình" in own.value.message
    with pytest.raises(ActionError) as outsider:
        actions.do_assign_cross_check(actor=w.an_officer, round=b.round, sheet=b.tg, reviewer_units=[w.qn_unit])
    assert "không phải thành viên" in outsider.value.message
    with pytest.raises(ActionError) as exe:
        actions.do_attach_evidence(actor=w.unit_officer, sheet=fresh(b.tg), code="1.2", upload=SimpleUploadedFile("virus.exe", b"MZ"))
    assert "PDF" in exe.value.message
    with pytest.raises(ActionError) as early:
        actions.do_confirm_leader(actor=w.an_officer, round=b.round, unit=w.tuyen_giao, how="ACCLAMATION", expected_version=b.round.version)
    assert "công bố kết quả" in early.value.message
    sheet = fresh(b.tg)
    with pytest.raises(ActionError) as wrong_level:
        actions.do_save_scores(actor=w.an_officer, sheet=sheet, level="PANEL", values={"1.1": "1"}, expected_version=sheet.version)
    assert "Đang tự chấm" in wrong_level.value.message
    with pytest.raises(ActionError):
        actions.do_transition_sheet(actor=w.unit_officer, sheet=sheet, event="publish", expected_version=sheet.version)
    with pytest.raises(ActionError) as not_yet:
        actions.do_transition_sheet(actor=w.an_officer, sheet=sheet, event="appraise", expected_version=sheet.version)
    assert "Đang tự chấm" in not_yet.value.message
    other_bloc = bloc_actions.do_create_bloc(actor=None, province=w.an_giang, data={"name": "Khối thi đua các sở, ngành", "kind": BlocKind.KHOI})
    other_year, _ = bloc_actions.do_open_year(actor=None, bloc=other_bloc, year=b.bloc_year.year)
    meeting = bloc_actions.do_record_meeting(
        actor=None, bloc_year=other_year, data={"kind": MeetingKind.ANNUAL_REVIEW, "held_on": dt.date(b.bloc_year.year, 12, 20), "place": "An Giang"}, attending=[],
    )
    after_setup = audit_count()
    with pytest.raises(ActionError) as elsewhere:
        actions.do_publish_results(actor=w.an_officer, round=b.round, meeting=meeting, unranked={s: "x" for s in (b.tg, b.tc, b.dv)}, expected_version=b.round.version)
    assert "hội nghị của khối" in elsewhere.value.message
    assert audit_count() == after_setup
    assert (before[0] + 3, ScoreEvidence.objects.count(), b.round.__class__.objects.count()) == (after_setup, before[1], before[2])


@pytest.mark.sqlite
def test_database_sums_match_the_pure_core_item_by_item(world):
    """round_rankings lets the database add points up by group; every case the core notes (caps,
    empty items, a value over its max written by hand, a negative total) must come out exactly as
    thidua.rules.scoring.sheet_totals computes it from the effective points."""
    from thidua.rules import scoring as core

    b = build_block(world)
    bonus_group = actions.do_add_criterion(actor=None, criteria_set=b.criteria_set, data={"code": "5", "title": "Khen thưởng khác", "kind": "GROUP", "max_points": 2})
    actions.do_add_criterion(actor=None, criteria_set=b.criteria_set, data={"code": "5.1", "title": "Bằng khen", "kind": "BONUS", "max_points": 2, "parent_code": "5"})
    actions.do_add_criterion(actor=None, criteria_set=b.criteria_set, data={"code": "5.2", "title": "Giấy khen", "kind": "BONUS", "max_points": 2, "parent_code": "5"})
    assert bonus_group.kind == "GROUP"
    open_round(b)
    cases = {
        b.tg: {**FULL, "5.1": ("2", ""), "5.2": ("2", "")},  # bonus group capped at 2
        b.tc: {"1.1": ("0", ""), "1.2": ("0", ""), "2.1": ("0", ""), "3": ("0", ""), "4": ("5", "")},  # negative total, 5.x empty
        b.dv: {**FULL, "5.1": ("1", ""), "5.2": ("0", "")},
    }
    for sheet, values in cases.items():
        actions.do_save_scores(actor=None, sheet=fresh(sheet), level="SELF", values=values, expected_version=fresh(sheet).version)
        ScoreSheet.objects.filter(pk=sheet.pk).update(state=SheetState.SUBMITTED)
    # A value over its max, as an old import might have left it.
    Score.objects.filter(sheet=b.dv, criterion__code="1.1").update(cross_points=Decimal("31"))
    actions.recompute_sheet_sums([b.dv.pk])  # a write behind the actions' back refreshes the sheet's sums
    assert ScoreSheet.objects.get(pk=b.dv.pk).needs_exact  # over its max: added up item by item, with the note
    ranking = selectors.round_ranking(b.round.__class__.objects.get(pk=b.round.pk))
    specs = selectors.criterion_specs(Criterion.objects.filter(criteria_set=b.criteria_set))
    for sheet in cases:
        points = {s.criterion.code: s.effective_points for s in Score.objects.filter(sheet=sheet).select_related("criterion") if s.effective_points is not None}
        expected = core.sheet_totals(specs, points)
        assert ranking.row(str(sheet.unit.uid)).totals == expected
    assert ranking.row(str(b.tg.unit.uid)).totals.bonus == Decimal("4")  # 2 (item 3) + 2 (group 5 capped)
    assert ranking.row(str(b.tc.unit.uid)).total == 0


# ---------------------------------------------------------------- the sheet's cached sums

DERIVED = ("total_points", "bucket_sums", "missing_items", "filled_items", "needs_exact")


def derived_of(sheet) -> dict:
    stored = ScoreSheet.objects.get(pk=sheet.pk)
    return {name: getattr(stored, name) for name in DERIVED}


def assert_sums_fresh(sheet) -> dict:
    """The sums stored on the sheet equal a recomputation from its Score rows, and the totals
    they give equal the core's item-by-item totals."""
    from thidua.rules import scoring as core

    stored = derived_of(sheet)
    sheet = fresh(sheet)
    assert stored == selectors.sheet_derived(sheet)
    specs = selectors.criterion_specs(Criterion.objects.filter(criteria_set_id=sheet.round.criteria_set_id))
    points = {s.criterion.code: s.effective_points for s in Score.objects.filter(sheet=sheet).select_related("criterion") if s.effective_points is not None}
    exact = core.sheet_totals(specs, points)
    assert stored["total_points"] == (exact.total if points else None)
    if not stored["needs_exact"]:
        buckets = selectors.buckets_from_sums(stored["bucket_sums"])
        assert core.totals_from_buckets(specs, buckets, missing=stored["missing_items"]) == exact
    return stored


@pytest.mark.sqlite
def test_the_sheet_s_sums_follow_every_change_of_points(block):
    """Self-scoring, import, cross-check, panel, returns: after each, the sums kept on the sheet
    (what the ranking reads) equal those recomputed from the score rows."""
    b, w = block, block.world
    for sheet in (b.tg, b.tc, b.dv):
        assert assert_sums_fresh(sheet) == {
            "total_points": None, "bucket_sums": {}, "missing_items": ["1.1", "1.2", "2.1", "3", "4"], "filled_items": 0, "needs_exact": False,
        }

    sheet = fresh(b.tg)
    actions.do_save_scores(actor=w.unit_officer, sheet=sheet, level="SELF", values={"1.1": "28", "2.1": "35,5"}, expected_version=sheet.version)
    stored = assert_sums_fresh(b.tg)
    assert (stored["bucket_sums"], stored["missing_items"], stored["total_points"]) == ({"1": [2800, 0, 0], "2": [3550, 0, 0]}, ["1.2", "3", "4"], Decimal("63.5"))
    fill_and_submit(w.unit_officer, b.tg)
    stored = assert_sums_fresh(b.tg)
    assert stored["bucket_sums"] == {"1": [5300, 0, 0], "2": [3500, 0, 0], "3": [0, 200, 0], "4": [0, 0, 0]} and stored["missing_items"] == []

    # An Excel import (same rules as a save) on another sheet.
    sheet = fresh(b.tc)
    actions.do_import_sheet(actor=b.head_officer, sheet=sheet, level="SELF", values={**FULL, "4": ("3", "Chậm báo cáo")}, expected_version=sheet.version)
    assert assert_sums_fresh(b.tc)["bucket_sums"]["4"] == [0, 0, 300]

    # Cross-check with a correction, a return to the unit, its change, a resubmission.
    sheet = fresh(b.tg)
    actions.do_save_scores(actor=b.peer_officer, sheet=sheet, level="CROSS", values={"1.1": "26"}, reasons={"1.1": "Thiếu 1 chỉ tiêu"}, expected_version=sheet.version)
    assert assert_sums_fresh(b.tg)["bucket_sums"]["1"] == [5100, 0, 0]
    sheet = fresh(b.tg)
    actions.do_transition_sheet(actor=b.peer_officer, sheet=sheet, event="return", reason="Bổ sung minh chứng", expected_version=sheet.version)
    assert assert_sums_fresh(b.tg)["total_points"] == Decimal("26") + 25 + 35 + 2
    sheet = fresh(b.tg)
    actions.do_save_scores(actor=w.unit_officer, sheet=sheet, level="SELF", values={"3": "0", "1.2": "20"}, reasons={"3": "Bỏ bằng khen", "1.2": "Tự điều chỉnh"},
                           expected_version=sheet.version)
    assert assert_sums_fresh(b.tg)["bucket_sums"] == {"1": [4600, 0, 0], "2": [3500, 0, 0], "3": [0, 0, 0], "4": [0, 0, 0]}
    sheet = fresh(b.tg)
    actions.do_transition_sheet(actor=w.unit_officer, sheet=sheet, event="submit", expected_version=sheet.version)
    sheet = fresh(b.tg)
    actions.do_transition_sheet(actor=b.peer_officer, sheet=sheet, event="cross_check", expected_version=sheet.version)

    # The panel's final points, a return to the cross-check level, a new cross-check value.
    sheet = fresh(b.tg)
    actions.do_save_scores(actor=w.an_officer, sheet=sheet, level="PANEL", values={"2.1": "40", "4": "1"}, reasons={"2.1": "Đủ minh chứng", "4": "Chậm nộp báo cáo"},
                           expected_version=sheet.version)
    assert assert_sums_fresh(b.tg)["bucket_sums"] == {"1": [4600, 0, 0], "2": [4000, 0, 0], "3": [0, 0, 0], "4": [0, 0, 100]}
    sheet = fresh(b.tg)
    actions.do_transition_sheet(actor=w.an_officer, sheet=sheet, event="return", reason="Chấm chéo lại 1.2", expected_version=sheet.version)
    assert_sums_fresh(b.tg)
    sheet = fresh(b.tg)
    actions.do_save_scores(actor=b.peer_officer, sheet=sheet, level="CROSS", values={"1.2": "22"}, reasons={"1.2": "Có thêm minh chứng"}, expected_version=sheet.version)
    stored = assert_sums_fresh(b.tg)
    assert stored["bucket_sums"]["1"] == [4800, 0, 0] and stored["total_points"] == Decimal("26") + 22 + 40 + 0 - 1

    # Recomputing everything from the score rows changes nothing.
    before = {s.pk: derived_of(s) for s in (b.tg, b.tc, b.dv)}
    assert actions.recompute_sheet_sums(before) == 3
    assert {pk: derived_of(ScoreSheet(pk=pk)) for pk in before} == before


@pytest.mark.sqlite
def test_the_ranking_from_the_sheet_sums_equals_the_item_by_item_ranking(world):
    """Caps, an empty bonus item, a value above its max left by hand, a negative total: the
    ranking read from the sheets' sums is exactly the core's ranking of the item-by-item totals,
    and the score rows are read only for the sheet that needs it."""
    from thidua.rules import scoring as core

    b = build_block(world)
    actions.do_add_criterion(actor=None, criteria_set=b.criteria_set, data={"code": "5", "title": "Khen thưởng khác", "kind": "GROUP", "max_points": 2})
    actions.do_add_criterion(actor=None, criteria_set=b.criteria_set, data={"code": "5.1", "title": "Bằng khen", "kind": "BONUS", "max_points": 2, "parent_code": "5"})
    actions.do_add_criterion(actor=None, criteria_set=b.criteria_set, data={"code": "5.2", "title": "Giấy khen", "kind": "BONUS", "max_points": 2, "parent_code": "5"})
    open_round(b)
    cases = {
        b.tg: {**FULL, "5.1": ("2", ""), "5.2": ("2", "")},  # bonus group capped at 2
        b.tc: {"1.1": ("0", ""), "1.2": ("0", ""), "2.1": ("0", ""), "3": ("0", ""), "4": ("5", "")},  # negative total, 5.x empty
        b.dv: {**FULL, "5.1": ("1", ""), "5.2": ("0", "")},
    }
    for sheet, values in cases.items():
        actions.do_save_scores(actor=None, sheet=fresh(sheet), level="SELF", values=values, expected_version=fresh(sheet).version)
        ScoreSheet.objects.filter(pk=sheet.pk).update(state=SheetState.SUBMITTED)
    assert derived_of(b.tc)["missing_items"] == ["5.1", "5.2"] and not derived_of(b.tc)["needs_exact"]
    round_ = b.round.__class__.objects.get(pk=b.round.pk)
    with CaptureQueriesContext(connection) as queries:
        ranking = selectors.round_ranking(round_)
    assert not [q for q in queries.captured_queries if '"scoring_score"' in q["sql"]]  # sheet rows only

    specs = selectors.criterion_specs(Criterion.objects.filter(criteria_set=b.criteria_set))

    def item_by_item():
        inputs = []
        for sheet in cases:
            points = {s.criterion.code: s.effective_points for s in Score.objects.filter(sheet=sheet).select_related("criterion") if s.effective_points is not None}
            inputs.append(core.RankInput(str(sheet.unit.uid), sheet.unit.name, core.sheet_totals(specs, points)))
        return core.rank(inputs, tie_breakers=["MORE_BONUS"], label_sort_key=selectors.sort_key)

    expected = item_by_item()
    assert ranking == expected and [r.totals for r in ranking.rows] == [r.totals for r in expected.rows]
    assert ranking.row(str(b.tg.unit.uid)).totals.bonus == Decimal("4")  # 2 (item 3) + 2 (group 5 capped)
    assert ranking.row(str(b.tc.unit.uid)).total == 0 and "Còn 2 tiêu chí chưa có điểm (tính 0): 5.1, 5.2." in ranking.row(str(b.tc.unit.uid)).reasons

    # A value above its max written behind the actions' back, then the sums recomputed: that
    # sheet is added up item by item (with its note), the others still from their sums.
    Score.objects.filter(sheet=b.dv, criterion__code="1.1").update(cross_points=Decimal("31"))
    actions.recompute_sheet_sums([b.dv.pk])
    with CaptureQueriesContext(connection) as queries:
        ranking = selectors.round_ranking(round_)
    read = [q["sql"] for q in queries.captured_queries if '"scoring_score"' in q["sql"]]
    assert len(read) == 1 and re.search(r"IN \(([^)]*)\)", read[0]).group(1).split(", ") == [str(b.dv.pk)]
    assert ranking == item_by_item()
    assert "Tiêu chí 1.1: điểm 31 vượt mức tối đa 30, tính 30." in ranking.row(str(b.dv.unit.uid)).reasons

    # Sheets whose sums were never computed (rows from before the sums existed) are added up item by item.
    ScoreSheet.objects.filter(round=round_).update(bucket_sums=None)
    assert selectors.round_ranking(round_) == item_by_item()
