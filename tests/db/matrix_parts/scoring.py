"""Access-matrix entries of the scoring app (issue #5): a Sample for every parameterised route
and an ActionEntry for every do_* action (see README.md in this folder)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace


def register(matrix) -> None:
    _register_samples(matrix)
    _register_actions(matrix)


# ------------------------------------------------------------------------------ SAMPLES (score-ui)


def _scoring(matrix, world):
    """On the matrix's 2024 An Giang block year (Ban Tuyên giáo and Ban Tổ chức, Ban Tổ chức
    heads it): the block's criteria set, its round with Ban Tuyên giáo's evidence, published at
    the block's meeting (so every reader of the block may open the sheets), and a draft second
    version of the set (the one that can still be edited)."""
    cached = getattr(world, "_matrix_scoring", None)
    if cached is not None:
        return cached
    from django.core.files.uploadedfile import SimpleUploadedFile

    from thidua.scoring import actions
    from thidua.scoring.models import ScoreSheet

    extras = matrix.extras(world)
    criteria_set = actions.do_create_criteria_set(
        actor=None, province=world.an_giang, data={"name": "Bảng tiêu chí chấm điểm khối Đảng", "year": 2024, "bloc": extras.bloc}
    )
    actions.do_add_criterion(actor=None, criteria_set=criteria_set, data={"code": "1", "title": "Công tác tham mưu", "kind": "GROUP", "max_points": Decimal("100")})
    actions.do_add_criterion(
        actor=None, criteria_set=criteria_set,
        data={"code": "1.1", "title": "Tham mưu đúng hạn", "kind": "SCORE", "max_points": Decimal("100"), "parent_code": "1"},
    )
    scoring_round = actions.do_open_round(actor=None, bloc_year=extras.year, criteria_set=criteria_set)
    sheet = ScoreSheet.objects.get(round=scoring_round, unit=world.tuyen_giao)
    evidence = actions.do_attach_evidence(
        actor=None, sheet=sheet, code="1.1", upload=SimpleUploadedFile("minh-chung.pdf", b"%PDF-1.4 minh chung", content_type="application/pdf")
    )
    scoring_round.refresh_from_db()
    scoring_round = actions.do_publish_results(
        actor=None, round=scoring_round, meeting=extras.meeting, expected_version=scoring_round.version,
        unranked={str(s.uid): "Chưa chấm điểm (mẫu kiểm thử phân quyền)" for s in scoring_round.sheets.all()},
    )
    draft = actions.do_copy_criteria_set(actor=None, source=criteria_set)
    world._matrix_scoring = SimpleNamespace(
        set=criteria_set, draft=draft, criterion=draft.criteria.get(code="1.1"), round=scoring_round,
        sheet=ScoreSheet.objects.get(pk=sheet.pk), evidence=evidence,
    )
    return world._matrix_scoring


def _register_samples(matrix) -> None:
    Sample, seen = matrix.Sample, matrix.UNIT_SEEN_BY
    samples = {
        # A block's sets are seen by its members' officers; only the province or the head edits them.
        "scoring:set_detail": lambda w: {"uid": _scoring(matrix, w).draft.uid},
        "scoring:set_edit": lambda w: {"uid": _scoring(matrix, w).draft.uid},
        "scoring:set_copy": lambda w: {"uid": _scoring(matrix, w).set.uid},
        "scoring:set_export": lambda w: {"uid": _scoring(matrix, w).set.uid},
        "scoring:set_reimport": lambda w: {"uid": _scoring(matrix, w).draft.uid},
        "scoring:criterion_add": lambda w: {"uid": _scoring(matrix, w).draft.uid},
        "scoring:criterion_edit": lambda w: {"uid": _scoring(matrix, w).criterion.uid},
        "scoring:criterion_remove": lambda w: {"uid": _scoring(matrix, w).criterion.uid},
        # The round lives on the block year page's scope.
        "scoring:round": lambda w: {"uid": _scoring(matrix, w).round.bloc_year.uid},
        "scoring:round_open": lambda w: {"uid": _scoring(matrix, w).round.bloc_year.uid},
        "scoring:round_assign": lambda w: {"uid": _scoring(matrix, w).round.uid},
        "scoring:round_publish": lambda w: {"uid": _scoring(matrix, w).round.uid},
        "scoring:round_leader": lambda w: {"uid": _scoring(matrix, w).round.uid},
        "scoring:round_export": lambda w: {"uid": _scoring(matrix, w).round.uid},
        "scoring:round_export_docx": lambda w: {"uid": _scoring(matrix, w).round.uid},
        "scoring:round_export_pdf": lambda w: {"uid": _scoring(matrix, w).round.uid},
        # Published: every reader of the block opens the sheets (before publication a member sees
        # its own and those it cross-checks: tests/db/test_scoring_pages.py).
        "scoring:sheet": lambda w: {"uid": _scoring(matrix, w).sheet.uid},
        "scoring:sheet_save": lambda w: {"uid": _scoring(matrix, w).sheet.uid},
        "scoring:sheet_transition": lambda w: {"uid": _scoring(matrix, w).sheet.uid},
        "scoring:sheet_export": lambda w: {"uid": _scoring(matrix, w).sheet.uid},
        "scoring:sheet_import": lambda w: {"uid": _scoring(matrix, w).sheet.uid},
        "scoring:evidence": lambda w: {"uid": _scoring(matrix, w).evidence.uid},
        "scoring:evidence_remove": lambda w: {"uid": _scoring(matrix, w).evidence.uid},
    }
    for name, kwargs in samples.items():
        matrix.SAMPLES[name] = Sample(kwargs, seen)


# ------------------------------------------------------------------------------ ACTIONS (score-app)
# NOTE for score-app: score-ui overwrote this file by mistake at about 17:26 (its first version of
# the ActionEntries was lost) and rewrote the entries below; they pass
# `pytest tests/db/test_access_matrix.py -k scoring`. Replace them with yours if you prefer.


def _act():
    from thidua.scoring import actions

    return actions


def _full_set(matrix, world, year=None):
    """A draft set of the 2024 block (group 1 of 100 points, criterion 1.1 of 100 points)."""
    year = year or matrix._open_year(world)
    criteria_set = _act().do_create_criteria_set(
        actor=None, province=world.an_giang, data={"name": "Bảng tiêu chí chấm điểm", "year": 2024, "bloc": year.bloc}
    )
    _act().do_add_criterion(actor=None, criteria_set=criteria_set, data={"code": "1", "title": "Công tác tham mưu", "kind": "GROUP", "max_points": Decimal("100")})
    _act().do_add_criterion(
        actor=None, criteria_set=criteria_set,
        data={"code": "1.1", "title": "Tham mưu đúng hạn", "kind": "SCORE", "max_points": Decimal("100"), "parent_code": "1"},
    )
    criteria_set.refresh_from_db()
    return criteria_set


def _round(matrix, world):
    year = matrix._open_year(world)
    return _act().do_open_round(actor=None, bloc_year=year, criteria_set=_full_set(matrix, world, year))


def _sheet(matrix, world, filled=False):
    from thidua.scoring.models import ScoreSheet

    sheet = ScoreSheet.objects.get(round=_round(matrix, world), unit=world.tuyen_giao)
    if filled:
        sheet = _act().do_save_scores(actor=None, sheet=sheet, level="SELF", values={"1.1": ("90", "")}, expected_version=sheet.version)
    return sheet


def _upload():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("minh-chung.pdf", b"%PDF-1.4 minh chung", content_type="application/pdf")


def _published(matrix, world):
    from thidua.blocs import actions as blocs

    scoring_round = _round(matrix, world)
    meeting = blocs.do_record_meeting(
        actor=None, bloc_year=scoring_round.bloc_year, data={"kind": "OTHER", "held_on": dt.date(2024, 12, 15), "place": "An Giang"},
        attending=[world.tuyen_giao, world.to_chuc],
    )
    scoring_round.refresh_from_db()
    return _act().do_publish_results(
        actor=None, round=scoring_round, meeting=meeting, expected_version=scoring_round.version,
        unranked={str(s.uid): "Chưa chấm điểm" for s in scoring_round.sheets.all()},
    )


def _register_actions(matrix) -> None:
    """ActionEntry for every do_* of thidua/scoring/actions.py."""
    from thidua.rules.scoring import CriterionSpec

    Entry = matrix.ActionEntry
    m = "thidua.scoring.actions."
    entries = {
        "do_create_criteria_set": Entry("scoring.criteria", lambda w, a: _act().do_create_criteria_set(
            actor=a, province=w.an_giang, data={"name": "Bảng tiêu chí mẫu của tỉnh", "year": 2024})),
        "do_update_criteria_set": Entry("scoring.criteria", lambda w, a, s: _act().do_update_criteria_set(
            actor=a, criteria_set=s, data={"name": "Bảng tiêu chí (sửa)"}, expected_version=s.version), setup=lambda w: _full_set(matrix, w)),
        "do_add_criterion": Entry("scoring.criteria", lambda w, a, s: _act().do_add_criterion(
            actor=a, criteria_set=s, data={"code": "2", "title": "Điểm thưởng", "kind": "BONUS", "max_points": Decimal("5")}),
            setup=lambda w: _full_set(matrix, w)),
        "do_update_criterion": Entry("scoring.criteria", lambda w, a, s: _act().do_update_criterion(
            actor=a, criterion=s.criteria.get(code="1.1"), data={"title": "Tham mưu đúng hạn, đúng chất lượng"},
            expected_version=s.criteria.get(code="1.1").version), setup=lambda w: _full_set(matrix, w)),
        "do_remove_criterion": Entry("scoring.criteria", lambda w, a, s: _act().do_remove_criterion(
            actor=a, criterion=s.criteria.get(code="1.1"), expected_version=s.criteria.get(code="1.1").version),
            setup=lambda w: _full_set(matrix, w)),
        "do_copy_criteria_set": Entry("scoring.criteria", lambda w, a, s: _act().do_copy_criteria_set(actor=a, source=s),
                                      setup=lambda w: _full_set(matrix, w)),
        "do_import_criteria_set": Entry("scoring.criteria", lambda w, a, s: _act().do_import_criteria_set(
            actor=a, criteria_set=s, expected_version=s.version, specs=[
                CriterionSpec("1", "Công tác tham mưu", "GROUP", Decimal("100")),
                CriterionSpec("1.1", "Tham mưu đúng hạn", "SCORE", Decimal("100"), parent_code="1"),
            ]), setup=lambda w: _full_set(matrix, w)),
        "do_open_round": Entry("scoring.criteria", lambda w, a, s: _act().do_open_round(
            actor=a, bloc_year=s.bloc.years.get(), criteria_set=s, quota=1), setup=lambda w: _full_set(matrix, w)),
        "do_update_round": Entry("scoring.criteria", lambda w, a, r: _act().do_update_round(
            actor=a, round=r, data={"quota": 2}, expected_version=r.version), setup=lambda w: _round(matrix, w)),
        "do_assign_cross_check": Entry("scoring.criteria", lambda w, a, s: _act().do_assign_cross_check(
            actor=a, round=s.round, sheet=s, reviewer_units=[w.to_chuc]), setup=lambda w: _sheet(matrix, w)),
        "do_save_scores": Entry("scoring.self", lambda w, a, s: _act().do_save_scores(
            actor=a, sheet=s, level="SELF", values={"1.1": ("80", "Đủ văn bản")}, expected_version=s.version), setup=lambda w: _sheet(matrix, w)),
        "do_import_sheet": Entry("scoring.self", lambda w, a, s: _act().do_import_sheet(
            actor=a, sheet=s, level="SELF", values={"1.1": (Decimal("80"), "")}, expected_version=s.version), setup=lambda w: _sheet(matrix, w)),
        "do_attach_evidence": Entry("scoring.self", lambda w, a, s: _act().do_attach_evidence(
            actor=a, sheet=s, code="1.1", upload=_upload()), setup=lambda w: _sheet(matrix, w)),
        "do_remove_evidence": Entry("scoring.self", lambda w, a, e: _act().do_remove_evidence(actor=a, evidence=e),
                                    setup=lambda w: _act().do_attach_evidence(actor=None, sheet=_sheet(matrix, w), code="1.1", upload=_upload())),
        "do_transition_sheet": Entry("scoring.self", lambda w, a, s: _act().do_transition_sheet(
            actor=a, sheet=s, event="submit", expected_version=s.version), setup=lambda w: _sheet(matrix, w, filled=True)),
        "do_publish_results": Entry("scoring.publish", lambda w, a, s: _act().do_publish_results(
            actor=a, round=s.round, meeting=s.round.bloc_year.meetings.get(), expected_version=s.round.version,
            unranked={str(s.uid): "Nộp phiếu quá hạn", str(s.round.sheets.exclude(pk=s.pk).get().uid): "Không nộp phiếu"}),
            setup=lambda w: _with_meeting(_sheet(matrix, w), w)),
        "do_confirm_leader": Entry("scoring.publish", lambda w, a, r: _act().do_confirm_leader(
            actor=a, round=r, unit=w.to_chuc, how="MEETING_RECORD", note="Biên bản hội nghị tổng kết ngày 15/12/2024", expected_version=r.version),
            setup=lambda w: _published(matrix, w)),
    }
    for name, entry in entries.items():
        matrix.ACTIONS[m + name] = entry


def _with_meeting(sheet, world):
    from thidua.blocs import actions as blocs

    blocs.do_record_meeting(
        actor=None, bloc_year=sheet.round.bloc_year, data={"kind": "OTHER", "held_on": dt.date(2024, 12, 15), "place": "An Giang"},
        attending=[world.tuyen_giao, world.to_chuc],
    )
    sheet.round.refresh_from_db()
    return sheet
