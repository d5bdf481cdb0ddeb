"""Demo proposals and decisions from the seed articles, built through the real actions (idempotent).

- Seed 004 (An Giang): at its year-end meeting of 29/12/2023 the Khối thi đua các cơ quan Đảng tỉnh
  agreed to propose Ban Tuyên giáo Tỉnh ủy for the Cờ thi đua của Chính phủ and Ban Tổ chức Tỉnh ủy,
  Ban Dân vận Tỉnh ủy for the Bằng khen của UBND tỉnh. The block's dossier is recorded with those
  three items; the article gives no outcome, so it stays a draft whose blockers the system explains.
- Seed 001 (Bắc Kạn): Quyết định 770/QĐ-TTg ngày 29/6/2023 of the Prime Minister gave Báo Bắc Kạn
  the Cờ thi đua của Chính phủ (for 2022): recorded as an external decision with its list. The
  history demo (thidua/history/demo.py, loaded before this one) already wrote that award into the
  unit's history; the decision links to that record instead of writing it twice.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from thidua.blocs.models import Meeting, MeetingKind
from thidua.org.models import Province, Unit
from thidua.documents.layout import date_words
from thidua.proposals import actions
from thidua.proposals.models import Decision, Proposal

DEMO_LABELS = [("proposals", "hồ sơ đề nghị khen thưởng"), ("decisions", "quyết định khen thưởng")]
CODE_ALIASES = {"CO_CHINH_PHU": "CO_CP"}
LEVEL_OF_ISSUER = {"Thủ tướng Chính phủ": "CENTRAL"}


def _unit(recipient) -> Unit | None:
    code, province_name, name = recipient
    province = Province.objects.filter(code=code, name=province_name).first()
    # Units as they were at the article's date (some have since been merged: their records stay theirs).
    return Unit.objects.filter(province=province, name=name).order_by("pk").first() if province else None


def _block_proposals(doc, stats: Counter) -> None:
    specs = [s for s in doc.get("award_proposals", []) if s.get("source") == "004"]
    if not specs:
        return
    first = _unit(specs[0]["recipient"])
    if first is None:
        return
    year = specs[0]["achievement_year"]
    meeting = (
        Meeting.objects.filter(
            bloc_year__year=year, kind=MeetingKind.ANNUAL_REVIEW, bloc_year__memberships__unit=first,
        ).select_related("bloc_year__bloc").order_by("-held_on").first()
    )
    if meeting is None:
        return
    bloc = meeting.bloc_year.bloc
    title = f"Đề nghị khen thưởng năm {year} của {bloc.name}"
    if Proposal.objects.filter(bloc_year=meeting.bloc_year, title=title).exists():
        return
    agreed = "; ".join(f"{s['recipient'][2]}: {s['award']}" for s in specs)
    proposal = actions.do_create_proposal(
        actor=None, meeting=meeting,
        data={
            "title": title, "level": "PROVINCE",
            "reasons": (
                f"Hội nghị tổng kết công tác thi đua, khen thưởng năm {year} của khối {date_words(meeting.held_on)} đã bình xét, "
                f"xếp loại thi đua và thống nhất đề nghị: {agreed}."
            ),
            "signer_name": "Trần Thị Thanh Hương", "signer_title": "Trưởng Ban Tuyên giáo Tỉnh ủy, Trưởng khối",
        },
    )
    for spec in specs:
        unit = _unit(spec["recipient"])
        if unit is None:
            continue
        actions.do_add_item(
            actor=None, proposal=proposal,
            data={"unit": unit, "award": CODE_ALIASES.get(spec["award_code"], spec["award_code"]),
                  "achievements": f"Khối thống nhất đề nghị tại hội nghị {date_words(meeting.held_on)}."},
        )
    stats["proposals"] += 1


def _external_decisions(doc, stats: Counter) -> None:
    for spec in doc.get("awards", []):
        unit = _unit(spec["recipient"])
        if unit is None:
            continue
        number, symbol = spec["decision_number"].split("/", 1)
        issued_on = dt.date.fromisoformat(spec["decision_date"])
        if Decision.objects.filter(number=number, symbol=symbol, issued_on=issued_on).exists():
            continue
        award = CODE_ALIASES.get(spec["award_code"], spec["award_code"])
        actions.do_record_external_decision(
            actor=None, province=unit.province,
            data={
                "number": number, "symbol": symbol, "issued_on": issued_on, "issuer_name": spec["decision_issuer"],
                "level": LEVEL_OF_ISSUER.get(spec["decision_issuer"], "PROVINCE"),
                "subject": f"Về việc tặng {spec['award']}",
            },
            recipients=[{"unit": unit, "award": award, "year": spec["achievement_year"]}],
        )
        stats["decisions"] += 1


def load_demo(doc) -> Counter:
    stats: Counter = Counter()
    _block_proposals(doc, stats)
    _external_decisions(doc, stats)
    return stats
