"""Every write to councils, polls, participations and ballots goes through these functions.

Ballot secrecy (docs/ballot-secrecy.md)
=======================================

The system must remember THAT a voter voted (to refuse a second vote and to show the
participation count) and WHAT was voted (to count it), and nobody with full read access to
the database and the logs after the poll may link the two. The design:

1. Two tables, no link. `Participation` (who: poll, voter, kind) and `Ballot` (what: poll,
   province, choices, two flags). `Ballot` has no voter/user/participation column, no timestamp
   (it is not a TimestampedModel) and a random UUID4 primary key instead of a sequence.
2. One transaction per vote. `do_cast_ballot` inserts the participation row (unique per
   poll and voter, so a second vote or a race is refused by the database) and the ballot row in
   the same transaction: a vote is either counted and marked, or neither.
3. The audit log records participation only. The one audit row of a cast names the poll and the
   voter's label and kind; never the choices, never the ballot id. Nor do application logs.
4. Physical order and transaction ids are defeated at close. While the poll is open, ballots sit
   in insertion order (SQLite rowid, PostgreSQL ctid) and carry their inserting transaction's id
   (PostgreSQL xmin), which the participation rows share. `do_close_poll` therefore reads every
   ballot, deletes them, and inserts copies with NEW random ids in a cryptographically shuffled
   order in ONE transaction (`secrets.SystemRandom`): afterwards all ballots share one xmin, and
   rowid/ctid order is a random permutation unrelated to the casting order. On SQLite a ballot
   gets a random rowid when cast (the table is never in casting order) and every connection runs
   with `PRAGMA secure_delete` so deleted cells and pages are zeroed. The stored tally input
   lists the ballots sorted, not in any stored order.
5. The engines' own copies go after the commit (thidua/voting/traces.py): SQLite's WAL is
   checkpointed and truncated, PostgreSQL's ballot table is rewritten (VACUUM FULL). What stays
   (PostgreSQL WAL archives, backups taken while a poll was open, a person watching the database
   live) is in docs/ballot-secrecy.md.
6. No per-voter time: a participation has no time stamp, and a vote's audit row carries the
   poll's opening time (`vote_audit_time`), not the instant of the vote.

Written opinions of absent members are entered by the secretary as separate ballots marked
`is_written_opinion` (the secretary holds the signed paper anyway).

The counting of every poll — e-ballot, paper, show of hands, external — goes through
`thidua.rules.voting.tally`, the same pure function as the what-if door.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
import secrets
import uuid
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, connection, models, transaction
from django.db.models import Q
from django.utils import timezone

from thidua.accounts.models import Grant, Role, ScopeKind
from thidua.audit.log import diff, record, snapshot
from thidua.core.access import HEAD_UNIT_ROLES, PERMISSIONS, GrantScope, Scope, ensure, scope_of
from thidua.core.cas import save_with_version
from thidua.core.crashpoints import crashpoint
from thidua.core.errors import ActionError, ConcurrentEditError, StateConflict
from thidua.notifications import events as notify
from thidua.core.models import normalise_text_fields
from thidua.rules import voting as voting_rules
from thidua.rules.errors import WhatIfError
from thidua.voting import selectors
from thidua.voting.historical import HISTORICAL_NOTE, historical_result
from thidua.voting.models import (
    Ballot,
    Candidate,
    Council,
    CouncilLevel,
    CouncilMember,
    CouncilRole,
    Electorate,
    Method,
    Mode,
    Office,
    Participation,
    ParticipationKind,
    Poll,
    PollState,
    Subject,
    Voter,
)
from thidua.voting.traces import scrub_after_close

COUNCIL_FIELDS = ["name", "level", "unit", "bloc", "founding_decision", "founding_date", "active_from", "active_to", "note"]
MEMBER_FIELDS = ["person", "full_name", "position", "role", "user", "term_from", "term_to"]
POLL_FIELDS = [
    "title", "meeting", "council", "bloc_year", "electorate", "subject", "office", "award_code", "award_year",
    "method", "mode", "quota", "threshold_pct", "held_on", "note",
]
RESULT_SOURCES = ("E_BALLOT", "PAPER", "SHOW_OF_HANDS", "EXTERNAL")
YES, NO = "YES", "NO"


# --------------------------------------------------------------------------- helpers


def canonical_json(data: Any) -> str:
    """The canonical JSON of a result: sorted keys, UTF-8 text kept as is."""
    return json.dumps(data, sort_keys=True, ensure_ascii=False)


def result_digest(result: dict) -> str:
    """SHA-256 (hex) of the canonical JSON of `result`, as printed on the minutes."""
    return hashlib.sha256(canonical_json(result).encode("utf-8")).hexdigest()


def _scope_kwargs(poll_or_council) -> dict:
    """The province, unit, block and council that decide who may manage a poll or a council
    (a role granted on the council itself — its secretary, say — reaches it and its polls)."""
    if isinstance(poll_or_council, Council):
        return {"province": poll_or_council.province_id, "unit": poll_or_council.unit_id, "bloc": poll_or_council.bloc_id,
                "council": poll_or_council.pk}
    poll = poll_or_council
    unit = poll.council.unit_id if poll.council_id else None
    bloc = poll.bloc_year.bloc_id if poll.bloc_year_id else (poll.council.bloc_id if poll.council_id else None)
    return {"province": poll.province_id, "unit": unit, "bloc": bloc, "council": poll.council_id}


def _locked_poll(poll: Poll) -> Poll:
    """Re-read the poll inside the transaction (row lock on PostgreSQL; SQLite's IMMEDIATE
    transaction already holds the write lock). FOR NO KEY UPDATE: it still waits for votes in
    flight (FOR SHARE) but not for foreign-key checks (FOR KEY SHARE), such as those of the ballot
    table's rewrite after another poll's close (thidua/voting/traces.py), which would otherwise
    deadlock with a close waiting for that table."""
    return Poll.objects.select_for_update(no_key=True).get(pk=poll.pk)


def _vn_pct(value) -> str:
    value = Decimal(value)
    text = f"{value.normalize():f}" if value == value.to_integral_value() else f"{value:.2f}".rstrip("0")
    return text.replace(".", ",")


# --------------------------------------------------------------------------- councils


def _check_council(council: Council) -> None:
    normalise_text_fields(council)
    if not council.name:
        raise ActionError("Tên hội đồng không được để trống.", field="name")
    if council.level not in CouncilLevel.values:
        raise ActionError("Cấp của hội đồng không hợp lệ.", field="level")
    if council.level == CouncilLevel.UNIT and council.unit_id is None:
        raise ActionError("Hội đồng của cơ quan, đơn vị cần chọn đơn vị.", field="unit")
    if council.level == CouncilLevel.BLOCK and council.bloc_id is None:
        raise ActionError("Hội đồng của khối cần chọn khối, cụm thi đua.", field="bloc")
    if council.active_from and council.active_to and council.active_to < council.active_from:
        raise ActionError("Ngày kết thúc hoạt động phải sau ngày bắt đầu.", field="active_to")


@transaction.atomic
def do_create_council(*, actor, province, data: dict[str, Any]) -> Council:
    unit = data.get("unit")
    bloc = data.get("bloc")
    ensure(actor, "council.manage", province=province, unit=unit, bloc=bloc)
    council = Council(province=province, **{k: v for k, v in data.items() if k in COUNCIL_FIELDS})
    if unit is not None:
        council.province_id = unit.province_id
    _check_council(council)
    council.save()
    record(actor=actor, action="voting.council.create", obj=council, changes=diff({}, snapshot(council)))
    return council


@transaction.atomic
def do_update_council(*, actor, council: Council, data: dict[str, Any], expected_version: int) -> Council:
    ensure(actor, "council.manage", **_scope_kwargs(council))
    before = snapshot(council)
    for key, value in data.items():
        if key in COUNCIL_FIELDS:
            setattr(council, key, value)
    _check_council(council)
    changes = diff(before, snapshot(council))
    if changes:
        save_with_version(council, expected_version, COUNCIL_FIELDS)
        record(actor=actor, action="voting.council.update", obj=council, changes=changes)
    return council


def _check_member(member: CouncilMember) -> None:
    if member.person_id and not member.full_name:
        member.full_name = member.person.full_name
    normalise_text_fields(member)
    if not member.full_name:
        raise ActionError("Hãy nhập họ và tên thành viên hội đồng.", field="full_name")
    if member.role not in CouncilRole.values:
        raise ActionError("Vai trò trong hội đồng không hợp lệ.", field="role")
    if member.term_from is None:
        raise ActionError("Hãy nhập ngày bắt đầu nhiệm kỳ (ngày/tháng/năm).", field="term_from")
    if member.term_to is not None and member.term_to < member.term_from:
        raise ActionError("Ngày kết thúc nhiệm kỳ phải sau ngày bắt đầu.", field="term_to")
    if member.user_id and not scope_of(member.user).can("poll.vote"):
        # Without a role the account could not open its ballot page: say so now, not on voting day.
        raise ActionError(
            f"Tài khoản “{member.user.get_username()}” chưa được phân quyền bỏ phiếu; hãy phân quyền cho tài khoản "
            "(ví dụ vai trò Thành viên hội đồng) rồi gán lại.",
            field="user",
        )
    overlapping = CouncilMember.objects.filter(council_id=member.council_id).filter(
        Q(term_to__isnull=True) | Q(term_to__gte=member.term_from)
    )
    if member.term_to is not None:
        overlapping = overlapping.filter(term_from__lte=member.term_to)
    if member.pk:
        overlapping = overlapping.exclude(pk=member.pk)
    if member.person_id and overlapping.filter(person_id=member.person_id).exists():
        raise ActionError(f"{member.full_name} đã là thành viên hội đồng trong thời gian này.", field="person")
    if member.user_id and overlapping.filter(user_id=member.user_id).exists():
        raise ActionError("Tài khoản này đã được gán cho một thành viên khác của hội đồng trong thời gian này.", field="user")
    if member.role == CouncilRole.CHAIR and overlapping.filter(role=CouncilRole.CHAIR).exists():
        raise ActionError("Hội đồng đã có Chủ tịch trong thời gian này.", field="role")


@transaction.atomic
def do_add_council_member(*, actor, council: Council, data: dict[str, Any]) -> CouncilMember:
    ensure(actor, "council.manage", **_scope_kwargs(council))
    member = CouncilMember(province_id=council.province_id, council=council, **{k: v for k, v in data.items() if k in MEMBER_FIELDS})
    _check_member(member)
    member.save()
    record(actor=actor, action="voting.council.member_add", obj=member, changes=diff({}, snapshot(member)))
    return member


@transaction.atomic
def do_update_council_member(*, actor, member: CouncilMember, data: dict[str, Any], expected_version: int) -> CouncilMember:
    ensure(actor, "council.manage", **_scope_kwargs(member.council))
    before = snapshot(member)
    for key, value in data.items():
        if key in MEMBER_FIELDS:
            setattr(member, key, value)
    _check_member(member)
    changes = diff(before, snapshot(member))
    if changes:
        save_with_version(member, expected_version, MEMBER_FIELDS)
        record(actor=actor, action="voting.council.member_update", obj=member, changes=changes)
    return member


# --------------------------------------------------------------------------- polls


def _overrides(poll: Poll) -> list[dict]:
    from thidua.whatif.service import load_overrides

    return load_overrides(poll.province.code if poll.province_id else None, "voting")


def _rule_threshold(poll: Poll) -> dict:
    """Threshold and quorum of the rule version in force on the poll's date, by the pure tally."""
    request = {
        "decided_on": poll.held_on.isoformat(),
        "award": poll.award_code if poll.subject == Subject.AWARD and poll.award_code else None,
        "threshold_percent": float(poll.threshold_pct) if poll.threshold_pct is not None else None,
        "council_size": 1,
        "present": 1,
        "candidates": [{"id": "x", "yes": 0}],
    }
    try:
        result = voting_rules.tally(request, overrides=_overrides(poll))
    except WhatIfError as exc:
        if exc.code == "no_rule_version":
            return None
        field = {"award": "award_code", "threshold_percent": "threshold_pct", "decided_on": "held_on"}.get(exc.field or "", exc.field)
        raise ActionError(exc.message, field=field) from exc
    return {"threshold": result["threshold"], "quorum": result["quorum"], "rule": result["rule"]}


def _check_historical(poll: Poll) -> None:
    """A vote held before any rule version: only its recorded result can be entered.

    Nothing is judged — the threshold is the one the minutes state (or none), the outcome is the
    one the meeting declared (voting.historical.historical_result)."""
    if poll.mode != Mode.EXTERNAL:
        raise ActionError(
            f"Ngày {poll.held_on:%d/%m/%Y} chưa có quy định bỏ phiếu, kiểm phiếu nào có hiệu lực trong hệ thống, nên không tổ chức "
            "bỏ phiếu trên hệ thống được; hãy chọn hình thức “Kết quả bỏ phiếu họp ngoài hệ thống” để ghi nhận kết quả theo biên bản.",
            field="mode",
        )
    if poll.threshold_pct is not None and not (0 < poll.threshold_pct <= 100):
        raise ActionError("Tỷ lệ đồng ý phải lớn hơn 0 và không quá 100%.", field="threshold_pct")
    poll.base = "council_size"
    poll.rule_version = ""
    if poll.threshold_pct is None:
        poll.citation = f"Biên bản không nêu tỷ lệ; {HISTORICAL_NOTE}"
    else:
        poll.citation = f"Tỷ lệ do hội nghị nêu trong biên bản; {HISTORICAL_NOTE}"
    poll.quorum_text = HISTORICAL_NOTE[:1].upper() + HISTORICAL_NOTE[1:]


def _check_poll(poll: Poll) -> None:
    normalise_text_fields(poll)
    if not poll.title:
        raise ActionError("Hãy nhập nội dung bỏ phiếu.", field="title")
    if poll.meeting_id is None and poll.council_id is None:
        raise ActionError("Cuộc bỏ phiếu phải thuộc một hội nghị của khối hoặc một phiên họp của hội đồng.", field="meeting")
    if poll.meeting_id:
        poll.bloc_year = poll.meeting.bloc_year
        poll.province_id = poll.meeting.province_id
        if poll.held_on is None:
            poll.held_on = poll.meeting.held_on
    elif poll.council_id:
        poll.province_id = poll.council.province_id
    if poll.held_on is None:
        raise ActionError("Hãy nhập ngày họp, bỏ phiếu (ngày/tháng/năm).", field="held_on")
    for field, enum in (("electorate", Electorate), ("subject", Subject), ("method", Method), ("mode", Mode)):
        if getattr(poll, field) not in enum.values:
            raise ActionError("Giá trị không hợp lệ.", field=field)
    if poll.electorate == Electorate.COUNCIL and poll.council_id is None:
        raise ActionError("Hãy chọn hội đồng có thành viên bỏ phiếu.", field="council")
    if poll.electorate == Electorate.BLOCK_UNITS and poll.bloc_year_id is None:
        raise ActionError("Bỏ phiếu của các đơn vị thành viên khối phải diễn ra trong một hội nghị của khối.", field="meeting")
    if poll.subject in (Subject.LEADERSHIP, Subject.LEADER_ACCLAMATION) and poll.bloc_year_id is None:
        raise ActionError("Bầu Trưởng khối, suy tôn đơn vị dẫn đầu phải diễn ra trong một hội nghị của khối.", field="meeting")
    if poll.subject == Subject.LEADERSHIP:
        if poll.office not in Office.values:
            raise ActionError("Hãy chọn chức danh cần bầu (Trưởng khối hoặc Phó Trưởng khối).", field="office")
    else:
        poll.office = ""
    if poll.subject == Subject.AWARD:
        if not poll.award_code:
            raise ActionError("Hãy chọn danh hiệu, hình thức khen thưởng được bình xét.", field="award_code")
        if poll.award_code not in voting_rules.AWARD_NAMES:
            raise ActionError("Danh hiệu, hình thức khen thưởng không có trong danh mục.", field="award_code")
        if poll.award_year is None:
            poll.award_year = poll.held_on.year if poll.held_on.month >= 7 else poll.held_on.year - 1
    else:
        poll.award_code = ""
    # Method and mode that go together are set together: a show of hands is counted by hands.
    if poll.method == Method.SHOW_OF_HANDS:
        poll.mode = Mode.SHOW_OF_HANDS
    elif poll.mode == Mode.SHOW_OF_HANDS:
        poll.method = Method.SHOW_OF_HANDS
    if poll.method == Method.CHOOSE_ONE:
        poll.quota = 1
    if poll.subject in (Subject.LEADERSHIP, Subject.LEADER_ACCLAMATION):
        poll.quota = 1
    if poll.quota is not None and poll.quota < 1:
        raise ActionError("Chỉ tiêu phải từ 1 trở lên (để trống nếu không giới hạn).", field="quota")
    if poll.threshold_pct is not None:
        try:
            poll.threshold_pct = Decimal(str(poll.threshold_pct))
        except InvalidOperation as exc:
            raise ActionError("Tỷ lệ đồng ý phải là một số phần trăm, ví dụ 80.", field="threshold_pct") from exc
    snap = _rule_threshold(poll)
    if snap is None:
        _check_historical(poll)
        return
    threshold, quorum, rule = snap["threshold"], snap["quorum"], snap["rule"]
    poll.threshold_pct = Decimal(str(threshold["percent"]))
    poll.base = threshold["base"]
    if threshold["source"] == "request":
        if poll.subject == Subject.LEADER_ACCLAMATION:
            poll.citation = "Tỷ lệ suy tôn do khối thống nhất quy định"
        else:
            poll.citation = threshold["citation"].replace(" (threshold_percent)", "")
    else:
        poll.citation = threshold["citation"]
    poll.rule_version = rule["version"]
    reason = f"; {quorum['reason']}" if quorum.get("reason") else ""
    poll.quorum_text = f"Cần ít nhất {quorum['share']} tổng số thành viên có mặt{reason} ({quorum['citation']})"[:500]


@transaction.atomic
def do_create_poll(*, actor, data: dict[str, Any], candidates: list[dict] | None = None) -> Poll:
    """Create a poll in a block meeting or a council session, with its candidates.

    `candidates` items: {"label", "person", "unit"}. The threshold, base and citation are copied
    from the rule version in force on the meeting date (or the stated percentage of the block)."""
    poll = Poll(**{k: v for k, v in data.items() if k in POLL_FIELDS})
    if poll.meeting_id:
        poll.province_id = poll.meeting.province_id
        poll.bloc_year = poll.meeting.bloc_year
    elif poll.council_id:
        poll.province_id = poll.council.province_id
    else:
        raise ActionError("Cuộc bỏ phiếu phải thuộc một hội nghị của khối hoặc một phiên họp của hội đồng.", field="meeting")
    ensure(actor, "poll.manage", **_scope_kwargs(poll))
    if poll.council_id and poll.council.province_id not in poll.province.lineage_ids() and poll.council.province_id != poll.province_id:
        raise ActionError("Hội đồng phải thuộc cùng tỉnh với hội nghị.", field="council")
    _check_poll(poll)
    poll.save()
    for i, item in enumerate(candidates or []):
        _add_candidate(poll, item, position=i + 1)
    after = snapshot(poll)
    after["candidates"] = [c.label for c in poll.candidates.all()]
    record(actor=actor, action="voting.poll.create", obj=poll, changes=diff({}, after))
    return poll


@transaction.atomic
def do_update_poll(*, actor, poll: Poll, data: dict[str, Any], expected_version: int) -> Poll:
    ensure(actor, "poll.manage", **_scope_kwargs(poll))
    if poll.state != PollState.DRAFT:
        raise ActionError("Chỉ sửa được cuộc bỏ phiếu khi chưa mở bỏ phiếu.")
    before = snapshot(poll)
    for key, value in data.items():
        if key in POLL_FIELDS and key not in ("meeting", "council", "bloc_year"):
            setattr(poll, key, value)
    _check_poll(poll)
    changes = diff(before, snapshot(poll))
    if changes:
        save_with_version(poll, expected_version, [f for f in POLL_FIELDS] + ["base", "citation", "rule_version", "quorum_text"])
        record(actor=actor, action="voting.poll.update", obj=poll, changes=changes)
    return poll


def _add_candidate(poll: Poll, item: dict, *, position: int) -> Candidate:
    person = item.get("person")
    unit = item.get("unit")
    label = (item.get("label") or "").strip() or (person.full_name if person else "") or (unit.name if unit else "")
    candidate = Candidate(province_id=poll.province_id, poll=poll, label=label, person=person, unit=unit, position=position)
    normalise_text_fields(candidate)
    if not candidate.label:
        raise ActionError("Hãy nhập tên người, đơn vị được bình xét.", field="label")
    if poll.subject in (Subject.LEADERSHIP, Subject.LEADER_ACCLAMATION):
        if unit is None:
            raise ActionError("Bầu Trưởng khối, suy tôn đơn vị dẫn đầu: hãy chọn đơn vị thành viên của khối.", field="unit")
        if not poll.bloc_year.memberships.filter(unit=unit, left_on__isnull=True).exists():
            raise ActionError(f"{unit.name} không phải thành viên của khối năm {poll.bloc_year.year}.", field="unit")
    existing = poll.candidates.all()
    if person is not None and existing.filter(person=person).exists():
        raise ActionError(f"{candidate.label} đã có trong danh sách bình xét.", field="person")
    if unit is not None and person is None and existing.filter(unit=unit, person__isnull=True).exists():
        raise ActionError(f"{candidate.label} đã có trong danh sách bình xét.", field="unit")
    if existing.filter(label=candidate.label).exists():
        raise ActionError(f"“{candidate.label}” đã có trong danh sách bình xét.", field="label")
    candidate.save()
    return candidate


@transaction.atomic
def do_add_candidate(*, actor, poll: Poll, data: dict[str, Any]) -> Candidate:
    ensure(actor, "poll.manage", **_scope_kwargs(poll))
    poll = _locked_poll(poll)
    if poll.state != PollState.DRAFT:
        raise ActionError("Chỉ thêm người, đơn vị được bình xét khi chưa mở bỏ phiếu.")
    last = poll.candidates.aggregate(m=models.Max("position"))["m"] or 0
    candidate = _add_candidate(poll, data, position=last + 1)
    record(actor=actor, action="voting.poll.candidate_add", obj=poll, changes={"candidate": [None, candidate.label]})
    return candidate


@transaction.atomic
def do_remove_candidate(*, actor, candidate: Candidate) -> None:
    poll = candidate.poll
    ensure(actor, "poll.manage", **_scope_kwargs(poll))
    poll = _locked_poll(poll)
    if poll.state != PollState.DRAFT:
        raise ActionError("Chỉ bỏ người, đơn vị khỏi danh sách khi chưa mở bỏ phiếu.")
    label = candidate.label
    candidate.delete()
    record(actor=actor, action="voting.poll.candidate_remove", obj=poll, changes={"candidate": [label, None]})


# --------------------------------------------------------------------------- electorate and opening


def _default_delegate(unit_id: int, on: dt.date):
    """The account that casts a member unit's vote: its leader's account, else its TĐKT officer's."""
    for role in (Role.UNIT_LEADER, Role.UNIT_OFFICER):
        grant = (
            Grant.objects.filter(unit_id=unit_id, scope_kind=ScopeKind.UNIT, role=role, valid_from__lte=on, user__is_active=True)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
            .order_by("pk")
            .first()
        )
        if grant is not None:
            return grant.user
    return None


def _electorate_rows(poll: Poll, delegates: dict | None) -> list[Voter]:
    rows: list[Voter] = []
    if poll.electorate == Electorate.COUNCIL:
        members = (
            CouncilMember.objects.filter(council_id=poll.council_id, term_from__lte=poll.held_on)
            .filter(Q(term_to__isnull=True) | Q(term_to__gte=poll.held_on))
            .order_by("full_name", "pk")
        )
        seen_users: set[int] = set()
        for member in members:
            user_id = member.user_id if member.user_id not in seen_users else None
            if user_id:
                seen_users.add(user_id)
            rows.append(Voter(province_id=poll.province_id, poll=poll, council_member=member, user_id=user_id, label=member.full_name))
        if not rows:
            raise ActionError(
                f"Hội đồng không có thành viên nào trong nhiệm kỳ vào ngày {poll.held_on:%d/%m/%Y}; hãy cập nhật danh sách thành viên."
            )
        return rows
    memberships = (
        poll.bloc_year.memberships.filter(Q(left_on__isnull=True) | Q(left_on__gt=poll.held_on))
        .select_related("unit")
        .order_by("unit__name", "pk")
    )
    delegates = {getattr(k, "pk", k): v for k, v in (delegates or {}).items()}
    # The meeting's attendance list marks who is present (for the quorum).
    attending = set(poll.meeting.attendance.values_list("unit_id", flat=True)) if poll.meeting_id else set()
    seen_users = set()
    for membership in memberships:
        unit = membership.unit
        user = delegates.get(unit.pk) or _default_delegate(unit.pk, poll.held_on)
        user_id = getattr(user, "pk", user)
        if user_id in seen_users:
            user_id = None
        if user_id:
            seen_users.add(user_id)
        rows.append(
            Voter(province_id=poll.province_id, poll=poll, unit=unit, user_id=user_id, label=unit.name, is_present=unit.pk in attending)
        )
    if len(rows) < 2:
        raise ActionError(f"Khối năm {poll.bloc_year.year} cần ít nhất 2 đơn vị thành viên để bỏ phiếu.")
    return rows


@transaction.atomic
def do_open_poll(*, actor, poll: Poll, expected_version: int, delegates: dict | None = None) -> Poll:
    """Open the poll: snapshot the electorate (council members in their term on the meeting date,
    or the block year's member units, each with one delegate account)."""
    ensure(actor, "poll.manage", **_scope_kwargs(poll))
    if poll.state != PollState.DRAFT:
        raise ActionError("Cuộc bỏ phiếu đã được mở trước đó.")
    if poll.mode == Mode.EXTERNAL:
        raise ActionError("Kết quả bỏ phiếu họp ngoài hệ thống được ghi trực tiếp, không mở bỏ phiếu.")
    count = poll.candidates.count()
    if count == 0:
        raise ActionError("Hãy thêm ít nhất một người, đơn vị được bình xét trước khi mở bỏ phiếu.")
    if poll.method == Method.CHOOSE_ONE and count < 2 and poll.subject != Subject.LEADER_ACCLAMATION:
        raise ActionError("Cách “Chọn một” cần ít nhất hai người, đơn vị để chọn.")
    rows = _electorate_rows(poll, delegates)
    poll.state = PollState.OPEN
    poll.opened_at = timezone.now()
    poll.electorate_size = len(rows)
    save_with_version(poll, expected_version, ["state", "opened_at", "electorate_size"])
    Voter.objects.bulk_create(rows)
    record(
        actor=actor, action="voting.poll.open", obj=poll,
        changes={"state": [PollState.DRAFT, PollState.OPEN], "electorate_size": [None, len(rows)],
                 "electorate": [None, [v.label for v in rows]]},
    )
    # Those who may vote hear that the poll opened (from the electorate snapshot, not the ballots).
    notify.poll_opened(poll, [v.user_id for v in rows if v.user_id])
    return poll


@transaction.atomic
def do_set_attendance(*, actor, poll: Poll, voter: Voter, is_present: bool) -> Voter:
    """Mark a member of the electorate present or absent at the meeting (for the quorum)."""
    ensure(actor, "poll.manage", **_scope_kwargs(poll))
    if voter.poll_id != poll.pk:
        raise ActionError("Người này không thuộc danh sách bỏ phiếu của cuộc bỏ phiếu.")
    if poll.state not in (PollState.OPEN, PollState.CLOSED):
        raise ActionError("Chỉ điểm danh khi cuộc bỏ phiếu đang mở.")
    if not is_present and voter.participations.filter(kind__in=[ParticipationKind.E_BALLOT, ParticipationKind.PAPER]).exists():
        raise ActionError(f"{voter.label} đã bỏ phiếu nên được tính là có mặt.")
    if is_present and voter.participations.filter(kind=ParticipationKind.WRITTEN_OPINION).exists():
        raise ActionError(f"{voter.label} đã gửi ý kiến bằng văn bản (vắng mặt).")
    before = voter.is_present
    if before != is_present:
        Voter.objects.filter(pk=voter.pk).update(is_present=is_present, updated_at=timezone.now(), version=models.F("version") + 1)
        voter.is_present = is_present
        record(actor=actor, action="voting.poll.attendance", obj=poll, changes={"attendance": [None, f"{voter.label}: {'có mặt' if is_present else 'vắng mặt'}"]})
    return voter


# --------------------------------------------------------------------------- casting


def _normalise_choices(poll: Poll, approved, ids: list[str] | tuple[str, ...] | None = None) -> dict[str, str]:
    """Validate the approved candidate ids of one ballot; return the stored choices. `ids` (the
    poll's candidate ids as text, in order) is read from the database when not given."""
    if ids is None:
        ids = [str(c) for c in poll.candidates.values_list("pk", flat=True)]
    approved = [str(getattr(a, "pk", a)) for a in (approved or [])]
    for cid in approved:
        if cid not in ids:
            raise ActionError("Phiếu ghi người, đơn vị không có trong danh sách bình xét; phiếu chưa được ghi nhận.", field="choices")
    if len(set(approved)) != len(approved):
        raise ActionError("Phiếu ghi một người, đơn vị hai lần; phiếu chưa được ghi nhận.", field="choices")
    if poll.method == Method.CHOOSE_ONE:
        if len(approved) > 1:
            raise ActionError("Chỉ được chọn một người, đơn vị; phiếu chưa được ghi nhận.", field="choices")
        return {approved[0]: YES} if approved else {}
    if poll.quota is not None and len(approved) > poll.quota:
        # The message never counts the marks: its length would tell how many the voter approved.
        raise ActionError(
            f"Bạn đồng ý quá chỉ tiêu {poll.quota} người, đơn vị; hãy bỏ bớt rồi gửi lại. Phiếu chưa được ghi nhận.",
            field="choices",
        )
    return {cid: (YES if cid in approved else NO) for cid in ids}


_INSERT_SQL: dict[tuple[str, type], tuple[str, list]] = {}


def _insert(obj: models.Model, *, random_rowid: bool = False) -> models.Model:
    """INSERT the new row `obj` as `obj.save()` would (field pre_save for the auto_now dates,
    get_db_prep_save for the values), with the statement built once per model and backend: the
    ORM spends more time compiling an insert than the database spends running it, and a vote
    makes two. Only for models without save() overrides or signal receivers (Participation,
    Ballot). `random_rowid` (SQLite ballots): the row gets a random rowid instead of the next
    one, so the table's b-tree keeps ballots in random order, not in casting order, even while
    the poll is open."""
    meta = obj._meta
    key = (connection.vendor, type(obj), random_rowid)
    if key not in _INSERT_SQL:
        fields = _insert_columns(type(obj))
        qn = connection.ops.quote_name
        columns = (["rowid"] if random_rowid else []) + [qn(f.column) for f in fields]
        sql = f"INSERT INTO {qn(meta.db_table)} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"
        returning = meta.pk.db_returning and connection.features.can_return_columns_from_insert
        if returning:
            sql += f" RETURNING {qn(meta.pk.column)}"
        _INSERT_SQL[key] = (sql, fields)
    sql, fields = _INSERT_SQL[key]
    params = _prepared(obj, fields)
    if random_rowid:
        # 62 random bits: a collision among a province's ballots is out of reach (and would be
        # refused by the database, not overwrite anything).
        params = [secrets.randbits(62) + 1, *params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        if meta.pk.db_returning:
            obj.pk = cursor.fetchone()[0] if connection.features.can_return_columns_from_insert else cursor.lastrowid
    obj._state.adding = False
    obj._state.db = connection.alias
    return obj


def _insert_columns(model) -> list:
    return [f for f in model._meta.local_concrete_fields if not (f.primary_key and f.db_returning)]


def _prepared(obj: models.Model, fields: list) -> list:
    return [f.get_db_prep_save(f.pre_save(obj, add=True), connection=connection) for f in fields]


_CAST_SQL: dict[str, str] = {}


def _write_e_ballot_postgresql(poll: Poll, voter: Voter, choices: dict) -> Participation:
    """PostgreSQL: the poll's state check under a shared row lock, the participation and the
    ballot in ONE statement (data-modifying CTEs), so a vote's transaction is three round trips
    (this statement, the audit row, COMMIT) instead of five. Nothing is inserted unless the poll
    is open when the lock is taken; the unique participation still refuses a second vote."""
    participation = Participation(province_id=poll.province_id, poll=poll, voter=voter, kind=ParticipationKind.E_BALLOT)
    ballot = Ballot(poll=poll, province_id=poll.province_id, choices=choices, is_written_opinion=False)
    p_fields, b_fields = _insert_columns(Participation), _insert_columns(Ballot)
    if "sql" not in _CAST_SQL:
        qn = connection.ops.quote_name

        def columns(fields):
            return ", ".join(qn(f.column) for f in fields)

        def marks(fields):
            return ", ".join(["%s"] * len(fields))

        _CAST_SQL["sql"] = (
            f"WITH open_poll AS (SELECT id FROM {qn(Poll._meta.db_table)} WHERE id = %s AND state = %s AND mode = %s FOR SHARE), "
            f"vote AS (INSERT INTO {qn(Participation._meta.db_table)} ({columns(p_fields)}) SELECT {marks(p_fields)} FROM open_poll RETURNING id) "
            f"INSERT INTO {qn(Ballot._meta.db_table)} ({columns(b_fields)}) SELECT {marks(b_fields)} FROM vote RETURNING (SELECT id FROM vote)"
        )
    params = [poll.pk, PollState.OPEN, Mode.E_BALLOT, *_prepared(participation, p_fields), *_prepared(ballot, b_fields)]
    try:
        with connection.cursor() as cursor:
            cursor.execute(_CAST_SQL["sql"], params)
            row = cursor.fetchone()
    except IntegrityError as exc:
        raise StateConflict(f"{voter.label} đã bỏ phiếu rồi; mỗi người chỉ được bỏ phiếu một lần.") from exc
    if row is None:
        # The poll closed (or changed mode) since it was read: say which, as before.
        _open_for_votes(_poll_for_vote(poll))
        raise StateConflict("Cuộc bỏ phiếu đã đóng; phiếu không được ghi nhận.")
    participation.pk = row[0]
    participation._state.adding = False
    participation._state.db = connection.alias
    return participation


def _write_vote(poll: Poll, voter: Voter, choices: dict, kind: str) -> Participation:
    """Participation and ballot, in the caller's transaction. The unique participation refuses a
    second vote even when two requests race."""
    # No savepoint: a refused insert aborts the caller's whole transaction, which is what we want
    # (nothing of the vote is written) and saves two round trips per vote.
    try:
        participation = _insert(Participation(province_id=poll.province_id, poll=poll, voter=voter, kind=kind))
    except IntegrityError as exc:
        raise StateConflict(f"{voter.label} đã bỏ phiếu rồi; mỗi người chỉ được bỏ phiếu một lần.") from exc
    _insert(
        Ballot(poll=poll, province_id=poll.province_id, choices=choices, is_written_opinion=(kind == ParticipationKind.WRITTEN_OPINION)),
        random_rowid=connection.vendor == "sqlite",
    )
    return participation


def vote_audit_time(poll: Poll) -> dt.datetime | None:
    """The time written on a vote's audit row: the poll's opening time, the same for every voter
    of the poll, never the instant of the vote (docs/ballot-secrecy.md)."""
    return poll.opened_at or timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)


def _poll_for_vote(poll: Poll) -> Poll:
    """Re-read the poll inside the vote's transaction. On PostgreSQL a shared row lock makes a
    concurrent close wait for votes in flight (and later votes wait for the close, then see it
    closed); votes do not block each other. SQLite's IMMEDIATE transactions are serialised anyway."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT state FROM {Poll._meta.db_table} WHERE id = %s FOR SHARE", [poll.pk])
            return Poll(pk=poll.pk, state=cursor.fetchone()[0], mode=poll.mode)
    return Poll.objects.only("state", "mode").get(pk=poll.pk)


def _open_for_votes(poll: Poll) -> None:
    if poll.state == PollState.DRAFT:
        raise StateConflict("Cuộc bỏ phiếu chưa mở; chưa thể bỏ phiếu.")
    if poll.state != PollState.OPEN:
        raise StateConflict("Cuộc bỏ phiếu đã đóng; phiếu không được ghi nhận.")
    if poll.mode != Mode.E_BALLOT:
        raise ActionError("Cuộc bỏ phiếu này không bỏ phiếu điện tử (bỏ phiếu giấy hoặc biểu quyết tại hội nghị).")


def _vote_check_actor(actor, voter: Voter):
    """The user `ensure(actor, "poll.vote")` is asked about, without computing the actor's whole scope.

    `ensure(user, "poll.vote")` with no province, unit or block only asks `scope.can("poll.vote")`:
    an active, signed-in account that is a superuser or holds, today, a grant whose role is in
    PERMISSIONS["poll.vote"] (an ADMIN grant is such a role; the Trưởng khối grants derived from a
    head unit's officers add nothing when those officers' roles may vote themselves). The ballot
    query (`selectors.voter_for_ballot`) reads that grant's role in the same round trip as the
    poll and the voter, so the answer is the same as `scope_of` would give, without its grant,
    lineage and block queries (a third of a vote's time). The scope built from it sits on a private
    copy of the actor for this one check, never on the caller's user object, whose cached scope
    other code may read later. When the caller already holds the actor's scope (every web request:
    the view's `@access` computed it) or the shortcut is not exact for the current PERMISSIONS
    table, `ensure` runs on the actor itself."""
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return actor
    if getattr(actor, f"_thidua_scope_{dt.date.today().isoformat()}", None) is not None:
        return actor
    allowed = PERMISSIONS.get("poll.vote", frozenset())
    if Role.ADMIN not in allowed or (Role.BLOCK_HEAD in allowed and not HEAD_UNIT_ROLES <= allowed):
        return actor
    grants = [GrantScope(role=voter.vote_role, province_ids=frozenset(), unit_id=None)] if voter.vote_role else []
    checked = copy.copy(actor)
    setattr(checked, f"_thidua_scope_{dt.date.today().isoformat()}", Scope(user_id=actor.pk, is_admin=bool(actor.is_superuser), grants=grants))
    return checked


def do_cast_ballot(*, actor, poll: Poll, approved) -> Participation:
    """Cast the actor's secret e-ballot: `approved` lists the candidates (or their ids) approved
    (APPROVE_EACH) or the one chosen (CHOOSE_ONE); an empty list is a blank ballot.

    The audit row names the poll and the voter, never the choices or the ballot.

    The checks that only read run before the write transaction: on SQLite an IMMEDIATE transaction
    takes the database's single write lock at BEGIN, and a thousand voters queue for it. One query
    reads the voter, the poll (with its province, for the audit row), whether the voter already
    voted and the role that lets the actor vote at all; the candidates come from a per-process
    cache (they are fixed once the poll is open). The access check comes first, as everywhere.
    Inside the transaction the poll's state is read again (a vote cannot slip past a close) and
    the unique participation decides a race between two votes of the same voter: a vote costs
    one read before its transaction, then the state check, participation, ballot and audit row
    (on PostgreSQL the first three are one statement; SQLite runs them one by one)."""
    voter = selectors.voter_for_ballot(poll.pk, actor)
    if voter is None:
        ensure(actor, "poll.vote")
        _open_for_votes(Poll.objects.only("state", "mode").get(pk=poll.pk))
        raise ActionError("Bạn không có tên trong danh sách người bỏ phiếu của cuộc bỏ phiếu này (khách mời dự họp nhưng không biểu quyết).")
    ensure(_vote_check_actor(actor, voter), "poll.vote")
    poll = voter.poll
    _open_for_votes(poll)
    if voter.voted:
        raise StateConflict("Bạn đã bỏ phiếu rồi; mỗi người chỉ được bỏ phiếu một lần.")
    choices = _normalise_choices(poll, approved, selectors.candidate_ids(poll))
    with transaction.atomic():
        if connection.vendor == "postgresql":
            participation = _write_e_ballot_postgresql(poll, voter, choices)
        else:
            _open_for_votes(_poll_for_vote(poll))
            participation = _write_vote(poll, voter, choices, ParticipationKind.E_BALLOT)
        # Participation only: who voted and how (e-ballot), never what; at the poll's opening time.
        record(
            actor=actor, action="voting.poll.participate", obj=poll, at=vote_audit_time(poll),
            changes={"participant": [None, voter.label], "kind": [None, "E_BALLOT"]},
        )
    return participation


@transaction.atomic
def do_enter_written_opinion(*, actor, poll: Poll, voter: Voter, approved) -> Participation:
    """The secretary enters an absent member's written opinion as a separate, marked ballot."""
    ensure(actor, "poll.manage", **_scope_kwargs(poll))
    _open_for_votes(_poll_for_vote(poll))
    poll = Poll.objects.select_related("province").get(pk=poll.pk)
    if voter.poll_id != poll.pk:
        raise ActionError("Người này không thuộc danh sách bỏ phiếu của cuộc bỏ phiếu.")
    if voter.participations.exists():
        raise StateConflict(f"{voter.label} đã bỏ phiếu rồi; mỗi người chỉ được bỏ phiếu một lần.")
    if voter.is_present:
        raise ActionError(f"{voter.label} đang được điểm danh có mặt; ý kiến bằng văn bản chỉ dành cho thành viên vắng mặt.")
    choices = _normalise_choices(poll, approved)
    participation = _write_vote(poll, voter, choices, ParticipationKind.WRITTEN_OPINION)
    record(
        actor=actor, action="voting.poll.participate", obj=poll, at=vote_audit_time(poll),
        changes={"participant": [None, voter.label], "kind": [None, "WRITTEN_OPINION"]},
    )
    return participation


# --------------------------------------------------------------------------- closing and results


def _shuffle_rewrite(poll: Poll) -> list[Ballot]:
    """Rewrite every ballot of `poll` in a random order with new random ids (one transaction)."""
    ballots = list(Ballot.objects.filter(poll=poll).values("choices", "is_written_opinion", "is_invalid"))
    secrets.SystemRandom().shuffle(ballots)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA secure_delete = ON")
    Ballot.objects.filter(poll=poll).delete()
    fresh = [Ballot(id=uuid.uuid4(), poll=poll, province_id=poll.province_id, **row) for row in ballots]
    # One INSERT per row keeps the physical order equal to the shuffled order on every backend.
    for ballot in fresh:
        ballot.save(force_insert=True)
    return fresh


def _attendance(poll: Poll) -> tuple[int, int]:
    """(present, written opinions) from the electorate snapshot and the participations."""
    written = Participation.objects.filter(poll=poll, kind=ParticipationKind.WRITTEN_OPINION).count()
    present = (
        Voter.objects.filter(poll=poll)
        .filter(Q(is_present=True) | Q(participations__kind__in=[ParticipationKind.E_BALLOT, ParticipationKind.PAPER]))
        .exclude(participations__kind=ParticipationKind.WRITTEN_OPINION)
        .distinct()
        .count()
    )
    return present, written


def _base_request(poll: Poll, *, present: int, written: int | None) -> dict:
    award = poll.award_code if poll.subject == Subject.AWARD and poll.award_code else None
    return {
        "kind": "voting",
        "decided_on": poll.held_on.isoformat(),
        "award": award,
        "threshold_percent": float(poll.threshold_pct),
        "council_size": poll.electorate_size,
        "present": present,
        "written_opinions": written,
        "quota": poll.quota,
        "candidates": [{"id": str(c.pk), "name": c.label} for c in poll.candidates.all()],
        "ballots": None,
        "chair_choice": [str(c) for c in (poll.chair_choice or [])],
    }


def _tally(poll: Poll, request: dict) -> dict:
    try:
        result = voting_rules.tally(request, overrides=_overrides(poll))
    except WhatIfError as exc:
        # The pure core names candidates by id; show their names.
        message = exc.message
        for c in request["candidates"]:
            message = message.replace(f"“{c['id']}”", f"“{c['name']}”")
        raise ActionError(message, field=exc.field) from exc
    if result["threshold"].get("source") == "request":
        # The poll's own snapshot names where its percentage comes from.
        result["threshold"]["citation"] = poll.citation
    stored = dict(request)
    if stored.get("ballots") is not None:
        # Sorted: the stored input keeps no trace of any storage or casting order.
        stored["ballots"] = sorted(sorted(b) for b in stored["ballots"])
    result["request"] = stored
    return result


def _e_ballot_request(poll: Poll) -> dict:
    present, written = _attendance(poll)
    request = _base_request(poll, present=present, written=written)
    ballots = []
    for choices in Ballot.objects.filter(poll=poll).values_list("choices", flat=True):
        ballots.append(sorted(cid for cid, mark in (choices or {}).items() if mark == YES))
    request["ballots"] = ballots
    # Counted ballots cannot exceed the voters who took part (present + written opinions).
    request["present"] = max(present, len(ballots) - written)
    return request


def _confirm_leader(poll: Poll, unit) -> str:
    """The acclaimed unit becomes the block's confirmed leader on its published scoring round."""
    year = poll.bloc_year.year
    try:
        from thidua.scoring import actions as scoring_actions
        from thidua.scoring.models import LeaderConfirmation, RoundState, ScoringRound
    except ImportError:  # the scoring app is not there: the result still stands
        return f"{unit.name} được suy tôn là đơn vị dẫn đầu khối năm {year}."
    round_ = ScoringRound.objects.filter(bloc_year=poll.bloc_year, state=RoundState.PUBLISHED).order_by("-pk").first()
    if round_ is None:
        return (
            f"{unit.name} được suy tôn là đơn vị dẫn đầu khối năm {year}; khối chưa công bố kết quả chấm điểm nên "
            "chưa ghi nhận vào kết quả chấm điểm, xếp hạng."
        )
    try:
        with transaction.atomic():
            scoring_actions.do_confirm_leader(
                actor=None, round=round_, unit=unit, how=LeaderConfirmation.ACCLAMATION,
                note=f"Kết quả suy tôn: {poll.title}, ngày {poll.held_on:%d/%m/%Y}"[:500], expected_version=round_.version,
            )
    except ActionError as exc:
        return f"{unit.name} được suy tôn là đơn vị dẫn đầu khối năm {year}; chưa ghi nhận được vào kết quả chấm điểm: {exc.message}"
    return f"{unit.name} được ghi nhận là đơn vị dẫn đầu khối năm {year} (suy tôn tại hội nghị)."


def _consequences(actor, poll: Poll, result: dict) -> list[str]:
    """What a result changes elsewhere. Runs inside the closing transaction; returns notes."""
    notes: list[str] = []
    # A vote recorded from its minutes (historical) has no quorum verdict: the declared outcome stands.
    if result["quorum"]["met"] is False:
        return notes
    selected = [r for r in result["results"] if r["selected"]]
    if not selected or result.get("needs_chair_choice"):
        return notes
    chosen = Candidate.objects.filter(poll=poll, pk=int(selected[0]["id"])).select_related("unit").first()
    if chosen is None or chosen.unit is None or poll.bloc_year_id is None:
        return notes
    if poll.subject == Subject.LEADER_ACCLAMATION:
        notes.append(_confirm_leader(poll, chosen.unit))
        return notes
    if poll.subject == Subject.LEADERSHIP:
        from thidua.blocs.actions import do_set_leadership
        from thidua.blocs.models import BlocYear

        next_year = BlocYear.objects.filter(bloc_id=poll.bloc_year.bloc_id, year=poll.bloc_year.year + 1).first()
        label = Office(poll.office).label
        if next_year is None:
            notes.append(
                f"{chosen.unit.name} được bầu làm {label} năm {poll.bloc_year.year + 1}; khi mở năm thi đua "
                f"{poll.bloc_year.year + 1} của khối, hãy ghi nhận Trưởng khối, Phó Trưởng khối theo kết quả này."
            )
            return notes
        head = next_year.head_unit if poll.office == Office.DEPUTY else chosen.unit
        deputy = chosen.unit if poll.office == Office.DEPUTY else next_year.deputy_unit
        if head is None:
            notes.append(f"{chosen.unit.name} được bầu làm Phó Trưởng khối; năm {next_year.year} chưa có Trưởng khối nên chưa ghi nhận.")
            return notes
        if deputy is not None and deputy.pk == head.pk:
            deputy = None
        try:
            with transaction.atomic():
                do_set_leadership(
                    actor=None, bloc_year=next_year, head_unit=head, deputy_unit=deputy, decided_on=poll.held_on,
                    note=f"Kết quả bầu: {poll.title}"[:255], expected_version=next_year.version,
                )
            notes.append(f"{chosen.unit.name} được ghi nhận là {label} năm {next_year.year}.")
        except ActionError as exc:
            notes.append(f"Chưa ghi nhận được {label} năm {next_year.year}: {exc.message}")
    return notes


def _store_result(actor, poll: Poll, result: dict, source: str, expected_version: int, *, closing: bool) -> Poll:
    result["source"] = source
    result["consequences"] = _consequences(actor, poll, result)
    # Normalise through JSON so the digest is of exactly what is stored.
    result = json.loads(canonical_json(result))
    poll.result = result
    poll.result_sha256 = result_digest(result)
    poll.result_source = source
    poll.state = PollState.RESULT
    fields = ["result", "result_sha256", "result_source", "state", "chair_choice", "electorate_size"]
    if closing or poll.closed_at is None:
        poll.closed_at = poll.closed_at or timezone.now()
        fields.append("closed_at")
    save_with_version(poll, expected_version, fields)
    return poll


def _summary(result: dict) -> dict:
    return {
        "passed": [r.get("name", r["id"]) for r in result["results"] if r["passed"]],
        "selected": [r.get("name", r["id"]) for r in result["results"] if r["selected"]],
        "yes": {r.get("name", r["id"]): r["yes"] for r in result["results"]},
    }


@transaction.atomic
def do_close_poll(*, actor, poll: Poll, expected_version: int) -> Poll:
    """Close the poll. E-ballot: rewrite the ballots shuffled with new ids, then tally and store
    the result. Paper and show-of-hands polls wait for their counts (`do_record_result`)."""
    ensure(actor, "poll.manage", **_scope_kwargs(poll))
    poll = _locked_poll(poll)
    if poll.state != PollState.OPEN:
        raise ActionError("Chỉ đóng được cuộc bỏ phiếu đang mở.")
    if poll.version != expected_version:
        raise ConcurrentEditError()
    if poll.mode != Mode.E_BALLOT:
        poll.state = PollState.CLOSED
        poll.closed_at = timezone.now()
        save_with_version(poll, expected_version, ["state", "closed_at"])
        record(actor=actor, action="voting.poll.close", obj=poll, changes={"state": [PollState.OPEN, PollState.CLOSED]})
        return poll
    _shuffle_rewrite(poll)
    crashpoint("voting.close:shuffled")  # kill -9 tests only (thidua/core/crashpoints.py)
    # After COMMIT: empty SQLite's WAL / rewrite PostgreSQL's ballot table (thidua/voting/traces.py).
    transaction.on_commit(scrub_after_close)
    poll.chair_choice = []
    result = _tally(poll, _e_ballot_request(poll))
    poll.closed_at = timezone.now()
    _store_result(actor, poll, result, "E_BALLOT", expected_version, closing=True)
    record(
        actor=actor, action="voting.poll.close", obj=poll,
        changes={"state": [PollState.OPEN, PollState.RESULT], "result_sha256": [None, poll.result_sha256], **{k: [None, v] for k, v in _summary(poll.result).items()}},
    )
    return poll


def _counts_request(poll: Poll, counts: dict) -> dict:
    """The tally request of recorded counts.

    `counts`: {"present": int, "written_opinions": int | None, "yes": {candidate pk: int}} plus
    optional "council_size" (EXTERNAL polls that were never opened) and "chair_choice"."""
    if not isinstance(counts, dict):
        raise ActionError("Số liệu kiểm phiếu không hợp lệ.")
    size = poll.electorate_size or counts.get("council_size")
    if not size:
        raise ActionError("Hãy nhập tổng số thành viên (người có quyền biểu quyết).", field="council_size")
    present = counts.get("present")
    if present is None:
        raise ActionError("Hãy nhập số thành viên có mặt.", field="present")
    request = _base_request(poll, present=present, written=counts.get("written_opinions") or 0)
    request["council_size"] = size
    yes = {str(getattr(k, "pk", k)): v for k, v in (counts.get("yes") or {}).items()}
    known = {c["id"] for c in request["candidates"]}
    unknown = set(yes) - known
    if unknown:
        raise ActionError("Số phiếu ghi cho người, đơn vị không có trong danh sách bình xét.", field="yes")
    for c in request["candidates"]:
        if c["id"] not in yes:
            raise ActionError(f"Thiếu số phiếu đồng ý của {c['name']}.", field="yes")
        c["yes"] = yes[c["id"]]
    if counts.get("chair_choice") is not None:
        request["chair_choice"] = [str(getattr(c, "pk", c)) for c in counts["chair_choice"]]
    return request


@transaction.atomic
def do_record_result(*, actor, poll: Poll, counts: dict, source: str, expected_version: int) -> Poll:
    """Store the result of counts made outside the e-ballot: a matched paper double entry
    (source PAPER, called by thidua.counting), a show of hands recorded by the secretary
    (SHOW_OF_HANDS) or a vote held elsewhere (EXTERNAL). The counts go through the same tally.

    `counts` = {"present": int, "written_opinions": int|None, "yes": {candidate_pk: int},
    "council_size": int (only when the poll was never opened), "chair_choice": [candidate_pk]}.
    Extra keys (ballots issued/valid/invalid…) are kept in the result under "counts"."""
    ensure(actor, "poll.count", **_scope_kwargs(poll))
    poll = _locked_poll(poll)
    if poll.version != expected_version:
        raise ConcurrentEditError()
    if source not in RESULT_SOURCES or source == "E_BALLOT":
        raise ActionError("Nguồn kết quả không hợp lệ.", field="source")
    if poll.mode == Mode.E_BALLOT:
        raise ActionError("Cuộc bỏ phiếu điện tử được kiểm phiếu tự động khi đóng; không nhập số liệu tay.")
    if poll.state == PollState.RESULT:
        raise ActionError("Cuộc bỏ phiếu đã có kết quả.")
    if source == "EXTERNAL":
        if poll.state not in (PollState.DRAFT, PollState.CLOSED):
            raise ActionError("Cuộc bỏ phiếu đang mở; hãy đóng trước khi ghi kết quả.")
    elif poll.state == PollState.DRAFT:
        raise ActionError("Cuộc bỏ phiếu chưa mở; chưa thể ghi kết quả kiểm phiếu.")
    if source == "PAPER" and poll.mode != Mode.PAPER:
        raise ActionError("Cuộc bỏ phiếu này không bỏ phiếu giấy.", field="source")
    if source == "SHOW_OF_HANDS" and poll.mode != Mode.SHOW_OF_HANDS:
        raise ActionError("Cuộc bỏ phiếu này không biểu quyết giơ tay.", field="source")
    if poll.is_historical:
        # Before any rule version: store what the minutes say, never tally against today's rules.
        if source != "EXTERNAL":
            raise ActionError(f"Cuộc bỏ phiếu trước khi có quy định chỉ ghi kết quả theo biên bản ({HISTORICAL_NOTE}).", field="source")
        result = historical_result(poll, counts, [(str(c.pk), c.label) for c in poll.candidates.all()])
        if poll.electorate_size is None:
            poll.electorate_size = result["council_size"]
        poll.chair_choice = []
    else:
        if isinstance(counts, dict) and counts.get("declared"):
            raise ActionError("Kết quả được tính theo số phiếu và quy định hiện hành; chỉ cuộc bỏ phiếu trước khi có quy định mới ghi kết quả hội nghị công bố.", field="declared")
        request = _counts_request(poll, counts)
        if poll.electorate_size is None:
            poll.electorate_size = request["council_size"]
        poll.chair_choice = request["chair_choice"]
        result = _tally(poll, request)
        result["counts"] = {k: v for k, v in counts.items() if k not in ("yes", "chair_choice") and isinstance(v, (int, str, type(None)))}
    before_state = poll.state
    _store_result(actor, poll, result, source, expected_version, closing=False)
    record(
        actor=actor, action="voting.poll.result", obj=poll,
        changes={"state": [before_state, PollState.RESULT], "source": [None, source], "result_sha256": [None, poll.result_sha256],
                 **{k: [None, v] for k, v in _summary(poll.result).items()}},
    )
    return poll


@transaction.atomic
def do_resolve_tie(*, actor, poll: Poll, chair_choice: list, expected_version: int) -> Poll:
    """Record the chairman's choice for a tie at the cut-off and tally again."""
    ensure(actor, "poll.manage", **_scope_kwargs(poll))
    poll = _locked_poll(poll)
    if poll.version != expected_version:
        raise ConcurrentEditError()
    if poll.state != PollState.RESULT or not (poll.result or {}).get("needs_chair_choice"):
        raise ActionError("Không có trường hợp bằng phiếu cần Chủ tịch hội đồng quyết định.")
    request = dict(poll.result["request"])
    request["chair_choice"] = [str(getattr(c, "pk", c)) for c in chair_choice]
    if not request["chair_choice"]:
        raise ActionError("Hãy chọn người, đơn vị theo quyết định của Chủ tịch hội đồng.", field="chair_choice")
    if request.get("ballots") is not None:
        # Re-read the stored ballots (already shuffled at close) rather than trusting the copy.
        request["ballots"] = _e_ballot_request(poll)["ballots"]
    poll.chair_choice = request["chair_choice"]
    counts = poll.result.get("counts")
    result = _tally(poll, request)
    if counts is not None:
        result["counts"] = counts
    source = poll.result_source or "E_BALLOT"
    _store_result(actor, poll, result, source, expected_version, closing=False)
    record(
        actor=actor, action="voting.poll.chair_choice", obj=poll,
        changes={"chair_choice": [None, [r.get("name", r["id"]) for r in poll.result["results"] if str(r["id"]) in request["chair_choice"]]],
                 "result_sha256": [None, poll.result_sha256]},
    )
    return poll
