"""Writes of the scoring app: permission first, one transaction, compare-and-set, one audit row.

- A criteria set in use is frozen: its criteria change only through a new version (copy).
- A sheet's `version` guards every save: two people who loaded the same version cannot both save;
  the second is told "đã có người sửa" and nothing of theirs is written.
- After a sheet has been submitted once, every change of points at any level needs a reason and
  is kept as a ScoreChange (old → new).
- The sheet's states follow the pure table thidua.rules.scoring.SHEET_TRANSITIONS.
- A published round is frozen: nothing of it changes any more.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Iterable, Mapping

from django.db import IntegrityError, connection, transaction
from django.db.models import F, Max
from django.utils import timezone

from thidua.audit.log import diff, record, snapshot
from thidua.blocs.models import BlocYear, Meeting
from thidua.core.access import ensure
from thidua.core.cas import save_with_version
from thidua.core.crashpoints import crashpoint
from thidua.core.errors import ActionError, ConcurrentEditError, NotPermitted
from thidua.notifications import events as notify
from thidua.core.files import store_upload
from thidua.core.models import normalise_text_fields
from thidua.org.models import Province, Unit
from thidua.rules import scoring as core
from thidua.rules.workflows import TransitionRefused
from thidua.scoring.models import (
    CriteriaSet,
    Criterion,
    CriterionKind,
    CrossCheckAssignment,
    LeaderConfirmation,
    RoundState,
    Score,
    ScoreChange,
    ScoreEvidence,
    ScoreLevel,
    ScoreSheet,
    ScoringRound,
    SetState,
    SheetEvent,
    SheetState,
)
from thidua.scoring.selectors import (
    criterion_specs,
    derived_values,
    effective_points_by_code,
    round_ranking,
    set_plans,
    sheet_derived,
    sheet_roles,
)

FROZEN_SET = "Bảng tiêu chí đang được sử dụng, hãy tạo phiên bản mới."
SHEET_CONFLICT = (
    "Phiếu chấm điểm đã có người sửa trong lúc bạn đang nhập. Điểm bạn vừa nhập chưa được lưu: "
    "hãy tải lại phiếu, xem thay đổi của người kia rồi nhập lại."
)
ROUND_CONFLICT = "Đợt chấm điểm đã có người thay đổi trong lúc bạn đang thao tác. Hãy tải lại trang để xem tình trạng mới."
SET_CONFLICT = "Bảng tiêu chí đã có người sửa trong lúc bạn đang sửa. Hãy tải lại trang, xem thay đổi rồi nhập lại."
ROUND_FROZEN = "Kết quả chấm điểm đã công bố: mọi số liệu của đợt chấm điểm đã chốt, không thay đổi được nữa."
MAX_EVIDENCE_BYTES = 20 * 1024 * 1024
EVIDENCE_EXTENSIONS = (".pdf", ".doc", ".docx", ".odt", ".xls", ".xlsx", ".ods", ".jpg", ".jpeg", ".png", ".zip")
SET_FIELDS = ["name", "bands", "tie_breakers", "results_visible_before_publish", "note"]
CRITERION_FIELDS = ["code", "title", "kind", "max_points", "evidence_required", "guidance", "position", "parent"]
LEVEL_FIELDS = {
    ScoreLevel.SELF: ("self_points", "self_note"),
    ScoreLevel.CROSS: ("cross_points", "cross_note"),
    ScoreLevel.PANEL: ("final_points", "final_note"),
}
LEVEL_ACTION = {ScoreLevel.SELF: "scoring.self", ScoreLevel.CROSS: "scoring.review", ScoreLevel.PANEL: "scoring.review"}
EVENT_ACTION = {"submit": "scoring.self", "cross_check": "scoring.review", "appraise": "scoring.review", "return": "scoring.review", "publish": "scoring.publish"}


def _ensure_criteria_right(actor, *, province, bloc) -> None:
    if bloc is not None:
        ensure(actor, "scoring.criteria", province=province, bloc=bloc)
    else:
        ensure(actor, "scoring.criteria", province=province)


def _fmt(value) -> str:
    return core.fmt(value) if value is not None else "trống"


def _problems(problems: list[str], prefix: str = "Bảng tiêu chí chưa hợp lệ") -> ActionError:
    shown = problems[:5]
    more = f" (và {len(problems) - 5} lỗi khác)" if len(problems) > 5 else ""
    return ActionError(f"{prefix}: " + " ".join(shown) + more, errors={"__all__": problems})


# ---------------------------------------------------------------- criteria sets


def _clean_bands(value) -> list[dict]:
    if not value:
        return []
    bands = []
    for item in value:
        if isinstance(item, core.Band):
            bands.append(item)
            continue
        try:
            bands.append(core.Band(str(item["code"]), str(item["label"]), Decimal(str(item["min_total"]))))
        except Exception:  # noqa: BLE001 — any malformed entry is a user error
            raise ActionError("Mức xếp loại không hợp lệ: mỗi mức cần mã, tên và điểm tối thiểu.", field="bands") from None
    problems = core.validate_bands(bands)
    if problems:
        raise ActionError(" ".join(problems), field="bands")
    return core.bands_to_json(bands)


def _clean_tie_breakers(value) -> list[str]:
    result = []
    for code in value or []:
        if not code:
            continue
        if code not in core.TIE_BREAKERS:
            raise ActionError("Tiêu chí phân định khi bằng điểm không hợp lệ.", field="tie_breakers")
        if code not in result:
            result.append(code)
    return result


def _check_set(criteria_set: CriteriaSet) -> None:
    normalise_text_fields(criteria_set)
    if not criteria_set.name:
        raise ActionError("Tên bảng tiêu chí không được để trống.", field="name")
    if not criteria_set.year or not 1990 <= int(criteria_set.year) <= 2100:
        raise ActionError("Năm của bảng tiêu chí không hợp lệ.", field="year")
    criteria_set.bands = _clean_bands(criteria_set.bands)
    criteria_set.tie_breakers = _clean_tie_breakers(criteria_set.tie_breakers)
    if criteria_set.bloc_id and criteria_set.bloc.province_id not in Province.objects.get(pk=criteria_set.province_id).lineage_ids():
        raise ActionError("Khối, cụm phải thuộc cùng tỉnh với bảng tiêu chí.", field="bloc")


def _save_new_set(criteria_set: CriteriaSet) -> None:
    criteria_set.version_no = _next_version_no(criteria_set.province_id, criteria_set.bloc_id, criteria_set.year)
    try:
        with transaction.atomic():
            criteria_set.save()
    except IntegrityError:
        raise ConcurrentEditError("Vừa có người lập một phiên bản bảng tiêu chí khác cho khối và năm này. Hãy tải lại trang rồi thử lại.") from None


def _next_version_no(province_id, bloc_id, year) -> int:
    top = CriteriaSet.objects.filter(province_id=province_id, bloc_id=bloc_id, year=year).aggregate(m=Max("version_no"))["m"]
    return (top or 0) + 1


@transaction.atomic
def do_create_criteria_set(*, actor, province: Province, data: Mapping[str, Any]) -> CriteriaSet:
    """A new, empty criteria set (version 1, or the next version of the block's set for the year)."""
    _ensure_criteria_right(actor, province=province, bloc=data.get("bloc"))
    criteria_set = CriteriaSet(
        province=province, bloc=data.get("bloc"), year=data.get("year"), name=data.get("name") or "",
        bands=data.get("bands") or [], tie_breakers=data.get("tie_breakers") or [],
        results_visible_before_publish=bool(data.get("results_visible_before_publish")), note=data.get("note") or "",
    )
    _check_set(criteria_set)
    _save_new_set(criteria_set)
    record(actor=actor, action="scoring.set.create", obj=criteria_set, changes=diff({}, snapshot(criteria_set)))
    return criteria_set


@transaction.atomic
def do_update_criteria_set(*, actor, criteria_set: CriteriaSet, data: Mapping[str, Any], expected_version: int) -> CriteriaSet:
    _ensure_criteria_right(actor, province=criteria_set.province_id, bloc=criteria_set.bloc_id)
    if criteria_set.state == SetState.IN_USE:
        raise ActionError(FROZEN_SET)
    before = snapshot(criteria_set)
    for key in SET_FIELDS:
        if key in data:
            setattr(criteria_set, key, data[key])
    _check_set(criteria_set)
    changes = diff(before, snapshot(criteria_set))
    if changes:
        updated = CriteriaSet.objects.filter(pk=criteria_set.pk, state=SetState.DRAFT, version=expected_version).update(
            **{k: getattr(criteria_set, k) for k in SET_FIELDS}, version=F("version") + 1, updated_at=timezone.now()
        )
        if updated != 1:
            raise ConcurrentEditError(SET_CONFLICT)
        criteria_set.version = expected_version + 1
        record(actor=actor, action="scoring.set.update", obj=criteria_set, changes=changes)
    return criteria_set


def _claim_draft_set(criteria_set: CriteriaSet, expected_version: int | None = None) -> None:
    """Bump the set's version if it is still a draft (and at `expected_version`): a criterion edit
    racing the opening of a round loses cleanly instead of changing a frozen set."""
    qs = CriteriaSet.objects.filter(pk=criteria_set.pk, state=SetState.DRAFT)
    if expected_version is not None:
        qs = qs.filter(version=expected_version)
    if qs.update(version=F("version") + 1, updated_at=timezone.now()) != 1:
        current = CriteriaSet.objects.filter(pk=criteria_set.pk).values_list("state", flat=True).first()
        if current == SetState.IN_USE:
            raise ActionError(FROZEN_SET)
        raise ConcurrentEditError(SET_CONFLICT)
    criteria_set.version = (expected_version if expected_version is not None else criteria_set.version) + 1


def _validate_set_criteria(criteria_set: CriteriaSet, changed: Criterion) -> None:
    """Check the whole set as it would be with `changed` saved (before anything is written)."""
    others = [c for c in Criterion.objects.filter(criteria_set=criteria_set) if c.pk != changed.pk]
    code_of = {c.pk: c.code for c in others}
    if changed.pk:
        code_of[changed.pk] = changed.code  # its children follow it under its new code
    specs = [
        core.CriterionSpec(c.code, c.title, c.kind, c.max_points, code_of.get(c.parent_id), c.evidence_required)
        for c in others
    ]
    specs.append(
        core.CriterionSpec(
            changed.code, changed.title, changed.kind, changed.max_points,
            changed.parent.code if changed.parent_id else None, changed.evidence_required,
        )
    )
    problems = core.validate_criteria(specs)
    if problems:
        raise _problems(problems, "Chưa lưu được tiêu chí")


def _criterion_from(data: Mapping[str, Any], criterion: Criterion) -> None:
    criteria_set = criterion.criteria_set
    for key in CRITERION_FIELDS:
        if key == "parent":
            continue
        if key in data:
            setattr(criterion, key, data[key])
    if "parent" in data or "parent_code" in data:
        parent = data.get("parent")
        if parent is None and data.get("parent_code"):
            parent = Criterion.objects.filter(criteria_set=criteria_set, code=str(data["parent_code"]).strip()).first()
            if parent is None:
                raise ActionError(f"Nhóm cha “{data['parent_code']}” không có trong bảng tiêu chí.", field="parent")
        if parent is not None and parent.criteria_set_id != criteria_set.pk:
            raise ActionError("Nhóm cha phải thuộc cùng bảng tiêu chí.", field="parent")
        if parent is not None and criterion.pk and parent.pk == criterion.pk:
            raise ActionError("Tiêu chí không thể là nhóm cha của chính nó.", field="parent")
        criterion.parent = parent
    normalise_text_fields(criterion)
    criterion.code = (criterion.code or "").strip()
    if not criterion.code:
        raise ActionError("Hãy nhập số thứ tự (mã) của tiêu chí.", field="code")
    if not criterion.title:
        raise ActionError("Nội dung tiêu chí không được để trống.", field="title")
    if criterion.kind not in CriterionKind.values:
        raise ActionError("Loại tiêu chí không hợp lệ.", field="kind")
    if criterion.max_points not in (None, ""):
        value, error = core.parse_points(criterion.max_points)
        if error:
            raise ActionError(f"Điểm tối đa: {error}", field="max_points")
        criterion.max_points = value
    else:
        criterion.max_points = None
    if Criterion.objects.filter(criteria_set=criteria_set, code=criterion.code).exclude(pk=criterion.pk).exists():
        raise ActionError(f"Mã tiêu chí “{criterion.code}” đã có trong bảng: mỗi mã chỉ được dùng một lần.", field="code")


@transaction.atomic
def do_add_criterion(*, actor, criteria_set: CriteriaSet, data: Mapping[str, Any]) -> Criterion:
    _ensure_criteria_right(actor, province=criteria_set.province_id, bloc=criteria_set.bloc_id)
    if criteria_set.state == SetState.IN_USE:
        raise ActionError(FROZEN_SET)
    _claim_draft_set(criteria_set)
    criterion = Criterion(province_id=criteria_set.province_id, criteria_set=criteria_set, kind=CriterionKind.SCORE)
    _criterion_from(data, criterion)
    if "position" not in data:
        top = Criterion.objects.filter(criteria_set=criteria_set).aggregate(m=Max("position"))["m"]
        criterion.position = (top or 0) + 1
    _validate_set_criteria(criteria_set, criterion)
    criterion.save()
    record(actor=actor, action="scoring.criterion.create", obj=criterion, province=criteria_set.province, changes=diff({}, snapshot(criterion)))
    return criterion


@transaction.atomic
def do_update_criterion(*, actor, criterion: Criterion, data: Mapping[str, Any], expected_version: int) -> Criterion:
    criteria_set = criterion.criteria_set
    _ensure_criteria_right(actor, province=criteria_set.province_id, bloc=criteria_set.bloc_id)
    if criteria_set.state == SetState.IN_USE:
        raise ActionError(FROZEN_SET)
    _claim_draft_set(criteria_set)
    before = snapshot(criterion)
    _criterion_from(data, criterion)
    changes = diff(before, snapshot(criterion))
    if changes:
        _validate_set_criteria(criteria_set, criterion)
        save_with_version(criterion, expected_version, list(CRITERION_FIELDS))
        record(actor=actor, action="scoring.criterion.update", obj=criterion, changes=changes)
    return criterion


@transaction.atomic
def do_remove_criterion(*, actor, criterion: Criterion, expected_version: int) -> None:
    """Remove a criterion (a group with everything under it) from a draft set."""
    criteria_set = criterion.criteria_set
    _ensure_criteria_right(actor, province=criteria_set.province_id, bloc=criteria_set.bloc_id)
    if criteria_set.state == SetState.IN_USE:
        raise ActionError(FROZEN_SET)
    _claim_draft_set(criteria_set)
    if Criterion.objects.filter(pk=criterion.pk, version=expected_version).count() != 1:
        raise ConcurrentEditError(SET_CONFLICT)
    label = str(criterion)
    removed = list(_descendant_codes(criterion))
    Criterion.objects.filter(pk=criterion.pk).delete()
    record(
        actor=actor, action="scoring.criterion.delete", obj=criteria_set, object_type="scoring.criterion", object_repr=label,
        changes={"criteria": [removed, None]},
    )


def _descendant_codes(criterion: Criterion) -> Iterable[str]:
    yield criterion.code
    for child in criterion.children.all():
        yield from _descendant_codes(child)


def _copy_criteria(source: CriteriaSet, target: CriteriaSet) -> int:
    criteria = list(Criterion.objects.filter(criteria_set=source).order_by("position", "pk"))
    new_of: dict[int, Criterion] = {}
    pending = criteria
    # Parents first (a parent may come after its child by position).
    while pending:
        rest = []
        for c in pending:
            if c.parent_id is not None and c.parent_id not in new_of:
                rest.append(c)
                continue
            new_of[c.pk] = Criterion.objects.create(
                province_id=target.province_id, criteria_set=target, parent=new_of.get(c.parent_id), code=c.code, title=c.title,
                kind=c.kind, max_points=c.max_points, evidence_required=c.evidence_required, guidance=c.guidance, position=c.position,
            )
        if len(rest) == len(pending):
            raise ActionError("Bảng tiêu chí nguồn có tiêu chí lồng vòng, không sao chép được.")
        pending = rest
    return len(new_of)


@transaction.atomic
def do_copy_criteria_set(*, actor, source: CriteriaSet, bloc=None, year: int | None = None, name: str | None = None, same_bloc: bool = True) -> CriteriaSet:
    """Copy `source` (last year's set, a province template, or a set in use) into a new draft:
    the next version for the same block and year, or a set for another block/year."""
    target_bloc = source.bloc if (bloc is None and same_bloc) else bloc
    _ensure_criteria_right(actor, province=source.province_id, bloc=target_bloc)
    copy = CriteriaSet(
        province_id=source.province_id, bloc=target_bloc, year=year or source.year, name=(name or source.name),
        based_on=source, bands=list(source.bands or []), tie_breakers=list(source.tie_breakers or []),
        results_visible_before_publish=source.results_visible_before_publish, note=source.note,
    )
    _check_set(copy)
    _save_new_set(copy)
    count = _copy_criteria(source, copy)
    record(
        actor=actor, action="scoring.set.copy", obj=copy, changes=diff({}, snapshot(copy)),
        note=f"Sao chép {count} tiêu chí từ “{source}”.",
    )
    return copy


@transaction.atomic
def do_import_criteria_set(*, actor, criteria_set: CriteriaSet, specs: list[core.CriterionSpec], expected_version: int) -> CriteriaSet:
    """Replace every criterion of a draft set by `specs` (read from Excel by thidua.scoring.excel):
    all or nothing."""
    _ensure_criteria_right(actor, province=criteria_set.province_id, bloc=criteria_set.bloc_id)
    if criteria_set.state == SetState.IN_USE:
        raise ActionError(FROZEN_SET)
    problems = core.validate_criteria(list(specs), complete=True)
    if problems:
        raise _problems(problems, "Không nhập được bảng tiêu chí")
    _claim_draft_set(criteria_set, expected_version)
    before = sorted(Criterion.objects.filter(criteria_set=criteria_set).values_list("code", flat=True))
    Criterion.objects.filter(criteria_set=criteria_set, parent__isnull=False).delete()
    Criterion.objects.filter(criteria_set=criteria_set).delete()
    by_code: dict[str, Criterion] = {}
    pending = list(specs)
    position = 0
    while pending:
        rest = []
        for spec in pending:
            if spec.parent_code and spec.parent_code not in by_code:
                rest.append(spec)
                continue
            position += 1
            criterion = Criterion(
                province_id=criteria_set.province_id, criteria_set=criteria_set, parent=by_code.get(spec.parent_code) if spec.parent_code else None,
                code=spec.code.strip(), title=spec.title, kind=spec.kind, max_points=spec.max_points,
                evidence_required=spec.evidence_required, guidance=getattr(spec, "guidance", "") or "", position=position,
            )
            normalise_text_fields(criterion)
            criterion.save()
            by_code[criterion.code] = criterion
        pending = rest if len(rest) < len(pending) else []
    record(
        actor=actor, action="scoring.set.import", obj=criteria_set,
        changes={"criteria": [before, sorted(by_code)]}, note=f"Nhập {len(by_code)} tiêu chí từ Excel.",
    )
    return criteria_set


# ---------------------------------------------------------------- rounds


def _round_open(round_: ScoringRound) -> None:
    if round_.state != RoundState.OPEN:
        raise ActionError(ROUND_FROZEN)


@transaction.atomic
def do_open_round(
    *, actor, bloc_year: BlocYear, criteria_set: CriteriaSet, quota: int | None = None,
    results_visible_before_publish: bool | None = None, note: str = "",
) -> ScoringRound:
    """Open the block year's scoring: the set becomes IN_USE (frozen) and every current member
    gets a draft sheet with one empty score per criterion."""
    ensure(actor, "scoring.criteria", province=bloc_year.province_id, bloc=bloc_year.bloc_id)
    if ScoringRound.objects.filter(bloc_year=bloc_year).exists():
        raise ActionError(f"{bloc_year} đã có đợt chấm điểm.")
    if criteria_set.bloc_id not in (None, bloc_year.bloc_id):
        raise ActionError("Bảng tiêu chí này thuộc khối khác.", field="criteria_set")
    if criteria_set.province_id not in Province.objects.get(pk=bloc_year.province_id).lineage_ids():
        raise ActionError("Bảng tiêu chí phải thuộc cùng tỉnh với khối.", field="criteria_set")
    if quota is not None and quota < 0:
        raise ActionError("Số đơn vị được đề nghị không được âm.", field="quota")
    criteria = list(Criterion.objects.filter(criteria_set=criteria_set))
    problems = core.validate_criteria(criterion_specs(criteria), complete=True)
    if problems:
        raise _problems(problems, "Bảng tiêu chí chưa dùng được")
    members = list(bloc_year.memberships.filter(left_on__isnull=True).select_related("unit"))
    if not members:
        raise ActionError(f"{bloc_year} chưa có đơn vị thành viên nào.")
    # Freeze the set (a criterion edit racing this loses: it updates only a DRAFT set).
    CriteriaSet.objects.filter(pk=criteria_set.pk, state=SetState.DRAFT).update(
        state=SetState.IN_USE, version=F("version") + 1, updated_at=timezone.now()
    )
    criteria_set.refresh_from_db()
    try:
        with transaction.atomic():
            round_ = ScoringRound.objects.create(
                province_id=bloc_year.province_id, bloc_year=bloc_year, criteria_set=criteria_set, quota=quota,
                results_visible_before_publish=results_visible_before_publish, opened_at=timezone.now(), note=(note or "").strip(),
            )
    except IntegrityError:
        raise ConcurrentEditError(f"{bloc_year} vừa được người khác mở đợt chấm điểm. Hãy tải lại trang.") from None
    empty = derived_values(set_plans([criteria_set])[criteria_set.pk], {})  # no points yet
    sheets = ScoreSheet.objects.bulk_create(
        [ScoreSheet(province_id=round_.province_id, round=round_, unit=m.unit, **empty) for m in members]
    )
    items = [c for c in criteria if c.kind != CriterionKind.GROUP]
    Score.objects.bulk_create(
        [Score(province_id=round_.province_id, sheet=sheet, criterion=c) for sheet in sheets for c in items], batch_size=2000
    )
    record(
        actor=actor, action="scoring.round.open", obj=round_,
        changes={"criteria_set": [None, str(criteria_set)], "sheets": [None, len(sheets)], "quota": [None, quota]},
    )
    return round_


@transaction.atomic
def do_update_round(*, actor, round: ScoringRound, data: Mapping[str, Any], expected_version: int) -> ScoringRound:
    """Quota, visibility and note of an open round."""
    round_ = round
    ensure(actor, "scoring.criteria", province=round_.province_id, bloc=round_.bloc_year.bloc_id)
    _round_open(round_)
    before = snapshot(round_, ["quota", "results_visible_before_publish", "note"])
    for key in ("quota", "results_visible_before_publish", "note"):
        if key in data:
            setattr(round_, key, data[key])
    if round_.quota is not None and round_.quota < 0:
        raise ActionError("Số đơn vị được đề nghị không được âm.", field="quota")
    round_.note = (round_.note or "").strip()
    changes = diff(before, snapshot(round_, ["quota", "results_visible_before_publish", "note"]))
    if changes:
        save_with_version(round_, expected_version, ["quota", "results_visible_before_publish", "note"])
        record(actor=actor, action="scoring.round.update", obj=round_, changes=changes)
    return round_


@transaction.atomic
def do_assign_cross_check(*, actor, round: ScoringRound, sheet: ScoreSheet, reviewer_units: Iterable[Unit]) -> list[CrossCheckAssignment]:
    """Set the peer units that cross-check `sheet` (replaces the previous assignment)."""
    round_ = round
    ensure(actor, "scoring.criteria", province=round_.province_id, bloc=round_.bloc_year.bloc_id)
    _round_open(round_)
    if sheet.round_id != round_.pk:
        raise ActionError("Phiếu chấm điểm không thuộc đợt chấm điểm này.")
    units = list(dict.fromkeys(reviewer_units))
    member_ids = set(round_.bloc_year.memberships.filter(left_on__isnull=True).values_list("unit_id", flat=True))
    for unit in units:
        if unit.pk == sheet.unit_id:
            raise ActionError(f"{unit.name} không tự chấm chéo phiếu của chính mình.", field="reviewer_units")
        if unit.pk not in member_ids:
            raise ActionError(f"{unit.name} không phải thành viên của {round_.bloc_year}.", field="reviewer_units")
    before = sorted(CrossCheckAssignment.objects.filter(sheet=sheet).values_list("reviewer_unit__name", flat=True))
    CrossCheckAssignment.objects.filter(sheet=sheet).delete()
    created = CrossCheckAssignment.objects.bulk_create(
        [CrossCheckAssignment(province_id=round_.province_id, round=round_, sheet=sheet, reviewer_unit=u) for u in units]
    )
    after = sorted(u.name for u in units)
    record(
        actor=actor, action="scoring.round.assign", obj=sheet, province=round_.province,
        changes={"reviewer_units": [before, after]} if before != after else {},
    )
    return created


# ---------------------------------------------------------------- sheets


def _claim_sheet(sheet: ScoreSheet, expected_version: int, **values) -> None:
    """Compare-and-set on the sheet (state and version); the second of two savers loses."""
    updated = ScoreSheet.objects.filter(pk=sheet.pk, state=sheet.state, version=expected_version).update(
        version=F("version") + 1, updated_at=timezone.now(), **values
    )
    if updated != 1:
        raise ConcurrentEditError(SHEET_CONFLICT)
    sheet.version = expected_version + 1
    for key, value in values.items():
        setattr(sheet, key, value)


def _ensure_level(actor, sheet: ScoreSheet, level: str) -> None:
    if level not in LEVEL_FIELDS:
        raise ActionError("Cấp chấm điểm không hợp lệ.")
    if level == ScoreLevel.SELF:
        ensure(actor, "scoring.self", unit=sheet.unit)
    else:
        ensure(actor, "scoring.review")
    _round_open(sheet.round)
    expected = core.SHEET_SCORE_LEVEL.get(sheet.state)
    if sheet.state in core.SHEET_FROZEN:
        raise ActionError(ROUND_FROZEN)
    if expected is None or expected[1] != level:
        who = core.SHEET_ROLES[expected[0]] if expected else "không ai"
        raise ActionError(
            f"Phiếu đang ở trạng thái “{core.SHEET_STATES[sheet.state]}”: lúc này chỉ {who} được nhập điểm."
        )
    if expected[0] not in sheet_roles(actor, sheet):
        raise NotPermitted(f"Bạn không phải {core.SHEET_ROLES[expected[0]]} của phiếu này.")


def _values(entry) -> tuple[Any, Any, bool]:
    """(points, note, points_given) from {code: (points, note)} or {code: points}."""
    if isinstance(entry, (tuple, list)):
        points = entry[0] if len(entry) > 0 else None
        note = entry[1] if len(entry) > 1 else None
        return points, note, True
    if isinstance(entry, dict):
        return entry.get("points"), entry.get("note"), "points" in entry
    return entry, None, True


def _apply_scores(
    actor, sheet: ScoreSheet, level: str, values: Mapping[str, Any], reasons: Mapping[str, str] | None, expected_version: int,
) -> dict:
    """Validate `values` at `level`, claim the sheet's version, then write; returns the audit
    changes. Every refusal comes before anything is written (the caller's sheet is untouched)."""
    reasons = reasons or {}
    criteria = list(Criterion.objects.filter(criteria_set_id=sheet.round.criteria_set_id))
    by_code = {c.code: c for c in criteria}
    specs = {s.code: s for s in criterion_specs(criteria)}
    scores = {s.criterion_id: s for s in Score.objects.filter(sheet=sheet)}
    points_field, note_field = LEVEL_FIELDS[level]
    after_submission = sheet.submitted_at is not None
    errors: dict[str, list[str]] = {}
    touched: list[Score] = []
    changes: list[ScoreChange] = []
    audit: dict[str, list] = {}
    for code, entry in values.items():
        code = str(code).strip()
        criterion = by_code.get(code)
        if criterion is None:
            errors.setdefault(code, []).append(f"Mã tiêu chí “{code}” không có trong bảng tiêu chí.")
            continue
        raw, note, given = _values(entry)
        value, error = core.check_score(specs[code], raw)
        if error:
            errors.setdefault(code, []).append(error)
            continue
        if criterion.kind == CriterionKind.GROUP:
            continue
        score = scores.get(criterion.pk) or Score(province_id=sheet.province_id, sheet=sheet, criterion=criterion)
        dirty = False
        if given:
            old_seen = _seen(score, level)
            if value != getattr(score, points_field):
                setattr(score, points_field, value)
                new_seen = _seen(score, level)
                if new_seen != old_seen:
                    if after_submission:
                        reason = (reasons.get(code) or "").strip()
                        if not reason:
                            errors.setdefault(code, []).append(
                                f"Tiêu chí {code}: hãy ghi lý do sửa điểm ({_fmt(old_seen)} → {_fmt(new_seen)})."
                            )
                            continue
                        changes.append(ScoreChange(
                            province_id=sheet.province_id, sheet=sheet, criterion=criterion, level=level,
                            old_points=old_seen, new_points=new_seen, reason=reason, changed_by=_user(actor),
                        ))
                    audit[code] = [_fmt(old_seen), _fmt(new_seen)]
                dirty = True
        if note is not None:
            note = " ".join(str(note).split()) if "\n" not in str(note) else str(note).strip()
            if note != getattr(score, note_field):
                setattr(score, note_field, note)
                audit.setdefault(f"{code} (ghi chú)", [None, note])
                dirty = True
        if dirty:
            touched.append(score)
            scores[criterion.pk] = score
    if errors:
        flat = [m for messages in errors.values() for m in messages]
        more = f" (và {len(flat) - 3} lỗi khác)" if len(flat) > 3 else ""
        raise ActionError("Chưa lưu được điểm: " + " ".join(flat[:3]) + more, errors=errors)
    # The sheet's derived sums (ScoreSheet.derived_fields) go in the same UPDATE as its version.
    code_of = {c.pk: c.code for c in criteria}
    derived = sheet_derived(sheet, {code_of[cid]: s.effective_points for cid, s in scores.items() if cid in code_of})
    _claim_sheet(sheet, expected_version, **derived)
    existing = [s for s in touched if s.pk]
    if existing:
        Score.objects.bulk_update(existing, [points_field, note_field])
    new = [s for s in touched if not s.pk]
    if new:
        Score.objects.bulk_create(new)
    if changes:
        ScoreChange.objects.bulk_create(changes)
    return audit


def recompute_sheet_sums(sheet_ids: Iterable[int], *, batch: int = 500) -> int:
    """Recompute the derived fields of sheets (ScoreSheet.derived_fields: total, bucket sums,
    filled items) from their Score rows, for points written outside the actions (a bulk load, a
    repair). Not an action of a person: no audit row, the sheets' versions do not change.
    Returns the number of sheets written."""
    ids = sorted(set(sheet_ids))
    done = 0
    for start in range(0, len(ids), batch):
        with transaction.atomic():
            sheets = list(ScoreSheet.objects.filter(pk__in=ids[start:start + batch]).select_related("round__criteria_set"))
            plans = set_plans({s.round.criteria_set_id: s.round.criteria_set for s in sheets}.values())
            rows: dict[int, list[tuple]] = {s.pk: [] for s in sheets}
            for sheet_id, *row in Score.objects.filter(sheet_id__in=list(rows)).values_list(
                "sheet_id", "criterion_id", "self_points", "cross_points", "final_points"
            ).order_by():
                rows[sheet_id].append(row)
            # One UPDATE per sheet, sent together (bulk_update's CASE costs more than the sums).
            fields = [ScoreSheet._meta.get_field(name) for name in ScoreSheet.derived_fields]
            params = []
            for sheet in sheets:
                set_plan = plans[sheet.round.criteria_set_id]
                derived = derived_values(set_plan, effective_points_by_code(set_plan, rows[sheet.pk]))
                params.append([f.get_db_prep_save(derived[f.name], connection) for f in fields] + [sheet.pk])
            with connection.cursor() as cursor:
                cursor.executemany(
                    f"UPDATE {ScoreSheet._meta.db_table} SET {', '.join(f'{f.column} = %s' for f in fields)} WHERE {ScoreSheet._meta.pk.column} = %s", params
                )
            done += len(sheets)
    return done


def _seen(score: Score, level: str):
    """The points a level works from: its own if entered, else those of the level below."""
    if level == ScoreLevel.SELF:
        return score.self_points
    if level == ScoreLevel.CROSS:
        return score.cross_points if score.cross_points is not None else score.self_points
    return score.effective_points


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


@transaction.atomic
def do_save_scores(
    *, actor, sheet: ScoreSheet, level: str, values: Mapping[str, Any], reasons: Mapping[str, str] | None = None, expected_version: int,
) -> ScoreSheet:
    """Save points and notes of `level` (SELF in DRAFT, CROSS when SUBMITTED, PANEL when
    CROSS_CHECKED). `values` maps criterion codes to (points, note); a note of None is left as it
    is. After the first submission every change of points needs `reasons[code]`."""
    _ensure_level(actor, sheet, level)
    changes = _apply_scores(actor, sheet, level, values, reasons, expected_version)
    reason_note = "; ".join(f"{code}: {r.strip()}" for code, r in (reasons or {}).items() if r and r.strip() and code in changes)
    record(
        actor=actor, action=f"scoring.sheet.scores.{level.lower()}", obj=sheet, changes=changes,
        note=f"Lý do: {reason_note}" if reason_note else "",
    )
    return sheet


@transaction.atomic
def do_import_sheet(
    *, actor, sheet: ScoreSheet, level: str, values: Mapping[str, Any], reasons: Mapping[str, str] | None = None, expected_version: int,
) -> ScoreSheet:
    """Points read from an uploaded Excel sheet (thidua.scoring.excel): same rules as
    do_save_scores, all or nothing."""
    _ensure_level(actor, sheet, level)
    changes = _apply_scores(actor, sheet, level, values, reasons, expected_version)
    record(actor=actor, action=f"scoring.sheet.import.{level.lower()}", obj=sheet, changes=changes, note="Nhập điểm từ tệp Excel.")
    return sheet


@transaction.atomic
def do_attach_evidence(*, actor, sheet: ScoreSheet, code: str, upload) -> ScoreEvidence:
    """Attach an evidence file to a criterion of the unit's own sheet (while it is a draft)."""
    ensure(actor, "scoring.self", unit=sheet.unit)
    _round_open(sheet.round)
    if sheet.state != SheetState.DRAFT:
        raise ActionError(f"Phiếu đang ở trạng thái “{core.SHEET_STATES[sheet.state]}”: chỉ thêm minh chứng khi đơn vị đang tự chấm.")
    if "unit" not in sheet_roles(actor, sheet):
        raise NotPermitted()
    criterion = Criterion.objects.filter(criteria_set_id=sheet.round.criteria_set_id, code=str(code).strip()).first()
    if criterion is None or criterion.kind == CriterionKind.GROUP:
        raise ActionError(f"Mã tiêu chí “{code}” không có trong bảng tiêu chí (hoặc là nhóm tiêu chí).", field="code")
    if upload is None or not getattr(upload, "name", ""):
        raise ActionError("Hãy chọn tệp minh chứng.", field="file")
    if not upload.name.lower().endswith(EVIDENCE_EXTENSIONS):
        raise ActionError("Tệp minh chứng phải là PDF, Word, Excel, ảnh (JPG, PNG) hoặc ZIP.", field="file")
    if upload.size > MAX_EVIDENCE_BYTES:
        raise ActionError("Tệp minh chứng vượt quá 20 MB.", field="file")
    if upload.size == 0:
        raise ActionError("Tệp minh chứng rỗng.", field="file")
    score, _ = Score.objects.get_or_create(sheet=sheet, criterion=criterion, defaults={"province_id": sheet.province_id})
    name, sha = store_upload("scoring", upload)
    evidence = ScoreEvidence(province_id=sheet.province_id, score=score, sha256=sha, filename=upload.name.rsplit("/", 1)[-1][:255], uploaded_by=_user(actor))
    evidence.file.name = name
    evidence.save()
    record(actor=actor, action="scoring.evidence.add", obj=sheet, changes={f"{criterion.code} (minh chứng)": [None, evidence.filename]})
    return evidence


@transaction.atomic
def do_remove_evidence(*, actor, evidence: ScoreEvidence) -> None:
    sheet = evidence.score.sheet
    ensure(actor, "scoring.self", unit=sheet.unit)
    _round_open(sheet.round)
    if sheet.state != SheetState.DRAFT:
        raise ActionError(f"Phiếu đang ở trạng thái “{core.SHEET_STATES[sheet.state]}”: không xóa minh chứng được nữa.")
    if "unit" not in sheet_roles(actor, sheet):
        raise NotPermitted()
    code, filename = evidence.score.criterion.code, evidence.filename
    evidence.delete()
    record(actor=actor, action="scoring.evidence.delete", obj=sheet, changes={f"{code} (minh chứng)": [filename, None]})


def submit_problems(sheet: ScoreSheet) -> list[str]:
    """Why `sheet` cannot be submitted yet: criteria without points, evidence missing."""
    criteria = list(Criterion.objects.filter(criteria_set_id=sheet.round.criteria_set_id).order_by("position", "pk"))
    scores = {s.criterion_id: s for s in Score.objects.filter(sheet=sheet)}
    with_evidence = set(ScoreEvidence.objects.filter(score__sheet=sheet).values_list("score__criterion_id", flat=True))
    problems = []
    missing = [c for c in criteria if c.kind == CriterionKind.SCORE and (scores.get(c.pk) is None or scores[c.pk].self_points is None)]
    if missing:
        names = "; ".join(f"{c.code}. {c.title}" for c in missing[:10]) + (f"; và {len(missing) - 10} tiêu chí khác" if len(missing) > 10 else "")
        problems.append(f"Còn {len(missing)} tiêu chí chưa chấm điểm (điểm 0 cũng phải nhập): {names}.")
    no_evidence = [
        c for c in criteria
        if c.kind != CriterionKind.GROUP and c.evidence_required and scores.get(c.pk) is not None
        and scores[c.pk].self_points and c.pk not in with_evidence
    ]
    if no_evidence:
        problems.append("Chưa có tài liệu minh chứng bắt buộc cho: " + "; ".join(f"{c.code}. {c.title}" for c in no_evidence) + ".")
    return problems


@transaction.atomic
def do_transition_sheet(*, actor, sheet: ScoreSheet, event: str, reason: str = "", expected_version: int) -> ScoreSheet:
    """Move a sheet along thidua.rules.scoring.SHEET_TRANSITIONS: submit (the unit), cross_check
    or return (the cross-checker), appraise or return (the panel). A return needs a reason and
    goes back one level. Publication is do_publish_results, for the whole block at a meeting."""
    action = EVENT_ACTION.get(event)
    if action is None:
        raise ActionError("Thao tác trên phiếu chấm điểm không hợp lệ.")
    if action == "scoring.self":
        ensure(actor, action, unit=sheet.unit)
    elif action == "scoring.publish":
        ensure(actor, action, province=sheet.province_id, bloc=sheet.round.bloc_year.bloc_id)
    else:
        ensure(actor, action)
    _round_open(sheet.round)
    if event == "publish":
        raise ActionError("Kết quả được công bố cho cả khối tại hội nghị: dùng chức năng “Công bố kết quả” của đợt chấm điểm.")
    reason = (reason or "").strip()
    roles = sheet_roles(actor, sheet)
    try:
        new_state = core.next_sheet_state(sheet.state, event, role=roles, reason=reason)
    except TransitionRefused as refused:
        if not roles & {r for (s, e, r) in core.SHEET_TRANSITIONS if s == sheet.state and e == event}:
            raise NotPermitted(refused.message) from None
        raise ActionError(refused.message, field="reason" if event == "return" else None) from None
    if not ScoreSheet.objects.filter(pk=sheet.pk, state=sheet.state, version=expected_version).exists():
        raise ConcurrentEditError(SHEET_CONFLICT)
    if event == "submit":
        problems = submit_problems(sheet)
        if problems:
            raise ActionError("Chưa gửi được phiếu: " + " ".join(problems))
    old_state = sheet.state
    extra = {"state": new_state}
    if event == "submit":
        extra["submitted_at"] = timezone.now()
    updated = ScoreSheet.objects.filter(pk=sheet.pk, state=old_state, version=expected_version).update(
        version=F("version") + 1, updated_at=timezone.now(), **extra
    )
    if updated != 1:
        raise ConcurrentEditError(SHEET_CONFLICT)
    sheet.version = expected_version + 1
    for key, value in extra.items():
        setattr(sheet, key, value)
    SheetEvent.objects.create(province_id=sheet.province_id, sheet=sheet, event=event, from_state=old_state, to_state=new_state, reason=reason, by=_user(actor))
    record(
        actor=actor, action=f"scoring.sheet.{event}", obj=sheet,
        changes={"state": [core.SHEET_STATES[old_state], core.SHEET_STATES[new_state]]}, note=reason,
    )
    if event == "return":
        notify.sheet_returned(sheet, new_state, reason)
    return sheet


# ---------------------------------------------------------------- publication and leader


@transaction.atomic
def do_publish_results(
    *, actor, round: ScoringRound, meeting: Meeting, expected_version: int, unranked: Mapping[Any, str] | None = None,
) -> ScoringRound:
    """Publish the block's results at `meeting`: every sheet must be appraised, or be left out of
    the ranking with a reason (`unranked` maps a sheet, its uid or its unit to the reason). The
    ranking is frozen in the round and nothing of the round changes afterwards."""
    round_ = round
    bloc_year = round_.bloc_year
    ensure(actor, "scoring.publish", province=round_.province_id, bloc=bloc_year.bloc_id)
    _round_open(round_)
    if meeting is None:
        raise ActionError("Hãy chọn hội nghị công bố kết quả.", field="meeting")
    if meeting.bloc_year.bloc_id != bloc_year.bloc_id or meeting.bloc_year.year not in (bloc_year.year, bloc_year.year + 1):
        raise ActionError("Hội nghị công bố phải là hội nghị của khối trong năm thi đua này.", field="meeting")
    sheets = list(round_.sheets.select_related("unit").order_by("unit__name"))
    reasons: dict[int, str] = {}
    for key, text in (unranked or {}).items():
        text = (text or "").strip()
        for sheet in sheets:
            if key in (sheet, sheet.pk, sheet.uid, str(sheet.uid), sheet.unit, sheet.unit_id):
                if not text:
                    raise ActionError(f"Hãy ghi lý do không xếp hạng {sheet.unit.name}.", field="unranked")
                reasons[sheet.pk] = text
    not_done = [s for s in sheets if s.state != SheetState.APPRAISED and s.pk not in reasons]
    if not_done:
        listing = "; ".join(f"{s.unit.name} ({core.SHEET_STATES[s.state].lower()})" for s in not_done)
        raise ActionError(
            f"Chưa công bố được: còn {len(not_done)} phiếu chưa thẩm định xong — {listing}. "
            "Hãy thẩm định xong hoặc ghi lý do không xếp hạng từng đơn vị."
        )
    updated = ScoringRound.objects.filter(pk=round_.pk, state=RoundState.OPEN, version=expected_version).update(
        version=F("version") + 1, updated_at=timezone.now()
    )
    if updated != 1:
        raise ConcurrentEditError(ROUND_CONFLICT)
    for sheet in sheets:
        if sheet.pk in reasons:
            ScoreSheet.objects.filter(pk=sheet.pk).update(unranked_reason=reasons[sheet.pk][:500], updated_at=timezone.now())
    appraised = [s for s in sheets if s.state == SheetState.APPRAISED and s.pk not in reasons]
    for sheet in appraised:
        core.next_sheet_state(sheet.state, "publish", role="head")
    ScoreSheet.objects.filter(pk__in=[s.pk for s in appraised]).update(state=SheetState.PUBLISHED, version=F("version") + 1, updated_at=timezone.now())
    SheetEvent.objects.bulk_create(
        [
            SheetEvent(province_id=s.province_id, sheet=s, event="publish", from_state=SheetState.APPRAISED, to_state=SheetState.PUBLISHED,
                       reason=str(meeting), by=_user(actor))
            for s in appraised
        ]
    )
    crashpoint("scoring.round.publish:sheets")  # sheets published, the round's ranking not yet frozen
    ranking = round_ranking(round_)
    now = timezone.now()
    round_.state, round_.published_at, round_.published_meeting, round_.published_by = RoundState.PUBLISHED, now, meeting, _user(actor)
    round_.ranking_snapshot = core.ranking_as_dict(ranking)
    ScoringRound.objects.filter(pk=round_.pk).update(
        state=round_.state, published_at=now, published_meeting=meeting, published_by=round_.published_by, ranking_snapshot=round_.ranking_snapshot,
    )
    round_.version = expected_version + 1
    leader = ranking.row(ranking.leader_key) if ranking.leader_key else None
    record(
        actor=actor, action="scoring.round.publish", obj=round_,
        changes={
            "state": [RoundState.OPEN.label, RoundState.PUBLISHED.label],
            "published_meeting": [None, str(meeting)],
            "proposed_leader": [None, leader.label if leader else None],
            "unranked": [None, {s.unit.name: reasons[s.pk] for s in sheets if s.pk in reasons} or None],
        },
    )
    return round_


@transaction.atomic
def do_confirm_leader(*, actor, round: ScoringRound, unit: Unit, how: str, note: str = "", expected_version: int) -> ScoringRound:
    """Record the block's leading unit as the block confirmed it (suy tôn, or the meeting's record
    until voting exists). The ranking only proposes; this is what award eligibility reads."""
    round_ = round
    bloc_year = round_.bloc_year
    ensure(actor, "scoring.publish", province=round_.province_id, bloc=bloc_year.bloc_id)
    if round_.state != RoundState.PUBLISHED:
        raise ActionError("Hãy công bố kết quả chấm điểm trước khi xác nhận đơn vị dẫn đầu.")
    if how not in LeaderConfirmation.values:
        raise ActionError("Hãy chọn cách xác nhận: suy tôn tại hội nghị hoặc theo biên bản hội nghị.", field="how")
    note = " ".join((note or "").split())
    if unit is None or not bloc_year.memberships.filter(unit=unit).exists():
        raise ActionError(f"Đơn vị được xác nhận phải là thành viên của {bloc_year}.", field="unit")
    if how == LeaderConfirmation.MEETING_RECORD and not note:
        raise ActionError("Hãy ghi căn cứ: số, ngày biên bản hội nghị của khối.", field="note")
    snapshot_ = round_.ranking_snapshot or {}
    proposed = {snapshot_.get("leader_key")} | set(snapshot_.get("leader_tie") or [])
    if str(unit.uid) not in proposed and not note:
        raise ActionError(
            f"{unit.name} không phải đơn vị dẫn đầu theo kết quả chấm điểm: hãy ghi căn cứ quyết định của khối.", field="note"
        )
    before = snapshot(round_, ["confirmed_leader", "leader_confirmed_how", "leader_confirmed_note"])
    round_.confirmed_leader, round_.leader_confirmed_how, round_.leader_confirmed_note = unit, how, note[:500]
    round_.leader_confirmed_at, round_.leader_confirmed_by = timezone.now(), _user(actor)
    save_with_version(
        round_, expected_version,
        ["confirmed_leader", "leader_confirmed_how", "leader_confirmed_note", "leader_confirmed_at", "leader_confirmed_by"],
    )
    record(
        actor=actor, action="scoring.round.confirm_leader", obj=round_,
        changes=diff(before, snapshot(round_, ["confirmed_leader", "leader_confirmed_how", "leader_confirmed_note"])),
    )
    return round_
