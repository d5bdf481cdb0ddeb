"""The events of the actions layer that notify someone; called by the do_* actions after their
write, delivered after commit. Each names its recipients and a link, nothing more: a poll's
notification says it opened, never who voted or how."""

from __future__ import annotations

from django.urls import reverse

from thidua.notifications.models import NotificationKind
from thidua.notifications.service import after_commit, unit_user_ids


def proposal_returned(proposal, reason: str) -> None:
    unit_id = proposal.proposer_unit_id or (proposal.bloc_year.head_unit_id if proposal.bloc_year_id else None)
    after_commit(
        province_id=proposal.province_id, user_ids=unit_user_ids([unit_id]), kind=NotificationKind.RETURNED,
        title=f"Hồ sơ đề nghị “{proposal.title}” bị trả lại",
        body=f"Lý do: {reason}" if reason else "",
        link=reverse("proposals:proposal_detail", kwargs={"uid": proposal.uid}),
        key=f"proposal-returned:{proposal.uid}:{proposal.version}",
    )


def registration_returned(registration, reason: str) -> None:
    after_commit(
        province_id=registration.province_id, user_ids=unit_user_ids([registration.unit_id]), kind=NotificationKind.RETURNED,
        title=f"Bản đăng ký thi đua năm {registration.bloc_year.year} của {registration.unit.name} bị trả lại",
        body=f"Lý do: {reason}" if reason else "",
        link=reverse("movements:registration_detail", kwargs={"uid": registration.uid}),
        key=f"registration-returned:{registration.uid}:{registration.version}",
    )


def sheet_returned(sheet, new_state: str, reason: str) -> None:
    """A score sheet back in the unit's hands (returned to "Đang tự chấm")."""
    if new_state != "DRAFT":
        return
    after_commit(
        province_id=sheet.province_id, user_ids=unit_user_ids([sheet.unit_id]), kind=NotificationKind.RETURNED,
        title=f"Phiếu chấm điểm của {sheet.unit.name} bị trả lại để tự chấm lại",
        body=f"Lý do: {reason}" if reason else "",
        link=reverse("scoring:sheet", kwargs={"uid": sheet.uid}),
        key=f"sheet-returned:{sheet.uid}:{sheet.version}",
    )


def poll_opened(poll, voter_user_ids) -> None:
    """The accounts of the electorate snapshotted at opening (they may vote); nothing else."""
    after_commit(
        province_id=poll.province_id, user_ids=set(voter_user_ids), kind=NotificationKind.POLL_OPEN,
        title=f"Đã mở bỏ phiếu: {poll.title}",
        body="Bạn có tên trong danh sách được bỏ phiếu.",
        link=reverse("voting:poll_detail", kwargs={"uid": poll.uid}),
        key=f"poll-opened:{poll.uid}",
    )


def decision_issued(decision, unit_ids) -> None:
    """The units the decision concerns: the proposing unit and the recipients' units."""
    after_commit(
        province_id=decision.province_id, user_ids=unit_user_ids(unit_ids), kind=NotificationKind.DECISION,
        title=f"Đã có Quyết định khen thưởng số {decision.reference}",
        body=decision.subject,
        link=reverse("proposals:decision_detail", kwargs={"uid": decision.uid}),
        key=f"decision-issued:{decision.uid}",
    )


def decision_unit_ids(decision) -> set[int]:
    ids = set()
    if decision.proposal_id and decision.proposal.proposer_unit_id:
        ids.add(decision.proposal.proposer_unit_id)
    for owner, unit, person_unit in decision.recipients.values_list("owner_unit_id", "unit_id", "person__unit_id"):
        ids.update(x for x in (owner, unit, person_unit) if x)
    return ids
