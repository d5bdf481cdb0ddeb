"""Access-matrix entries of the live conference (issue #18): the secretary's routes (bloc.lead on
the An Giang block's meeting of the matrix extras), the QR check-in URL (every signed-in account
gets a page; whether it checks anything in is decided by the action), the projector screen (public,
reached by its secret) and the `do_*` actions in thidua/blocs/actions.py."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

SECRETARY = {"admin", "an_officer"}
SIGNED_IN = {"admin", "an_officer", "unit_officer", "viewer", "qn_officer", "nobody"}


def _blocs():
    from thidua.blocs import actions

    return actions


def _live(world):
    cached = getattr(world, "_matrix_conference", None)
    if cached is not None:
        return cached
    meeting = world._matrix.extras(world).meeting
    item = _blocs().do_add_agenda_item(actor=None, meeting=meeting, data={"kind": "REPORT", "title": "Báo cáo tổng kết"})
    link, secret = _blocs().do_create_screen_link(actor=None, meeting=meeting, label="Máy chiếu")
    world._matrix_conference = SimpleNamespace(meeting=meeting, item=item, link=link, secret=secret)
    return world._matrix_conference


def _meeting(world, matrix):
    """A fresh 2024 meeting of a new An Giang block (Ban Tuyên giáo and Ban Tổ chức members)."""
    return _blocs().do_record_meeting(
        actor=None, bloc_year=matrix._open_year(world),
        data={"kind": "ANNUAL_REVIEW", "held_on": dt.date(2024, 12, 20), "place": "An Giang"}, attending=[],
    )


def register(matrix) -> None:
    S = matrix.Sample

    def bind(w):
        w._matrix = matrix
        return _live(w)

    matrix.SAMPLES.update({
        "blocs:conference": S(lambda w: {"uid": bind(w).meeting.uid}, SECRETARY),
        "blocs:agenda_add": S(lambda w: {"uid": bind(w).meeting.uid}, SECRETARY),
        "blocs:agenda_live": S(lambda w: {"uid": bind(w).meeting.uid}, SECRETARY),
        "blocs:agenda_conclusion": S(lambda w: {"uid": bind(w).item.uid}, SECRETARY),
        "blocs:agenda_remove": S(lambda w: {"uid": bind(w).item.uid}, SECRETARY),
        "blocs:agenda_poll": S(lambda w: {"uid": bind(w).item.uid}, SECRETARY),
        "blocs:secretary_check_in": S(lambda w: {"uid": bind(w).meeting.uid}, SECRETARY),
        "blocs:screen_create": S(lambda w: {"uid": bind(w).meeting.uid}, SECRETARY),
        "blocs:screen_revoke": S(lambda w: {"uid": bind(w).link.uid}, SECRETARY),
        # Any signed-in account opens the QR URL; the page says why a non-member is not checked in.
        "blocs:checkin_qr": S(lambda w: {"uid": bind(w).meeting.uid}, SIGNED_IN),
        # Public, reached by the link's secret (matrix.PUBLIC_ROUTES says why).
        "blocs:screen": S(lambda w: {"secret": bind(w).secret}, SIGNED_IN),
        "blocs:screen_live": S(lambda w: {"secret": bind(w).secret}, SIGNED_IN),
    })
    matrix.PUBLIC_ROUTES.update({
        "blocs:screen": "the hall's projector: a read-only screen reached by a revocable random link the secretary creates (issue #18)",
        "blocs:screen_live": "the projector's live fragment, same link; counts and published results only",
    })

    A = matrix.ActionEntry
    p = "thidua.blocs.actions."

    def meeting(w):
        return _meeting(w, matrix)

    def item(w):
        m = meeting(w)
        return _blocs().do_add_agenda_item(actor=None, meeting=m, data={"kind": "FREE", "title": "Phát biểu của lãnh đạo tỉnh"})

    matrix.ACTIONS.update({
        p + "do_add_agenda_item": A(
            "bloc.lead", lambda w, a, m: _blocs().do_add_agenda_item(actor=a, meeting=m, data={"kind": "REPORT", "title": "Báo cáo"}), setup=meeting,
        ),
        p + "do_update_agenda_item": A(
            "bloc.lead",
            lambda w, a, i: _blocs().do_update_agenda_item(actor=a, item=i, data={"conclusion": "Nhất trí"}, expected_version=i.version),
            setup=item,
        ),
        p + "do_remove_agenda_item": A("bloc.lead", lambda w, a, i: _blocs().do_remove_agenda_item(actor=a, item=i), setup=item),
        p + "do_set_live_item": A(
            "bloc.lead",
            lambda w, a, i: _blocs().do_set_live_item(actor=a, meeting=i.meeting, item=i, expected_version=i.meeting.version),
            setup=item,
        ),
        p + "do_check_in": A(
            "bloc.lead", lambda w, a, m: _blocs().do_check_in(actor=a, meeting=m, unit=w.tuyen_giao), setup=meeting,
        ),
        p + "do_create_screen_link": A(
            "bloc.lead", lambda w, a, m: _blocs().do_create_screen_link(actor=a, meeting=m, label="Máy chiếu"), setup=meeting,
        ),
        p + "do_revoke_screen_link": A(
            "bloc.lead", lambda w, a, link: _blocs().do_revoke_screen_link(actor=a, link=link),
            setup=lambda w: _blocs().do_create_screen_link(actor=None, meeting=meeting(w), label="Máy chiếu")[0],
        ),
    })
