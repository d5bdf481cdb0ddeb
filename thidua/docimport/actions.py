"""Writes of the Word dossier import: read and match (nothing is proposed yet), resolve a row, confirm.

Confirming makes the draft proposal through the proposals actions
(do_create_proposal_from_import: the proposal, its items checked by the same subject rules and
eligibility checks as the pages, the source file attached), in one transaction with the import's
state change; a refusal anywhere leaves nothing.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from thidua.audit.log import record
from thidua.core.access import ensure
from thidua.core.errors import ActionError, ConcurrentEditError, StateConflict
from thidua.core.files import store_bytes
from thidua.docimport import matching, reader
from thidua.docimport.models import ImportState, ProposalImport, RowStatus
from thidua.org.models import Person, Unit
from thidua.rules.proposals import unit_head_refusal


def _check_year(year) -> int:
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise ActionError("Năm thành tích phải là một số, ví dụ 2025.", field="year") from None
    if year < 1990 or year > dt.date.today().year + 1:
        raise ActionError(f"Năm thành tích {year} không hợp lệ.", field="year")
    return year


@transaction.atomic
def do_create_import(*, actor, unit: Unit, year, file_name: str, data: bytes, size: int | None = None) -> ProposalImport:
    """Read a .docx danh sách or tờ trình of `unit` for `year`; match its rows. Nothing is proposed."""
    if unit is None:
        raise ActionError("Hãy chọn đơn vị đề nghị.", field="unit")
    ensure(actor, "proposal.edit", unit=unit)
    if unit.ended_on is not None:
        raise ActionError(f"{unit.name} đã thôi hoạt động, không lập hồ sơ đề nghị được.", field="unit")
    year = _check_year(year)
    file_name = (file_name or "danh-sach.docx").rsplit("/", 1)[-1].rsplit("\\", 1)[-1][:200] or "danh-sach.docx"
    document = reader.read(file_name, data, size)
    rows, problems, title = matching.read_rows(document, unit)
    if not rows:
        raise ActionError(f"Bảng trong tệp “{file_name}” có dòng tiêu đề nhưng không có dòng nào ghi họ và tên.", field="file")
    path, sha = store_bytes("docimport", data, file_name)
    imp = ProposalImport.objects.create(
        province_id=unit.province_id, unit=unit, year=year, title=title or f"Đề nghị khen thưởng năm {year}",
        file_name=file_name, file=path, sha256=sha, size=len(data), rows=rows, problems=problems,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    counts = {s: sum(1 for r in rows if r["status"] == s) for s in RowStatus.values}
    record(actor=actor, action="docimport.import.create", obj=imp,
           changes={"rows": [None, len(rows)], "status": [None, ", ".join(f"{RowStatus(s).label}: {n}" for s, n in counts.items() if n)]})
    return imp


def _locked(imp: ProposalImport, expected_version: int | None) -> ProposalImport:
    current = ProposalImport.objects.select_for_update().select_related("unit").get(pk=imp.pk)
    if current.state != ImportState.OPEN:
        what = f" “{current.proposal.title}”" if current.proposal_id else ""
        raise StateConflict(f"Danh sách này đã được lập thành hồ sơ đề nghị{what}; không sửa, không xác nhận lại được.")
    if expected_version is not None and current.version != expected_version:
        raise ConcurrentEditError()
    return current


def _save(imp: ProposalImport, fields: list[str]) -> None:
    imp.version += 1
    imp.save(update_fields=[*fields, "version", "updated_at"])


@transaction.atomic
def do_resolve_row(*, actor, imp: ProposalImport, row: int, person: Person | None = None, award: str | None = None,
                   skip: bool | None = None, unit: Unit | None = None, expected_version: int | None = None) -> dict:
    """The officer picks the person of a row (a candidate, or anyone the unit may propose) or, for a
    collective's row, the unit (a candidate, or the proposing unit or a direct sub-unit), sets its
    award, or leaves the row out (skip) / takes it back."""
    ensure(actor, "proposal.edit", unit=imp.unit)
    imp = _locked(imp, expected_version)
    entry = imp.row(row)
    if entry is None:
        raise ActionError(f"Danh sách không có dòng {row}.", field="row")
    before = {k: entry.get(k) for k in ("person", "unit", "status", "award", "skipped")}
    if person is None and award is None and skip is None and unit is None:
        raise ActionError("Hãy chọn người đúng với dòng này, danh hiệu/hình thức, hoặc bỏ dòng.", field="person")
    if person is not None and unit is not None:
        raise ActionError("Một dòng đề nghị một cá nhân hoặc một tập thể, không chọn cả hai.", field="unit")
    if unit is not None:
        allowed = str(unit.uid) in entry.get("candidates", []) and unit.ended_on is None
        allowed = allowed or matching.proposable_units(imp.unit).filter(pk=unit.pk).exists()
        if not allowed:
            raise ActionError(f"{unit.name} không phải {imp.unit.name} hoặc đơn vị trực thuộc, nên không đề nghị trong danh sách này được.",
                              field="unit")
        entry.update(person=None, unit=str(unit.uid), subject="collective", status=RowStatus.MATCHED.value, resolved=True,
                     skipped=False, person_name="", person_unit=unit.name)
    if person is not None:
        allowed = str(person.uid) in entry.get("candidates", []) or matching.proposable_people(imp.unit).filter(pk=person.pk).exists()
        if not allowed:
            raise ActionError(f"{person.full_name} không thuộc {imp.unit.name} hoặc đơn vị trực thuộc, nên không đề nghị trong danh sách này được.",
                              field="person")
        entry.update(person=str(person.uid), unit=None, subject="individual", status=RowStatus.MATCHED.value, resolved=True, skipped=False,
                     person_name=person.full_name, person_unit=person.unit.name)
    if award is not None:
        award = matching.check_award(award, imp.province, entry.get("subject") or "individual")
        entry.update(award=award)
    if skip is not None:
        entry["skipped"] = bool(skip)
    _save(imp, ["rows"])
    after = {k: entry.get(k) for k in before}
    record(actor=actor, action="docimport.import.resolve_row", obj=imp,
           changes={f"dòng {row} — {k}": [before[k], after[k]] for k in before if before[k] != after[k]}, note=entry["name"])
    return entry


def _pending_message(imp: ProposalImport) -> str | None:
    pending = imp.pending_rows()
    if not pending:
        return None
    parts = []
    for r in pending[:5]:
        collective = r.get("subject") == "collective"
        if r["status"] == RowStatus.AMBIGUOUS:
            why = "trùng tên, chưa chọn tập thể" if collective else "trùng tên, chưa chọn người"
        else:
            why = "không có trong danh mục đơn vị" if collective else "không có trong danh mục cá nhân"
        parts.append(f"dòng {r['row']} ({r['name']}: {why})")
    more = f" và {len(pending) - 5} dòng khác" if len(pending) > 5 else ""
    return (f"Còn {len(pending)} dòng chưa xác định: " + "; ".join(parts) + more
            + ". Hãy chọn đúng người (tập thể), hoặc bỏ dòng đó, trước khi lập hồ sơ.")


@transaction.atomic
def do_confirm_import(*, actor, imp: ProposalImport, expected_version: int | None = None):
    """Make the draft proposal of the unit from the confirmed rows (one transaction, one audit row).

    Refused (422 on "rows") while a row is AMBIGUOUS or UNKNOWN and neither resolved nor left out.
    Rows without a catalogue award are left out of the proposal (imp.left_out_rows(), shown before
    confirming and answered by the API)."""
    from thidua.proposals import actions as proposals

    ensure(actor, "proposal.edit", unit=imp.unit)
    imp = _locked(imp, expected_version)
    message = _pending_message(imp)
    if message:
        raise ActionError(message, field="rows")
    rows = [r for r in imp.rows if not r.get("skipped") and r.get("award")]
    if not rows:
        raise ActionError("Không còn dòng nào có người và danh hiệu, hình thức khen thưởng trong danh mục: hãy chọn danh hiệu "
                          "cho các dòng cần đề nghị.", field="rows")
    seen: dict[tuple[str, str], int] = {}
    for r in rows:
        key = (r.get("person") or r.get("unit") or "", r["award"])
        if key in seen:
            who = "một tập thể" if r.get("unit") else "một người"
            raise ActionError(f"Dòng {seen[key]} và dòng {r['row']} cùng đề nghị {who} ({r['name']}) cùng một danh hiệu, hình thức: "
                              "hãy bỏ một dòng.", field="rows")
        seen[key] = r["row"]
    people = {str(p.uid): p for p in matching.proposable_people(imp.unit).filter(uid__in=[r["person"] for r in rows if r.get("person")])
              .select_related("unit")}
    units = {str(u.uid): u for u in matching.proposable_units(imp.unit).filter(uid__in=[r["unit"] for r in rows if r.get("unit")])}
    gone = [r for r in rows if r.get("person") not in people and r.get("unit") not in units]
    if gone:
        what = "tập thể" if gone[0].get("unit") else "người"
        raise ActionError(f"Dòng {gone[0]['row']} ({gone[0]['name']}): {what} đã chọn không còn thuộc {imp.unit.name}. Hãy chọn lại.",
                          field="rows")
    awards = [r["award"] for r in rows]
    level = "UNIT" if unit_head_refusal("UNIT", awards) is None else "PROVINCE"
    proposal = proposals.do_create_proposal_from_import(
        actor=actor, proposer_unit=imp.unit,
        data={"title": imp.title, "year": imp.year, "level": level, "reasons": f"Theo danh sách đề nghị gửi kèm (tệp “{imp.file_name}”)."},
        rows=[{"person": people.get(r.get("person") or ""), "unit": units.get(r.get("unit") or ""), "award": r["award"],
               "achievements": (r.get("achievements") or "")[:2000]} for r in rows],
        source={"name": imp.file_name if imp.file_name.lower().endswith(".docx") else imp.file_name + ".docx",
                "path": imp.file, "sha256": imp.sha256, "size": imp.size},
    )
    # The proposal's audit row (proposals.proposal.create_from_import) names the file: one row for the confirmation.
    imp.state, imp.proposal = ImportState.CONFIRMED, proposal
    _save(imp, ["state", "proposal"])
    return proposal
