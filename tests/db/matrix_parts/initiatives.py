"""Access-matrix entries of thidua/initiatives (sổ sáng kiến): routes with parameters and every do_* action."""

from __future__ import annotations

TEXT = ("Tổ công tác số hóa hồ sơ đất đai cấp xã. Người dân tra cứu kết quả trên điện thoại. "
        "Thời gian giải quyết giảm 30 %.")


def _a():
    from thidua.initiatives import actions

    return actions


def _person(world, name="Hà Thị Thu"):
    from thidua.org import actions

    return actions.do_create_person(actor=None, unit=world.tuyen_giao, data={"full_name": name, "gender": "NU"})


def _data(world, person, title="Số hóa hồ sơ đất đai"):
    return {"title": title, "content": TEXT, "year": 2025, "unit": world.tuyen_giao, "owners": [(person, 100)]}


def _initiative(world):
    return _a().do_register_initiative(None, _data(world, _person(world)))


def register(matrix):
    A, S = matrix.ActionEntry, matrix.Sample
    seen = matrix.UNIT_SEEN_BY
    matrix.SAMPLES.update({
        "initiatives:detail": S(lambda w: {"uid": _initiative(w).uid}, seen),
        "initiatives:recognise": S(lambda w: {"uid": _initiative(w).uid}, seen),
        "initiatives:edit": S(lambda w: {"uid": _initiative(w).uid}, seen),
    })
    name = "thidua.initiatives.actions."
    matrix.ACTIONS.update({
        name + "do_register_initiative": A(
            "history.edit", lambda w, a, p: _a().do_register_initiative(a, _data(w, p)), setup=_person),
        name + "do_edit_initiative": A(
            "history.edit",
            lambda w, a, x: _a().do_edit_initiative(a, x, {"benefits": "Giảm đi lại"}, expected_version=x.version),
            setup=_initiative),
        name + "do_recognise_initiative": A(
            "initiative.recognise",
            lambda w, a, x: _a().do_recognise_initiative(a, x, level="BASE", body="Hội đồng sáng kiến cơ sở",
                                                         expected_version=x.version),
            setup=_initiative),
    })
