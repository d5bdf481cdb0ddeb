"""Access-matrix entries of thidua/history: routes with parameters and every do_* action."""

from __future__ import annotations

import datetime as dt


def _h():
    from thidua.history import actions

    return actions


def _person(world, name="Phạm Thị Hồng"):
    from thidua.org import actions

    return actions.do_create_person(actor=None, unit=world.tuyen_giao, data={"full_name": name, "gender": "NU"})


def _award(world):
    return _h().do_record_award(None, _person(world), "LDTT", 2025, source="IMPORTED")


def _rating(world):
    return _h().do_set_task_rating(None, _person(world), 2025, "GOOD")


def _initiative(world):
    return _h().do_record_initiative(None, _person(world), {"year": 2025, "title": "Số hóa hồ sơ", "scope": "BASE"})


def _initiative_and_award(world):
    work = _initiative(world)
    return work, _h().do_record_award(None, work.person, "LDTT", 2025, source="IMPORTED")


def _discipline(world):
    return _h().do_record_discipline(None, _person(world), {"form": "KHIEN_TRACH", "start_date": dt.date(2025, 3, 1)})


def _investigation(world):
    return _h().do_record_investigation(None, _person(world), opened_on=dt.date(2025, 10, 1))


def register(matrix):
    S, A = matrix.Sample, matrix.ActionEntry
    seen = matrix.UNIT_SEEN_BY
    matrix.SAMPLES.update({
        "history:subject": S(lambda w: {"kind": "ca-nhan", "uid": _person(w).uid}, seen),
        "history:record_add": S(lambda w: {"kind": "ca-nhan", "uid": _person(w).uid, "what": "khen-thuong"}, seen),
        "history:award_revoke": S(lambda w: {"uid": _award(w).uid}, seen),
        "history:investigation_close": S(lambda w: {"uid": _investigation(w).uid}, seen),
        "history:unit_ratings": S(lambda w: {"uid": w.tuyen_giao.uid}, seen),
    })
    name = "thidua.history.actions."
    matrix.ACTIONS.update({
        name + "do_set_task_rating": A("history.edit", lambda w, a: _h().do_set_task_rating(a, w.tuyen_giao, 2025, "GOOD")),
        name + "do_record_task_ratings": A(
            "history.edit", lambda w, a, p: _h().do_record_task_ratings(a, w.tuyen_giao, 2025, [(p, "EXCELLENT")]), setup=_person),
        name + "do_record_award": A(
            "history.edit",
            lambda w, a: _h().do_record_award(a, w.tuyen_giao, "BK_TINH", 2024, source="EXTERNAL",
                                              decision={"number": "88/QĐ-UBND", "date": dt.date(2025, 1, 20)}),
        ),
        name + "do_update_award": A(
            "history.edit",
            lambda w, a, x: _h().do_update_award(a, x, {"decision_number": "09/QĐ-BTG"}, expected_version=x.version), setup=_award),
        name + "do_revoke_award": A(
            "history.edit", lambda w, a, x: _h().do_revoke_award(a, x, reason="Sai đối tượng", expected_version=x.version),
            setup=_award),
        name + "do_record_initiative": A(
            "history.edit",
            lambda w, a, p: _h().do_record_initiative(a, p, {"year": 2025, "title": "Phần mềm chấm điểm", "scope": "PROVINCE"}),
            setup=_person),
        name + "do_update_initiative": A(
            "history.edit", lambda w, a, x: _h().do_update_initiative(a, x, {"scope": "PROVINCE"}, expected_version=x.version),
            setup=_initiative),
        name + "do_use_initiative": A(
            "history.edit", lambda w, a, x: _h().do_use_initiative(a, x[0], x[1], expected_version=x[0].version),
            setup=_initiative_and_award),
        name + "do_record_discipline": A(
            "history.edit",
            lambda w, a, p: _h().do_record_discipline(a, p, {"form": "CANH_CAO", "start_date": dt.date(2025, 5, 1)}), setup=_person),
        name + "do_update_discipline": A(
            "history.edit",
            lambda w, a, x: _h().do_update_discipline(a, x, {"end_date": dt.date(2026, 2, 28)}, expected_version=x.version),
            setup=_discipline),
        name + "do_record_investigation": A(
            "history.edit", lambda w, a, p: _h().do_record_investigation(a, p, opened_on=dt.date(2025, 9, 1)), setup=_person),
        name + "do_close_investigation": A(
            "history.edit",
            lambda w, a, x: _h().do_close_investigation(a, x, closed_on=dt.date(2025, 12, 1), expected_version=x.version),
            setup=_investigation),
        name + "do_delete_record": A(
            "history.edit", lambda w, a, x: _h().do_delete_record(a, x, expected_version=x.version), setup=_rating),
        name + "do_set_history_policy": A(
            "rules.override",
            lambda w, a: _h().do_set_history_policy(a, w.an_giang, inherit_across_merger=True, basis="Quyết định 01/QĐ-UBND")),
    })
