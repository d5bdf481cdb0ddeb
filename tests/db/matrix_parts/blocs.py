"""Access matrix entries of thidua/blocs added after the main matrix (issue #19: several members at once)."""

from __future__ import annotations


def register(matrix) -> None:
    def add_members(world, actor, year):
        from thidua.blocs import actions

        return actions.do_add_members(actor=actor, bloc_year=year, units=[world.tuyen_giao])

    matrix.ACTIONS["thidua.blocs.actions.do_add_members"] = matrix.ActionEntry(
        "bloc.manage", add_members, setup=lambda w: matrix._open_year(w, members=False, head=False),
    )
