"""Writes for award proposals and decisions: permission, validation, one transaction, one audit row.

Who does what (thidua/rules/proposals.py maps the workflow roles):
- the proposer (a unit's officer, a block head, the province office) edits items and sends the
  dossier: "proposal.edit" on the proposing unit or block;
- the receiving body and the appraisal: "proposal.review" on the province;
- the decider: "decision.issue" on the province.

State changes are compare-and-set updates on (state, version). Sending a dossier runs every
check first (eligibility, registration, quota, council vote) and is refused while a blocker
stands; a HOLD can only be lifted by the decider, with a recorded reason.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from thidua.audit.log import diff, record, snapshot
from thidua.core.access import ensure, provinces_for
from thidua.core.cas import save_with_version
from thidua.core.crashpoints import crashpoint
from thidua.core.errors import ActionError, ConcurrentEditError, NotPermitted
from thidua.notifications import events as notify
from thidua.core.files import store_upload
from thidua.core.models import normalise_text_fields
from thidua.org.models import Person, Province, Unit
from thidua.proposals import checks, history_bridge
from thidua.proposals.money import paid_titles
from thidua.proposals.models import (
    Appraisal,
    AttachmentKind,
    Decision,
    DecisionKind,
    DecisionRecipient,
    Proposal,
    ProposalAttachment,
    ProposalAudience,
    ProposalEvent,
    ProposalItem,
)
from thidua.rules.catalogue import AWARD_SUBJECTS
from thidua.awards.selectors import award_label, catalogue_order as _catalogue_order
from thidua.rules.proposals import (
    EDITABLE_STATES,
    LEVELS,
    PROPOSAL_STATES,
    PROPOSAL_TRANSITIONS,
    REASON_REQUIRED,
    MoneyLine,
    decision_money,
    unit_head_refusal,
    proposal_next,
)
from thidua.rules.workflows import TransitionRefused

PROPOSAL_FIELDS = ["title", "year", "level", "receiving_body", "reasons", "proposed_on", "signer_name", "signer_title"]
DECISION_FIELDS = ["number", "symbol", "issued_on", "level", "issuer_unit", "issuer_name", "signer_name", "signer_title", "signer_authority", "subject"]
MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
ATTACHMENT_EXTENSIONS = (".pdf", ".doc", ".docx", ".odt", ".xls", ".xlsx", ".jpg", ".jpeg", ".png")
# The permission behind each workflow role.
ROLE_PERMISSION = {"proposer": "proposal.edit", "receiver": "proposal.review", "appraiser": "proposal.review", "decider": "decision.issue"}


def _actor_name(actor) -> str:
    return (actor.get_username() if getattr(actor, "is_authenticated", False) else "hệ thống")[:150]


def _ensure_proposer(actor, proposal: Proposal) -> None:
    if proposal.bloc_year_id:
        ensure(actor, "proposal.edit", province=proposal.province_id, bloc=proposal.bloc_year.bloc_id)
    else:
        ensure(actor, "proposal.edit", unit=proposal.proposer_unit)


def unit_authority_refusal(proposal: Proposal, awards=None) -> str | None:
    """Why the proposing unit's head may not receive, appraise and decide this dossier (None: may).

    Only a unit's own dossier at unit level, every award within the unit head's authority
    (thidua.rules.proposals.UNIT_HEAD_AWARDS), is handled inside the unit.
    """
    if not proposal.proposer_unit_id:
        return "Hồ sơ của khối do cấp tỉnh tiếp nhận và quyết định, không do thủ trưởng đơn vị quyết định."
    if awards is None:
        awards = list(proposal.items.values_list("award", flat=True))
    return unit_head_refusal(proposal.level, awards)


def _ensure_authority(actor, proposal: Proposal, permission: str, awards=None) -> None:
    """The province decides every dossier; the proposing unit's leader only those within its authority.

    A unit leader on another unit is refused (NotPermitted); on its own unit, a dossier outside its
    authority is refused with the reason and the citation.
    """
    try:
        ensure(actor, permission, province=proposal.province_id)
        return
    except NotPermitted:
        if proposal.proposer_unit_id is None:
            raise
    ensure(actor, permission, unit=proposal.proposer_unit)
    refusal = unit_authority_refusal(proposal, awards)
    if refusal:
        raise NotPermitted(refusal)


def _ensure_role(actor, proposal: Proposal, role: str) -> None:
    if role == "proposer":
        _ensure_proposer(actor, proposal)
    else:
        _ensure_authority(actor, proposal, ROLE_PERMISSION[role])


def _holds_province(actor, proposal: Proposal, permission: str) -> bool:
    try:
        ensure(actor, permission, province=proposal.province_id)
    except NotPermitted:
        return False
    return True


def _roles_for(actor, proposal: Proposal, candidates) -> set[str]:
    """The workflow roles among `candidates` the actor holds on this proposal."""
    held = set()
    for role in sorted(candidates, key=list(ROLE_PERMISSION).index):
        try:
            _ensure_role(actor, proposal, role)
        except NotPermitted:
            continue
        held.add(role)
    return held


def _event(proposal: Proposal, actor, event: str, from_state: str = "", to_state: str = "", reason: str = "") -> ProposalEvent:
    return ProposalEvent.objects.create(
        province_id=proposal.province_id, proposal=proposal, event=event, from_state=from_state, to_state=to_state,
        reason=reason, actor=actor if getattr(actor, "is_authenticated", False) else None, actor_name=_actor_name(actor),
    )


def _check_proposal_fields(proposal: Proposal) -> None:
    normalise_text_fields(proposal)
    if not proposal.title:
        raise ActionError("Trích yếu tờ trình không được để trống.", field="title")
    if not proposal.year or proposal.year < 1990 or proposal.year > dt.date.today().year + 1:
        raise ActionError("Năm thành tích không hợp lệ.", field="year")
    if proposal.level not in LEVELS:
        raise ActionError("Hãy chọn cấp nhận hồ sơ.", field="level")
    if proposal.proposed_on and proposal.proposed_on > dt.date.today() + dt.timedelta(days=1):
        raise ActionError("Ngày tờ trình không được ở tương lai.", field="proposed_on")


def _editable(proposal: Proposal) -> None:
    if proposal.state not in EDITABLE_STATES:
        raise ActionError(f"Hồ sơ đang ở trạng thái “{PROPOSAL_STATES[proposal.state]}”, không sửa được.")


# ---------------------------------------------------------------- proposals


@transaction.atomic
def do_create_proposal(*, actor, data: dict[str, Any], proposer_unit: Unit | None = None, meeting=None) -> Proposal:
    """A unit's proposal, or a block's (with the year-end meeting where the block agreed it)."""
    if (proposer_unit is None) == (meeting is None):
        raise ActionError("Hồ sơ đề nghị do một đơn vị lập, hoặc do khối lập sau hội nghị bình xét của khối.")
    if meeting is not None:
        bloc_year = meeting.bloc_year
        ensure(actor, "proposal.edit", province=bloc_year.province_id, bloc=bloc_year.bloc_id)
        proposal = Proposal(province_id=bloc_year.province_id, bloc_year=bloc_year, meeting=meeting)
        data = {"year": bloc_year.year, **data}
        if int(data["year"]) != bloc_year.year:
            raise ActionError(f"Hồ sơ của khối theo hội nghị này là cho năm {bloc_year.year}.", field="year")
    else:
        ensure(actor, "proposal.edit", unit=proposer_unit)
        proposal = Proposal(province_id=proposer_unit.province_id, proposer_unit=proposer_unit)
    for key in PROPOSAL_FIELDS:
        if key in data and data[key] is not None:
            setattr(proposal, key, data[key])
    if not proposal.receiving_body:
        province = Province.objects.get(pk=proposal.province_id)
        proposal.receiving_body = province.tdkt_body_name if proposal.level != "UNIT" else ""
    _check_proposal_fields(proposal)
    proposal.save()
    units = [proposer_unit.pk] if proposer_unit is not None else list(
        proposal.bloc_year.memberships.filter(left_on__isnull=True).values_list("unit_id", flat=True).distinct()
    )
    ProposalAudience.objects.bulk_create([ProposalAudience(province_id=proposal.province_id, proposal=proposal, unit_id=u) for u in units])
    _event(proposal, actor, "create", "", "DRAFT")
    record(actor=actor, action="proposals.proposal.create", obj=proposal, changes=diff({}, snapshot(proposal)))
    return proposal


@transaction.atomic
def do_create_proposal_from_poll(*, actor, poll) -> Proposal:
    """A draft dossier from a council's or block's vote: one item per selected candidate, for the
    poll's award and year, the council vote filled from the poll (members = electorate, present,
    yes), linked back to the poll.

    The proposer is the council's unit, or the block (with the meeting the poll was held in).
    Refused, nothing written: an open poll, a poll without its result, a poll that is not about
    an award, a selected candidate who is not a person or unit of the registry.
    """
    from thidua.voting.models import PollState, Subject

    bloc_year = poll.meeting.bloc_year if poll.meeting_id else None
    proposer_unit = poll.council.unit if poll.council_id and not poll.meeting_id else None
    if bloc_year is not None:
        ensure(actor, "proposal.edit", province=bloc_year.province_id, bloc=bloc_year.bloc_id)
    elif proposer_unit is not None:
        ensure(actor, "proposal.edit", unit=proposer_unit)
    else:
        ensure(actor, "proposal.edit", province=poll.province_id)
        raise ActionError("Hội đồng này không thuộc một đơn vị hay một khối: không có ai đứng tên đề nghị. Hãy lập hồ sơ đề nghị từ đơn vị hoặc khối.")
    if poll.subject != Subject.AWARD or _award_subjects(poll.award_code, poll.province) is None or not poll.award_year:
        raise ActionError("Cuộc bỏ phiếu này không bình xét một danh hiệu, hình thức khen thưởng của năm nào, nên không lập hồ sơ đề nghị được.")
    if poll.state in (PollState.DRAFT, PollState.OPEN):
        raise ActionError("Cuộc bỏ phiếu chưa kết thúc: hãy đóng bỏ phiếu và có kết quả trước khi lập hồ sơ đề nghị.")
    result = poll.result or {}
    if poll.state != PollState.RESULT or not result.get("results"):
        raise ActionError("Cuộc bỏ phiếu chưa có kết quả kiểm phiếu, nên chưa lập hồ sơ đề nghị được.")
    if result.get("needs_chair_choice"):
        raise ActionError("Còn trường hợp bằng phiếu chờ Chủ tịch hội đồng quyết định.")
    selected = {str(r["id"]): r for r in result["results"] if r.get("selected")}
    if not selected:
        raise ActionError("Không có người, đơn vị nào được chọn trong cuộc bỏ phiếu này.")
    live = poll.award_proposals.exclude(state="REJECTED").first()
    if live is not None:
        raise ActionError(f"Đã lập hồ sơ đề nghị “{live.title}” từ cuộc bỏ phiếu này.")
    candidates = [c for c in poll.candidates.select_related("person__unit", "unit").order_by("position", "pk") if str(c.pk) in selected]
    loose = [c.label for c in candidates if not c.person_id and not c.unit_id]
    if loose:
        raise ActionError("Chưa lập được hồ sơ: " + ", ".join(f"“{name}”" for name in loose)
                          + " chưa gắn với một cá nhân hoặc đơn vị trong danh mục, nên không ghi vào hồ sơ thành tích được.")
    request = result.get("request") or {}
    members = poll.electorate_size or request.get("council_size")
    present = request.get("present")
    if not members or present is None:
        raise ActionError("Kết quả bỏ phiếu thiếu tổng số thành viên hoặc số người dự họp.")
    award, year = poll.award_code, poll.award_year
    within_unit = proposer_unit is not None and unit_head_refusal("UNIT", [award]) is None
    proposal = Proposal(
        province_id=poll.province_id, proposer_unit=proposer_unit, bloc_year=bloc_year, meeting=poll.meeting if bloc_year else None, poll=poll,
        year=year, level="UNIT" if within_unit else "PROVINCE",
        title=f"Đề nghị {award_label(award)} năm {year}"[:300],
        reasons=f"Theo kết quả bỏ phiếu “{poll.title}” ngày {poll.held_on:%d/%m/%Y}.",
    )
    if not within_unit:
        proposal.receiving_body = Province.objects.get(pk=poll.province_id).tdkt_body_name
    _check_proposal_fields(proposal)
    proposal.save()
    units = [proposer_unit.pk] if proposer_unit is not None else list(
        bloc_year.memberships.filter(left_on__isnull=True).values_list("unit_id", flat=True).distinct()
    )
    ProposalAudience.objects.bulk_create([ProposalAudience(province_id=proposal.province_id, proposal=proposal, unit_id=u) for u in units])
    items = []
    for candidate in candidates:
        person, unit = candidate.person, (None if candidate.person_id else candidate.unit)
        _check_subject(proposal, person, unit, award)
        row = selected[str(candidate.pk)]
        items.append(ProposalItem(
            province_id=proposal.province_id, proposal=proposal, person=person, unit=unit, award=award,
            vote_members_total=members, vote_present=min(int(present), members), vote_yes=int(row["yes"]), vote_held_on=poll.held_on,
        ))
    ProposalItem.objects.bulk_create(items)
    _run_checks(proposal)
    _event(proposal, actor, "create", "", "DRAFT", f"Từ kết quả bỏ phiếu “{poll.title}”")
    record(actor=actor, action="proposals.proposal.create_from_poll", obj=proposal,
           changes={**diff({}, snapshot(proposal)), "items": [None, len(items)]}, note=str(poll))
    return proposal


@transaction.atomic
def do_create_proposal_from_import(*, actor, proposer_unit: Unit, data: dict[str, Any], rows: list[dict[str, Any]], source: dict[str, Any]) -> Proposal:
    """A unit's draft dossier from the Word danh sách the officer confirmed (thidua/docimport, issue
    #15): the proposal, one item per row ({"person" or "unit", "award", "achievements"}) checked like
    do_add_item, the source file attached ({"name", "path", "sha256", "size"}); one audit row."""
    ensure(actor, "proposal.edit", unit=proposer_unit)
    proposal = Proposal(province_id=proposer_unit.province_id, proposer_unit=proposer_unit)
    for key in PROPOSAL_FIELDS:
        if data.get(key) is not None:
            setattr(proposal, key, data[key])
    if not proposal.receiving_body and proposal.level != "UNIT":
        proposal.receiving_body = Province.objects.get(pk=proposal.province_id).tdkt_body_name
    _check_proposal_fields(proposal)
    if not rows:
        raise ActionError("Danh sách không còn ai để đề nghị.", field="rows")
    proposal.save()
    ProposalAudience.objects.create(province_id=proposal.province_id, proposal=proposal, unit=proposer_unit)
    items, seen = [], set()
    for row in rows:
        person, unit = _subject_from(row)
        award = row["award"]
        _check_subject(proposal, person, unit, award)
        key = ("person", person.pk) if person else ("unit", unit.pk)
        if (key, award) in seen:
            raise ActionError(f"{person or unit} có hai lần với {award_label(award)}.", field="rows")
        seen.add((key, award))
        item = ProposalItem(province_id=proposal.province_id, proposal=proposal, person=person, unit=unit, award=award,
                            achievements=row.get("achievements") or "")
        normalise_text_fields(item)
        items.append(item)
    ProposalItem.objects.bulk_create(items)
    _run_checks(proposal)
    ProposalAttachment.objects.create(
        province_id=proposal.province_id, proposal=proposal, kind=AttachmentKind.OTHER, description="Danh sách đề nghị của đơn vị (tệp Word đã nhập)",
        file=source["path"], sha256=source["sha256"], original_name=source["name"][:255], size=source["size"],
    )
    _event(proposal, actor, "create", "", "DRAFT", f"Từ danh sách “{source['name']}”")
    record(actor=actor, action="proposals.proposal.create_from_import", obj=proposal,
           changes={**diff({}, snapshot(proposal)), "items": [None, len(items)], "attachments": [None, source["name"]]}, note=source["name"])
    return proposal


@transaction.atomic
def do_update_proposal(*, actor, proposal: Proposal, data: dict[str, Any], expected_version: int) -> Proposal:
    _ensure_proposer(actor, proposal)
    _editable(proposal)
    before = snapshot(proposal)
    for key in PROPOSAL_FIELDS:
        if key in data:
            setattr(proposal, key, data[key])
    if proposal.bloc_year_id and proposal.year != proposal.bloc_year.year:
        raise ActionError(f"Hồ sơ của khối là cho năm {proposal.bloc_year.year}.", field="year")
    _check_proposal_fields(proposal)
    changes = diff(before, snapshot(proposal))
    if changes:
        save_with_version(proposal, expected_version, PROPOSAL_FIELDS)
        record(actor=actor, action="proposals.proposal.update", obj=proposal, changes=changes)
    return proposal


def _subject_from(data: dict[str, Any]) -> tuple[Person | None, Unit | None]:
    person, unit = data.get("person"), data.get("unit")
    if (person is None) == (unit is None):
        raise ActionError("Hãy chọn một cá nhân hoặc một tập thể được đề nghị.", field="person")
    return person, unit


def _award_subjects(award: str, province) -> tuple[str, ...] | None:
    """Who the award is for, from the catalogue (coded, manual or the province's own); None: unknown.

    Every catalogue entry can be proposed and recorded (issue #19); one without a coded rule goes
    through manual appraisal with its recorded reason (checks.check_item)."""
    if award in AWARD_SUBJECTS:
        return AWARD_SUBJECTS[award]
    from thidua.awards.selectors import recordable_entry

    entry = recordable_entry(award or "", province)
    return tuple(entry.subjects or ()) if entry is not None else None


def _check_subject(proposal: Proposal, person: Person | None, unit: Unit | None, award: str) -> None:
    subjects = _award_subjects(award, proposal.province)
    if subjects is None:
        raise ActionError("Danh hiệu, hình thức khen thưởng không có trong danh mục.", field="award")
    kind = "individual" if person else "collective"
    if kind not in subjects:
        raise ActionError(f"{award_label(award, proposal.province)} không dành cho {'cá nhân' if person else 'tập thể'}.", field="award")
    owner = person.unit if person else unit
    if proposal.proposer_unit_id:
        allowed = owner.pk == proposal.proposer_unit_id or owner.parent_id == proposal.proposer_unit_id
        if not allowed:
            raise ActionError(f"{person or unit} không thuộc {proposal.proposer_unit.name}.", field="person" if person else "unit")
    else:
        if not proposal.bloc_year.memberships.filter(unit=owner).exists():
            raise ActionError(
                f"{person or unit} không thuộc đơn vị thành viên của {proposal.bloc_year.bloc.name} năm {proposal.year}.",
                field="person" if person else "unit",
            )


@transaction.atomic
def do_add_item(*, actor, proposal: Proposal, data: dict[str, Any]) -> ProposalItem:
    _ensure_proposer(actor, proposal)
    _editable(proposal)
    person, unit = _subject_from(data)
    award = data.get("award")
    _check_subject(proposal, person, unit, award)
    duplicate = proposal.items.filter(award=award, person=person, unit=unit).exists()
    if duplicate:
        raise ActionError(f"{person or unit} đã có trong hồ sơ với {award_label(award)}.", field="award")
    item = ProposalItem(
        province_id=proposal.province_id, proposal=proposal, person=person, unit=unit, award=award,
        achievements=data.get("achievements") or "",
    )
    normalise_text_fields(item)
    item.save()
    _run_checks(proposal)
    item.refresh_from_db()
    record(actor=actor, action="proposals.item.add", obj=proposal, changes={"items": [None, str(item)]})
    return item


MAX_BATCH_ITEMS = 5000


def proposable_people(proposal: Proposal):
    """The people a unit's dossier may name: staff of the proposing unit and of its direct sub-units."""
    from django.db.models import Q

    unit_id = proposal.proposer_unit_id
    return Person.objects.filter(Q(unit_id=unit_id) | Q(unit__parent_id=unit_id), unit__ended_on__isnull=True)


@transaction.atomic
def do_add_eligible_people(*, actor, proposal: Proposal, award: str) -> list[ProposalItem]:
    """Add at once every staff member of the proposing unit who is eligible for ``award`` in the
    dossier's year (the batch eligibility of thidua.history.batch), skipping those already named.

    For a unit's year-end bình xét (Lao động tiên tiến, Chiến sĩ thi đua cơ sở…) whose list can run
    to hundreds of people. Each added item is then checked as one added by hand.
    """
    _ensure_proposer(actor, proposal)
    _editable(proposal)
    if not proposal.proposer_unit_id:
        raise ActionError("Chỉ hồ sơ của một đơn vị mới thêm được toàn bộ cán bộ đủ điều kiện.")
    # Every catalogue award (issue #19): a coded one adds the staff the batch finds eligible; one with
    # no coded rule (manual appraisal, a province's award of another issuer) adds every staff member
    # not yet named, each with the manual-appraisal blocker and its reason, for the council to sift.
    from thidua.awards.selectors import recordable_entry
    from thidua.rules.catalogue import awards_for

    entry = recordable_entry(award or "", proposal.province, on=_evaluation_date(proposal))
    if entry is None:
        raise ActionError("Danh hiệu, hình thức khen thưởng không hợp lệ.", field="award")
    award = entry.code
    if "individual" not in (entry.subjects or ()):
        raise ActionError(f"{award_label(award, proposal.province)} không dành cho cá nhân.", field="award")
    people = proposable_people(proposal)
    already = set(proposal.items.filter(award=award, person__isnull=False).values_list("person_id", flat=True))
    if award in awards_for("individual") and entry.has_rule:
        from thidua.history.batch import evaluate_people

        rows = evaluate_people(people, proposal.year, awards=[award], on=_evaluation_date(proposal))
        eligible = {row.pk for row in rows if row.outcomes.get(award) == "ELIGIBLE"}
        new_ids = sorted(eligible - already)
        if not new_ids:
            raise ActionError(f"Không có thêm cán bộ nào của {proposal.proposer_unit.name} đủ điều kiện {award_label(award)} năm {proposal.year}.", field="award")
    else:
        new_ids = sorted(set(people.values_list("pk", flat=True)) - already)
        if not new_ids:
            raise ActionError(f"Mọi cán bộ của {proposal.proposer_unit.name} đã có trong hồ sơ với {award_label(award, proposal.province)}.", field="award")
    if len(new_ids) + proposal.items.count() > MAX_BATCH_ITEMS:
        raise ActionError(f"Một hồ sơ có tối đa {MAX_BATCH_ITEMS} trường hợp.", field="award")
    ProposalItem.objects.bulk_create([
        ProposalItem(province_id=proposal.province_id, proposal=proposal, person_id=pid, award=award) for pid in new_ids
    ])
    _run_checks(proposal)
    added = list(proposal.items.filter(award=award, person_id__in=new_ids).select_related("person"))
    record(actor=actor, action="proposals.item.add_batch", obj=proposal,
           changes={"items": [None, f"{len(added)} người — {award_label(award)}"]})
    return added


@transaction.atomic
def do_update_item(*, actor, item: ProposalItem, data: dict[str, Any], expected_version: int) -> ProposalItem:
    """Edit an item's achievements and qualitative confirmations (while the dossier is editable)."""
    proposal = item.proposal
    _ensure_proposer(actor, proposal)
    _editable(proposal)
    before = snapshot(item, ["achievements", "confirmations"])
    if "achievements" in data:
        item.achievements = data["achievements"] or ""
    if "confirmations" in data:
        item.confirmations = {str(k): bool(v) for k, v in (data["confirmations"] or {}).items()}
    normalise_text_fields(item)
    changes = diff(before, snapshot(item, ["achievements", "confirmations"]))
    if changes:
        save_with_version(item, expected_version, ["achievements", "confirmations"])
        record(actor=actor, action="proposals.item.update", obj=proposal, changes=changes, note=str(item))
    return item


@transaction.atomic
def do_remove_item(*, actor, item: ProposalItem) -> None:
    proposal = item.proposal
    _ensure_proposer(actor, proposal)
    _editable(proposal)
    label = str(item)
    item.delete()
    record(actor=actor, action="proposals.item.remove", obj=proposal, changes={"items": [label, None]})


@transaction.atomic
def do_record_vote(
    *, actor, item: ProposalItem, members_total: int, present: int, yes: int, held_on: dt.date | None, expected_version: int
) -> ProposalItem:
    """Record the council's vote on an item with its counts (the vote held outside thidua's polls).

    The proposer records its own council's vote while the dossier is editable; the appraisal
    records the provincial council's vote while it appraises.
    """
    proposal = item.proposal
    if proposal.state in EDITABLE_STATES:
        _ensure_proposer(actor, proposal)
    elif proposal.state in ("RECEIVED", "APPRAISING"):
        _ensure_authority(actor, proposal, "proposal.review")
    else:
        raise ActionError(f"Không ghi kết quả bỏ phiếu khi hồ sơ đang ở trạng thái “{PROPOSAL_STATES[proposal.state]}”.")
    for value, label in ((members_total, "Tổng số thành viên"), (present, "Số thành viên dự họp"), (yes, "Số phiếu đồng ý")):
        if value is None or value < 0:
            raise ActionError(f"{label} phải là số nguyên không âm.")
    if members_total < 1:
        raise ActionError("Tổng số thành viên hội đồng phải lớn hơn 0.", field="vote_members_total")
    if present > members_total:
        raise ActionError("Số thành viên dự họp không được lớn hơn tổng số thành viên.", field="vote_present")
    if yes > members_total:
        raise ActionError("Số phiếu đồng ý không được lớn hơn tổng số thành viên.", field="vote_yes")
    if held_on and held_on > dt.date.today() + dt.timedelta(days=1):
        raise ActionError("Ngày họp không được ở tương lai.", field="vote_held_on")
    before = snapshot(item, ["vote_members_total", "vote_present", "vote_yes", "vote_held_on"])
    item.vote_members_total, item.vote_present, item.vote_yes, item.vote_held_on = members_total, present, yes, held_on
    vote, _ = checks.vote_outcome(item, held_on or proposal.proposed_on or dt.date.today())
    item.vote_result = vote
    save_with_version(item, expected_version, ["vote_members_total", "vote_present", "vote_yes", "vote_held_on", "vote_result"])
    record(actor=actor, action="proposals.item.vote", obj=proposal, changes=diff(before, snapshot(item, list(before))), note=str(item))
    return item


def _evaluation_date(proposal: Proposal) -> dt.date:
    return proposal.proposed_on or dt.date.today()


def _run_checks(proposal: Proposal) -> list[ProposalItem]:
    """Evaluate every item and store its snapshot and blockers (inside the caller's transaction)."""
    items = list(proposal.items.select_related("person__unit", "unit", "province"))
    on = _evaluation_date(proposal)
    counts = checks.quota_counts(proposal, items)
    for item in items:
        result, blockers, vote = checks.check_item(item, proposal, on, quota_counts=counts)
        item.eligibility, item.blockers = result, blockers
        if vote is not None:
            item.vote_result = vote
        ProposalItem.objects.filter(pk=item.pk).update(eligibility=result, blockers=blockers, vote_result=item.vote_result, updated_at=timezone.now())
    Proposal.objects.filter(pk=proposal.pk).update(checked_at=timezone.now())
    return items


@transaction.atomic
def do_check_proposal(*, actor, proposal: Proposal) -> Proposal:
    """Check eligibility, registration, quota and the council vote of every item again."""
    if not _roles_for(actor, proposal, {"proposer", "appraiser"}):
        _ensure_proposer(actor, proposal)
    if proposal.state in ("DECIDED", "REJECTED"):
        raise ActionError("Hồ sơ đã kết thúc: kết quả xét điều kiện được giữ nguyên như lúc kết thúc.")
    items = _run_checks(proposal)
    blocking = sum(len(i.blocking()) for i in items)
    record(actor=actor, action="proposals.proposal.check", obj=proposal, changes={"blockers": [None, blocking]})
    proposal.refresh_from_db()
    return proposal


def _blocker_message(items: list[ProposalItem]) -> str:
    lines = []
    for item in items:
        for blocker in item.blocking():
            what = {"HOLD": "tạm hoãn", "MANUAL": "cần thẩm định thủ công"}.get(blocker["kind"], "vướng")
            lines.append(f"{item.subject_name} ({award_label(item.award)}) {what}: {blocker['text']}")
    return "Chưa gửi được hồ sơ vì còn vướng mắc: " + " ".join(f"({n}) {t}" for n, t in enumerate(lines, start=1))


def _cas_state(proposal: Proposal, old_state: str, new_state: str, expected_version: int, **extra) -> None:
    values = {"state": new_state, "version": F("version") + 1, "updated_at": timezone.now(), **extra}
    updated = Proposal.objects.filter(pk=proposal.pk, state=old_state, version=expected_version).update(**values)
    if updated != 1:
        raise ConcurrentEditError("Hồ sơ vừa được người khác thay đổi (gửi, tiếp nhận, trả lại…). Hãy tải lại trang để xem trạng thái mới.")
    proposal.refresh_from_db()


@transaction.atomic
def do_transition(*, actor, proposal: Proposal, event: str, expected_version: int, reason: str = "") -> Proposal:
    """Fire a workflow event (gửi, rút lại, tiếp nhận, thẩm định, trình, trả lại, không đủ điều kiện).

    "decide" happens only by issuing or recording a decision (do_issue_decision).
    """
    entry = PROPOSAL_TRANSITIONS.get((proposal.state, event))
    candidates = entry[1] if entry else set(ROLE_PERMISSION)
    roles = _roles_for(actor, proposal, candidates)
    if not roles:
        # Name the permission the event needs so the refusal is the usual one.
        _ensure_role(actor, proposal, sorted(candidates, key=list(ROLE_PERMISSION).index)[0])
    if event == "decide":
        raise ActionError("Hồ sơ chuyển sang “Đã có quyết định” khi ban hành hoặc ghi nhận quyết định khen thưởng.")
    try:
        new_state = proposal_next(proposal.state, event, roles)
    except TransitionRefused as refused:
        raise ActionError(refused.message) from None
    reason = (reason or "").strip()
    if event in REASON_REQUIRED and not reason:
        raise ActionError("Hãy ghi lý do để đơn vị đề nghị biết." if event == "return" else "Hãy ghi lý do không đủ điều kiện.", field="reason")
    extra: dict[str, Any] = {}
    if event == "submit":
        items = _run_checks(proposal)
        if not items:
            raise ActionError("Hồ sơ chưa có cá nhân, tập thể nào được đề nghị.")
        if any(i.blocking() for i in items):
            raise ActionError(_blocker_message(items))
        extra = {"submitted_at": timezone.now(), "state_reason": ""}
    elif event == "present":
        items = list(proposal.items.all())
        pending = [i for i in items if i.appraisal == Appraisal.PENDING]
        if pending:
            raise ActionError("Còn " + f"{len(pending):02d}" + " trường hợp chưa có kết quả thẩm định: " + ", ".join(str(i) for i in pending) + ".")
        approved = [i for i in items if i.appraisal == Appraisal.APPROVED]
        if not approved:
            raise ActionError("Không còn trường hợp nào được đề nghị khen thưởng; hãy chọn “Không đủ điều kiện” hoặc “Trả lại”.")
        missing_vote = []
        for item in approved:
            vote, blocker = checks.vote_outcome(item, _evaluation_date(proposal))
            if blocker is not None:
                missing_vote.append(f"{item}: {blocker['text']}")
        if missing_vote:
            raise ActionError("Chưa trình được: " + " ".join(missing_vote))
    elif event in REASON_REQUIRED:
        extra = {"state_reason": reason}
    old_state = proposal.state
    _cas_state(proposal, old_state, new_state, expected_version, **extra)
    _event(proposal, actor, event, old_state, new_state, reason)
    changes = {"state": [PROPOSAL_STATES[old_state], PROPOSAL_STATES[new_state]]}
    if reason:
        changes["reason"] = [None, reason]
    record(actor=actor, action=f"proposals.proposal.{event}", obj=proposal, changes=changes, note=reason)
    if event == "return":
        notify.proposal_returned(proposal, reason)
    return proposal


@transaction.atomic
def do_appraise_item(*, actor, item: ProposalItem, appraisal: str, note: str, expected_version: int) -> ProposalItem:
    """The appraisal's opinion on one subject: đề nghị khen thưởng or không đề nghị (with the reason)."""
    proposal = item.proposal
    _ensure_authority(actor, proposal, "proposal.review")
    if proposal.state != "APPRAISING":
        raise ActionError("Chỉ ghi kết quả thẩm định khi hồ sơ đang được thẩm định.")
    if appraisal not in (Appraisal.APPROVED, Appraisal.NOT_APPROVED):
        raise ActionError("Hãy chọn kết quả thẩm định.", field="appraisal")
    note = (note or "").strip()
    if appraisal == Appraisal.NOT_APPROVED and not note:
        raise ActionError("Hãy ghi lý do không đề nghị khen thưởng.", field="note")
    if appraisal == Appraisal.APPROVED and item.blocking():
        raise ActionError(f"{item} còn vướng mắc: {item.blocking()[0]['text']}")
    before = snapshot(item, ["appraisal", "appraisal_note"])
    item.appraisal, item.appraisal_note = appraisal, note
    save_with_version(item, expected_version, ["appraisal", "appraisal_note"])
    record(actor=actor, action="proposals.item.appraise", obj=proposal, changes=diff(before, snapshot(item, list(before))), note=str(item))
    return item


@transaction.atomic
def do_approve_unblocked(*, actor, proposal: Proposal, expected_version: int) -> int:
    """The appraisal approves at once every case not yet appraised that has no blocker; returns how many.

    For long lists (a unit's Lao động tiên tiến); cases with a blocker stay to be appraised one by one.
    """
    _ensure_authority(actor, proposal, "proposal.review")
    if proposal.state != "APPRAISING":
        raise ActionError("Chỉ ghi kết quả thẩm định khi hồ sơ đang được thẩm định.")
    pending = [i for i in proposal.items.filter(appraisal=Appraisal.PENDING) if not i.blocking()]
    if not pending:
        raise ActionError("Không còn trường hợp nào chưa thẩm định mà không có vướng mắc.")
    _cas_state(proposal, proposal.state, proposal.state, expected_version)
    ProposalItem.objects.filter(pk__in=[i.pk for i in pending]).update(
        appraisal=Appraisal.APPROVED, version=F("version") + 1, updated_at=timezone.now()
    )
    record(actor=actor, action="proposals.item.approve_batch", obj=proposal, changes={"approved": [None, len(pending)]})
    return len(pending)


@transaction.atomic
def do_override_hold(*, actor, item: ProposalItem, reason: str, expected_version: int) -> ProposalItem:
    """The decider lets a held case go on (NĐ 152/2025 Điều 4 khoản 4), with the reason on record."""
    proposal = item.proposal
    _ensure_authority(actor, proposal, "decision.issue")
    reason = (reason or "").strip()
    if not reason:
        raise ActionError("Hãy ghi lý do vẫn xét khen thưởng (ví dụ: đã có kết luận không vi phạm).", field="reason")
    if not any(b.get("kind") in ("HOLD", "MANUAL") for b in item.blockers or []):
        raise ActionError("Trường hợp này không đang bị tạm hoãn hay chờ thẩm định thủ công.")
    if proposal.state in ("DECIDED", "REJECTED"):
        raise ActionError("Hồ sơ đã kết thúc.")
    item.hold_override_reason = reason
    item.hold_overridden_by = actor if getattr(actor, "is_authenticated", False) else None
    save_with_version(item, expected_version, ["hold_override_reason", "hold_overridden_by"])
    _event(proposal, actor, "override_hold", proposal.state, proposal.state, f"{item}: {reason}")
    record(actor=actor, action="proposals.item.override_hold", obj=proposal, changes={"hold_override_reason": [None, reason]}, note=str(item))
    return item


@transaction.atomic
def do_add_attachment(*, actor, proposal: Proposal, upload, kind: str, description: str = "") -> ProposalAttachment:
    """Attach a scanned or prepared document to the dossier (stored once under its SHA-256)."""
    if proposal.state in EDITABLE_STATES:
        _ensure_proposer(actor, proposal)
    else:
        _ensure_authority(actor, proposal, "proposal.review")
    if proposal.state in ("DECIDED", "REJECTED"):
        raise ActionError("Hồ sơ đã kết thúc, không thêm tệp được nữa.")
    if upload is None:
        raise ActionError("Hãy chọn tệp.", field="file")
    name = upload.name
    if not name.lower().endswith(ATTACHMENT_EXTENSIONS):
        raise ActionError("Tệp phải là PDF, Word, Excel hoặc ảnh (.pdf, .doc, .docx, .odt, .xls, .xlsx, .jpg, .png).", field="file")
    if upload.size > MAX_ATTACHMENT_BYTES:
        raise ActionError("Tệp vượt quá 20 MB.", field="file")
    if kind not in AttachmentKind.values:
        raise ActionError("Hãy chọn loại giấy tờ.", field="kind")
    path, sha = store_upload("proposals", upload)
    attachment = ProposalAttachment.objects.create(
        province_id=proposal.province_id, proposal=proposal, kind=kind, description=(description or "").strip()[:255],
        file=path, sha256=sha, original_name=name[:255], size=upload.size,
    )
    record(actor=actor, action="proposals.attachment.add", obj=proposal, changes={"attachments": [None, f"{attachment.get_kind_display()}: {name}"]})
    return attachment


# ---------------------------------------------------------------- decisions


def _check_decision(decision: Decision) -> None:
    normalise_text_fields(decision)
    decision.number = (decision.number or "").strip()
    decision.symbol = (decision.symbol or "").strip()
    if not decision.number:
        raise ActionError("Hãy nhập số quyết định.", field="number")
    if not decision.symbol:
        raise ActionError("Hãy nhập ký hiệu quyết định (ví dụ QĐ-UBND, QĐ-TTg).", field="symbol")
    if decision.issued_on is None:
        raise ActionError("Hãy nhập ngày quyết định.", field="issued_on")
    if decision.issued_on > dt.date.today() + dt.timedelta(days=1):
        raise ActionError("Ngày quyết định không được ở tương lai.", field="issued_on")
    if decision.level not in LEVELS:
        raise ActionError("Hãy chọn cấp quyết định.", field="level")
    if decision.kind == DecisionKind.INTERNAL and decision.issuer_unit_id is None:
        raise ActionError("Hãy chọn cơ quan ban hành quyết định.", field="issuer_unit")
    if not decision.issuer_name:
        decision.issuer_name = decision.issuer_unit.name if decision.issuer_unit_id else ""
    if not decision.issuer_name:
        raise ActionError("Hãy nhập cơ quan, người có thẩm quyền ban hành.", field="issuer_name")
    exists = Decision.objects.filter(province_id=decision.province_id, number=decision.number, symbol=decision.symbol, issued_on=decision.issued_on)
    if exists.exclude(pk=decision.pk).exists():
        raise ActionError(f"Đã có quyết định số {decision.number}/{decision.symbol} ngày {decision.issued_on:%d/%m/%Y}.", field="number")


def _write_recipients(actor, decision: Decision, rows: list[dict[str, Any]]) -> list[DecisionRecipient]:
    """Create the recipients with their money, total the decision and enter the awards in history."""
    recipients: list[DecisionRecipient] = []
    seen = set()
    lineage = Province.objects.get(pk=decision.province_id).lineage_ids()
    for number, row in enumerate(rows, start=1):
        person, unit, award, year = row.get("person"), row.get("unit"), row.get("award"), row.get("year")
        if (person is None) == (unit is None):
            raise ActionError(f"Dòng {number}: hãy chọn một cá nhân hoặc một tập thể.")
        subjects = _award_subjects(award, decision.province)
        if subjects is None:
            raise ActionError(f"Dòng {number}: danh hiệu, hình thức khen thưởng không có trong danh mục.")
        kind = "individual" if person else "collective"
        if kind not in subjects:
            raise ActionError(f"Dòng {number}: {award_label(award)} không dành cho {'cá nhân' if person else 'tập thể'}.")
        if not year or year < 1945 or year > decision.issued_on.year:
            raise ActionError(f"Dòng {number}: năm thành tích không hợp lệ.")
        owner = person.unit if person else unit
        if owner.province_id not in lineage:
            raise ActionError(f"Dòng {number}: {person or unit} không thuộc tỉnh của quyết định.")
        key = (f"person:{person.pk}" if person else f"unit:{unit.pk}", award, year)
        if key in seen:
            raise ActionError(f"Dòng {number}: {person or unit} đã có ở dòng trên với cùng danh hiệu, năm.")
        seen.add(key)
        recipients.append(
            DecisionRecipient(
                province_id=decision.province_id, decision=decision, person=person, unit=unit, owner_unit=owner, award=award, year=year,
                position_title=(person.position_title if person else "")[:200], proposal_item=row.get("item"),
            )
        )
    if not recipients:
        raise ActionError("Quyết định phải có ít nhất một cá nhân hoặc tập thể được khen thưởng.")
    lines = [MoneyLine(r.subject_key, r.subject_kind, r.award, r.year) for r in recipients]
    money = decision_money(lines, decision.issued_on, paid_titles=paid_titles({r.subject_key for r in recipients}, {r.year for r in recipients}, decision))
    for recipient, line in zip(recipients, money.lines):
        recipient.amount_vnd = line.amount_vnd
        recipient.money_note = line.note[:300]
    DecisionRecipient.objects.bulk_create(recipients)
    recipients = list(decision.recipients.select_related("person__unit", "unit", "owner_unit").order_by("pk"))
    for recipient in recipients:
        recipient.history_ref = history_bridge.record_award(actor, recipient, decision)
    DecisionRecipient.objects.bulk_update(recipients, ["history_ref"])
    Decision.objects.filter(pk=decision.pk).update(money_total=money.total_vnd, money_unknown_count=money.unknown_count)
    decision.money_total, decision.money_unknown_count = money.total_vnd, money.unknown_count
    return recipients


def _new_decision(province_id: int, kind: str, data: dict[str, Any], proposal: Proposal | None) -> Decision:
    decision = Decision(province_id=province_id, kind=kind, proposal=proposal)
    for key in DECISION_FIELDS:
        if key in data and data[key] is not None:
            setattr(decision, key, data[key])
    _check_decision(decision)
    decision.save()
    return decision


@transaction.atomic
def do_issue_decision(*, actor, proposal: Proposal, data: dict[str, Any], expected_version: int) -> Decision:
    """Issue the decision of a presented proposal: its recipients are the items the appraisal approved.

    A unit leader issues the quyết định công nhận of its own unit's dossier within its authority,
    in the unit's name, at unit level.
    """
    _ensure_authority(actor, proposal, "decision.issue")
    by_unit_head = not _holds_province(actor, proposal, "decision.issue")
    if proposal.state != "PRESENTED":
        raise ActionError(f"Chỉ ban hành quyết định cho hồ sơ đã trình; hồ sơ đang ở trạng thái “{PROPOSAL_STATES[proposal.state]}”.")
    approved = list(proposal.items.filter(appraisal=Appraisal.APPROVED).select_related("person__unit", "unit"))
    if not approved:
        raise ActionError("Hồ sơ không có trường hợp nào được thẩm định đề nghị khen thưởng.")
    kind = data.get("kind") or DecisionKind.INTERNAL
    data = dict(data)
    data["level"] = data.get("level") or proposal.level
    if by_unit_head:
        issuer = data.get("issuer_unit")
        if issuer is not None and getattr(issuer, "pk", issuer) != proposal.proposer_unit_id:
            raise ActionError(f"Thủ trưởng đơn vị chỉ ban hành quyết định của {proposal.proposer_unit.name}.", field="issuer_unit")
        if data["level"] != "UNIT":
            raise ActionError("Thủ trưởng đơn vị chỉ ban hành quyết định cấp cơ sở.", field="level")
        data["issuer_unit"] = proposal.proposer_unit
    if not data.get("subject"):
        awards = sorted({i.award for i in approved}, key=_catalogue_order)
        data["subject"] = f"Về việc tặng {', '.join(award_label(a) for a in awards)} năm {proposal.year}"
    decision = _new_decision(proposal.province_id, kind, data, proposal)
    recipients = _write_recipients(
        actor, decision, [{"person": i.person, "unit": i.unit, "award": i.award, "year": proposal.year, "item": i} for i in approved]
    )
    crashpoint("proposals.decision.issue:recipients")  # awards and money written, the dossier not yet decided
    old_state = proposal.state
    _cas_state(proposal, old_state, "DECIDED", expected_version)
    _event(proposal, actor, "decide", old_state, "DECIDED", f"Quyết định số {decision.reference}")
    record(
        actor=actor, action="proposals.decision.issue", obj=decision,
        changes={"recipients": [None, len(recipients)], "money_total": [None, decision.money_total], "proposal": [PROPOSAL_STATES[old_state], PROPOSAL_STATES["DECIDED"]]},
    )
    notify.decision_issued(decision, notify.decision_unit_ids(decision))
    return decision


def external_decision_province(actor, *, issuer_unit=None, rows: list[dict[str, Any]] = ()) -> Province | None:
    """The current province a decision of a higher authority belongs to, for this actor.

    The province whose lineage holds the recipients (else the issuer unit), among the provinces
    where the actor may record decisions; a user who sees several provinces (the administrator, a
    province merged in 2025) no longer gets the first one by name. None when the actor has none."""
    allowed = list(provinces_for(actor, "decision.issue").order_by("name"))
    if not allowed:
        return None
    owners = []
    for row in rows:
        owner = row.get("person").unit if row.get("person") is not None else row.get("unit")
        if owner is not None:
            owners.append(owner.province_id)
    wanted = owners or ([issuer_unit.province_id] if issuer_unit is not None else [])
    if not wanted:
        return allowed[0]
    # The province holding most of the list (the first line's on a tie); the rows outside it are
    # then named line by line by do_record_external_decision.
    lineages = {p.pk: p.lineage_ids() for p in allowed}
    best, best_count = None, 0
    for pid in dict.fromkeys(wanted):
        province = next((p for p in allowed if pid in lineages[p.pk]), None)
        if province is None:
            continue
        count = sum(1 for other in wanted if other in lineages[province.pk])
        if count > best_count:
            best, best_count = province, count
    return best or allowed[0]


@transaction.atomic
def do_record_external_decision(
    *, actor, province: Province, data: dict[str, Any], recipients: list[dict[str, Any]], proposal: Proposal | None = None,
    expected_version: int | None = None,
) -> Decision:
    """Record a decision issued by a higher authority (e.g. Quyết định 770/QĐ-TTg) with its list.

    When it answers a presented proposal of thidua, that proposal becomes "Đã có quyết định".
    """
    ensure(actor, "decision.issue", province=province)
    if proposal is not None:
        ensure(actor, "decision.issue", province=proposal.province_id)
        if proposal.state != "PRESENTED":
            raise ActionError(f"Hồ sơ đang ở trạng thái “{PROPOSAL_STATES[proposal.state]}”, chưa trình nên chưa gắn quyết định được.")
    decision = _new_decision(province.pk, DecisionKind.EXTERNAL, data, proposal)
    written = _write_recipients(actor, decision, recipients)
    changes: dict[str, Any] = {"recipients": [None, len(written)], "money_total": [None, decision.money_total]}
    if proposal is not None:
        _cas_state(proposal, "PRESENTED", "DECIDED", expected_version if expected_version is not None else proposal.version)
        _event(proposal, actor, "decide", "PRESENTED", "DECIDED", f"Quyết định số {decision.reference}")
        changes["proposal"] = [PROPOSAL_STATES["PRESENTED"], PROPOSAL_STATES["DECIDED"]]
    record(actor=actor, action="proposals.decision.record_external", obj=decision, changes=changes)
    notify.decision_issued(decision, notify.decision_unit_ids(decision))
    return decision


@transaction.atomic
def do_revoke_decision(
    *, actor, decision: Decision, reason: str, revoked_on: dt.date, expected_version: int, recipient_ids: list[int] | None = None
) -> Decision:
    """Revoke the whole decision, or some of its recipients. The records stay, marked with the reason.

    Luật Thi đua, khen thưởng 2022, Chương VII: an award given on false dossiers or not meeting the
    standards is revoked and its artefacts and money recovered.
    """
    ensure(actor, "decision.issue", province=decision.province_id)
    reason = (reason or "").strip()
    if not reason:
        raise ActionError("Hãy ghi lý do hủy bỏ (căn cứ, văn bản).", field="reason")
    if revoked_on is None:
        raise ActionError("Hãy nhập ngày hủy bỏ.", field="revoked_on")
    if revoked_on < decision.issued_on:
        raise ActionError("Ngày hủy bỏ không được trước ngày quyết định.", field="revoked_on")
    if decision.revoked_on:
        raise ActionError("Quyết định đã bị hủy bỏ.")
    live = decision.recipients.filter(revoked_on__isnull=True).select_related("person", "unit")
    targets = list(live.filter(pk__in=recipient_ids)) if recipient_ids else list(live)
    if not targets:
        raise ActionError("Hãy chọn người, tập thể cần hủy khen thưởng.")
    for recipient in targets:
        recipient.revoked_on, recipient.revoke_reason = revoked_on, reason
        history_bridge.revoke_award(actor, recipient, reason=reason, revoked_on=revoked_on)
    DecisionRecipient.objects.bulk_update(targets, ["revoked_on", "revoke_reason"])
    whole = not decision.recipients.filter(revoked_on__isnull=True).exists()
    if whole:
        decision.revoked_on, decision.revoke_reason = revoked_on, reason
        save_with_version(decision, expected_version, ["revoked_on", "revoke_reason"])
    else:
        save_with_version(decision, expected_version, [])
    record(
        actor=actor, action="proposals.decision.revoke", obj=decision,
        changes={"revoked": [None, [str(r) for r in targets][:50]], "reason": [None, reason]}, note=reason,
    )
    return decision


MAX_AMOUNT_VND = 10_000_000_000  # a sanity bound for a typed amount (far above any award)


@transaction.atomic
def do_set_recipient_amount(*, actor, recipient: DecisionRecipient, amount_vnd: int | None, note: str = "", expected_version: int) -> DecisionRecipient:
    """Enter the award money the issuing body decided where the law sets no amount ("chưa xác định").

    Only for a recipient whose amount the law does not set, or one an officer entered before (to
    correct it, or to clear it back to unknown with None). The decision's total and its count of
    unknown amounts follow. Compare-and-set on the recipient; one audit row with old → new.
    """
    decision = Decision.objects.select_related("province").get(pk=recipient.decision_id)
    ensure(actor, "decision.issue", province=decision.province_id)
    if decision.revoked_on or recipient.revoked_on:
        raise ActionError("Khen thưởng này đã bị hủy bỏ; không nhập tiền thưởng.")
    if not recipient.amount_editable:
        raise ActionError(
            f"Tiền thưởng của {recipient.subject_name} do pháp luật quy định ({recipient.money_note}); không nhập tay.", field="amount_vnd"
        )
    if amount_vnd is not None:
        if isinstance(amount_vnd, bool) or not isinstance(amount_vnd, int):
            raise ActionError("Số tiền thưởng phải là số nguyên (đồng), ví dụ 1.500.000.", field="amount_vnd")
        if amount_vnd < 0:
            raise ActionError("Số tiền thưởng không được là số âm.", field="amount_vnd")
        if amount_vnd > MAX_AMOUNT_VND:
            raise ActionError("Số tiền thưởng quá lớn; hãy kiểm tra lại (đơn vị là đồng).", field="amount_vnd")
    elif not recipient.amount_entered_by_officer:
        raise ActionError("Hãy nhập số tiền thưởng theo quyết định (đồng).", field="amount_vnd")
    note = " ".join((note or "").split())
    old = {"amount_vnd": recipient.amount_vnd, "money_note": recipient.money_note}
    recipient.amount_vnd = amount_vnd
    recipient.amount_entered_by_officer = amount_vnd is not None
    if amount_vnd is None:
        recipient.money_note = "Chưa xác định: pháp luật chưa quy định mức tiền thưởng; chưa nhập mức theo quyết định."
    else:
        recipient.money_note = ("Mức do cơ quan ban hành quyết định" + (f": {note}" if note else "") + f" (cán bộ {_actor_name(actor)} nhập).")[:300]
    save_with_version(recipient, expected_version, ["amount_vnd", "amount_entered_by_officer", "money_note"])
    totals = {"money_total": decision.money_total, "money_unknown_count": decision.money_unknown_count}
    rows = list(decision.recipients.values_list("amount_vnd", flat=True))
    decision.money_total = sum(a for a in rows if a)
    decision.money_unknown_count = sum(1 for a in rows if a is None)
    Decision.objects.filter(pk=decision.pk).update(
        money_total=decision.money_total, money_unknown_count=decision.money_unknown_count, version=F("version") + 1, updated_at=timezone.now()
    )
    record(
        actor=actor, action="proposals.recipient.amount", obj=decision,
        changes={
            "recipient": [None, str(recipient)],
            "amount_vnd": [old["amount_vnd"], amount_vnd],
            "money_note": [old["money_note"], recipient.money_note],
            "money_total": [totals["money_total"], decision.money_total],
            "money_unknown_count": [totals["money_unknown_count"], decision.money_unknown_count],
        },
        note=note,
    )
    return recipient
