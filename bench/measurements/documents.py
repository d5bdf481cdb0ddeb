"""Generating the long documents (issue #14): a decision whose list has 1,000 rows and a report of
about 200 pages, rendered to DOCX by the app's renderer (thidua.documents.docx.render_docx: heading
block, rows that never split, repeated header rows, column fitting, the list on its own page).

Baseline in the same run: python-docx writing the same text as bare paragraphs and a bare table
(no layout work), so the ratio shows what the official layout costs. Target: DOCX ≤ 2 s each.

Beside it, untimed by the repetitions: one PDF conversion of each by LibreOffice headless
(thidua.documents.pdf, a fresh cache so it really converts), with the page count of the PDF.
Size "small" (the smoke run of `make test`) uses 100 rows and about 20 pages and skips the PDF.
"""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import tempfile
import time
from pathlib import Path

from bench.measurements.registry import measurement
from bench.timing import Result, run_timed

ROWS = {"province": 1_000, "small": 100}
SECTIONS = {"province": 220, "small": 20}  # 220 sections ≈ 200 pages (LibreOffice: 181 pages for 200)
TARGET_MS = 2_000
SENTENCE = (
    "Các đơn vị trong khối đã triển khai đồng bộ các phong trào thi đua, bám sát nhiệm vụ chính trị, "
    "hoàn thành vượt mức các chỉ tiêu được giao; công tác khen thưởng bảo đảm đúng người, đúng thành tích, "
    "kịp thời, công khai, minh bạch; các mô hình, điển hình tiên tiến được phát hiện, bồi dưỡng và nhân rộng."
)


def _decision_spec(rows: int):
    from thidua.documents.layout import ND30, Annex, DocumentSpec, Paragraph, Signature, Table

    table = Table(
        ["STT", "Tập thể, cá nhân", "Chức vụ, đơn vị", "Danh hiệu, hình thức", "Năm", "Tiền thưởng (đồng)"],
        [[str(n), f"Nguyễn Văn Người thứ {n}", "Chuyên viên, Văn phòng Sở Nội vụ", "Lao động tiên tiến", "2025", "710.000"]
         for n in range(1, rows + 1)],
        widths_mm=[12, 40, 39, 33, 14, 27], align=["center", "left", "left", "left", "center", "right"],
    )
    return DocumentSpec(
        layout=ND30, superior_name="UBND tỉnh An Giang", issuer_name="Sở Nội vụ", issuer_abbr="SNV", type_abbr="QĐ",
        doc_type="QUYẾT ĐỊNH", subject="Về việc tặng danh hiệu Lao động tiên tiến năm 2025", authority_line="GIÁM ĐỐC SỞ NỘI VỤ",
        place="An Giang", number=5, date=dt.date(2026, 1, 10),
        body=[Paragraph("Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;"), Paragraph("QUYẾT ĐỊNH:", bold=True, align="center"),
              Paragraph(f"Điều 1. Tặng danh hiệu Lao động tiên tiến cho {rows} cá nhân (có danh sách kèm theo).")],
        signatures=[Signature("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Trần Thị Thanh Hương")], recipients=["Như Điều 1"], archive="TĐKT",
        annexes=[Annex("DANH SÁCH KHEN THƯỞNG", "(Kèm theo Quyết định số 05/QĐ-SNV ngày 10 tháng 01 năm 2026 của Giám đốc Sở Nội vụ)", [table])],
    )


def _report_spec(sections: int):
    from thidua.documents.layout import ND30, DocumentSpec, Heading, Paragraph, Signature

    body: list = []
    for n in range(1, sections + 1):
        body.append(Heading(f"{n}. Kết quả thực hiện nhiệm vụ của đơn vị thứ {n}"))
        body += [Paragraph(SENTENCE + " " + SENTENCE) for _ in range(4)]
    return DocumentSpec(
        layout=ND30, superior_name="UBND tỉnh An Giang", issuer_name="Khối thi đua các sở, ngành", issuer_abbr="KTĐ",
        doc_type="BÁO CÁO", subject="Tổng kết công tác thi đua, khen thưởng năm 2025", place="An Giang", date=dt.date(2025, 12, 20),
        body=body, signatures=[Signature("TM. KHỐI THI ĐUA CÁC SỞ, NGÀNH", "TRƯỞNG KHỐI", "Trần Thị Thanh Hương", seal=True)],
        recipients=["Hội đồng Thi đua - Khen thưởng tỉnh"], archive="SNV",
    )


def _bare_docx(spec) -> bytes:
    """The same text with python-docx and no layout work: the baseline."""
    from docx import Document

    from thidua.documents.layout import Heading, Paragraph, Table

    document = Document()
    blocks = list(spec.body) + [b for annex in spec.annexes for b in annex.body]
    for block in blocks:
        if isinstance(block, (Heading, Paragraph)):
            document.add_paragraph(block.text)
        elif isinstance(block, Table):
            table = document.add_table(rows=1, cols=len(block.header))
            for cell, text in zip(table.rows[0].cells, block.header):
                cell.text = text
            for row in block.rows:
                for cell, text in zip(table.add_row().cells, row):
                    cell.text = text
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _pdf(data: bytes) -> dict:
    from thidua.documents.pdf import PdfError, docx_to_pdf

    with tempfile.TemporaryDirectory() as cache:
        start = time.perf_counter()
        try:
            pdf = docx_to_pdf(data, Path(cache), timeout=600)
        except PdfError as error:
            return {"pdf_error": error.message}
        seconds = time.perf_counter() - start
    info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, timeout=60)
    pages = next((int(line.split()[-1]) for line in info.stdout.decode().splitlines() if line.startswith("Pages:")), None)
    return {"pdf_seconds": round(seconds, 2), "pdf_pages": pages}


@measurement("documents_long_docx", "Sinh văn bản dài (DOCX; PDF đo một lần bên cạnh)")
def long_documents(ctx) -> list[Result]:
    from thidua.documents.docx import render_docx

    size = ctx.dataset.size.name
    repeat, warmup = ctx.repeat, ctx.warmup
    results = []
    for name, label, spec in (
        ("decision_list", f"Quyết định kèm danh sách {ROWS[size]} dòng", _decision_spec(ROWS[size])),
        ("long_report", f"Báo cáo {SECTIONS[size]} mục (khoảng {SECTIONS[size] * 9 // 10} trang)", _report_spec(SECTIONS[size])),
    ):
        timing, data = run_timed(lambda: render_docx(spec), repeat=repeat, warmup=warmup)
        baseline, bare = run_timed(lambda: _bare_docx(spec), repeat=repeat, warmup=warmup)
        assert data.startswith(b"PK") and bare.startswith(b"PK")
        extra = {"docx_bytes": len(data), "target_ms": TARGET_MS, "within_target": timing.p50 <= TARGET_MS}
        if size != "small":
            extra.update(_pdf(data))
        note = "" if timing.p50 <= TARGET_MS else f"vượt mục tiêu {TARGET_MS} ms"
        results.append(Result(name, label, timing, "python-docx, cùng nội dung, không định dạng", baseline, note=note, extra=extra))
    return results
