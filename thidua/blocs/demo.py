"""Demo block years from the seed articles, built through the real actions (idempotent).

Facts come from shared/seeds (see thidua/org/data/demo_seeds.json "sources"): who headed each
block which year, the meetings the articles report, the Quảng Ninh 2018 covenant signed at the
20/12/2017 meeting, the Lai Châu 2022 registrations ("đăng ký các danh hiệu thi đua … ngay từ đầu
năm") and the movements the Bắc Kạn and Quảng Ninh articles name. Where an article is silent
(a deputy, a meeting's place) nothing is invented: the field stays empty.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.db import transaction

from thidua.blocs import actions
from thidua.core.demo_dates import at, restamp
from thidua.blocs.models import Bloc, BlocKind, BlocYear, Covenant, HeadSelection, Meeting
from thidua.movements import actions as movement_actions
from thidua.movements.models import Movement, Registration
from thidua.org.models import Person, Province, Unit

# (province code, province name) of each seed block → what the article says about its years.
BLOCK_YEARS = {
    "an-giang-2023": [
        {"year": 2023, "head": "Ban Tuyên giáo Tỉnh ủy", "deputy": "Trường Chính trị Tôn Đức Thắng",
         "meeting": {"kind": "ANNUAL_REVIEW", "held_on": dt.date(2023, 12, 29), "place": "An Giang",
                     "chair": "Trần Thị Thanh Hương, Trưởng Ban Tuyên giáo Tỉnh ủy (Trưởng khối); Huỳnh Đức Hiền, Phó Hiệu trưởng Trường Chính trị Tôn Đức Thắng (Phó khối)",
                     "minutes": "Bình xét, xếp loại thi đua năm 2023. Thống nhất đề nghị tặng Cờ thi đua của Chính phủ cho Ban Tuyên giáo Tỉnh ủy; "
                                "đề nghị tặng Bằng khen của UBND tỉnh cho Ban Tổ chức Tỉnh ủy, Ban Dân vận Tỉnh ủy. "
                                "Thống nhất cử Trường Chính trị Tôn Đức Thắng làm Trưởng khối, Ban Nội chính Tỉnh ủy làm Phó khối năm 2024."}},
        {"year": 2024, "head": "Trường Chính trị Tôn Đức Thắng", "deputy": "Ban Nội chính Tỉnh ủy", "decided_on": dt.date(2023, 12, 29)},
    ],
    "quang-ninh-2017": [
        {"year": 2017, "head": "Văn phòng HĐND tỉnh", "deputy": None,
         "meeting": {"kind": "ANNUAL_REVIEW", "held_on": dt.date(2017, 12, 20), "place": "TP Hạ Long",
                     "chair": "Trần Thị Thu Hoài, Chánh Văn phòng HĐND tỉnh",
                     "minutes": "Tổng kết công tác thi đua, khen thưởng năm 2017, triển khai phương hướng, nhiệm vụ năm 2018; công bố kết quả chấm điểm "
                                "bình xét, suy tôn năm 2017; trao quyền Khối trưởng mới cho Sở Nội vụ; ký kết giao ước thi đua năm 2018."}},
        {"year": 2018, "head": "Sở Nội vụ", "deputy": None, "decided_on": dt.date(2017, 12, 20), "covenant_signed_on": dt.date(2017, 12, 20),
         # The 20/12/2017 meeting's programme as the article tells it (issue #18: the agenda).
         "agenda_of": dt.date(2017, 12, 20), "agenda": [
             ("REPORT", "Tổng kết công tác thi đua, khen thưởng năm 2017; phương hướng, nhiệm vụ năm 2018"),
             ("DELIBERATION", "Công bố kết quả chấm điểm, bình xét, suy tôn năm 2017"),
             ("ELECTION", "Trao quyền Khối trưởng năm 2018 cho Sở Nội vụ"),
             ("COVENANT", "Ký kết giao ước thi đua năm 2018"),
         ]},
    ],
    "lai-chau-2022": [
        {"year": 2022, "head": "Đảng ủy Khối các Cơ quan và Doanh nghiệp tỉnh", "deputy": None, "registrations": True,
         "meeting": {"kind": "INTERIM_REVIEW", "held_on": dt.date(2022, 7, 8), "place": "Lai Châu",
                     "chair": "Lê Mạnh Thắng, Phó Bí thư Đảng ủy Khối các Cơ quan và Doanh nghiệp tỉnh, Trưởng Khối thi đua Khối Đảng tỉnh",
                     "minutes": "Sơ kết công tác thi đua, khen thưởng 6 tháng đầu năm, triển khai nhiệm vụ 6 tháng cuối năm 2022."}},
    ],
    "bac-kan-2023": [
        {"year": 2023, "head": "Ban Dân vận Tỉnh ủy", "deputy": "Ban Bảo vệ, chăm sóc sức khỏe cán bộ tỉnh",
         "meeting": {"kind": "INTERIM_REVIEW", "held_on": dt.date(2023, 7, 7), "place": "Bắc Kạn",
                     "chair": "Lãnh đạo Ban Dân vận Tỉnh ủy (Trưởng khối) và Ban Bảo vệ, chăm sóc sức khỏe cán bộ tỉnh (Phó Trưởng khối)",
                     "minutes": "Sơ kết phong trào thi đua, công tác khen thưởng 6 tháng đầu năm 2023 và triển khai nhiệm vụ 6 tháng cuối năm 2023."}},
    ],
    "thai-binh-2022": [
        {"year": 2022, "head": "Ban Bảo vệ và Chăm sóc sức khỏe cán bộ tỉnh", "deputy": None},
    ],
}

# Movements the articles name (province-wide unless noted).
MOVEMENTS = {
    "bac-kan-2023": [
        ("Phong trào thi đua “Bắc Kạn chung sức xây dựng nông thôn mới”", "REGULAR", dt.date(2023, 1, 1), None),
        ("Phong trào “Cán bộ, công chức, viên chức thi đua thực hiện văn hóa công sở” giai đoạn 2019-2025", "THEMATIC", dt.date(2019, 1, 1), dt.date(2025, 12, 31)),
        ("Phong trào “Bắc Kạn đẩy mạnh phát triển kết cấu hạ tầng đồng bộ, hiện đại; thực hành tiết kiệm, chống lãng phí”", "THEMATIC", dt.date(2023, 1, 1), None),
        ("Phong trào “Bắc Kạn đẩy mạnh chương trình chuyển đổi số giai đoạn 2022-2025”", "THEMATIC", dt.date(2022, 1, 1), dt.date(2025, 12, 31)),
        ("Phong trào “Bắc Kạn chung tay vì người nghèo - Không để ai bị bỏ lại phía sau” giai đoạn 2021-2025", "THEMATIC", dt.date(2021, 1, 1), dt.date(2025, 12, 31)),
    ],
    "quang-ninh-2017": [
        ("Phong trào thi đua “Quảng Ninh chung sức xây dựng nông thôn mới”", "REGULAR", dt.date(2017, 1, 1), dt.date(2017, 12, 31)),
        ("Phong trào thi đua “Doanh nghiệp giỏi” năm 2017", "THEMATIC", dt.date(2017, 1, 1), dt.date(2017, 12, 31)),
        ("Phong trào thi đua “Cơ quan, đơn vị văn hóa” năm 2017", "THEMATIC", dt.date(2017, 1, 1), dt.date(2017, 12, 31)),
    ],
}


def _province(code: str, name: str) -> Province:
    return Province.objects.get(code=code, name=name)


def _unit(province: Province, name: str) -> Unit:
    return Unit.objects.get(province=province, name=name)


def _ensure_year(bloc: Bloc, spec: dict, member_names: list[str], stats: Counter) -> BlocYear:
    bloc_year = BlocYear.objects.filter(bloc=bloc, year=spec["year"]).first()
    if bloc_year is None:
        bloc_year, _ = actions.do_open_year(actor=None, bloc=bloc, year=spec["year"], copy_members=True)
        stats["years"] += 1
        present = set(bloc_year.memberships.values_list("unit__name", flat=True))
        for name in member_names:
            if name not in present:
                actions.do_add_member(actor=None, bloc_year=bloc_year, unit=_unit(bloc.province, name))
    if bloc_year.head_unit_id is None and spec.get("head"):
        actions.do_set_leadership(
            actor=None, bloc_year=bloc_year, head_unit=_unit(bloc.province, spec["head"]),
            deputy_unit=_unit(bloc.province, spec["deputy"]) if spec.get("deputy") else None,
            selected_by=HeadSelection.ELECTION, decided_on=spec.get("decided_on"),
            note="Theo bài báo nguồn" if spec.get("decided_on") else "", expected_version=bloc_year.version,
        )
        bloc_year.refresh_from_db()
    return bloc_year


def _ensure_meeting(bloc_year: BlocYear, spec: dict, stats: Counter) -> None:
    if Meeting.objects.filter(bloc_year=bloc_year, kind=spec["kind"], held_on=spec["held_on"]).exists():
        return
    members = [m.unit for m in bloc_year.memberships.select_related("unit")]
    actions.do_record_meeting(actor=None, bloc_year=bloc_year, data=spec, attending=members)
    stats["meetings"] += 1


def _ensure_covenant(bloc_year: BlocYear, signed_on: dt.date, stats: Counter) -> None:
    if Covenant.objects.filter(bloc_year=bloc_year).exists():
        return
    covenant = actions.do_draft_covenant(
        actor=None, bloc_year=bloc_year, place="Hạ Long",
        content=(
            "Tăng cường kỷ luật, kỷ cương hành chính; xây dựng nếp sống văn hóa, văn minh\n"
            "Đẩy mạnh phong trào thi đua “Quảng Ninh chung sức xây dựng nông thôn mới”\n"
            f"Phấn đấu hoàn thành và hoàn thành xuất sắc các chỉ tiêu, nhiệm vụ năm {bloc_year.year}"
        ),
    )
    targets = {c.unit_id: f"Hoàn thành xuất sắc nhiệm vụ chính trị năm {bloc_year.year} của {c.unit.name}" for c in covenant.commitments.select_related("unit")}
    actions.do_update_covenant(actor=None, covenant=covenant, content=covenant.content, place=covenant.place, targets=targets, expected_version=covenant.version)
    covenant.refresh_from_db()
    actions.do_open_covenant(actor=None, covenant=covenant, expected_version=covenant.version)
    for commitment in covenant.commitments.select_related("unit"):
        leader = Person.objects.filter(unit=commitment.unit, is_leader=True).order_by("pk").first()
        actions.do_confirm_commitment(
            actor=None, commitment=commitment, signer_name=leader.full_name if leader else "Thủ trưởng đơn vị",
            signer_title=leader.position_title if leader and leader.position_title else "Thủ trưởng đơn vị",
        )
    covenant.refresh_from_db()
    actions.do_sign_covenant(actor=None, covenant=covenant, signed_on=signed_on, expected_version=covenant.version)
    # Confirmed on the day the covenant was signed at the meeting (20/12/2017), not the load day.
    restamp(covenant.commitments.all(), confirmed_at=at(signed_on))
    stats["covenants"] += 1


def _ensure_agenda(bloc_year: BlocYear, spec: dict, stats: Counter) -> None:
    """The programme of a past meeting, every item done (nobody checked in: the attendance stays
    as recorded). The covenant item links the year's covenant when there is one."""
    from thidua.blocs.models import AgendaItem

    meeting = Meeting.objects.filter(bloc_year__bloc=bloc_year.bloc, held_on=spec["agenda_of"]).first()
    if meeting is None or AgendaItem.objects.filter(meeting=meeting).exists():
        return
    covenant = Covenant.objects.filter(bloc_year=bloc_year).first()
    for kind, title in spec["agenda"]:
        data = {"kind": kind, "title": title}
        if kind == "COVENANT" and covenant is not None:
            data["covenant"] = covenant
        actions.do_add_agenda_item(actor=None, meeting=meeting, data=data)
    meeting.refresh_from_db()
    actions.do_set_live_item(actor=None, meeting=meeting, item=None, expected_version=meeting.version)
    stats["agenda_items"] += len(spec["agenda"])


def _registration_sent_on(bloc_year: BlocYear) -> dt.date:
    """The first working days of the year, and never after the block's registration deadline."""
    start = dt.date(bloc_year.year, 1, 10)
    deadline = bloc_year.deadlines.filter(kind="REGISTRATION").order_by("due_on").first()
    return min(start, deadline.due_on) if deadline is not None else start


def _ensure_registrations(bloc_year: BlocYear, stats: Counter) -> None:
    for index, membership in enumerate(bloc_year.memberships.select_related("unit").order_by("pk")):
        unit = membership.unit
        if Registration.objects.filter(bloc_year=bloc_year, unit=unit).exists():
            continue
        registration = movement_actions.do_start_registration(actor=None, bloc_year=bloc_year, unit=unit)
        people = list(Person.objects.filter(unit=unit).order_by("pk")[:6])
        items = [{"subject_kind": "collective", "award": "TTLDXS" if index % 3 == 0 else "TTLDTT"}]
        items += [{"subject_kind": "individual", "person": p, "award": "LDTT"} for p in people]
        items += [{"subject_kind": "individual", "person": p, "award": "CSTDCS"} for p in people[:1]]
        movement_actions.do_update_registration(
            actor=None, registration=registration, targets=f"Hoàn thành xuất sắc nhiệm vụ chính trị năm {bloc_year.year}",
            items=items, expected_version=registration.version,
        )
        registration.refresh_from_db()
        # Every unit registered "ngay từ đầu năm" (seed 003); a realistic mix of replies: most
        # approved, one waiting, one returned for more detail.
        movement_actions.do_submit_registration(actor=None, registration=registration, expected_version=registration.version)
        if index == 1:
            movement_actions.do_return_registration(
                actor=None, registration=registration, reason="Bổ sung chỉ tiêu thi đua cụ thể của từng phòng, ban.", expected_version=registration.version
            )
        elif index != 2:
            movement_actions.do_approve_registration(actor=None, registration=registration, expected_version=registration.version)
        # "đăng ký … ngay từ đầu năm": sent within the year's first registration deadline.
        sent_on = _registration_sent_on(bloc_year)
        restamp(Registration.objects.filter(pk=registration.pk), submitted_at=at(sent_on), decided_at=at(sent_on + dt.timedelta(days=3)))
        stats["registrations"] += 1


def _ensure_movements(province: Province, specs, stats: Counter) -> None:
    for title, kind, start, end in specs:
        if Movement.objects.filter(province=province, title=title).exists():
            continue
        level = "NATIONAL" if "văn hóa công sở" in title else "PROVINCE"
        movement = movement_actions.do_create_movement(
            actor=None, province=province,
            data={"title": title, "kind": kind, "level": level, "start_date": start, "end_date": end},
        )
        for step in ("launch", "implement"):
            movement = movement_actions.do_advance_movement(actor=None, movement=movement, action=step, expected_version=movement.version)
        if end is not None and end < dt.date(2025, 7, 1):
            for step in ("sum_up", "archive"):
                movement = movement_actions.do_advance_movement(actor=None, movement=movement, action=step, expected_version=movement.version)
        stats["movements"] += 1


@transaction.atomic
def load_block_demo(blocks: list[dict]) -> Counter:
    """`blocks` is the "blocks" list of thidua/org/data/demo_seeds.json (units already loaded)."""
    stats: Counter = Counter()
    for block in blocks:
        province = _province(*block["province"])
        bloc = Bloc.objects.filter(province=province, name=block["name"], ended_on__isnull=True).first()
        if bloc is None:
            bloc = actions.do_create_bloc(actor=None, province=province, data={"name": block["name"], "kind": BlocKind.KHOI})
            stats["blocs"] += 1
        member_names = [u["name"] for u in block["units"]]
        for spec in BLOCK_YEARS.get(block["key"], []):
            bloc_year = _ensure_year(bloc, spec, member_names, stats)
            if spec.get("meeting"):
                _ensure_meeting(bloc_year, spec["meeting"], stats)
            if spec.get("covenant_signed_on"):
                _ensure_covenant(bloc_year, spec["covenant_signed_on"], stats)
            if spec.get("registrations"):
                _ensure_registrations(bloc_year, stats)
            if spec.get("agenda"):
                _ensure_agenda(bloc_year, spec, stats)
        _ensure_movements(province, MOVEMENTS.get(block["key"], []), stats)
    return stats
