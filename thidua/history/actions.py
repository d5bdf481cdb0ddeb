"""Writes to the award history (hồ sơ thành tích): permission, validation, one transaction, one audit row.

Every function checks "history.edit" on the subject (a person through their current unit, a
collective through itself). Updates are compare-and-set (`expected_version`). Awards are never
deleted: a revoked award keeps its record with the reason and date (Luật TĐKT, Chương VII).

The write API other apps call:

    do_record_award(actor, subject, award_code, year, *, decision=None, source=AwardSource.DECISION,
                    award_kind=AwardKind.MERIT, note="", audit=True) -> AwardRecord
    do_revoke_award(actor, award, *, reason, revoked_on=None, expected_version, audit=True)

`subject` is an org.Person or an org.Unit; `decision` is a dict (`number`/`decision_number`,
`date`/`decision_date`/`issued_on`, `issuer`/`decision_issuer`, `level`/`decision_level` in
DecisionLevel, `uid`/`decision_uid`) or an object with those attributes. A title already recorded
by hand from the same decision number (an external decision entered before it was registered)
is linked to the decision's uid instead of being refused as a duplicate.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Iterable

from django.db import transaction

from thidua.audit.log import diff, record, snapshot
from thidua.core.access import ensure
from thidua.core.cas import save_with_version
from thidua.core.errors import ActionError, ConcurrentEditError
from thidua.core.models import normalise_text_fields
from thidua.history.models import (
    AwardKind,
    AwardRecord,
    AwardSource,
    DecisionLevel,
    DisciplinePeriod,
    HistoryPolicy,
    Initiative,
    PendingInvestigation,
    TaskRating,
    WorkKind,
)
from thidua.org.models import Person, Province, Unit
from thidua.rules.catalogue import (
    AWARD_CODES,
    AWARD_NAMES,
    AWARD_SUBJECTS,
    COLLECTIVE,
    DISCIPLINES,
    EMULATION_TITLES,
    INDIVIDUAL,
    RATING_NAMES,
    RATINGS,
    SCOPES,
)

FIRST_YEAR = 1945
AWARD_FIELDS = ["award_kind", "year", "decision_number", "decision_date", "decision_issuer", "decision_level", "note"]
INITIATIVE_FIELDS = ["kind", "year", "title", "recognised_by", "recognised_on", "scope", "recognised"]
DISCIPLINE_FIELDS = ["form", "start_date", "end_date", "decision_number", "note"]


# --------------------------------------------------------------------------- helpers


def subject_kind(subject) -> str:
    if isinstance(subject, Person):
        return INDIVIDUAL
    if isinstance(subject, Unit):
        return COLLECTIVE
    raise ActionError("Đối tượng phải là một cá nhân hoặc một tập thể (đơn vị).")


def _ensure_subject(actor, subject) -> None:
    unit = subject.unit if isinstance(subject, Person) else subject
    ensure(actor, "history.edit", province=subject.province_id, unit=unit)


def _subject_kwargs(subject) -> dict:
    return {"person": subject} if subject_kind(subject) == INDIVIDUAL else {"unit": subject}


def _check_year(year, field: str = "year") -> int:
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise ActionError("Năm phải là một số, ví dụ 2025.", field=field) from None
    last = dt.date.today().year + 1
    if not FIRST_YEAR <= year <= last:
        raise ActionError(f"Năm {year} không hợp lệ: chỉ nhận từ {FIRST_YEAR} đến {last}.", field=field)
    return year


def _check_rating(rating) -> str:
    if rating not in RATINGS:
        raise ActionError("Mức độ hoàn thành nhiệm vụ không hợp lệ.", field="rating")
    return rating


def _check_award_code(code, subject) -> str:
    """Any catalogue entry, coded or manual, national or the subject's province's own (issue #19)."""
    if code in AWARD_CODES:
        subjects, name = AWARD_SUBJECTS[code], AWARD_NAMES[code]
    else:
        from thidua.awards.selectors import recordable_entry

        entry = recordable_entry(code or "", getattr(subject, "province", None))
        if entry is None:
            raise ActionError(f"Không có danh hiệu, hình thức khen thưởng mã “{code}” trong danh mục.", field="award_code")
        subjects, name = tuple(entry.subjects or ()), entry.name
    kind = subject_kind(subject)
    if kind not in subjects:
        who = "cá nhân" if kind == INDIVIDUAL else "tập thể"
        raise ActionError(f"{name} không xét tặng cho {who}.", field="award_code")
    return code


def _decision_fields(decision) -> dict[str, Any]:
    """Decision number/date/issuer/level/uid from a dict or a Decision-like object."""
    if decision is None:
        return {}

    def pick(*names):
        for name in names:
            value = decision.get(name) if isinstance(decision, dict) else getattr(decision, name, None)
            if value not in (None, ""):
                return value
        return None

    fields = {
        "decision_number": pick("number", "decision_number") or "",
        "decision_date": pick("date", "decision_date", "issued_on", "signed_on"),
        "decision_issuer": pick("issuer", "decision_issuer", "signer", "signed_by") or "",
        "decision_level": pick("level", "decision_level") or "",
        "decision_uid": pick("uid", "decision_uid"),
    }
    if fields["decision_level"] and fields["decision_level"] not in DecisionLevel.values:
        fields["decision_level"] = ""
    return fields


def _check_award(award: AwardRecord) -> None:
    normalise_text_fields(award)
    award.year = _check_year(award.year)
    if award.award_kind not in AwardKind.values:
        raise ActionError("Loại hình khen thưởng không hợp lệ.", field="award_kind")
    if award.source not in AwardSource.values:
        raise ActionError("Nguồn của khen thưởng không hợp lệ.", field="source")
    if award.decision_level and award.decision_level not in DecisionLevel.values:
        raise ActionError("Cấp quyết định không hợp lệ.", field="decision_level")
    if award.decision_date and award.decision_date.year < award.year:
        raise ActionError(
            f"Ngày quyết định {award.decision_date:%d/%m/%Y} trước năm thành tích {award.year}.", field="decision_date"
        )
    if award.source in (AwardSource.EXTERNAL, AwardSource.DECISION) and not award.decision_number:
        raise ActionError("Hãy nhập số quyết định khen thưởng.", field="decision_number")
    if award.award_code in EMULATION_TITLES:
        same = AwardRecord.objects.filter(
            award_code=award.award_code, year=award.year, revoked=False, **_subject_kwargs(award.subject)
        ).exclude(pk=award.pk)
        if same.exists():
            raise ActionError(
                f"{award.subject_name} đã có danh hiệu {AWARD_NAMES[award.award_code]} năm {award.year}; "
                "một danh hiệu chỉ được tặng một lần cho một năm.",
                field="year",
            )


# --------------------------------------------------------------------------- task ratings


@transaction.atomic
def do_set_task_rating(actor, subject, year, rating, *, expected_version: int | None = None, note: str = "") -> TaskRating:
    """Record (or, with `expected_version`, change) the task rating of a person or a unit for a year."""
    _ensure_subject(actor, subject)
    year = _check_year(year)
    rating = _check_rating(rating)
    existing = TaskRating.objects.filter(year=year, **_subject_kwargs(subject)).first()
    if existing is None:
        item = TaskRating(
            province_id=subject.province_id, year=year, rating=rating, note=note,
            rated_in_unit=subject.unit if isinstance(subject, Person) else None, **_subject_kwargs(subject),
        )
        normalise_text_fields(item)
        item.save()
        record(actor=actor, action="history.rating.create", obj=item, changes=diff({}, snapshot(item)))
        return item
    if expected_version is None:
        raise ActionError(
            f"Năm {year} đã có kết quả đánh giá ({existing.get_rating_display().lower()}). Hãy sửa kết quả đã có.",
            field="year",
        )
    before = snapshot(existing)
    existing.rating, existing.note = rating, note
    normalise_text_fields(existing)
    changes = diff(before, snapshot(existing))
    save_with_version(existing, expected_version, ["rating", "note"])
    record(actor=actor, action="history.rating.update", obj=existing, changes=changes)
    return existing


@transaction.atomic
def do_record_task_ratings(actor, unit: Unit, year, rows: Iterable) -> int:
    """A unit's year-end ratings of all its staff in one go: rows of (person, rating) or
    {"person", "rating", "note"}. Existing ratings of the year are replaced. Returns the count."""
    ensure(actor, "history.edit", province=unit.province_id, unit=unit)
    year = _check_year(year)
    parsed: list[tuple[Person, str, str]] = []
    problems: list[str] = []
    seen: set[int] = set()
    # Staff of the unit: its people now, and those who held a post there (moved on since, or
    # carried to a successor unit by a merger) — ratings of past years stay with the old unit.
    from thidua.org.models import Position

    former = set(Position.objects.filter(unit=unit).values_list("person_id", flat=True))
    for row in rows:
        person, rating, note = (row["person"], row.get("rating"), row.get("note", "")) if isinstance(row, dict) else (*row, "")[:3]
        if not isinstance(person, Person):
            problems.append("Có dòng không chỉ rõ cá nhân.")
            continue
        if person.unit_id != unit.pk and person.pk not in former:
            problems.append(f"{person.full_name} không thuộc {unit.name}.")
        if person.pk in seen:
            problems.append(f"{person.full_name} có hai kết quả đánh giá năm {year}.")
        seen.add(person.pk)
        if rating not in RATINGS:
            problems.append(f"Mức độ hoàn thành nhiệm vụ của {person.full_name} không hợp lệ.")
        parsed.append((person, rating, note or ""))
    if problems:
        raise ActionError(" ".join(problems[:20]) + (f" (và {len(problems) - 20} lỗi khác)" if len(problems) > 20 else ""))
    if not parsed:
        raise ActionError("Chưa có kết quả đánh giá nào để ghi.")
    existing = {r.person_id: r for r in TaskRating.objects.filter(year=year, person_id__in=seen)}
    new, changed = [], []
    counts = {code: 0 for code in RATINGS}
    for person, rating, note in parsed:
        counts[rating] += 1
        item = existing.get(person.pk)
        if item is None:
            new.append(TaskRating(province_id=person.province_id, person=person, year=year, rating=rating,
                                  rated_in_unit=unit, note=note))
        elif (item.rating, item.rated_in_unit_id, item.note) != (rating, unit.pk, note):
            item.rating, item.rated_in_unit, item.note, item.version = rating, unit, note, item.version + 1
            changed.append(item)
    TaskRating.objects.bulk_create(new, batch_size=500)
    TaskRating.objects.bulk_update(changed, ["rating", "rated_in_unit", "note", "version"], batch_size=500)
    summary = {RATING_NAMES[code]: [None, n] for code, n in counts.items() if n}
    record(
        actor=actor, action="history.rating.unit_year", obj=unit,
        changes={"năm": [None, year], "số cá nhân": [None, len(parsed)], **summary},
        note=f"Kết quả đánh giá năm {year}: {len(new)} mới, {len(changed)} thay đổi",
    )
    return len(parsed)


# --------------------------------------------------------------------------- awards


@transaction.atomic
def do_record_award(
    actor,
    subject,
    award_code: str,
    year,
    *,
    decision=None,
    source: str = AwardSource.DECISION,
    award_kind: str = AwardKind.MERIT,
    note: str = "",
    audit: bool = True,
) -> AwardRecord:
    """Write an award received into the subject's history (the API the proposals app calls).

    `audit=False` only when another action calls this inside its own transaction and its own
    audit row lists the award (a decision with its recipients): one audit row per user action.
    """
    _ensure_subject(actor, subject)
    _check_award_code(award_code, subject)
    fields = _decision_fields(decision)
    award = AwardRecord(
        province_id=subject.province_id,
        award_code=award_code,
        award_kind=award_kind,
        year=year,
        source=source,
        note=note,
        rated_in_unit=subject.unit if isinstance(subject, Person) else None,
        **fields,
        **_subject_kwargs(subject),
    )
    if award.decision_uid and award.decision_number and award_code in EMULATION_TITLES:
        # The same title already recorded by hand from the same decision (an external decision
        # entered before it was registered in the proposals app): link it instead of refusing.
        known = AwardRecord.objects.filter(
            award_code=award_code, year=award.year, revoked=False, decision_uid__isnull=True,
            decision_number=award.decision_number, **_subject_kwargs(subject),
        ).first()
        if known is not None:
            before = snapshot(known)
            known.decision_uid, known.source = award.decision_uid, source
            for name in ("decision_date", "decision_issuer", "decision_level"):
                setattr(known, name, getattr(known, name) or getattr(award, name))
            save_with_version(known, known.version, ["decision_uid", "source", "decision_date", "decision_issuer", "decision_level"])
            if audit:
                record(actor=actor, action="history.award.link", obj=known, changes=diff(before, snapshot(known)))
            return known
    _check_award(award)
    if award.decision_uid and AwardRecord.objects.filter(
        decision_uid=award.decision_uid, award_code=award_code, revoked=False, **_subject_kwargs(subject)
    ).exists():
        raise ActionError(f"Quyết định này đã được ghi vào hồ sơ thành tích của {award.subject_name}.")
    award.save()
    if audit:
        record(actor=actor, action="history.award.create", obj=award, changes=diff({}, snapshot(award)))
    return award


@transaction.atomic
def do_update_award(actor, award: AwardRecord, data: dict[str, Any], *, expected_version: int) -> AwardRecord:
    _ensure_subject(actor, award.subject)
    if award.revoked:
        raise ActionError("Khen thưởng đã bị hủy bỏ, không sửa được nữa.")
    before = snapshot(award)
    for key, value in data.items():
        if key in AWARD_FIELDS:
            setattr(award, key, value if value is not None or key in ("decision_date",) else "")
    _check_award(award)
    changes = diff(before, snapshot(award))
    if changes:
        save_with_version(award, expected_version, AWARD_FIELDS)
        record(actor=actor, action="history.award.update", obj=award, changes=changes)
    elif award.version != expected_version:
        raise ConcurrentEditError()
    return award


@transaction.atomic
def do_revoke_award(
    actor, award: AwardRecord, *, reason: str, revoked_on: dt.date | None = None, expected_version: int, audit: bool = True
) -> AwardRecord:
    """Hủy bỏ: the record stays, marked revoked with its reason and date; it no longer counts.

    `audit=False` as for do_record_award (the revoking decision's own audit row covers it).
    """
    _ensure_subject(actor, award.subject)
    if award.revoked:
        raise ActionError("Khen thưởng này đã bị hủy bỏ trước đó.")
    reason = (reason or "").strip()
    if not reason:
        raise ActionError("Hãy ghi lý do hủy bỏ khen thưởng.", field="reason")
    before = snapshot(award)
    award.revoked, award.revoked_reason, award.revoked_on = True, reason[:500], revoked_on or dt.date.today()
    save_with_version(award, expected_version, ["revoked", "revoked_reason", "revoked_on"])
    Initiative.objects.filter(used_for_award=award).update(used_for_award=None)
    if audit:
        record(actor=actor, action="history.award.revoke", obj=award, changes=diff(before, snapshot(award)), note=reason[:255])
    return award


# --------------------------------------------------------------------------- initiatives


def _check_initiative(item: Initiative) -> None:
    normalise_text_fields(item)
    item.year = _check_year(item.year)
    if not item.title:
        raise ActionError("Hãy nhập tên sáng kiến, đề tài.", field="title")
    if item.scope not in SCOPES:
        raise ActionError("Phạm vi ảnh hưởng không hợp lệ.", field="scope")
    if item.kind not in WorkKind.values:
        raise ActionError("Loại sáng kiến, đề tài không hợp lệ.", field="kind")


def _create_person_record(actor, model, person: Person, data: dict[str, Any], fields, check, action: str):
    """Create one of a person's history records (initiative, discipline period): one audit row."""
    _ensure_subject(actor, person)
    item = model(province_id=person.province_id, person=person, **{k: v for k, v in data.items() if k in fields})
    check(item)
    item.save()
    record(actor=actor, action=action, obj=item, changes=diff({}, snapshot(item)))
    return item


def _update_person_record(actor, item, data: dict[str, Any], fields, check, action: str, expected_version: int):
    """Compare-and-set update of a person's history record: one audit row with old → new."""
    _ensure_subject(actor, item.person)
    before = snapshot(item)
    for key, value in data.items():
        if key in fields:
            setattr(item, key, value)
    check(item)
    changes = diff(before, snapshot(item))
    save_with_version(item, expected_version, fields)
    record(actor=actor, action=action, obj=item, changes=changes)
    return item


@transaction.atomic
def do_record_initiative(actor, person: Person, data: dict[str, Any]) -> Initiative:
    from thidua.initiatives.indexing import attach_history_record

    item = _create_person_record(actor, Initiative, person, data, INITIATIVE_FIELDS, _check_initiative, "history.initiative.create")
    attach_history_record(item)  # the same row is the registry's: unit, sole owner, copy-detection index
    return item


@transaction.atomic
def do_update_initiative(actor, item: Initiative, data: dict[str, Any], *, expected_version: int) -> Initiative:
    from thidua.initiatives.indexing import reindex

    item = _update_person_record(
        actor, item, data, INITIATIVE_FIELDS, _check_initiative, "history.initiative.update", expected_version
    )
    reindex(item)
    return item


@transaction.atomic
def do_use_initiative(actor, item: Initiative, award: AwardRecord | None, *, expected_version: int) -> Initiative:
    """Mark the award an initiative served (one initiative, one use: CV 5007/BNV-TĐKT Mục III.5(c))."""
    _ensure_subject(actor, item.person)
    if award is not None:
        if award.person_id != item.person_id:
            raise ActionError("Sáng kiến chỉ dùng cho khen thưởng của chính tác giả.", field="used_for_award")
        if award.revoked:
            raise ActionError("Khen thưởng đã bị hủy bỏ.", field="used_for_award")
        if item.used_for_award_id and item.used_for_award_id != award.pk:
            raise ActionError(
                f"Sáng kiến “{item.title}” đã được dùng để xét {item.used_for_award}; mỗi sáng kiến chỉ được dùng "
                "một lần làm căn cứ khen thưởng (Công văn 5007/BNV-TĐKT, Mục III.5(c)).",
                field="used_for_award",
            )
    before = snapshot(item)
    item.used_for_award = award
    save_with_version(item, expected_version, ["used_for_award"])
    record(actor=actor, action="history.initiative.use", obj=item, changes=diff(before, snapshot(item)))
    return item


# --------------------------------------------------------------------------- discipline, investigations


def _check_discipline(item: DisciplinePeriod) -> None:
    normalise_text_fields(item)
    if item.form not in DISCIPLINES:
        raise ActionError("Hình thức kỷ luật không hợp lệ.", field="form")
    if item.start_date is None:
        raise ActionError("Hãy nhập ngày bắt đầu thời hạn kỷ luật.", field="start_date")
    if item.end_date and item.end_date < item.start_date:
        raise ActionError("Ngày kết thúc không được trước ngày bắt đầu.", field="end_date")


@transaction.atomic
def do_record_discipline(actor, person: Person, data: dict[str, Any]) -> DisciplinePeriod:
    return _create_person_record(actor, DisciplinePeriod, person, data, DISCIPLINE_FIELDS, _check_discipline, "history.discipline.create")


@transaction.atomic
def do_update_discipline(actor, item: DisciplinePeriod, data: dict[str, Any], *, expected_version: int) -> DisciplinePeriod:
    return _update_person_record(
        actor, item, data, DISCIPLINE_FIELDS, _check_discipline, "history.discipline.update", expected_version
    )


@transaction.atomic
def do_record_investigation(actor, person: Person, *, opened_on: dt.date, note: str = "") -> PendingInvestigation:
    _ensure_subject(actor, person)
    if opened_on is None:
        raise ActionError("Hãy nhập ngày bắt đầu xem xét.", field="opened_on")
    item = PendingInvestigation(province_id=person.province_id, person=person, opened_on=opened_on, note=note)
    normalise_text_fields(item)
    item.save()
    record(actor=actor, action="history.investigation.create", obj=item, changes=diff({}, snapshot(item)))
    return item


@transaction.atomic
def do_close_investigation(actor, item: PendingInvestigation, *, closed_on: dt.date, expected_version: int, note: str = "") -> PendingInvestigation:
    """Record the conclusion: from then on the case is no longer on hold."""
    _ensure_subject(actor, item.person)
    if item.closed_on:
        raise ActionError("Việc xem xét này đã có kết luận.")
    if closed_on is None or closed_on < item.opened_on:
        raise ActionError("Ngày có kết luận phải từ ngày bắt đầu xem xét trở về sau.", field="closed_on")
    before = snapshot(item)
    item.closed_on = closed_on
    if note:
        item.note = f"{item.note}; {note}".strip("; ")[:255]
    save_with_version(item, expected_version, ["closed_on", "note"])
    record(actor=actor, action="history.investigation.close", obj=item, changes=diff(before, snapshot(item)))
    return item


DELETABLE = {TaskRating: "history.rating.delete", Initiative: "history.initiative.delete",
             DisciplinePeriod: "history.discipline.delete", PendingInvestigation: "history.investigation.delete"}


@transaction.atomic
def do_delete_record(actor, item, *, expected_version: int) -> None:
    """Remove a wrongly entered rating, initiative, discipline period or investigation (awards are revoked instead)."""
    action = DELETABLE.get(type(item))
    if action is None:
        raise ActionError("Khen thưởng đã ghi không xóa được; hãy hủy bỏ kèm lý do.")
    subject = item.person if item.person_id else item.unit
    _ensure_subject(actor, subject)
    if isinstance(item, Initiative) and type(item).objects.filter(pk=item.pk, version=expected_version).exists():
        from thidua.initiatives.indexing import unindex

        unindex(item)  # its postings leave the copy-detection frequencies (the rows go with the cascade)
    deleted, _ = type(item).objects.filter(pk=item.pk, version=expected_version).delete()
    if not deleted:
        raise ConcurrentEditError()
    record(actor=actor, action=action, obj=item, changes=diff(snapshot(item), {}))


# --------------------------------------------------------------------------- policy


@transaction.atomic
def do_set_history_policy(actor, province: Province, *, inherit_across_merger: bool, basis: str = "") -> HistoryPolicy:
    """Province policy: does a merged unit inherit its predecessors' collective history (streaks)?"""
    ensure(actor, "rules.override", province=province)
    basis = (basis or "").strip()
    if inherit_across_merger and not basis:
        raise ActionError("Hãy ghi căn cứ (văn bản của tỉnh) khi cho tính thành tích của đơn vị trước sắp xếp.", field="basis")
    policy, _ = HistoryPolicy.objects.get_or_create(province=province)
    before = snapshot(policy)
    policy.inherit_across_merger, policy.basis = bool(inherit_across_merger), basis[:255]
    policy.version += 1
    policy.save()
    record(actor=actor, action="history.policy.update", obj=policy, changes=diff(before, snapshot(policy)))
    return policy
