"""Reading imports: the one list shared by the page and the API, and a row's candidates described."""

from __future__ import annotations

from thidua.core.access import scoped
from thidua.docimport.models import ProposalImport, RowStatus
from thidua.org.models import Person, Unit


def imports_for(user, *, state: str | None = None):
    """The Word imports the user may work on (the units they propose for), newest first."""
    qs = scoped(user, ProposalImport, "proposal.edit").select_related("unit", "proposal")
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("-created_at", "-pk")


def candidates_of(imp: ProposalImport) -> dict[str, Person]:
    """Every person a row of the import names or may be resolved to, by uid (unit and birth date loaded)."""
    uids = {u for r in imp.rows for u in r.get("candidates", [])} | {r["person"] for r in imp.rows if r.get("person")}
    return {str(p.uid): p for p in Person.objects.filter(uid__in=uids).select_related("unit")}


def units_of(imp: ProposalImport) -> dict[str, Unit]:
    """Every unit a collective's row names or may be resolved to, by uid."""
    uids = {u for r in imp.rows if r.get("subject") == "collective" for u in r.get("candidates", [])}
    uids |= {r["unit"] for r in imp.rows if r.get("unit")}
    return {str(u.uid): u for u in Unit.objects.filter(uid__in=uids)}


def import_out(imp: ProposalImport) -> dict:
    from thidua.awards.selectors import award_label

    rows = []
    for r in imp.rows:
        rows.append({
            "row": r["row"], "name": r["name"], "person": r.get("person"), "unit": r.get("unit"),
            "subject": r.get("subject") or "individual", "status": r["status"],
            "candidates": list(r.get("candidates", [])), "award": r.get("award"), "problems": list(r.get("problems", [])),
            "status_label": RowStatus(r["status"]).label, "award_name": award_label(r["award"]) if r.get("award") else "",
            "award_text": r.get("award_text", ""), "position": r.get("position", ""), "achievements": r.get("achievements", ""),
            "resolved": bool(r.get("resolved")), "skipped": bool(r.get("skipped")),
        })
    return {
        "uid": str(imp.uid), "unit": str(imp.unit.uid), "unit_name": imp.unit.name, "year": imp.year, "title": imp.title,
        "file_name": imp.file_name, "state": imp.state, "state_label": imp.get_state_display(),
        "proposal": str(imp.proposal.uid) if imp.proposal_id else None, "version": imp.version,
        "pending": len(imp.pending_rows()), "left_out": [r["row"] for r in imp.left_out_rows()], "rows": rows, "problems": list(imp.problems),
    }
