"""Demo scoring built through the real actions (idempotent).

- An Giang, Khối thi đua các cơ quan Đảng tỉnh, 2023 (seed 004): a published round. At the tổng
  kết meeting of 29/12/2023 the block "bình xét, xếp loại thi đua năm 2023" and agreed to propose
  Ban Tuyên giáo Tỉnh ủy for the Cờ thi đua của Chính phủ and Ban Tổ chức Tỉnh ủy and Ban Dân vận
  Tỉnh ủy for the Bằng khen của UBND tỉnh: the demo points rank them first, second and third and
  the leader is recorded from the meeting's conclusion.
- Quảng Ninh, Khối thi đua các đơn vị tổng hợp, 2017 (seed 002): "công bố kết quả chấm điểm bình
  xét, suy tôn" at the tổng kết meeting of 20/12/2017: a published round. The article names no
  points and no leader, so the leader is left unconfirmed.
- An Giang 2024: an open round with sheets in every state, so the pages have something live.

The articles give no per-criterion points: every point here is illustrative (said in the round's
note), chosen only to reproduce the order the seeds report.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from thidua.blocs.models import Bloc, BlocYear, Meeting
from thidua.core.demo_dates import at, restamp
from thidua.org.models import Province
from thidua.scoring import actions
from thidua.scoring.models import CriteriaSet, ScoreSheet, ScoringRound

DEMO_LABELS = [
    ("criteria_sets", "bảng tiêu chí chấm điểm"),
    ("scoring_rounds", "đợt chấm điểm"),
    ("score_sheets", "phiếu chấm điểm"),
]

D = Decimal

CRITERIA = [
    {"code": "1", "title": "Thực hiện nhiệm vụ chính trị", "kind": "GROUP", "max_points": D("60"),
     "guidance": "Căn cứ báo cáo tổng kết năm của đơn vị và kết quả đánh giá của cấp có thẩm quyền."},
    {"code": "1.1", "title": "Hoàn thành các chỉ tiêu, nhiệm vụ chính trị được giao trong năm", "kind": "SCORE", "max_points": D("20"), "parent_code": "1"},
    {"code": "1.2", "title": "Chất lượng tham mưu, đề xuất với cấp ủy về lĩnh vực phụ trách", "kind": "SCORE", "max_points": D("20"), "parent_code": "1"},
    {"code": "1.3", "title": "Thực hiện cải cách hành chính, chuyển đổi số trong hoạt động của cơ quan", "kind": "SCORE", "max_points": D("20"), "parent_code": "1"},
    {"code": "2", "title": "Công tác thi đua khen thưởng", "kind": "GROUP", "max_points": D("20")},
    {"code": "2.1", "title": "Tổ chức phát động, triển khai các phong trào thi đua; đăng ký thi đua đầu năm", "kind": "SCORE", "max_points": D("10"), "parent_code": "2"},
    {"code": "2.2", "title": "Phát hiện, bồi dưỡng, nhân rộng điển hình tiên tiến; khen thưởng kịp thời, đúng quy định", "kind": "SCORE", "max_points": D("10"), "parent_code": "2"},
    {"code": "3", "title": "Xây dựng Đảng, đoàn thể", "kind": "GROUP", "max_points": D("20")},
    {"code": "3.1", "title": "Chi bộ, đảng bộ cơ quan hoàn thành tốt nhiệm vụ trở lên", "kind": "SCORE", "max_points": D("10"), "parent_code": "3"},
    {"code": "3.2", "title": "Công đoàn, Đoàn Thanh niên cơ quan vững mạnh; không có cán bộ vi phạm kỷ luật", "kind": "SCORE", "max_points": D("10"), "parent_code": "3"},
    {"code": "4", "title": "Điểm thưởng", "kind": "GROUP", "max_points": D("5")},
    {"code": "4.1", "title": "Được cấp có thẩm quyền khen thưởng đột xuất, chuyên đề trong năm", "kind": "BONUS", "max_points": D("3"), "parent_code": "4",
     "evidence_required": True, "guidance": "Đính kèm quyết định khen thưởng."},
    {"code": "4.2", "title": "Có mô hình, cách làm hay được cấp trên ghi nhận, nhân rộng", "kind": "BONUS", "max_points": D("2"), "parent_code": "4"},
    {"code": "5", "title": "Điểm trừ", "kind": "GROUP", "max_points": D("5")},
    {"code": "5.1", "title": "Chậm gửi báo cáo, đăng ký thi đua, hồ sơ khen thưởng theo quy định", "kind": "DEDUCTION", "max_points": D("3"), "parent_code": "5"},
    {"code": "5.2", "title": "Không tham dự hội nghị, hoạt động chung của khối không có lý do", "kind": "DEDUCTION", "max_points": D("2"), "parent_code": "5"},
]
SCORE_CODES = ["1.1", "1.2", "1.3", "2.1", "2.2", "3.1", "3.2"]
MAX = {c["code"]: c["max_points"] for c in CRITERIA}

ILLUSTRATIVE = (
    "Điểm minh họa cho bản dùng thử: bài báo nguồn không nêu điểm từng tiêu chí của các đơn vị."
)

# (points lost from the 100 base points, bonus 4.1, bonus 4.2, deduction 5.1) per unit.
AN_GIANG_2023 = {
    "Ban Tuyên giáo Tỉnh ủy": (D("3.5"), D("1"), D("1.5"), D("0")),
    "Ban Tổ chức Tỉnh ủy": (D("4"), D("0"), D("1.5"), D("0")),
    "Ban Dân vận Tỉnh ủy": (D("4.5"), D("0"), D("1"), D("0")),
    "Trường Chính trị Tôn Đức Thắng": (D("5"), D("0"), D("1"), D("0")),
    "Ủy ban Kiểm tra Tỉnh ủy": (D("5.5"), D("0"), D("0.5"), D("0")),
    "Ban Nội chính Tỉnh ủy": (D("6"), D("0"), D("0.5"), D("0")),
    "Văn phòng Tỉnh ủy": (D("6.5"), D("0"), D("0"), D("0")),
    "Đảng uỷ Khối Cơ quan và Doanh nghiệp tỉnh": (D("7"), D("0"), D("0"), D("0.5")),
    "Báo An Giang": (D("8"), D("0"), D("0"), D("1")),
}
DEFAULT_POINTS = (D("7"), D("0"), D("0"), D("0"))
QUANG_NINH_2017 = {
    "Văn phòng HĐND tỉnh": (D("3"), D("1"), D("1"), D("0")),
    "Văn phòng UBND tỉnh": (D("3.5"), D("0"), D("1.5"), D("0")),
    "Sở Nội vụ": (D("4"), D("0"), D("1"), D("0")),
    "Sở Kế hoạch và Đầu tư": (D("5"), D("0"), D("0.5"), D("0")),
    "Sở Tư pháp": (D("5.5"), D("0"), D("0.5"), D("0")),
    "Sở Ngoại vụ": (D("6"), D("0"), D("0"), D("0")),
    "Thanh tra tỉnh": (D("6.5"), D("0"), D("0"), D("0.5")),
}


def _points(loss: Decimal, bonus1: Decimal, bonus2: Decimal, deduction: Decimal) -> dict[str, tuple[str, str]]:
    """Spread `loss` over the criteria half a point at a time, in a fixed order."""
    values = {code: MAX[code] for code in SCORE_CODES}
    step, index = D("0.5"), 0
    while loss > 0:
        code = SCORE_CODES[index % len(SCORE_CODES)]
        if values[code] >= step:
            values[code] -= step
            loss -= step
        index += 1
    result = {code: (str(v), "") for code, v in values.items()}
    result.update({"4.1": (str(bonus1), ""), "4.2": (str(bonus2), ""), "5.1": (str(deduction), ""), "5.2": ("0", "")})
    if bonus1:
        result["4.1"] = (str(bonus1), "Được Ban Thường vụ Tỉnh ủy tặng giấy khen chuyên đề")
    return result


def _evidence() -> SimpleUploadedFile:
    return SimpleUploadedFile(
        "quyet-dinh-khen-thuong.pdf", b"%PDF-1.4\n% Ban sao quyet dinh khen thuong (minh hoa cho ban dung thu)\n", content_type="application/pdf"
    )


def _sheet(sheet_id: int) -> ScoreSheet:
    return ScoreSheet.objects.select_related("round", "round__bloc_year", "unit").get(pk=sheet_id)


def _self_score(sheet: ScoreSheet, values) -> ScoreSheet:
    actions.do_save_scores(actor=None, sheet=sheet, level="SELF", values=values, expected_version=sheet.version)
    if D(values["4.1"][0]):
        actions.do_attach_evidence(actor=None, sheet=sheet, code="4.1", upload=_evidence())
    return _sheet(sheet.pk)


def _step(sheet: ScoreSheet, event: str, reason: str = "") -> ScoreSheet:
    actions.do_transition_sheet(actor=None, sheet=sheet, event=event, reason=reason, expected_version=sheet.version)
    return _sheet(sheet.pk)


def _correct(sheet: ScoreSheet, level: str, code: str, points: str, reason: str) -> ScoreSheet:
    actions.do_save_scores(actor=None, sheet=sheet, level=level, values={code: (points, None)}, reasons={code: reason}, expected_version=sheet.version)
    return _sheet(sheet.pk)


def _criteria_set(bloc: Bloc, year: int, name: str, stats: Counter) -> CriteriaSet:
    existing = CriteriaSet.objects.filter(bloc=bloc, year=year, name=name).order_by("version_no").first()
    if existing is not None:
        return existing
    criteria_set = actions.do_create_criteria_set(
        actor=None, province=bloc.province,
        data={"bloc": bloc, "year": year, "name": name, "tie_breakers": ["MORE_BONUS", "FEWER_DEDUCTIONS"],
              "note": "Tổng 100 điểm tiêu chí; điểm thưởng tối đa 5, điểm trừ tối đa 5."},
    )
    for data in CRITERIA:
        actions.do_add_criterion(actor=None, criteria_set=criteria_set, data=data)
    stats["criteria_sets"] += 1
    return criteria_set


def _assign_ring(round_: ScoringRound, sheets: list[ScoreSheet]) -> None:
    """Each member cross-checks the next one's sheet (the head unit may check any)."""
    for index, sheet in enumerate(sheets):
        reviewer = sheets[(index + 1) % len(sheets)].unit
        actions.do_assign_cross_check(actor=None, round=round_, sheet=sheet, reviewer_units=[reviewer])


def _published_round(bloc_year: BlocYear, criteria_set: CriteriaSet, points: dict, quota: int, meeting: Meeting, stats: Counter,
                     corrections: dict | None = None) -> ScoringRound:
    round_ = actions.do_open_round(actor=None, bloc_year=bloc_year, criteria_set=criteria_set, quota=quota, note=ILLUSTRATIVE)
    stats["scoring_rounds"] += 1
    sheets = list(ScoreSheet.objects.filter(round=round_).select_related("unit", "round", "round__bloc_year").order_by("pk"))
    stats["score_sheets"] += len(sheets)
    _assign_ring(round_, sheets)
    for sheet in sheets:
        sheet = _self_score(_sheet(sheet.pk), _points(*points.get(sheet.unit.name, DEFAULT_POINTS)))
        sheet = _step(sheet, "submit")
        for code, (value, reason) in (corrections or {}).get(sheet.unit.name, {}).items():
            sheet = _correct(sheet, "CROSS", code, value, reason)
        sheet = _step(sheet, "cross_check")
        _step(sheet, "appraise")
    round_ = ScoringRound.objects.get(pk=round_.pk)
    round_ = actions.do_publish_results(actor=None, round=round_, meeting=meeting, expected_version=round_.version)
    # Published at the meeting the article reports, not on the day the demo was loaded.
    restamp(ScoringRound.objects.filter(pk=round_.pk), opened_at=at(meeting.held_on, 7), published_at=at(meeting.held_on, 10))
    restamp(ScoreSheet.objects.filter(round=round_), submitted_at=at(meeting.held_on, 7))
    round_.refresh_from_db()
    return round_


def _an_giang(stats: Counter) -> None:
    province = Province.objects.filter(code="89", name="An Giang").first()
    bloc = Bloc.objects.filter(province=province, name="Khối thi đua các cơ quan Đảng tỉnh").first() if province else None
    if bloc is None:
        return
    year_2023 = BlocYear.objects.filter(bloc=bloc, year=2023).first()
    meeting = Meeting.objects.filter(bloc_year=year_2023, kind="ANNUAL_REVIEW").first() if year_2023 else None
    set_2023 = _criteria_set(bloc, 2023, "Bảng tiêu chí chấm điểm thi đua Khối các cơ quan Đảng tỉnh năm 2023", stats)
    if year_2023 is not None and meeting is not None and not ScoringRound.objects.filter(bloc_year=year_2023).exists():
        round_ = _published_round(
            year_2023, set_2023, AN_GIANG_2023, quota=3, meeting=meeting, stats=stats,
            corrections={"Ban Nội chính Tỉnh ủy": {"1.3": ("18", "Chưa triển khai phần mềm quản lý văn bản đến chi bộ trực thuộc")}},
        )
        leader = next(r for r in round_.sheets.select_related("unit") if r.unit.name == "Ban Tuyên giáo Tỉnh ủy").unit
        actions.do_confirm_leader(
            actor=None, round=round_, unit=leader, how="MEETING_RECORD",
            note="Hội nghị tổng kết ngày 29/12/2023 thống nhất đề nghị tặng Cờ thi đua của Chính phủ cho Ban Tuyên giáo Tỉnh ủy",
            expected_version=round_.version,
        )
        restamp(ScoringRound.objects.filter(pk=round_.pk), leader_confirmed_at=at(meeting.held_on, 11))
    year_2024 = BlocYear.objects.filter(bloc=bloc, year=2024).first()
    if year_2024 is None or ScoringRound.objects.filter(bloc_year=year_2024).exists():
        return
    set_2024 = CriteriaSet.objects.filter(bloc=bloc, year=2024).order_by("version_no").first()
    if set_2024 is None:
        set_2024 = actions.do_copy_criteria_set(
            actor=None, source=set_2023, year=2024, name="Bảng tiêu chí chấm điểm thi đua Khối các cơ quan Đảng tỉnh năm 2024"
        )
        stats["criteria_sets"] += 1
    round_ = actions.do_open_round(actor=None, bloc_year=year_2024, criteria_set=set_2024, quota=3, note=ILLUSTRATIVE)
    stats["scoring_rounds"] += 1
    sheets = {s.unit.name: s for s in ScoreSheet.objects.filter(round=round_).select_related("unit", "round", "round__bloc_year")}
    stats["score_sheets"] += len(sheets)
    _assign_ring(round_, sorted(sheets.values(), key=lambda s: s.pk))
    plan = {
        "Ban Tuyên giáo Tỉnh ủy": "APPRAISED",
        "Ban Tổ chức Tỉnh ủy": "CROSS_CHECKED",
        "Ban Dân vận Tỉnh ủy": "SUBMITTED",
        "Trường Chính trị Tôn Đức Thắng": "SUBMITTED",
        "Ủy ban Kiểm tra Tỉnh ủy": "RETURNED",
        "Ban Nội chính Tỉnh ủy": "PARTIAL",
    }
    for name, target in plan.items():
        sheet = sheets.get(name)
        if sheet is None:
            continue
        values = _points(*AN_GIANG_2023.get(name, DEFAULT_POINTS))
        if target == "PARTIAL":
            actions.do_save_scores(
                actor=None, sheet=_sheet(sheet.pk), level="SELF", values={k: values[k] for k in ("1.1", "1.2", "1.3")},
                expected_version=_sheet(sheet.pk).version,
            )
            continue
        sheet = _step(_self_score(_sheet(sheet.pk), values), "submit")
        if target == "RETURNED":
            _step(sheet, "return", "Bổ sung tài liệu chứng minh mô hình được nhân rộng (điểm thưởng 4.2) và giải trình tiêu chí 1.3")
            continue
        if target == "SUBMITTED":
            continue
        sheet = _correct(sheet, "CROSS", "2.1", str(D(values["2.1"][0]) - D("0.5")), "Đăng ký thi đua gửi chậm so với hướng dẫn của khối")
        sheet = _step(sheet, "cross_check")
        if target == "APPRAISED":
            _step(sheet, "appraise")


def _quang_ninh(stats: Counter) -> None:
    province = Province.objects.filter(code="22", name="Quảng Ninh").first()
    bloc = Bloc.objects.filter(province=province, name="Khối thi đua các đơn vị tổng hợp").first() if province else None
    year_2017 = BlocYear.objects.filter(bloc=bloc, year=2017).first() if bloc else None
    meeting = Meeting.objects.filter(bloc_year=year_2017, kind="ANNUAL_REVIEW").first() if year_2017 else None
    if meeting is None or ScoringRound.objects.filter(bloc_year=year_2017).exists():
        return
    criteria_set = _criteria_set(bloc, 2017, "Bảng tiêu chí chấm điểm, bình xét thi đua Khối các đơn vị tổng hợp năm 2017", stats)
    _published_round(year_2017, criteria_set, QUANG_NINH_2017, quota=2, meeting=meeting, stats=stats)


@transaction.atomic
def load_demo(doc: dict) -> Counter:
    """`doc` is thidua/org/data/demo_seeds.json (units and block years already loaded)."""
    stats: Counter = Counter()
    _an_giang(stats)
    _quang_ninh(stats)
    return stats
