"""Access-matrix entries of thidua/reports: the routes take their province and year as query
parameters (no samples needed); the one do_* action writes the province report's narrative."""

from __future__ import annotations


def _a():
    from thidua.reports import actions

    return actions


def register(matrix):
    A = matrix.ActionEntry
    matrix.ACTIONS.update({
        "thidua.reports.actions.do_save_province_report": A(
            "report.province",
            lambda w, a: _a().do_save_province_report(
                actor=a, province=w.an_giang, year=2025, data={"situation": "Năm 2025 toàn tỉnh có 70 khối, cụm."},
                expected_version=None,
            ),
        ),
    })
