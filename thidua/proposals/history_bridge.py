"""The one place where decisions write into the award history (hồ sơ thành tích).

``record_award`` and ``revoke_award`` call the history app's write API
(``thidua.history.actions.do_record_award`` / its revocation) so that an award decided here
enters history exactly as an imported or external one does. Everything history needs is passed
explicitly, with ``audit=False``: the decision's own audit row lists its recipients (one audit row
per user action).
"""

from __future__ import annotations

import importlib
import inspect

from thidua.core.errors import ActionError
from thidua.rules.catalogue import EMULATION_TITLES

# proposals level → history's decision level.
HISTORY_LEVEL = {"UNIT": "BASE", "PROVINCE": "PROVINCE", "CENTRAL": "STATE"}


def _history_actions():
    try:
        return importlib.import_module("thidua.history.actions")
    except ImportError:
        return None


def available() -> bool:
    module = _history_actions()
    return module is not None and hasattr(module, "do_record_award")


def _call(func, **kwargs):
    """Call `func` with the keyword arguments it accepts (history's signature may grow)."""
    params = inspect.signature(func).parameters
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
        return func(**kwargs)
    return func(**{k: v for k, v in kwargs.items() if k in params})


def decision_reference(decision) -> str:
    """"770/QĐ-TTg" (State) or "15-QĐ/TU" (Party: number, hyphen, type, slash, issuer)."""
    sep = "-" if decision.symbol.startswith("QĐ/") else "/"
    return f"{decision.number}{sep}{decision.symbol}"


def _matching_record(recipient, decision):
    """A live history record of the same subject, award and year that names the same decision number."""
    try:
        from thidua.history.models import AwardRecord
    except ImportError:
        return None
    wanted = decision_reference(decision).replace(" ", "").lower()
    qs = AwardRecord.objects.filter(award_code=recipient.award, year=recipient.year, revoked=False)
    qs = qs.filter(person_id=recipient.person_id) if recipient.person_id else qs.filter(unit_id=recipient.unit_id)
    for record in qs:
        if (record.decision_number or "").replace(" ", "").lower() == wanted:
            return record
    return None


def _history_actor(actor):
    """Who history sees as writing the award. The decision's authority, already checked by the
    calling action, is what enters an award in history: a unit leader issuing its unit's quyết định
    công nhận does not hold "history.edit", so the write is then the system's on its behalf."""
    from thidua.core.access import scope_of

    if actor is not None and not scope_of(actor).can("history.edit"):
        return None
    return actor


def record_award(actor, recipient, decision) -> str:
    """Write one recipient's award into history; returns a reference of the history record ('' if none)."""
    module = _history_actions()
    if module is None or not hasattr(module, "do_record_award"):
        raise ActionError("Chưa ghi được vào hồ sơ thành tích: chức năng hồ sơ thành tích chưa sẵn sàng. Hãy báo quản trị viên.")
    # A title already recorded by hand from the same decision number is linked by history itself
    # (it then carries the decision's uid). A commendation form may be given many times, so history
    # does not dedupe it: a live record naming the same decision is reused here instead.
    existing = None if recipient.award in EMULATION_TITLES else _matching_record(recipient, decision)
    if existing is not None:
        return str(existing.uid)
    source = "EXTERNAL" if decision.kind == "EXTERNAL" else "DECISION"
    record = _call(
        module.do_record_award,
        actor=_history_actor(actor),
        subject=recipient.subject,
        award_code=recipient.award,
        year=recipient.year,
        decision={
            "decision_number": decision_reference(decision),
            "decision_date": decision.issued_on,
            "decision_issuer": decision.issuer_name,
            "decision_level": HISTORY_LEVEL.get(decision.level, ""),
            "decision_uid": decision.uid,
        },
        source=source,
        # The decision's own audit row lists its recipients (one audit row per action).
        audit=False,
    )
    return str(getattr(record, "uid", "") or getattr(record, "pk", "") or "")


def revoke_award(actor, recipient, *, reason: str, revoked_on) -> None:
    module = _history_actions()
    func = None
    for name in ("do_revoke_award", "do_revoke_award_record"):
        func = getattr(module, name, None) if module else None
        if func is not None:
            break
    if func is None or not recipient.history_ref:
        return
    record_model = importlib.import_module("thidua.history.models").AwardRecord
    record = record_model.objects.filter(uid=recipient.history_ref).first() if hasattr(record_model, "uid") else None
    if record is None:
        return
    _call(func, actor=actor, record=record, award=record, reason=reason, revoked_on=revoked_on, on=revoked_on,
          expected_version=getattr(record, "version", None), audit=False)
