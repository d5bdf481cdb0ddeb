"""What the system checks on each proposed subject before a dossier may go on.

For every item: eligibility (the engine, from the subject's award history), registration (when
the province requires a title to have been registered — đăng ký thi đua — for that year), the
quota of the proposer's level, and the council vote (counts → thidua.rules.voting.tally, with
the threshold of the rule version in force on the meeting date). Each finding is a blocker
``{"code", "kind", "text", "citation"}`` in Vietnamese:

- ``BLOCK``: the dossier cannot be sent (or presented) while it stands;
- ``HOLD``: discipline is being considered or an investigation is open (NĐ 152/2025 Điều 4
  khoản 4): the case waits; the decider may let it go on with a recorded reason;
- ``MANUAL``: no rule version is in force on the evaluation date: appraised by hand, the decider
  records the reason (as for a HOLD);
- ``WARN``: shown, not blocking (e.g. a qualitative condition the council must confirm, a council
  vote still to be recorded before the dossier is presented).

Eligibility comes from ``thidua.history.selectors.evaluate_subject`` when the history app provides
it; otherwise a what-if request is built here and sent through thidua.whatif.service (the same
door as POST /api/v1/eligibility/evaluate), with an empty history.
"""

from __future__ import annotations

import datetime as dt
import importlib
import logging

from thidua.awards.selectors import award_label
from thidua.rules import council
from thidua.rules.catalogue import AWARD_CODES, EMULATION_TITLES
from thidua.rules.proposals import quota_blocker

logger = logging.getLogger(__name__)

REGISTRATION_CITATION = "Quy chế thi đua, khen thưởng của tỉnh (đăng ký thi đua là điều kiện xét danh hiệu); Luật Thi đua, khen thưởng 2022, Điều 16"
HOLD_CITATION = "Nghị định 152/2025/NĐ-CP, Điều 4 khoản 4"


def province_on(province, on: dt.date):
    """The province in force on `on` (following mergers from an old province's records)."""
    current = province
    seen = set()
    while current.valid_to is not None and current.valid_to < on and current.merged_into_id and current.pk not in seen:
        seen.add(current.pk)
        current = current.merged_into
    return current


def province_code_on(province, on: dt.date) -> str:
    return province_on(province, on).code


def _history_selectors():
    try:
        return importlib.import_module("thidua.history.selectors")
    except ImportError:
        return None


def item_confirmations(item) -> dict[str, bool]:
    """The qualitative conditions of an item: the officer's entries, then the council's records
    (minutes of a poll, decision of a block meeting: thidua.counting.CouncilConfirmation), which win."""
    from thidua.counting.models import CouncilConfirmation

    confirmations = {str(k): bool(v) for k, v in (item.confirmations or {}).items()}
    if item.pk:
        confirmations.update(dict(CouncilConfirmation.objects.filter(item_id=item.pk).values_list("key", "confirmed")))
    return confirmations


def _build_request(item, year: int, on: dt.date) -> dict:
    selectors = _history_selectors()
    builder = getattr(selectors, "eligibility_request", None) if selectors else None
    if builder is not None:
        request = dict(builder(item.subject, item.award, year))
    else:
        request = {
            "kind": "eligibility",
            "subject": item.subject_kind,
            "year": year,
            "awards": [item.award],
            "history": [],
            "collective": None,
            "confirmations": {},
        }
    request["kind"] = "eligibility"
    request["awards"] = [item.award]
    request["decided_on"] = on.isoformat()
    request["province"] = province_code_on(item.province, on)
    confirmations = dict(request.get("confirmations") or {})
    confirmations.update(item_confirmations(item))
    request["confirmations"] = confirmations
    return request


def evaluate_eligibility(item, year: int, on: dt.date) -> dict:
    """The engine's result for the item's award: {"award", "outcome", "checks", …} or {"error": …}."""
    from thidua.whatif.service import evaluate_one

    selectors = _history_selectors()
    evaluate_subject = getattr(selectors, "evaluate_subject", None) if selectors else None
    if evaluate_subject is not None:
        try:
            return _first_result(evaluate_subject(item.subject, item.award, year, on=on, confirmations=item_confirmations(item)))
        except Exception:  # a defect there must not stop a dossier: fall back to the request door
            logger.exception("history.evaluate_subject failed; using the what-if door")
    result = evaluate_one(_build_request(item, year, on), expected_kind="eligibility")
    return _first_result(result)


def _first_result(result) -> dict:
    if isinstance(result, dict) and "error" in result:
        return result
    if isinstance(result, dict) and "results" in result:
        return result["results"][0] if result["results"] else {"error": {"code": "empty", "message": "Không có kết quả.", "field": None}}
    return result


def eligibility_blockers(result: dict) -> list[dict]:
    if "error" in result:
        if result["error"].get("code") == "no_rule_version":
            # No coded rule for that date: manual appraisal with a recorded reason, never a fake rule.
            return [{"code": "no_rule_version", "kind": "MANUAL",
                     "text": result["error"]["message"] + " Cấp quyết định thẩm định thủ công và ghi lý do.", "citation": ""}]
        return [{"code": "eligibility_error", "kind": "BLOCK", "text": result["error"]["message"], "citation": ""}]
    outcome = result.get("outcome")
    checks = result.get("checks") or []
    blockers: list[dict] = []
    if outcome == "NOT_ELIGIBLE":
        routed = any(c.get("route") for c in checks)
        for check in checks:
            if check.get("passed") is False:
                text = check.get("text", "")
                if routed and check.get("route"):
                    text = f"(Điểm {check['route']}) {text}"
                blockers.append({"code": check.get("code", ""), "kind": "BLOCK", "text": text, "citation": check.get("citation", "")})
        if not blockers:
            blockers.append({"code": "not_eligible", "kind": "BLOCK", "text": "Chưa đủ điều kiện theo tiêu chuẩn.", "citation": ""})
    elif outcome == "HOLD":
        held = [c for c in checks if c.get("hold")]
        text = held[0]["text"] if held else "Đang xem xét kỷ luật hoặc có đơn thư, thanh tra, điều tra chưa kết luận: tạm hoãn xét."
        blockers.append({"code": "hold", "kind": "HOLD", "text": text, "citation": held[0].get("citation", HOLD_CITATION) if held else HOLD_CITATION})
    keys = result.get("needs_confirmation") or []
    if outcome == "ELIGIBLE":
        # Only what the result still waits on: nothing once one route is decided (thidua/rules/council.py).
        keys = council.awaited(result) if council.status(result) == council.ELIGIBLE_IF_CONFIRMED else []
    for key in keys:
        check = next((c for c in checks if c.get("code") == key or c.get("confirmation") == key), None)
        text = check["text"] if check else key
        blockers.append({"code": f"confirm:{key}", "kind": "WARN", "text": text, "citation": check.get("citation", "") if check else ""})
    prefix = ""
    citations = (result.get("rule") or {}).get("citations") or []
    if citations and ", Điều" in citations[0]:
        prefix = citations[0].split(", Điều")[0]
    for blocker in blockers:
        if prefix and blocker["citation"].startswith("Điều"):
            blocker["citation"] = f"{prefix}, {blocker['citation']}"
    return blockers


def registration_blocker(item, proposal, on: dt.date) -> dict | None:
    """When the province (in force on `on`) requires it, a title needs an approved registration for that year."""
    from thidua.movements.models import RegistrationItem

    if item.award not in EMULATION_TITLES or not province_on(proposal.province, on).registration_required_for_proposal:
        return None
    qs = RegistrationItem.objects.filter(award=item.award, registration__bloc_year__year=proposal.year)
    if item.person_id:
        qs = qs.filter(person_id=item.person_id)
    else:
        qs = qs.filter(person__isnull=True, registration__unit_id=item.unit_id)
    states = set(qs.values_list("registration__state", flat=True))
    if "APPROVED" in states:
        return None
    name = award_label(item.award)
    if states & {"SUBMITTED"}:
        text = f"{item.subject_name} đã gửi đăng ký {name} năm {proposal.year} nhưng bản đăng ký chưa được duyệt."
    else:
        text = f"{item.subject_name} chưa đăng ký thi đua danh hiệu {name} năm {proposal.year} (tỉnh quy định phải đăng ký trước khi đề nghị)."
    return {"code": "registration", "kind": "BLOCK", "text": text, "citation": REGISTRATION_CITATION}


def vote_outcome(item, on: dt.date) -> tuple[dict | None, dict | None]:
    """(tally result or None, blocker or None) for the council vote recorded on the item."""
    from thidua.rules.voting import version_on
    from thidua.whatif.service import evaluate_one

    held_on = item.vote_held_on or on
    version = version_on(held_on)
    required = bool(version and item.award in version.get("thresholds", {}))
    recorded = item.vote_members_total is not None and item.vote_present is not None and item.vote_yes is not None
    name = award_label(item.award)
    if not recorded:
        if not required:
            return None, None
        return None, {
            "code": "vote_missing", "kind": "WARN",
            "text": f"Chưa ghi kết quả bỏ phiếu của hội đồng thi đua, khen thưởng khi xét {name}; cần có trước khi trình cấp có thẩm quyền.",
            "citation": version["thresholds"][item.award]["citation"],
        }
    if not required:
        return None, None
    request = {
        "kind": "voting", "decided_on": held_on.isoformat(), "province": province_code_on(item.province, held_on),
        "award": item.award, "council_size": item.vote_members_total, "present": item.vote_present,
        "candidates": [{"id": "1", "name": item.subject_name, "yes": item.vote_yes}],
    }
    result = evaluate_one(request, expected_kind="voting")
    if "error" in result:
        return None, {"code": "vote_invalid", "kind": "BLOCK", "text": f"Kết quả bỏ phiếu không hợp lệ: {result['error']['message']}", "citation": ""}
    row = result["results"][0]
    if not result["quorum"]["met"]:
        return result, {"code": "vote_quorum", "kind": "BLOCK", "text": result["quorum"]["text"], "citation": result["threshold"]["citation"]}
    if not row["passed"]:
        return result, {"code": "vote_threshold", "kind": "BLOCK", "text": row["text"], "citation": result["threshold"]["citation"]}
    return result, None


def check_item(item, proposal, on: dt.date, *, quota_counts: dict[str, tuple[int, int]] | None = None) -> tuple[dict, list[dict], dict | None]:
    """(eligibility result, blockers, vote result) for one item of `proposal` evaluated on `on`."""
    if item.award not in AWARD_CODES:
        # A catalogue entry without a coded rule (Huân chương Lao động hạng Nhất, a province's own
        # award…): manual appraisal with the catalogue's reason, never a guessed rule (issue #19).
        from thidua.awards.selectors import manual_appraisal_reason, recordable_entry

        reason = manual_appraisal_reason(item.award, proposal.province) or "Chưa có quy tắc xét tự động."
        entry = recordable_entry(item.award, proposal.province)
        text = f"{award_label(item.award, proposal.province)}: {reason} Cấp quyết định thẩm định thủ công và ghi lý do."
        result = {"error": {"code": "manual_appraisal", "message": text, "field": None}}
        blockers = [{"code": "manual_appraisal", "kind": "MANUAL", "text": text, "citation": entry.citation if entry else ""}]
    else:
        result = evaluate_eligibility(item, proposal.year, on)
        blockers = eligibility_blockers(result)
    registration = registration_blocker(item, proposal, on)
    if registration:
        blockers.append(registration)
    if quota_counts and item.award in quota_counts:
        already, in_this = quota_counts[item.award]
        quota = quota_blocker(item.award, by_bloc=proposal.by_bloc, already=already, in_this=in_this)
        if quota:
            blockers.append(quota)
    vote, vote_blocker = vote_outcome(item, on)
    if vote_blocker:
        blockers.append(vote_blocker)
    return result, blockers, vote


def quota_counts(proposal, items) -> dict[str, tuple[int, int]]:
    """Per award: (items of the block's other live proposals this year, items in this proposal)."""
    from thidua.proposals.models import ProposalItem

    counts: dict[str, tuple[int, int]] = {}
    if not proposal.by_bloc:
        return counts
    awards = {i.award for i in items}
    for award in awards:
        in_this = sum(1 for i in items if i.award == award)
        already = (
            ProposalItem.objects.filter(
                award=award, proposal__bloc_year_id=proposal.bloc_year_id,
            )
            .exclude(proposal_id=proposal.pk)
            .exclude(proposal__state__in=["DRAFT", "REJECTED"])
            .count()
        )
        counts[award] = (already, in_this)
    return counts
