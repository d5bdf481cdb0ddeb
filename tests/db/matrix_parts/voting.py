"""Access-matrix entries of the voting app (issue #6): a Sample for every parameterised route
and an ActionEntry for every do_* action (see README.md in this folder).

The samples live on the An Giang provincial council (a province-wide object: the An Giang officer,
the viewer and the admin see it; Ban Tuyên giáo's officer and Quảng Ninh's officer do not)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

HELD_ON = dt.date(2026, 1, 5)


def _actions():
    from thidua.voting import actions

    return actions


def _council(world, *, member_user=None):
    actions = _actions()
    council = actions.do_create_council(
        actor=None, province=world.an_giang, data={"name": "Hội đồng Thi đua - Khen thưởng tỉnh", "level": "PROVINCE"}
    )
    for i, name in enumerate(("Nguyễn Văn Chủ", "Trần Thị Phó", "Lê Văn Thư")):
        actions.do_add_council_member(
            actor=None, council=council,
            data={"full_name": name, "role": ("CHAIR", "VICE_CHAIR", "SECRETARY")[i], "term_from": dt.date(2025, 7, 1),
                  "user": member_user if i == 0 else None},
        )
    return council


def _poll(world, *, state="DRAFT", mode="E_BALLOT", member_user=None, method="APPROVE_EACH"):
    actions = _actions()
    council = _council(world, member_user=member_user)
    poll = actions.do_create_poll(
        actor=None,
        data={"title": "Bình xét Chiến sĩ thi đua cơ sở năm 2025", "council": council, "electorate": "COUNCIL", "subject": "AWARD",
              "award_code": "CSTDCS", "method": method, "mode": mode, "quota": 1, "held_on": HELD_ON},
        candidates=[{"label": "Nguyễn Văn An"}, {"label": "Trần Thị Bình"}],
    )
    if state in ("OPEN", "CLOSED", "RESULT"):
        poll = actions.do_open_poll(actor=None, poll=poll, expected_version=poll.version)
    if state in ("CLOSED", "RESULT"):
        poll = actions.do_close_poll(actor=None, poll=poll, expected_version=poll.version)
    return poll


def _samples(world):
    cached = getattr(world, "_matrix_voting", None)
    if cached is not None:
        return cached
    poll = _poll(world)
    external = _poll(world, mode="EXTERNAL")
    world._matrix_voting = SimpleNamespace(
        council=poll.council, member=poll.council.members.first(), poll=poll, candidate=poll.candidates.first(), external=external,
    )
    return world._matrix_voting


def _tie(world):
    """A closed e-ballot where both candidates tie at the cut-off of a quota of one."""
    actions = _actions()
    poll = _poll(world, state="OPEN", member_user=world.an_officer)
    poll.refresh_from_db()
    a, b = list(poll.candidates.order_by("position"))
    by_label = {v.label: v for v in poll.voters.all()}
    # One absent member's written opinion for A, the chairman's e-ballot for B, the third present.
    actions.do_enter_written_opinion(actor=None, poll=poll, voter=by_label["Lê Văn Thư"], approved=[a.pk])
    actions.do_cast_ballot(actor=world.an_officer, poll=poll, approved=[b.pk])
    actions.do_set_attendance(actor=None, poll=poll, voter=by_label["Trần Thị Phó"], is_present=True)
    poll.refresh_from_db()
    # A stated 30% threshold so that one vote of three passes.
    from thidua.voting.models import Poll

    Poll.objects.filter(pk=poll.pk).update(threshold_pct=30, award_code="LDTT")
    poll.refresh_from_db()
    poll = actions.do_close_poll(actor=None, poll=poll, expected_version=poll.version)
    assert poll.result["needs_chair_choice"], poll.result
    return poll, a


def register(matrix) -> None:
    seen = matrix.PROVINCE_SEEN_BY
    S = matrix.Sample
    matrix.SAMPLES.update({
        "voting:council_detail": S(lambda w: {"uid": _samples(w).council.uid}, seen),
        "voting:council_edit": S(lambda w: {"uid": _samples(w).council.uid}, seen),
        "voting:member_add": S(lambda w: {"uid": _samples(w).council.uid}, seen),
        "voting:member_edit": S(lambda w: {"uid": _samples(w).member.uid}, seen),
        "voting:poll_detail": S(lambda w: {"uid": _samples(w).poll.uid}, seen),
        "voting:candidate_add": S(lambda w: {"uid": _samples(w).poll.uid}, seen),
        "voting:candidate_remove": S(lambda w: {"uid": _samples(w).candidate.uid}, seen),
        "voting:poll_open": S(lambda w: {"uid": _samples(w).poll.uid}, seen),
        "voting:poll_close": S(lambda w: {"uid": _samples(w).poll.uid}, seen),
        "voting:poll_attendance": S(lambda w: {"uid": _samples(w).poll.uid}, seen),
        "voting:poll_tie": S(lambda w: {"uid": _samples(w).poll.uid}, seen),
        # The page answers every voter-capable reader of the poll (a non-member sees why not).
        "voting:ballot": S(lambda w: {"uid": _samples(w).poll.uid}, seen),
        "voting:written_opinion": S(lambda w: {"uid": _samples(w).poll.uid}, seen),
        "voting:record_result": S(lambda w: {"uid": _samples(w).external.uid}, seen),
    })

    A = matrix.ActionEntry
    p = "thidua.voting.actions."
    matrix.ACTIONS.update({
        p + "do_create_council": A("council.manage", lambda w, a: _actions().do_create_council(
            actor=a, province=w.an_giang, data={"name": "Hội đồng Thi đua - Khen thưởng tỉnh", "level": "PROVINCE"},
        )),
        p + "do_update_council": A(
            "council.manage",
            lambda w, a, c: _actions().do_update_council(actor=a, council=c, data={"note": "Kiện toàn"}, expected_version=c.version),
            setup=lambda w: _actions().do_create_council(actor=None, province=w.an_giang, data={"name": "Hội đồng", "level": "PROVINCE"}),
        ),
        p + "do_add_council_member": A(
            "council.manage",
            lambda w, a, c: _actions().do_add_council_member(actor=a, council=c, data={"full_name": "Phạm Văn Mới", "term_from": HELD_ON}),
            setup=lambda w: _actions().do_create_council(actor=None, province=w.an_giang, data={"name": "Hội đồng", "level": "PROVINCE"}),
        ),
        p + "do_update_council_member": A(
            "council.manage",
            lambda w, a, m: _actions().do_update_council_member(actor=a, member=m, data={"term_to": dt.date(2026, 12, 31)}, expected_version=m.version),
            setup=lambda w: _council(w).members.first(),
        ),
        p + "do_create_poll": A("poll.manage", lambda w, a, c: _actions().do_create_poll(
            actor=a, data={"title": "Bình xét", "council": c, "award_code": "CSTDCS", "held_on": HELD_ON}, candidates=[{"label": "Nguyễn Văn An"}],
        ), setup=_council),
        p + "do_update_poll": A(
            "poll.manage",
            lambda w, a, poll: _actions().do_update_poll(actor=a, poll=poll, data={"title": "Bình xét lại"}, expected_version=poll.version),
            setup=lambda w: _poll(w),
        ),
        p + "do_add_candidate": A(
            "poll.manage", lambda w, a, poll: _actions().do_add_candidate(actor=a, poll=poll, data={"label": "Lê Văn Cường"}), setup=lambda w: _poll(w),
        ),
        p + "do_remove_candidate": A(
            "poll.manage", lambda w, a, poll: _actions().do_remove_candidate(actor=a, candidate=poll.candidates.first()), setup=lambda w: _poll(w),
        ),
        p + "do_open_poll": A(
            "poll.manage", lambda w, a, poll: _actions().do_open_poll(actor=a, poll=poll, expected_version=poll.version), setup=lambda w: _poll(w),
        ),
        p + "do_set_attendance": A(
            "poll.manage",
            lambda w, a, poll: _actions().do_set_attendance(actor=a, poll=poll, voter=poll.voters.first(), is_present=True),
            setup=lambda w: _poll(w, state="OPEN"),
        ),
        p + "do_cast_ballot": A(
            "poll.vote",
            lambda w, a, poll: _actions().do_cast_ballot(actor=a, poll=poll, approved=[poll.candidates.first().pk]),
            setup=lambda w: _poll(w, state="OPEN", member_user=w.an_officer),
            as_persona="an_officer",
        ),
        p + "do_enter_written_opinion": A(
            "poll.manage",
            lambda w, a, poll: _actions().do_enter_written_opinion(actor=a, poll=poll, voter=poll.voters.first(), approved=[]),
            setup=lambda w: _poll(w, state="OPEN"),
        ),
        p + "do_close_poll": A(
            "poll.manage",
            lambda w, a, poll: _actions().do_close_poll(actor=a, poll=poll, expected_version=poll.version),
            setup=lambda w: _poll(w, state="OPEN"),
        ),
        p + "do_record_result": A(
            "poll.count",
            lambda w, a, poll: _actions().do_record_result(
                actor=a, poll=poll, counts={"council_size": 11, "present": 10, "yes": {c.pk: 9 for c in poll.candidates.all()}},
                source="EXTERNAL", expected_version=poll.version,
            ),
            setup=lambda w: _poll(w, mode="EXTERNAL"),
        ),
        p + "do_resolve_tie": A(
            "poll.manage",
            lambda w, a, prepared: _actions().do_resolve_tie(actor=a, poll=prepared[0], chair_choice=[prepared[1].pk], expected_version=prepared[0].version),
            setup=_tie,
        ),
    })
