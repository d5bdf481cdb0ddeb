"""Access-matrix entries of thidua/exemplars (điển hình tiên tiến): routes with parameters and every do_* action."""

from __future__ import annotations

import datetime as dt

STORY = "Tổ dân vận xã vận động người dân hiến 3.000 m² đất làm đường liên thôn; mô hình được huyện nhân rộng."


def pdf_bytes() -> bytes:
    """A real one-page PDF (the evidence check reads it with pypdf)."""
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _a():
    from thidua.exemplars import actions

    return actions


def _data(world):
    return {"kind": "COLLECTIVE", "unit": world.tuyen_giao, "year": 2023, "title": "Điển hình dân vận khéo",
            "story": STORY, "level": "PROVINCE", "issuer": "Chủ tịch UBND tỉnh"}


def _exemplar(world):
    return _a().do_create_exemplar(actor=None, data=_data(world))


def _evidence(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return _a().do_add_evidence(actor=None, exemplar=_exemplar(world), upload=SimpleUploadedFile("qd.pdf", pdf_bytes()))


def register(matrix):
    A, S = matrix.ActionEntry, matrix.Sample
    seen = matrix.UNIT_SEEN_BY
    matrix.SAMPLES.update({
        "exemplars:detail": S(lambda w: {"uid": _exemplar(w).uid}, seen),
        "exemplars:edit": S(lambda w: {"uid": _exemplar(w).uid}, seen),
        "exemplars:replication_add": S(lambda w: {"uid": _exemplar(w).uid}, seen),
        "exemplars:evidence_add": S(lambda w: {"uid": _exemplar(w).uid}, seen),
        "exemplars:evidence_download": S(lambda w: {"uid": _evidence(w).uid}, seen),
    })
    name = "thidua.exemplars.actions."
    matrix.ACTIONS.update({
        name + "do_create_exemplar": A("history.edit", lambda w, a: _a().do_create_exemplar(actor=a, data=_data(w))),
        name + "do_update_exemplar": A(
            "history.edit",
            lambda w, a, x: _a().do_update_exemplar(actor=a, exemplar=x, data={"note": "Đã đăng báo tỉnh"}, expected_version=x.version),
            setup=_exemplar),
        name + "do_add_replication": A(
            "history.edit",
            lambda w, a, x: _a().do_add_replication(actor=a, exemplar=x, data={
                "place": "Xã Cẩm Giàng", "applied_on": dt.date(2024, 5, 1), "result": "Làm thêm 2 km đường"}),
            setup=_exemplar),
        name + "do_add_evidence": A(
            "history.edit",
            lambda w, a, x: _a().do_add_evidence(actor=a, exemplar=x, upload=_upload()),
            setup=_exemplar),
    })


def _upload():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("qd.pdf", pdf_bytes())
