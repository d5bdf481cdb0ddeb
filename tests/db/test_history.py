"""Hồ sơ thành tích: recording, revoking, transfers, lineage, and the eligibility request built from it."""

from __future__ import annotations

import datetime as dt

import pytest

from thidua.audit.models import AuditLog
from thidua.core.errors import ActionError, ConcurrentEditError, NotPermitted
from thidua.history import actions
from thidua.history.models import AwardRecord, AwardSource, TaskRating
from thidua.history.selectors import eligibility_request, evaluate_subject, evaluate_subject_all
from thidua.org import actions as org_actions

pytestmark = pytest.mark.django_db
ON = dt.date(2026, 1, 10)


def _person(world, name="Nguyễn Văn An", unit=None):
    return org_actions.do_create_person(actor=None, unit=unit or world.tuyen_giao, data={"full_name": name, "gender": "NAM"})


def _years(person, ratings: dict[int, str], titles: dict[int, list[str]] | None = None):
    for year, rating in ratings.items():
        actions.do_set_task_rating(None, person, year, rating)
    for year, codes in (titles or {}).items():
        for code in codes:
            actions.do_record_award(None, person, code, year, source=AwardSource.IMPORTED)


@pytest.mark.sqlite
def test_request_carries_the_history_in_the_whatif_format(world):
    person = _person(world)
    _years(person, {2024: "GOOD", 2025: "EXCELLENT"}, {2024: ["LDTT"], 2025: ["LDTT"]})
    actions.do_record_award(None, person, "GIAY_KHEN", 2024, source=AwardSource.EXTERNAL,
                            decision={"number": "12/QĐ-BTG", "date": dt.date(2025, 1, 5), "issuer": "Trưởng Ban"})
    request = eligibility_request(person, "CSTDCS", 2025, on=ON)
    assert request["kind"] == "eligibility"
    assert request["subject"] == "individual"
    assert request["decided_on"] == "2026-01-10"
    # Ban Tuyên giáo belongs to the An Giang of before 2025; its rules are now those of An Giang (91).
    assert request["province"] == "91"
    assert request["awards"] == ["CSTDCS"]
    assert request["history"] == [
        {"year": 2024, "rating": "GOOD", "titles": ["LDTT"], "awards": ["GIAY_KHEN"]},
        {"year": 2025, "rating": "EXCELLENT", "titles": ["LDTT"], "awards": []},
    ]
    result = evaluate_subject(person, "CSTDCS", 2025, on=ON)
    assert result["outcome"] == "ELIGIBLE"
    assert any("hoàn thành xuất sắc nhiệm vụ" in c["text"] for c in result["checks"])


@pytest.mark.sqlite
def test_streak_follows_the_person_across_a_transfer(world):
    person = _person(world)
    _years(person, {2023: "EXCELLENT", 2024: "EXCELLENT", 2025: "EXCELLENT"},
           {y: ["LDTT", "CSTDCS"] for y in (2023, 2024)} | {2025: ["LDTT"]})
    org_actions.do_transfer_person(actor=None, person=person, to_unit=world.to_chuc, effective_on=dt.date(2025, 3, 1),
                                   decision={"decision_number": "15-QĐ/TU", "decision_date": dt.date(2025, 2, 20),
                                             "decision_issuer": "Tỉnh ủy An Giang"})
    person.refresh_from_db()
    assert person.unit == world.to_chuc
    actions.do_record_award(None, person, "CSTDCS", 2025, source=AwardSource.IMPORTED)
    history = eligibility_request(person, "CSTD_TINH", 2025, on=ON)["history"]
    assert [h["year"] for h in history if "CSTDCS" in h["titles"]] == [2023, 2024, 2025]
    result = evaluate_subject(person, "CSTD_TINH", 2025, on=ON)
    streak = next(c for c in result["checks"] if c["code"] == "cstdcs_streak")
    assert streak["passed"] is True
    # No initiative of provincial scope: the award is refused, and says why.
    assert result["outcome"] == "NOT_ELIGIBLE"
    assert any(c["passed"] is False and "sáng kiến" in c["text"] for c in result["checks"])


@pytest.mark.sqlite
def test_revoked_award_keeps_its_record_but_no_longer_counts(world):
    person = _person(world)
    _years(person, {2024: "GOOD", 2025: "EXCELLENT"}, {2025: ["LDTT"]})
    award = AwardRecord.objects.get(person=person, award_code="LDTT")
    before = AuditLog.objects.count()
    actions.do_revoke_award(None, award, reason="Kê khai không trung thực", expected_version=award.version)
    assert AuditLog.objects.count() == before + 1
    award.refresh_from_db()
    assert award.revoked and award.revoked_reason == "Kê khai không trung thực"
    assert AwardRecord.objects.filter(pk=award.pk).exists()
    result = evaluate_subject(person, "CSTDCS", 2025, on=ON)
    assert result["outcome"] == "NOT_ELIGIBLE"
    with pytest.raises(ActionError):
        actions.do_revoke_award(None, award, reason="lại", expected_version=award.version)


@pytest.mark.sqlite
def test_one_title_per_year_and_awards_must_fit_the_subject(world):
    person = _person(world)
    actions.do_record_award(None, person, "LDTT", 2025, source=AwardSource.IMPORTED)
    with pytest.raises(ActionError, match="một lần cho một năm"):
        actions.do_record_award(None, person, "LDTT", 2025, source=AwardSource.IMPORTED)
    with pytest.raises(ActionError, match="không xét tặng cho cá nhân"):
        actions.do_record_award(None, person, "TTLDTT", 2025, source=AwardSource.IMPORTED)
    with pytest.raises(ActionError, match="Không có danh hiệu"):
        actions.do_record_award(None, person, "XYZ", 2025, source=AwardSource.IMPORTED)
    with pytest.raises(ActionError, match="số quyết định"):
        actions.do_record_award(None, world.tuyen_giao, "BK_TINH", 2025, source=AwardSource.EXTERNAL)


@pytest.mark.sqlite
def test_discipline_and_pending_investigation_reach_the_engine(world):
    person = _person(world)
    _years(person, {2024: "GOOD", 2025: "GOOD"}, {2024: ["LDTT"]})
    actions.do_record_discipline(None, person, {"form": "KHIEN_TRACH", "start_date": dt.date(2025, 3, 1),
                                                "end_date": dt.date(2026, 2, 28)})
    result = evaluate_subject(person, "LDTT", 2025, on=ON)
    assert result["outcome"] == "NOT_ELIGIBLE"
    assert any(c["code"] == "discipline" and c["passed"] is False for c in result["checks"])
    other = _person(world, "Trần Thị Bình")
    _years(other, {2025: "GOOD"})
    item = actions.do_record_investigation(None, other, opened_on=dt.date(2025, 11, 1), note="Đơn khiếu nại")
    assert evaluate_subject(other, "LDTT", 2025, on=ON)["outcome"] == "HOLD"
    actions.do_close_investigation(None, item, closed_on=dt.date(2025, 12, 20), expected_version=item.version)
    assert evaluate_subject(other, "LDTT", 2025, on=ON)["outcome"] == "ELIGIBLE"


@pytest.mark.sqlite
def test_one_initiative_one_use(world):
    person = _person(world)
    _years(person, {2025: "GOOD"}, {2025: ["LDTT"]})
    work = actions.do_record_initiative(None, person, {"year": 2025, "title": "Số hóa hồ sơ thi đua", "scope": "BASE",
                                                       "recognised_by": "Hội đồng sáng kiến cơ sở"})
    assert evaluate_subject(person, "CSTDCS", 2025, on=ON)["outcome"] == "ELIGIBLE"
    giay_khen = actions.do_record_award(None, person, "GIAY_KHEN", 2025, source=AwardSource.IMPORTED)
    work = actions.do_use_initiative(None, work, giay_khen, expected_version=work.version)
    # Used for the Giấy khen: no longer a basis for CSTĐCS.
    result = evaluate_subject(person, "CSTDCS", 2025, on=ON)
    assert result["outcome"] == "NOT_ELIGIBLE"
    assert any("không được dùng lại" in c["text"] for c in result["checks"])
    ldtt = AwardRecord.objects.get(person=person, award_code="LDTT")
    with pytest.raises(ActionError, match="chỉ được dùng một lần"):
        actions.do_use_initiative(None, work, ldtt, expected_version=work.version)


@pytest.mark.sqlite
def test_unit_year_end_ratings_give_the_member_figures(world):
    people = [_person(world, f"Cán bộ {i}") for i in range(10)]
    rows = [(p, "EXCELLENT" if i == 0 else "GOOD") for i, p in enumerate(people)]
    assert actions.do_record_task_ratings(None, world.tuyen_giao, 2025, rows) == 10
    for p in people[:7]:
        actions.do_record_award(None, p, "LDTT", 2025, source=AwardSource.IMPORTED)
    actions.do_set_task_rating(None, world.tuyen_giao, 2025, "GOOD")
    entry = eligibility_request(world.tuyen_giao, "TTLDTT", 2025, on=ON)["history"][-1]
    assert entry["headcount"] == 10 and entry["ldtt_members"] == 7 and entry["members_failed"] == 0
    assert evaluate_subject(world.tuyen_giao, "TTLDTT", 2025, on=ON)["outcome"] == "ELIGIBLE"
    # Re-recording replaces the year's ratings (one audit row for the whole list).
    before = AuditLog.objects.count()
    actions.do_record_task_ratings(None, world.tuyen_giao, 2025, [(p, "GOOD") for p in people])
    assert AuditLog.objects.count() == before + 1
    assert TaskRating.objects.filter(person__in=people, year=2025).count() == 10
    outsider = _person(world, "Người đơn vị khác", unit=world.to_chuc)
    with pytest.raises(ActionError, match="không thuộc"):
        actions.do_record_task_ratings(None, world.tuyen_giao, 2025, [(outsider, "GOOD")])


@pytest.mark.sqlite
def test_lineage_inheritance_is_a_province_policy_default_off(world):
    actions.do_set_task_rating(None, world.tuyen_giao, 2024, "EXCELLENT")
    actions.do_record_award(None, world.tuyen_giao, "TTLDXS", 2024, source=AwardSource.IMPORTED)
    event = org_actions.do_record_merge(
        actor=None, sources=[world.tuyen_giao, world.to_chuc], effective_on=dt.date(2025, 8, 1),
        decision={"decision_number": "15-QĐ/TU", "decision_date": dt.date(2025, 7, 20), "decision_issuer": "Tỉnh ủy An Giang"},
        new_unit={"name": "Ban Tổ chức - Tuyên giáo Tỉnh ủy", "kind": "PARTY"},
    )
    new_unit = event.links.get(role="TO").unit
    assert all(h["year"] != 2024 for h in eligibility_request(new_unit, "BK_TINH", 2025, on=ON)["history"])
    actions.do_set_history_policy(None, new_unit.province, inherit_across_merger=True, basis="Quyết định 01/QĐ-UBND")
    history = eligibility_request(new_unit, "BK_TINH", 2025, on=ON)["history"]
    assert any(h["year"] == 2024 and "TTLDXS" in h["titles"] for h in history)


@pytest.mark.sqlite
def test_permissions_and_compare_and_set(world):
    person = _person(world)
    outsider = _person(world, "Lê Văn Cường", unit=world.qn_unit)
    with pytest.raises(NotPermitted):
        actions.do_record_award(world.unit_officer, outsider, "LDTT", 2025, source=AwardSource.IMPORTED)
    with pytest.raises(NotPermitted):
        actions.do_set_task_rating(world.viewer, person, 2025, "GOOD")
    rating = actions.do_set_task_rating(world.unit_officer, person, 2025, "GOOD")
    actions.do_set_task_rating(world.an_officer, person, 2025, "EXCELLENT", expected_version=rating.version)
    with pytest.raises(ConcurrentEditError):
        actions.do_set_task_rating(world.an_officer, person, 2025, "COMPLETED", expected_version=rating.version)


def test_every_award_is_answered_for_a_person_and_a_unit(world):
    person = _person(world)
    _years(person, {2025: "GOOD"})
    people = evaluate_subject_all(person, 2025, on=ON)["results"]
    units = evaluate_subject_all(world.tuyen_giao, 2025, on=ON)["results"]
    assert [r["award"] for r in people][:2] == ["LDTT", "CSTDCS"]
    assert {r["award"] for r in units} >= {"TTLDTT", "TTLDXS", "CO_TINH", "CO_CP"}
    assert all(r["outcome"] in ("ELIGIBLE", "NOT_ELIGIBLE", "HOLD") for r in people + units)


@pytest.mark.sqlite
def test_decision_write_api_links_an_external_record_and_can_leave_auditing_to_its_caller(world):
    import uuid

    person = _person(world)
    external = actions.do_record_award(None, world.tuyen_giao, "CO_CP", 2023, source=AwardSource.EXTERNAL,
                                       decision={"number": "770/QĐ-TTg", "date": dt.date(2024, 6, 29)})
    decision_uid = uuid.uuid4()
    before = AuditLog.objects.count()
    linked = actions.do_record_award(None, world.tuyen_giao, "CO_CP", 2023, source=AwardSource.DECISION, audit=False,
                                     decision={"decision_number": "770/QĐ-TTg", "decision_uid": decision_uid,
                                               "decision_issuer": "Thủ tướng Chính phủ", "decision_level": "STATE"})
    assert linked.pk == external.pk and linked.decision_uid == decision_uid
    assert linked.decision_issuer == "Thủ tướng Chính phủ" and linked.source == "DECISION"
    award = actions.do_record_award(None, person, "LDTT", 2025, decision={"decision_number": "01/QĐ-BTG", "decision_uid": uuid.uuid4()},
                                    audit=False)
    actions.do_revoke_award(None, award, reason="Quyết định bị hủy", expected_version=award.version, audit=False)
    assert AuditLog.objects.count() == before
    assert AwardRecord.objects.count() == 2
