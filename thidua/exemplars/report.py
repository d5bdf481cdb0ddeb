"""The "Điển hình tiên tiến" and "Sáng kiến" parts of a report (the block's sơ kết/tổng kết report;
reusable by the province's report): a count sentence and a table each, from the registry rows of
the given units in one year. Pure read; the caller checks the document's permission."""

from __future__ import annotations

from collections import Counter

from django.db.models import Q

from thidua.core.db import vi_order
from thidua.documents.layout import Paragraph, Table
from thidua.exemplars.models import SubjectKind
from thidua.exemplars.selectors import exemplars_of_units
from thidua.rules.catalogue import SCOPE_NAMES, SCOPES


def _recognition(level_label: str, issuer: str, number: str, date) -> str:
    text = f"{level_label}: {issuer}" if issuer else level_label
    if number:
        text += f", QĐ số {number}"
    if date:
        text += f" ngày {date:%d/%m/%Y}"
    return text


def exemplar_blocks(unit_ids, year: int, *, heading: str) -> list:
    items = list(exemplars_of_units(unit_ids, year))
    body: list = [Paragraph(heading, bold=True)]
    if not items:
        body.append(Paragraph(f"Năm {year} chưa ghi nhận điển hình tiên tiến nào của các đơn vị."))
        return body
    kinds = Counter(e.kind for e in items)
    replicated = sum(1 for e in items if e.replications.all())
    body.append(Paragraph(
        f"Năm {year} có {len(items)} điển hình tiên tiến được công nhận, biểu dương "
        f"({kinds[SubjectKind.COLLECTIVE]} tập thể, {kinds[SubjectKind.INDIVIDUAL]} cá nhân); "
        f"{replicated} điển hình đã được nhân rộng."
    ))
    rows = []
    for i, e in enumerate(items, start=1):
        places = "; ".join(f"{r.where} ({r.applied_on:%m/%Y}): {r.result}" for r in e.replications.all())
        rows.append([str(i), e.subject_name + ("" if e.person_id is None else f" ({e.unit.name})"), e.title,
                     _recognition(e.get_level_display(), e.issuer, e.decision_number, e.decision_date), places or "—"])
    body.append(Table(["STT", "Tập thể, cá nhân", "Điển hình về", "Công nhận, biểu dương", "Nhân rộng"], rows,
                      widths_mm=[12, 40, 40, 38, 35]))
    return body


def initiatives_of_units(unit_ids, year: int):
    from thidua.history.models import Initiative

    return (Initiative.objects.filter(year=year)
            .filter(Q(unit_id__in=unit_ids) | Q(unit__isnull=True, person__unit_id__in=unit_ids))
            .select_related("unit", "person__unit").prefetch_related("owners__person")
            .order_by(vi_order("unit__name"), vi_order("title"), "pk"))


def initiative_blocks(unit_ids, year: int, *, heading: str) -> list:
    items = list(initiatives_of_units(unit_ids, year))
    body: list = [Paragraph(heading, bold=True)]
    if not items:
        body.append(Paragraph(f"Năm {year} các đơn vị chưa đăng ký sáng kiến nào vào sổ sáng kiến."))
        return body
    recognised = [i for i in items if i.recognised]
    by_level = Counter(i.scope for i in recognised)
    levels = ", ".join(f"{by_level[c]} {SCOPE_NAMES[c]}" for c in SCOPES if by_level[c])
    body.append(Paragraph(
        f"Năm {year} các đơn vị có {len(items)} sáng kiến, đề tài trong sổ sáng kiến; {len(recognised)} đã được công nhận"
        + (f" ({levels})." if levels else ".")
    ))
    rows = []
    for n, item in enumerate(items, start=1):
        owners = "; ".join(f"{o.person.full_name} {o.share} %" for o in item.owners.all()) or item.person.full_name
        unit = item.unit or item.person.unit
        status = (_recognition(item.get_scope_display(), item.recognised_by, item.decision_number, item.recognised_on)
                  if item.recognised else "Chưa công nhận")
        rows.append([str(n), item.title, unit.name if unit else "—", owners, status])
    body.append(Table(["STT", "Tên sáng kiến", "Đơn vị", "Tác giả (tỷ lệ đóng góp)", "Công nhận"], rows,
                      widths_mm=[12, 48, 35, 35, 35]))
    return body
