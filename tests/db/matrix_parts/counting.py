"""Access matrix entries of thidua/counting (kiểm phiếu giấy, biên bản).

The sample polls belong to a council of Ban Tổ chức Tỉnh ủy (An Giang before the merger): the
An Giang officer and viewer reach them through province-wide grants; Ban Tuyên giáo's officer
(another unit) and Quảng Ninh's officer do not.
"""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile

# Ban Tổ chức's council: seen province-wide only (the unit officer belongs to Ban Tuyên giáo).
POLL_SEEN_BY = {"admin", "an_officer", "viewer"}


def _voting():
    from thidua.voting import actions

    return actions


def _counting():
    from thidua.counting import actions

    return actions


def _council(world):
    council = _voting().do_create_council(
        actor=None, province=world.an_giang,
        data={"name": "Hội đồng Thi đua - Khen thưởng Ban Tổ chức Tỉnh ủy", "level": "UNIT", "unit": world.to_chuc},
    )
    for i, name in enumerate(["Hồ Văn Mừng", "Phạm Minh Đức", "Võ Thị Hạnh"]):
        _voting().do_add_council_member(
            actor=None, council=council, data={"full_name": name, "role": "CHAIR" if i == 0 else "MEMBER", "term_from": dt.date(2025, 1, 1)}
        )
    return council


def _poll(world, mode="PAPER", stage="closed"):
    poll = _voting().do_create_poll(
        actor=None,
        data={"title": "Bình xét Chiến sĩ thi đua cơ sở năm 2025", "council": _council(world), "electorate": "COUNCIL",
              "subject": "AWARD", "award_code": "CSTDCS", "method": "APPROVE_EACH", "mode": mode, "quota": 1,
              "held_on": dt.date(2025, 12, 20)},
        candidates=[{"label": "Nguyễn Văn An"}, {"label": "Trần Thị Bình"}],
    )
    if mode == "EXTERNAL" or stage == "draft":
        return poll
    poll = _voting().do_open_poll(actor=None, poll=poll, expected_version=poll.version)
    if stage == "open":
        return poll
    return _voting().do_close_poll(actor=None, poll=poll, expected_version=poll.version)


def _counts(poll, other=False):
    """Three members, all present, quota 1: A 3–0 and B 0–3 (or, the other reading, A 2–1 and B 1–2)."""
    first, second = [cid for cid, _ in _counting().candidate_list(poll)]
    a, b = ((2, 1), (1, 2)) if other else ((3, 0), (0, 3))
    return {
        "present": 3, "written_opinions": 0, "ballots_issued": 3, "ballots_used": 3, "ballots_spoiled": 0,
        "ballots_invalid": 0, "ballots_blank": 0,
        "candidates": {first: {"yes": a[0], "no": a[1]}, second: {"yes": b[0], "no": b[1]}},
    }


def _board(world):
    from tests.factories import grant, make_user
    from thidua.accounts.models import Role

    users = []
    for name in ("kiem-phieu-1", "kiem-phieu-2"):
        user = make_user(name)
        grant(user, Role.COUNTING_BOARD, world.an_giang)
        users.append(user)
    return users


def _entered(world, match=False):
    """A closed paper poll with both entries (mismatched unless `match`) and a printed batch."""
    poll = _poll(world, stage="open")
    batch = _counting().do_print_ballots(actor=None, poll=poll, count=3)
    poll = _voting().do_close_poll(actor=None, poll=poll, expected_version=poll.version)
    first, second = _board(world)
    _counting().do_enter_tally(actor=first, poll=poll, counts=_counts(poll))
    _counting().do_enter_tally(actor=second, poll=poll, counts=_counts(poll, other=not match))
    poll.refresh_from_db()
    world._counting_batch = batch
    return poll


def _external_counts(poll):
    return {"council_size": 3, "present": 3, "written_opinions": 0,
            "candidates": {cid: {"yes": y} for (cid, _), y in zip(_counting().candidate_list(poll), (3, 1))}}


def _with_result(world):
    poll = _poll(world, mode="EXTERNAL")
    evidence = _counting().do_record_external_result(
        actor=None, poll=poll, counts=_external_counts(poll), minutes_upload=SimpleUploadedFile("bb.pdf", b"%PDF-1.4 bien ban"),
        held_at="Hội đồng TĐKT Ban Tổ chức Tỉnh ủy", expected_version=poll.version,
    )
    poll.refresh_from_db()
    world._counting_evidence = evidence
    return poll


def _batch(world):
    _entered(world)
    return world._counting_batch


def _evidence(world):
    _with_result(world)
    return world._counting_evidence


def _confirmable(world):
    """(poll, item): an open e-ballot of Ban Tuyên giáo's council on a person, and that person
    proposed for Bằng khen của Chủ tịch UBND tỉnh in a dossier of Ban Tuyên giáo."""
    from thidua.org import actions as org
    from thidua.proposals import actions as proposals

    person = org.do_create_person(actor=None, unit=world.tuyen_giao, data={"full_name": "Lê Thị Xác Nhận", "gender": "NU"})
    council = _voting().do_create_council(
        actor=None, province=world.an_giang, data={"name": "Hội đồng TĐKT Ban Tuyên giáo", "level": "UNIT", "unit": world.tuyen_giao},
    )
    _voting().do_add_council_member(actor=None, council=council, data={"full_name": "Hồ Văn Mừng", "role": "CHAIR", "term_from": dt.date(2025, 1, 1)})
    poll = _voting().do_create_poll(
        actor=None,
        data={"title": "Bình xét Bằng khen năm 2025", "council": council, "electorate": "COUNCIL", "subject": "AWARD",
              "award_code": "BK_TINH", "threshold_pct": 50, "method": "APPROVE_EACH", "mode": "E_BALLOT", "held_on": dt.date(2025, 12, 20)},
        candidates=[{"person": person}],
    )
    poll = _voting().do_open_poll(actor=None, poll=poll, expected_version=poll.version)
    proposal = proposals.do_create_proposal(actor=None, proposer_unit=world.tuyen_giao, data={"title": "Đề nghị Bằng khen năm 2025", "year": 2025})
    item = proposals.do_add_item(actor=None, proposal=proposal, data={"person": person, "award": "BK_TINH"})
    return poll, item


def register(matrix) -> None:
    Sample, ActionEntry = matrix.Sample, matrix.ActionEntry
    paper = lambda w: {"uid": _entered(w).uid}  # noqa: E731
    matrix.SAMPLES.update({
        "counting:poll": Sample(paper, POLL_SEEN_BY),
        "counting:print_ballots": Sample(lambda w: {"uid": _poll(w, stage="draft").uid}, POLL_SEEN_BY),
        "counting:enter": Sample(lambda w: {"uid": _poll(w).uid}, POLL_SEEN_BY),
        "counting:reenter": Sample(lambda w: {"uid": _entered(w).uid, "side": 2}, POLL_SEEN_BY),
        "counting:compare": Sample(paper, POLL_SEEN_BY),
        "counting:accept": Sample(paper, POLL_SEEN_BY),
        "counting:result": Sample(lambda w: {"uid": _with_result(w).uid}, POLL_SEEN_BY),
        "counting:external": Sample(lambda w: {"uid": _poll(w, mode="EXTERNAL").uid}, POLL_SEEN_BY),
        "counting:minutes": Sample(lambda w: {"uid": _with_result(w).uid}, POLL_SEEN_BY),
        "counting:batch_download": Sample(lambda w: {"uid": _batch(w).uid}, POLL_SEEN_BY),
        "counting:batch_download_pdf": Sample(lambda w: {"uid": _batch(w).uid}, POLL_SEEN_BY),
        "counting:external_file": Sample(lambda w: {"uid": _evidence(w).uid}, POLL_SEEN_BY),
        "counting:poll_confirmations": Sample(lambda w: {"uid": _poll(w).uid}, POLL_SEEN_BY),
        "counting:meeting_confirmations": Sample(lambda w: {"uid": matrix.extras(w).meeting.uid}, matrix.UNIT_SEEN_BY),
    })
    matrix.ACTIONS.update({
        "thidua.counting.actions.do_print_ballots": ActionEntry(
            "poll.manage", lambda w, a, p: _counting().do_print_ballots(actor=a, poll=p, count=2), setup=lambda w: _poll(w, stage="draft"),
        ),
        "thidua.counting.actions.do_enter_tally": ActionEntry(
            "poll.count", lambda w, a, p: _counting().do_enter_tally(actor=a, poll=p, counts=_counts(p)), setup=_poll,
            as_persona="an_officer", note="a tally entry is always some account's: the system cannot enter one",
        ),
        "thidua.counting.actions.do_accept_tally": ActionEntry(
            "poll.count", lambda w, a, p: _counting().do_accept_tally(actor=a, poll=p, expected_version=p.version),
            setup=lambda w: _entered(w, match=True), note="its one audit row is voting's result row",
        ),
        "thidua.counting.actions.do_record_external_result": ActionEntry(
            "poll.count",
            lambda w, a, p: _counting().do_record_external_result(
                actor=a, poll=p, counts=_external_counts(p), minutes_upload=SimpleUploadedFile("bb.pdf", b"%PDF-1.4 bien ban"),
                held_at="Hội đồng TĐKT Ban Tổ chức Tỉnh ủy", expected_version=p.version,
            ),
            setup=lambda w: _poll(w, mode="EXTERNAL"), note="its one audit row is voting's result row",
        ),
        "thidua.counting.actions.do_record_council_confirmation": ActionEntry(
            "poll.manage",
            lambda w, a, prepared: _counting().do_record_council_confirmation(
                actor=a, item=prepared[1], key="exemplary", confirmed=True, reference="05/BB-HĐTĐKT", dated=dt.date(2025, 12, 20),
                poll=prepared[0],
            ),
            setup=_confirmable,
        ),
        "thidua.counting.actions.do_save_minutes": ActionEntry(
            "poll.count",
            lambda w, a, p: _counting().do_save_minutes(actor=a, poll=p, data={"place": "Long Xuyên", "board_head": "Phạm Minh Đức"}),
            setup=_with_result,
        ),
    })
