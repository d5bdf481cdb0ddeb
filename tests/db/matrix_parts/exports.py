"""Access-matrix entries of thidua/exports (the national export): the logged export's download
and do_create_national_export. An An Giang export is seen by the An Giang officer and the
administrator; Quảng Ninh's officer gets 404, roles without the export 403."""

from __future__ import annotations

import datetime as dt


def _a():
    from thidua.exports import actions

    return actions


def _export(world):
    log, _ = _a().do_create_national_export(
        actor=world.an_officer, province=world.an_giang, date_from=dt.date(2026, 1, 1), date_to=dt.date(2026, 12, 31), fmt="json"
    )
    return log


def register(matrix):
    A, S = matrix.ActionEntry, matrix.Sample
    matrix.SAMPLES.update({
        "exports:national_download": S(lambda w: {"uid": _export(w).uid}, {"admin", "an_officer"}),
    })
    matrix.ACTIONS.update({
        "thidua.exports.actions.do_create_national_export": A(
            "export.national",
            lambda w, a: _a().do_create_national_export(
                actor=a, province=w.an_giang, date_from=dt.date(2026, 1, 1), date_to=dt.date(2026, 6, 30), fmt="xlsx"),
        ),
    })
