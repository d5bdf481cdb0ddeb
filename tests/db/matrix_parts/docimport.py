"""Access-matrix entries of thidua/docimport (Word dossiers read into a draft proposal).

Sample: an import of Ban Tuyên giáo's danh sách (Party layout) — seen by whoever may propose for
the unit: the An Giang officer and the unit's officer (the viewer lacks proposal.edit: 403);
not by Quảng Ninh's officer (404).
"""

from __future__ import annotations


def _a():
    from thidua.docimport import actions

    return actions


def _import(world, rows=None):
    from tests import docx_samples

    data = docx_samples.state_list(rows) if rows is not None else docx_samples.party_list()
    return _a().do_create_import(actor=None, unit=world.tuyen_giao, year=2025, file_name="danh-sach.docx", data=data)


def _sample(world):
    cached = getattr(world, "_docimport_sample", None)
    if cached is None:
        cached = world._docimport_sample = _import(world)
    return cached


def _matched(world):
    """An import whose one row is matched: Nguyễn Thị Hòa of Ban Tuyên giáo, Lao động tiên tiến."""
    from thidua.org import actions as org

    org.do_create_person(actor=None, unit=world.tuyen_giao, data={"full_name": "Nguyễn Thị Hòa", "gender": "NU"})
    return _import(world, [["1", "Nguyễn Thị Hoà", "", "Chuyên viên", "Lao động tiên tiến", "", ""]])


def _person(world):
    from thidua.org import actions as org

    return org.do_create_person(actor=None, unit=world.tuyen_giao, data={"full_name": "Lê Văn Tâm", "gender": "NAM"})


def register(matrix):
    S, A = matrix.Sample, matrix.ActionEntry
    seen = matrix.UNIT_SEEN_BY
    matrix.SAMPLES.update({
        "docimport:detail": S(lambda w: {"uid": _sample(w).uid}, seen),
        "docimport:row": S(lambda w: {"uid": _sample(w).uid, "number": 1}, seen),
        "docimport:confirm": S(lambda w: {"uid": _sample(w).uid}, seen),
    })
    name = "thidua.docimport.actions."
    matrix.ACTIONS.update({
        name + "do_create_import": A("proposal.edit", lambda w, a: _import(w)),
        name + "do_resolve_row": A("proposal.edit", lambda w, a, imp: _a().do_resolve_row(actor=a, imp=imp, row=1, skip=True), setup=_import),
        name + "do_confirm_import": A("proposal.edit", lambda w, a, imp: _a().do_confirm_import(actor=a, imp=imp), setup=_matched),
        "thidua.proposals.actions.do_create_proposal_from_import": A(
            "proposal.edit",
            lambda w, a, person: __import__("thidua.proposals.actions", fromlist=["x"]).do_create_proposal_from_import(
                actor=a, proposer_unit=w.tuyen_giao, data={"title": "Đề nghị công nhận Lao động tiên tiến năm 2025", "year": 2025, "level": "UNIT"},
                rows=[{"person": person, "award": "LDTT"}],
                source={"name": "danh-sach.docx", "path": "docimport/x/danh-sach.docx", "sha256": "0" * 64, "size": 10}),
            setup=_person),
    })
