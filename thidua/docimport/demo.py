"""A demo Word danh sách of an active Ban Tuyên giáo Tỉnh ủy (Thái Bình in the seeds: An Giang's was
merged in 2025) read in and waiting for the officer
(idempotent): built from the unit's demo staff with python-docx, one name written with the old
tone placement ("Hoà", "Thuỷ" style), a name the registry does not hold, a Party award the State
catalogue does not list, and the unit itself proposed as a collective (Tập thể lao động xuất sắc),
so the review page shows each status. Nothing is proposed."""

from __future__ import annotations

import io
from collections import Counter

from thidua.docimport.models import ProposalImport
from thidua.org.models import Unit

DEMO_LABELS = [("docimport", "danh sách đề nghị nhập từ Word (chờ xác nhận)")]
FILE_NAME = "danh-sach-de-nghi-ban-tuyen-giao-2025.docx"
UNKNOWN_NAME = "Phạm Văn Khải"
# New (kiểu mới) ↔ old (kiểu cũ) tone placement.
_PLACEMENTS = {"òa": "oà", "óa": "oá", "ỏa": "oả", "õa": "oã", "ọa": "oạ", "òe": "oè", "óe": "oé", "ủy": "uỷ", "úy": "uý",
               "ùy": "uỳ", "ũy": "uỹ", "ụy": "uỵ"}


def _old_placement(name: str) -> str:
    for new, old in _PLACEMENTS.items():
        if new in name:
            return name.replace(new, old)
        if old in name:
            return name.replace(old, new)
    return name


def _docx(unit, people) -> bytes:
    import docx

    document = docx.Document()
    heading = document.add_table(rows=1, cols=2)
    heading.cell(0, 0).text, heading.cell(0, 1).text = f"{unit.superior_name or 'ĐẢNG BỘ TỈNH'}\nBAN TUYÊN GIÁO TỈNH ỦY", "ĐẢNG CỘNG SẢN VIỆT NAM"
    document.add_paragraph("DANH SÁCH")
    document.add_paragraph("cá nhân, tập thể đề nghị khen thưởng năm 2025")
    rows = [[str(i), name, title, award] for i, (name, title, award) in enumerate(people, start=1)]
    table = document.add_table(rows=1 + len(rows), cols=4)
    for c, text in enumerate(["STT", "Họ và tên", "Chức vụ, đơn vị công tác", "Hình thức đề nghị khen thưởng"]):
        table.cell(0, c).text = text
    for r, values in enumerate(rows, start=1):
        for c, text in enumerate(values):
            table.cell(r, c).text = text
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def load_demo(doc) -> Counter:  # noqa: ARG001 — the seeds hold no Word files; the list is built from the registry
    from thidua.docimport.actions import do_create_import

    stats: Counter = Counter()
    unit = Unit.objects.filter(name="Ban Tuyên giáo Tỉnh ủy", ended_on__isnull=True).order_by("pk").first()
    if unit is None or ProposalImport.objects.filter(unit=unit, file_name=FILE_NAME).exists():
        return stats
    staff = list(unit.people.order_by("pk")[:4])
    if len(staff) < 3 or unit.people.filter(full_name=UNKNOWN_NAME).exists():
        return stats
    awards = ["Chiến sĩ thi đua cơ sở", "Lao động tiên tiến", "Lao động tiên tiến", "Bằng khen của Ban Thường vụ Tỉnh ủy"]
    people = [(_old_placement(p.full_name), p.position_title or "Chuyên viên", awards[i]) for i, p in enumerate(staff)]
    people.insert(2, (UNKNOWN_NAME, "Chuyên viên Văn phòng Ban", "Lao động tiên tiến"))
    people.append((_old_placement(unit.name), "Tập thể", "Tập thể lao động xuất sắc"))
    do_create_import(actor=None, unit=unit, year=2025, file_name=FILE_NAME, data=_docx(unit, people))
    stats["docimport"] += 1
    return stats
