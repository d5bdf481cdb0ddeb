"""Demo history for the seeds' units and people (idempotent), so "Có thể đề nghị" shows real reasons.

- Seed 001 (Bắc Kạn): Báo Bắc Kạn received the Cờ thi đua của Chính phủ for 2022 by Quyết định
  770/QĐ-TTg ngày 29/6/2023 of the Prime Minister — recorded as an external decision.
- Seed 004 (An Giang): Ban Tuyên giáo Tỉnh ủy, Trưởng khối 2023, proposed by its block for the
  Cờ thi đua của Chính phủ. Its year-end ratings of 2021–2023 and its staff's 2023 ratings and
  titles are illustrative (the article gives no figures): enough for the unit page to show why
  it qualifies for Tập thể lao động xuất sắc, and for its people a Lao động tiên tiến streak,
  one discipline period and one initiative.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from thidua.history import actions
from thidua.history.models import AwardRecord, AwardSource, DecisionLevel, TaskRating
from thidua.org.models import Person, Province, Unit

DEMO_LABELS = [("history_awards", "khen thưởng trong hồ sơ thành tích"), ("history_ratings", "kết quả đánh giá, xếp loại")]
CODE_ALIASES = {"CO_CHINH_PHU": "CO_CP"}
ILLUSTRATIVE = "Dữ liệu minh họa"


def _unit(recipient) -> Unit | None:
    code, province_name, name = recipient
    province = Province.objects.filter(code=code, name=province_name).first()
    return Unit.objects.filter(province=province, name=name).first() if province else None


def _external_awards(doc, stats: Counter) -> None:
    for spec in doc.get("awards", []):
        unit = _unit(spec["recipient"])
        code = CODE_ALIASES.get(spec["award_code"], spec["award_code"])
        if unit is None or AwardRecord.objects.filter(unit=unit, award_code=code, year=spec["achievement_year"]).exists():
            continue
        actions.do_record_award(
            None, unit, code, spec["achievement_year"], source=AwardSource.EXTERNAL,
            decision={"number": spec["decision_number"], "date": dt.date.fromisoformat(spec["decision_date"]),
                      "issuer": spec["decision_issuer"], "level": DecisionLevel.STATE},
            note=spec.get("reason", "")[:255],
        )
        stats["history_awards"] += 1


def _an_giang_tuyen_giao(stats: Counter) -> None:
    unit = _unit(["89", "An Giang", "Ban Tuyên giáo Tỉnh ủy"])
    if unit is None or TaskRating.objects.filter(unit=unit).exists():
        return
    for year in (2021, 2022, 2023):
        actions.do_set_task_rating(None, unit, year, "EXCELLENT", note=ILLUSTRATIVE)
        stats["history_ratings"] += 1
    for year in (2021, 2022):
        actions.do_record_award(None, unit, "TTLDXS", year, source=AwardSource.IMPORTED, note=ILLUSTRATIVE)
        stats["history_awards"] += 1
    people = list(Person.objects.filter(unit=unit).order_by("-is_leader", "pk"))
    if not people:
        return
    for year in (2021, 2022, 2023):
        rows = []
        for index, person in enumerate(people):
            rating = "EXCELLENT" if index in (0, 1) else ("COMPLETED" if index % 6 == 5 else "GOOD")
            if year == 2023 and index == 2:
                rating = "EXCELLENT"
            rows.append((person, rating))
        stats["history_ratings"] += actions.do_record_task_ratings(None, unit, year, rows)
        for index, (person, rating) in enumerate(rows):
            if rating in ("EXCELLENT", "GOOD") and not (index == 3 and year == 2023):
                actions.do_record_award(None, person, "LDTT", year, source=AwardSource.IMPORTED, note=ILLUSTRATIVE)
                stats["history_awards"] += 1
                if rating == "EXCELLENT" and index in (0, 1):
                    actions.do_record_award(None, person, "CSTDCS", year, source=AwardSource.IMPORTED, note=ILLUSTRATIVE)
                    stats["history_awards"] += 1
    # One person disciplined in 2023 (khiển trách, 12 months): no award for 2023, streak restarts.
    if len(people) > 3:
        actions.do_record_discipline(None, people[3], {"form": "KHIEN_TRACH", "start_date": dt.date(2023, 4, 1),
                                                        "end_date": dt.date(2024, 3, 31), "note": ILLUSTRATIVE})
    # One person with an initiative recognised at grassroots level in 2023 (a basis for CSTĐCS).
    if len(people) > 4:
        actions.do_record_initiative(None, people[4], {
            "year": 2023, "title": "Số hóa tài liệu tuyên truyền của Ban", "scope": "BASE",
            "recognised_by": "Hội đồng sáng kiến cơ sở Ban Tuyên giáo Tỉnh ủy", "recognised_on": dt.date(2023, 11, 20)})


def load_demo(doc) -> Counter:
    stats: Counter = Counter()
    _external_awards(doc, stats)
    _an_giang_tuyen_giao(stats)
    return stats
