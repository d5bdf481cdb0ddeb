"""Demo-like data for the phone and accessibility browser tests: a block year with a scoring round
and its meeting, a unit's registration and proposal, a person, and a council's open e-ballot.

Built through the real actions, reusing the setups of the scoring and e-ballot browser tests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass
class MemberPages:
    bloc_year: object
    meeting: object
    sheet: object
    registration: object
    proposal: object
    person: object
    poll: object
    council_member: object


def build_member_pages(world) -> MemberPages:
    from thidua.blocs.models import Meeting
    from thidua.movements import actions as movements
    from thidua.org import actions as org_actions
    from thidua.proposals import actions as proposals
    from thidua.scoring.models import ScoreSheet
    from thidua.voting import actions as voting
    from tests.e2e.test_scoring_flow import _block_with_round
    from tests.e2e.test_voting_eballot import _council_poll

    bloc_year, _head = _block_with_round(world)
    person = org_actions.do_create_person(
        actor=None, unit=world.tuyen_giao,
        data={"full_name": "Nguyễn Thị Hồng", "gender": "NU", "position_title": "Chuyên viên phòng Tuyên truyền, báo chí - xuất bản"},
    )
    registration = movements.do_start_registration(actor=None, bloc_year=bloc_year, unit=world.tuyen_giao)
    proposal = proposals.do_create_proposal(
        actor=None, proposer_unit=world.tuyen_giao,
        data={"title": "Đề nghị công nhận danh hiệu Lao động tiên tiến năm 2025", "year": 2025, "level": "UNIT",
              "proposed_on": dt.date(2026, 1, 10)},
    )
    poll, voters = _council_poll(world)
    poll = voting.do_open_poll(actor=None, poll=poll, expected_version=poll.version)
    return MemberPages(
        bloc_year=bloc_year,
        meeting=Meeting.objects.filter(bloc_year=bloc_year).first(),
        sheet=ScoreSheet.objects.get(round__bloc_year=bloc_year, unit=world.tuyen_giao),
        registration=registration,
        proposal=proposal,
        person=person,
        poll=poll,
        council_member=voters[0],
    )


def unit_officer_pages(world, data: MemberPages) -> list[tuple[str, str]]:
    """(name, URL) of the pages a member unit's officer uses."""
    return [
        ("trang chủ", "/"),
        ("chấm điểm", "/cham-diem/"),
        ("phiếu chấm điểm", f"/cham-diem/phieu/{data.sheet.uid}/"),
        ("đăng ký thi đua của khối", f"/phong-trao/dang-ky/nam/{data.bloc_year.uid}/"),
        ("bản đăng ký", f"/phong-trao/dang-ky/{data.registration.uid}/"),
        ("năm của khối", f"/khoi-thi-dua/nam/{data.bloc_year.uid}/"),
        ("hội nghị", f"/khoi-thi-dua/hoi-nghi/{data.meeting.uid}/"),
        ("giao ước, văn bản", f"/khoi-thi-dua/nam/{data.bloc_year.uid}/giao-uoc/"),
        ("hồ sơ đề nghị của đơn vị", "/de-nghi-khen-thuong/"),
        ("hồ sơ đề nghị", f"/de-nghi-khen-thuong/{data.proposal.uid}/"),
        ("danh sách đơn vị", "/to-chuc/don-vi/"),
        ("đơn vị", f"/to-chuc/don-vi/{world.tuyen_giao.uid}/"),
        ("danh sách cá nhân", "/to-chuc/ca-nhan/"),
        ("cá nhân", f"/to-chuc/ca-nhan/{data.person.uid}/"),
    ]


def council_member_pages(world, data: MemberPages) -> list[tuple[str, str]]:  # noqa: ARG001
    """(name, URL) of the pages a council member uses."""
    return [
        ("trang chủ", "/"),
        ("bình xét, bỏ phiếu", "/binh-xet/"),
        ("cuộc bỏ phiếu", f"/binh-xet/bo-phieu/{data.poll.uid}/"),
        ("phiếu của tôi", f"/binh-xet/bo-phieu/{data.poll.uid}/phieu-cua-toi/"),
    ]
