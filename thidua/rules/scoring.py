"""Criteria scoring of a block's member units: totals, ranking, bands and the sheet workflow.

Pure: plain values in, plain values out, no Django, no database, no clock, ``Decimal`` everywhere
(no float ever enters a sum, so 0,1 + 0,2 is 0,3). Vietnamese messages for users.

A criteria set (bảng tiêu chí) is a list of ``CriterionSpec``: GROUP headings (nested, optionally
capped by their own ``max_points``) and items of kind SCORE (điểm tiêu chí), BONUS (điểm thưởng) and
DEDUCTION (điểm trừ, entered as a positive number of points taken away).

Totals (``sheet_totals``):

- each item counts at most its ``max_points`` (and never below 0), with a note when capped;
- a GROUP's ``max_points`` caps the sum of its children. A group whose items are all BONUS (or all
  DEDUCTION) caps the bonus (deduction) of its items — "Điểm thưởng vượt mức tối đa 5, tính 5";
  a group with SCORE items caps the SCORE part only (its bonus/deduction items keep their own caps);
- ``total = base + bonus − deduction``, clamped at 0 with the note "Tổng điểm âm, tính 0";
- an item without a value counts 0 and is listed in ``missing``.

Ranking (``rank``): standard competition ranking (1, 2, 2, 4) by total, then the block's tie
breakers in order; rows still equal after every breaker share the rank. A row without totals (no
sheet, sheet not finished) is not ranked and carries a visible reason. The leader is rank 1 when it
is unique; a tie at rank 1 is reported and the block decides (suy tôn / biểu quyết). ``quota`` marks
the top rows that may be proposed; rows tied at the boundary are all in, with a note.

These bands are the block's own classification of its members (xếp loại thi đua của khối), not the
task-completion rating (mức độ hoàn thành nhiệm vụ) the competent authority gives each unit. The
thresholds are the block's configuration (domain-rules.md §6.4–6.5: scoring tables are provincial
instruments, weights UNCONFIRMED per province), so DEFAULT_BANDS is only a default.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from thidua.rules.workflows import TransitionRefused

KINDS = ("GROUP", "SCORE", "BONUS", "DEDUCTION")
KIND_LABELS = {
    "GROUP": "Nhóm tiêu chí",
    "SCORE": "Tiêu chí chấm điểm",
    "BONUS": "Điểm thưởng",
    "DEDUCTION": "Điểm trừ",
}
ITEM_KINDS = ("SCORE", "BONUS", "DEDUCTION")
ZERO = Decimal("0")
CENT = Decimal("0.01")
MAX_POINTS_LIMIT = Decimal("999999.99")  # Decimal(8, 2) in the database


# --------------------------------------------------------------------------- formatting


def fmt(value: Decimal | int | None) -> str:
    """A number the Vietnamese way: decimal comma, no useless zeros ("8,5", "10", "0,25")."""
    if value is None:
        return "—"
    d = Decimal(value)
    if d == d.to_integral_value():
        text = str(d.quantize(Decimal(1)))
    else:
        text = format(d.normalize(), "f")
    if text == "-0":
        text = "0"
    return text.replace(".", ",")


def as_decimal(value) -> Decimal:
    """A value already checked (Decimal, int, numeric string) as Decimal; floats go through ``repr``."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(str(value))


# --------------------------------------------------------------------------- criteria


@dataclass(frozen=True)
class CriterionSpec:
    code: str  # "1", "1.2", "1.2.a" — unique in the set
    title: str
    kind: str  # one of KINDS
    max_points: Decimal | None  # SCORE/BONUS/DEDUCTION: max for the item; GROUP: optional cap of its children
    parent_code: str | None = None
    evidence_required: bool = False
    guidance: str = ""


def _children(specs: Sequence[CriterionSpec]) -> dict[str | None, list[CriterionSpec]]:
    children: dict[str | None, list[CriterionSpec]] = {}
    for spec in specs:
        children.setdefault(spec.parent_code or None, []).append(spec)
    return children


def _leaf_kinds(code: str, children: dict[str | None, list[CriterionSpec]], seen: frozenset = frozenset()) -> set[str]:
    kinds: set[str] = set()
    for child in children.get(code, ()):
        if child.code in seen:
            continue
        if child.kind == "GROUP":
            kinds |= _leaf_kinds(child.code, children, seen | {code})
        else:
            kinds.add(child.kind)
    return kinds


def group_content_kind(code: str, specs: Sequence[CriterionSpec]) -> str:
    """What a GROUP's cap applies to: "BONUS" or "DEDUCTION" when every item under it is of that
    kind, otherwise "SCORE" (a group with criteria, or an empty one)."""
    kinds = _leaf_kinds(code, _children(specs))
    if len(kinds) == 1 and kinds != {"SCORE"}:
        return next(iter(kinds))
    return "SCORE"


def _base_max(code: str, children, seen: frozenset = frozenset()) -> Decimal:
    """The most SCORE points the children of a group can give (sub-group caps included)."""
    total = ZERO
    for child in children.get(code, ()):
        if child.code in seen:
            continue
        if child.kind == "SCORE" and child.max_points is not None:
            total += child.max_points
        elif child.kind == "GROUP":
            inner = _base_max(child.code, children, seen | {code})
            if child.max_points is not None and _leaf_kinds(child.code, children) & {"SCORE"}:
                inner = min(inner, child.max_points)
            total += inner
    return total


def max_base_points(specs: Sequence[CriterionSpec]) -> Decimal:
    """The highest base (SCORE) total a sheet can reach under this set — usually 100."""
    children = _children(specs)
    total = ZERO
    for spec in children.get(None, ()):
        if spec.kind == "SCORE" and spec.max_points is not None:
            total += spec.max_points
        elif spec.kind == "GROUP":
            inner = _base_max(spec.code, children)
            if spec.max_points is not None and _leaf_kinds(spec.code, children) & {"SCORE"}:
                inner = min(inner, spec.max_points)
            total += inner
    return total


def validate_criteria(specs: Sequence[CriterionSpec], *, complete: bool = False) -> list[str]:
    """Vietnamese problems of a criteria set; [] means it is usable.

    Checked: empty code or title, duplicate code, unknown kind, unknown parent, a parent that is
    not a group, a cycle, negative or too large max, an item (criterion, bonus, deduction) without
    max, more than 2 decimals, criteria of a group whose maxima add up to more than the group's max.
    ``complete=True`` (before a set is used) also wants at least one criterion and no empty group.
    """
    problems: list[str] = []
    by_code: dict[str, CriterionSpec] = {}
    for index, spec in enumerate(specs, start=1):
        code = (spec.code or "").strip()
        where = f"Tiêu chí “{code}”" if code else f"Dòng tiêu chí thứ {index}"
        if not code:
            problems.append(f"Dòng tiêu chí thứ {index}: chưa có mã tiêu chí.")
        elif code in by_code:
            problems.append(f"Mã tiêu chí “{code}” bị trùng: mỗi mã chỉ được dùng một lần trong bảng.")
        else:
            by_code[code] = spec
        if not (spec.title or "").strip():
            problems.append(f"{where}: chưa có nội dung tiêu chí.")
        if spec.kind not in KINDS:
            problems.append(
                f"{where}: loại “{spec.kind}” không hợp lệ (chỉ được: nhóm tiêu chí, tiêu chí chấm điểm, điểm thưởng, điểm trừ)."
            )
        mp = spec.max_points
        if isinstance(mp, int) and not isinstance(mp, bool):
            mp = Decimal(mp)
        if mp is None:
            if spec.kind in ITEM_KINDS:
                problems.append(f"{where}: chưa có điểm tối đa ({KIND_LABELS[spec.kind].lower()} phải có điểm tối đa).")
        elif not isinstance(mp, Decimal) or not mp.is_finite():
            problems.append(f"{where}: điểm tối đa không phải là số.")
        else:
            if mp < 0:
                problems.append(f"{where}: điểm tối đa không được âm ({fmt(mp)}).")
            if mp > MAX_POINTS_LIMIT:
                problems.append(f"{where}: điểm tối đa quá lớn ({fmt(mp)}).")
            elif mp != mp.quantize(CENT):
                problems.append(f"{where}: điểm tối đa chỉ được có tối đa 2 chữ số thập phân.")
    for spec in specs:
        parent = spec.parent_code or None
        if parent is None:
            continue
        code = (spec.code or "").strip()
        if parent == code:
            problems.append(f"Tiêu chí “{code}” không thể là nhóm cha của chính nó.")
        elif parent not in by_code:
            problems.append(f"Tiêu chí “{code}”: nhóm cha “{parent}” không có trong bảng.")
        elif by_code[parent].kind != "GROUP":
            problems.append(
                f"Tiêu chí “{code}”: “{parent}” là {KIND_LABELS.get(by_code[parent].kind, 'tiêu chí').lower()}, không phải nhóm tiêu chí nên không chứa được tiêu chí con."
            )
    # cycles (a → b → a); self-parents are reported above
    reported: set[str] = set()
    for spec in specs:
        seen: list[str] = []
        current: CriterionSpec | None = spec
        while current is not None and current.parent_code:
            if current.code in seen:
                cycle = seen[seen.index(current.code):]
                if len(cycle) > 1 and not reported & set(cycle):
                    reported |= set(cycle)
                    problems.append("Các tiêu chí " + " → ".join(f"“{c}”" for c in cycle + [cycle[0]]) + " lồng vòng vào nhau.")
                break
            seen.append(current.code)
            current = by_code.get(current.parent_code)
    if reported:
        return problems
    children = _children([s for s in specs if s.code in by_code and by_code[s.code] is s])
    for spec in specs:
        if spec.kind != "GROUP" or spec.max_points is None or not isinstance(spec.max_points, Decimal):
            continue
        if not _leaf_kinds(spec.code, children) & {"SCORE"}:
            continue  # a bonus/deduction group's max is a cap: its items may add up to more
        inner = _base_max(spec.code, children)
        if inner > spec.max_points:
            problems.append(
                f"Nhóm “{spec.code}”: tổng điểm tối đa của các tiêu chí con ({fmt(inner)}) vượt điểm tối đa của nhóm ({fmt(spec.max_points)})."
            )
    if complete:
        if not any(s.kind == "SCORE" for s in specs):
            problems.append("Bảng tiêu chí chưa có tiêu chí chấm điểm nào.")
        for spec in specs:
            if spec.kind == "GROUP" and not children.get(spec.code):
                problems.append(f"Nhóm “{spec.code}” chưa có tiêu chí con.")
    return problems


def parse_points(value) -> tuple[Decimal | None, str | None]:
    """A number typed by a person or read from a cell: (Decimal, None), (None, None) when blank,
    or (None, "Vietnamese error"). Accepts "8,5" and "8.5"; refuses text, NaN, booleans."""
    if value is None:
        return None, None
    if isinstance(value, bool):
        return None, "Giá trị không phải là số."
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return None, "Giá trị không phải là số."
        d = Decimal(repr(value))
        # a spreadsheet may hand back 0.30000000000000004 for 0,3: keep what the person meant
        q = d.quantize(Decimal("0.000001"))
        if abs(d - q) < Decimal("1e-9"):
            d = q.normalize()
        return d, None
    if isinstance(value, (int, Decimal)):
        d = Decimal(value)
        if not d.is_finite():
            return None, "Giá trị không phải là số."
        return d, None
    text = " ".join(str(value).split())
    if not text:
        return None, None
    text = text.replace(" ", "")
    if text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")
    try:
        d = Decimal(text)
    except InvalidOperation:
        return None, f"“{value}” không phải là số."
    if not d.is_finite():
        return None, f"“{value}” không phải là số."
    return d, None


def check_score(spec: CriterionSpec, value) -> tuple[Decimal | None, str | None]:
    """Check one value for one criterion: (points, None), or (None, "Vietnamese error").

    A blank value gives (None, None): not filled, which is not an error here (submitting asks
    for every criterion). Up to 2 decimals; 0 ≤ points ≤ max.
    """
    label = f"Tiêu chí {spec.code}"
    if spec.kind == "GROUP":
        if value is None or (isinstance(value, str) and not value.strip()):
            return None, None
        return None, f"{label} là nhóm tiêu chí: điểm được cộng từ các tiêu chí con, không nhập trực tiếp."
    d, error = parse_points(value)
    if error:
        return None, f"{label}: {error[:1].lower()}{error[1:]}"
    if d is None:
        return None, None
    if abs(d) > MAX_POINTS_LIMIT:
        return None, f"{label}: điểm {fmt(d)} quá lớn."
    if d != d.quantize(CENT):
        return None, f"{label}: điểm chỉ được có tối đa 2 chữ số thập phân ({fmt(d)})."
    if d < 0:
        if spec.kind == "DEDUCTION":
            return None, f"{label}: điểm trừ ghi số điểm bị trừ, không ghi dấu âm (ví dụ 2, không phải −2)."
        return None, f"{label}: điểm không được âm ({fmt(d)})."
    if spec.max_points is not None and d > spec.max_points:
        return None, f"{label}: điểm {fmt(d)} vượt mức tối đa {fmt(spec.max_points)}."
    return d.quantize(CENT), None


# --------------------------------------------------------------------------- totals


@dataclass(frozen=True)
class SheetTotals:
    base: Decimal
    bonus: Decimal
    deduction: Decimal
    total: Decimal
    by_group: dict[str, Decimal]  # top-level code -> SCORE points (after caps); sums to base
    missing: tuple[str, ...]  # codes of items without a value
    notes: tuple[str, ...]  # Vietnamese notes on caps and clamps


def effective_points(self_points, cross_points, final_points):
    """The points that count: the panel's if set, else the cross-check's, else the unit's own."""
    if final_points is not None:
        return final_points
    if cross_points is not None:
        return cross_points
    return self_points


_KIND_SLOT = {"SCORE": 0, "BONUS": 1, "DEDUCTION": 2}
_CAP_LABEL = {"SCORE": "Điểm nhóm", "BONUS": "Điểm thưởng", "DEDUCTION": "Điểm trừ"}


@dataclass(frozen=True)
class CriteriaPlan:
    """A criteria set compiled for totals: the tree walked once (post-order), so that ranking
    thousands of sheets of the same set does not rebuild it per sheet. Build it with
    ``compile_criteria(specs)``; ``sheet_totals`` accepts it in place of the specs."""

    steps: tuple  # ("I", code, slot_of_kind, max, target) | ("G", code, max, content_kind, own, target)
    slots: int
    roots: tuple  # (code, slot, listed in by_group)
    kinds: dict  # code -> kind
    bucket_slot: dict  # group code -> its slot; a top-level item's code -> its own slot
    bucket_of: dict  # item code -> the bucket it adds into: its group's code, or its own code at top level
    max_of: dict  # item code -> max points
    group_steps: tuple = ()  # the "G" steps alone, in order


def compile_criteria(specs: Sequence[CriterionSpec]) -> CriteriaPlan:
    children = _children(specs)
    steps: list[tuple] = []
    roots: list[tuple] = []
    counter = [0]
    bucket_slot: dict[str, int] = {}
    bucket_of: dict[str, str] = {}

    def new_slot() -> int:
        counter[0] += 1
        return counter[0] - 1

    def visit(spec: CriterionSpec, target: int, stack: frozenset) -> None:
        if spec.kind != "GROUP":
            if spec.kind in _KIND_SLOT:
                steps.append(("I", spec.code, _KIND_SLOT[spec.kind], spec.max_points, target))
                bucket_of[spec.code] = spec.parent_code if spec.parent_code else spec.code
            return
        if spec.code in stack:
            return
        own = new_slot()
        bucket_slot[spec.code] = own
        for child in children.get(spec.code, ()):
            visit(child, own, stack | {spec.code})
        content = group_content_kind(spec.code, specs) if spec.max_points is not None else "SCORE"
        steps.append(("G", spec.code, spec.max_points, content, own, target))

    for spec in children.get(None, ()):
        if spec.kind == "GROUP":
            slot = counter[0]  # the group's own slot is the root accumulator
            visit(spec, -1, frozenset())
            listed = bool(_leaf_kinds(spec.code, children) & {"SCORE"})
        else:
            slot = new_slot()
            visit(spec, slot, frozenset())
            bucket_slot[spec.code] = slot
            listed = spec.kind == "SCORE"
        roots.append((spec.code, slot, listed))
    return CriteriaPlan(
        steps=tuple(steps), slots=counter[0], roots=tuple(roots), kinds={s.code: s.kind for s in specs},
        bucket_slot=bucket_slot, bucket_of=bucket_of,
        max_of={s.code: s.max_points for s in specs if s.kind in _KIND_SLOT},
        group_steps=tuple(step for step in steps if step[0] == "G"),
    )


_PLANS: dict[int, tuple[tuple, CriteriaPlan]] = {}


def _plan_for(specs) -> CriteriaPlan:
    """The compiled plan of ``specs``, reused while the same spec objects are passed again."""
    if isinstance(specs, CriteriaPlan):
        return specs
    cached = _PLANS.get(id(specs))
    if cached is not None:
        snapshot, plan = cached
        if len(snapshot) == len(specs) and all(a is b for a, b in zip(snapshot, specs)):
            return plan
    plan = compile_criteria(specs)
    if len(_PLANS) >= 16:
        _PLANS.clear()
    _PLANS[id(specs)] = (tuple(specs), plan)
    return plan


def sheet_totals(specs: Sequence[CriterionSpec] | CriteriaPlan, points: Mapping[str, Decimal]) -> SheetTotals:
    """Totals of one sheet. ``points`` maps item codes to points (Decimal; ints and numeric strings
    are accepted too). Missing items count 0 and are listed; unknown codes are ignored with a note."""
    plan = _plan_for(specs)
    kinds = plan.kinds
    notes: list[str] = []
    missing: list[str] = []
    for code in points:
        kind = kinds.get(code)
        if kind is None:
            notes.append(f"Mã “{code}” không có trong bảng tiêu chí: không tính.")
        elif kind == "GROUP" and points[code] is not None:
            notes.append(f"Nhóm “{code}” không chấm điểm trực tiếp: điểm nhập cho nhóm không tính.")
    sums = [[ZERO, ZERO, ZERO] for _ in range(plan.slots)]
    get = points.get
    for step in plan.steps:
        if step[0] == "I":
            _, code, slot, max_points, target = step
            raw = get(code)
            if raw is None:
                missing.append(code)
                continue
            value = raw if isinstance(raw, Decimal) else as_decimal(raw)
            if value < 0:
                notes.append(f"Tiêu chí {code}: điểm âm ({fmt(value)}), tính 0.")
                continue
            if max_points is not None and value > max_points:
                notes.append(f"Tiêu chí {code}: điểm {fmt(value)} vượt mức tối đa {fmt(max_points)}, tính {fmt(max_points)}.")
                value = max_points
            sums[target][slot] += value
        else:
            _apply_group(step, sums, notes)
    return _finish(plan, sums, missing, notes)


def _apply_group(step: tuple, sums: list, notes: list[str]) -> None:
    """Cap a group's sum (its content kind) and add it into its parent's slot."""
    _, code, max_points, content, own, target = step
    mine = sums[own]
    if max_points is not None:
        index = _KIND_SLOT[content]
        if mine[index] > max_points:
            what = f"{_CAP_LABEL[content]} “{code}”" if content == "SCORE" else f"{_CAP_LABEL[content]} (nhóm “{code}”)"
            notes.append(f"{what} vượt mức tối đa {fmt(max_points)}, tính {fmt(max_points)}.")
            mine[index] = max_points
    if target >= 0:
        into = sums[target]
        into[0] += mine[0]
        into[1] += mine[1]
        into[2] += mine[2]


def _finish(plan: CriteriaPlan, sums: list, missing: list[str], notes: list[str]) -> SheetTotals:
    base = bonus = deduction = ZERO
    by_group: dict[str, Decimal] = {}
    for code, slot, listed in plan.roots:
        score, plus, minus = sums[slot]
        base += score
        bonus += plus
        deduction += minus
        if listed:
            by_group[code] = score
    total = base + bonus - deduction
    if total < 0:
        notes.append(f"Tổng điểm âm ({fmt(total)}), tính 0.")
        total = ZERO
    return SheetTotals(
        base=base, bonus=bonus, deduction=deduction, total=total,
        by_group=by_group, missing=tuple(missing), notes=tuple(notes),
    )


def totals_from_buckets(
    specs: Sequence[CriterionSpec] | CriteriaPlan,
    buckets: Mapping[str, Sequence[Decimal]],
    *,
    missing: Sequence[str] = (),
    notes: Sequence[str] = (),
) -> SheetTotals:
    """The same totals as ``sheet_totals`` from sums made elsewhere (e.g. one SQL GROUP BY):
    ``buckets`` maps a bucket code (``plan.bucket_of[item]``: the item's group, or the item itself
    at top level) to (criteria, bonus, deduction) points of its items, each item already limited to
    0 ≤ points ≤ its max. Group caps, the clamp at 0 and their notes are applied here; ``missing``
    and item ``notes`` are the caller's (sheets with such cases are best computed by sheet_totals)."""
    plan = _plan_for(specs)
    sums = [[ZERO, ZERO, ZERO] for _ in range(plan.slots)]
    slot_of = plan.bucket_slot
    for bucket, (score, plus, minus) in buckets.items():
        slot = sums[slot_of[bucket]]
        slot[0] += score
        slot[1] += plus
        slot[2] += minus
    notes = list(notes)
    for step in plan.group_steps:
        _apply_group(step, sums, notes)
    return _finish(plan, sums, list(missing), notes)


# --------------------------------------------------------------------------- bands


@dataclass(frozen=True)
class Band:
    code: str
    label: str
    min_total: Decimal


DEFAULT_BANDS: tuple[Band, ...] = (
    Band("XUAT_SAC", "Xuất sắc", Decimal("95")),
    Band("TOT", "Tốt", Decimal("85")),
    Band("KHA", "Khá", Decimal("70")),
    Band("TRUNG_BINH", "Trung bình", Decimal("50")),
    Band("YEU", "Yếu", Decimal("0")),
)


def band_for(total: Decimal | None, bands: Sequence[Band] = DEFAULT_BANDS) -> Band | None:
    """The band of a total: the one with the highest threshold the total reaches (≥)."""
    if total is None:
        return None
    for band in sorted(bands, key=lambda b: b.min_total, reverse=True):
        if total >= band.min_total:
            return band
    return None


def validate_bands(bands: Sequence[Band]) -> list[str]:
    problems = []
    codes, thresholds = set(), set()
    for band in bands:
        if not band.code or not (band.label or "").strip():
            problems.append("Mỗi mức xếp loại phải có mã và tên.")
        if band.code in codes:
            problems.append(f"Mức xếp loại “{band.label}” bị trùng mã.")
        codes.add(band.code)
        if not isinstance(band.min_total, Decimal) or not band.min_total.is_finite() or band.min_total < 0:
            problems.append(f"Mức xếp loại “{band.label}”: điểm tối thiểu phải là số không âm.")
        elif band.min_total in thresholds:
            problems.append(f"Hai mức xếp loại cùng ngưỡng {fmt(band.min_total)} điểm.")
        else:
            thresholds.add(band.min_total)
    return problems


def bands_to_json(bands: Sequence[Band]) -> list[dict]:
    return [{"code": b.code, "label": b.label, "min_total": str(b.min_total)} for b in bands]


def bands_from_json(rows: Iterable[Mapping] | None) -> tuple[Band, ...]:
    """Bands stored in a JSON field; empty or None gives DEFAULT_BANDS."""
    rows = list(rows or ())
    if not rows:
        return DEFAULT_BANDS
    return tuple(Band(str(r["code"]), str(r["label"]), Decimal(str(r["min_total"]))) for r in rows)


# --------------------------------------------------------------------------- ranking

TIE_BREAKERS = {
    "MORE_BONUS": "Nhiều điểm thưởng hơn",
    "FEWER_DEDUCTIONS": "Ít điểm trừ hơn",
    "HIGHER_BASE": "Điểm tiêu chí cao hơn",
}
NO_SHEET_REASON = "Chưa có phiếu chấm điểm: không xếp hạng"


def _breaker_value(name: str, totals: SheetTotals) -> Decimal:
    """Smaller is better."""
    if name == "MORE_BONUS":
        return -totals.bonus
    if name == "FEWER_DEDUCTIONS":
        return totals.deduction
    if name == "HIGHER_BASE":
        return -totals.base
    raise ValueError(f"Tiêu chí phân định đồng điểm “{name}” không hợp lệ.")


def _breaker_shown(name: str, totals: SheetTotals) -> Decimal:
    return {"MORE_BONUS": totals.bonus, "FEWER_DEDUCTIONS": totals.deduction, "HIGHER_BASE": totals.base}[name]


@dataclass(frozen=True)
class RankInput:
    key: str
    label: str
    totals: SheetTotals | None
    missing_reason: str | None = None


@dataclass(frozen=True)
class RankedRow:
    key: str
    label: str
    total: Decimal | None
    rank: int | None
    tied_with: tuple[str, ...]
    band_code: str | None
    band_label: str | None
    proposed_leader: bool
    within_quota: bool
    reasons: tuple[str, ...]
    totals: SheetTotals | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Ranking:
    rows: tuple[RankedRow, ...]
    leader_key: str | None
    leader_tie: tuple[str, ...]
    explanation: tuple[str, ...]

    def row(self, key: str) -> RankedRow | None:
        return next((r for r in self.rows if r.key == key), None)


def _names(labels: Sequence[str]) -> str:
    return ", ".join(labels)


def rank(
    inputs: Sequence[RankInput],
    *,
    tie_breakers: Sequence[str] = (),
    bands: Sequence[Band] = DEFAULT_BANDS,
    quota: int | None = None,
    label_sort_key: Callable[[str], object] | None = None,
) -> Ranking:
    """Rank the member units of one block; see the module docstring for the rules."""
    keys = [i.key for i in inputs]
    if len(set(keys)) != len(keys):
        raise ValueError("Một đơn vị xuất hiện hai lần trong danh sách xếp hạng.")
    for name in tie_breakers:
        if name not in TIE_BREAKERS:
            raise ValueError(f"Tiêu chí phân định đồng điểm “{name}” không hợp lệ.")
    if quota is not None and quota < 0:
        raise ValueError("Chỉ tiêu đề nghị không được âm.")
    sort_label = label_sort_key or (lambda label: label)
    breakers = list(dict.fromkeys(tie_breakers))

    ranked = [i for i in inputs if i.totals is not None]
    unranked = [i for i in inputs if i.totals is None]

    def full_key(i: RankInput) -> tuple:
        return (-i.totals.total, *(_breaker_value(b, i.totals) for b in breakers))

    key_of = {i.key: full_key(i) for i in ranked}
    ranked.sort(key=lambda i: (key_of[i.key], i.key))
    # Rows equal on every key are listed by name; the (slow) Vietnamese sort key only for them.
    ordered: list[RankInput] = []
    rank_of: dict[str, int] = {}
    start = 0
    while start < len(ranked):
        end = start + 1
        while end < len(ranked) and key_of[ranked[end].key] == key_of[ranked[start].key]:
            end += 1
        block = ranked[start:end]
        if len(block) > 1:
            block.sort(key=lambda i: (sort_label(i.label), i.key))
        for i in block:
            rank_of[i.key] = start + 1
        ordered.extend(block)
        start = end
    ranked = ordered
    by_total: dict[Decimal, list[RankInput]] = {}
    for i in ranked:
        by_total.setdefault(i.totals.total, []).append(i)

    explanation: list[str] = []
    if breakers:
        explanation.append(
            "Xếp theo tổng điểm; bằng điểm thì xét lần lượt: " + "; ".join(TIE_BREAKERS[b].lower() for b in breakers) + "; vẫn bằng thì đồng hạng."
        )
    else:
        explanation.append("Xếp theo tổng điểm; bằng điểm thì đồng hạng (khối chưa chọn tiêu chí phân định).")

    leaders = [i.key for i in ranked if rank_of[i.key] == 1]
    leader_key = leaders[0] if len(leaders) == 1 else None
    leader_tie = tuple(leaders) if len(leaders) > 1 else ()
    label_of = {i.key: i.label for i in inputs}
    if leader_key:
        explanation.append(f"Đơn vị dẫn đầu được đề xuất: {label_of[leader_key]} (hạng nhất). Khối suy tôn hoặc biểu quyết để xác nhận.")
    elif leader_tie:
        explanation.append(
            f"Các đơn vị {_names([label_of[k] for k in leader_tie])} đồng hạng nhất: khối quyết định đơn vị dẫn đầu (suy tôn hoặc biểu quyết)."
        )
    else:
        explanation.append("Chưa có đơn vị nào được xếp hạng nên chưa có đơn vị dẫn đầu.")

    in_quota: set[str] = set()
    if quota is None:
        in_quota = {i.key for i in ranked}
    else:
        in_quota = {i.key for i in ranked if rank_of[i.key] <= quota}
        if len(in_quota) > quota:
            explanation.append(
                f"Chỉ tiêu đề nghị {quota} đơn vị; có đơn vị đồng hạng tại ranh giới nên {len(in_quota)} đơn vị nằm trong chỉ tiêu."
            )
        else:
            explanation.append(f"Chỉ tiêu đề nghị: {quota} đơn vị.")
    if unranked:
        explanation.append(f"{len(unranked)} đơn vị không được xếp hạng (xem ghi chú từng đơn vị).")

    rows: list[RankedRow] = []
    for i in ranked:
        r = rank_of[i.key]
        same_total = [o for o in by_total[i.totals.total] if o.key != i.key]
        tied = tuple(o.key for o in same_total if rank_of[o.key] == r)
        reasons: list[str] = []
        if tied:
            reasons.append(
                f"Đồng hạng {r} với {_names([label_of[k] for k in tied])}"
                + (" (bằng nhau cả tổng điểm và các tiêu chí phân định)." if breakers else " (bằng tổng điểm).")
            )
        for o in same_total:
            if rank_of[o.key] == r:
                continue
            decided_by = next(b for b in breakers if _breaker_value(b, i.totals) != _breaker_value(b, o.totals))
            better = rank_of[i.key] < rank_of[o.key]
            reasons.append(
                f"Bằng tổng điểm {fmt(i.totals.total)} với {o.label}; xếp {'trên' if better else 'dưới'} theo “{TIE_BREAKERS[decided_by]}” "
                f"({fmt(_breaker_shown(decided_by, i.totals))} so với {fmt(_breaker_shown(decided_by, o.totals))})."
            )
        if i.key in leader_tie:
            reasons.append("Đồng hạng nhất: khối quyết định đơn vị dẫn đầu.")
        if quota is not None and i.key in in_quota and r == max(rank_of[k] for k in in_quota) and len(in_quota) > quota:
            reasons.append(f"Đồng hạng tại ranh giới chỉ tiêu {quota}: được tính trong chỉ tiêu.")
        if i.totals.missing:
            reasons.append(f"Còn {len(i.totals.missing)} tiêu chí chưa có điểm (tính 0): {', '.join(i.totals.missing)}.")
        reasons.extend(i.totals.notes)
        band = band_for(i.totals.total, bands)
        rows.append(
            RankedRow(
                key=i.key, label=i.label, total=i.totals.total, rank=r, tied_with=tied,
                band_code=band.code if band else None, band_label=band.label if band else None,
                proposed_leader=i.key == leader_key, within_quota=i.key in in_quota,
                reasons=tuple(reasons), totals=i.totals,
            )
        )
    for i in sorted(unranked, key=lambda i: (sort_label(i.label), i.key)):
        rows.append(
            RankedRow(
                key=i.key, label=i.label, total=None, rank=None, tied_with=(),
                band_code=None, band_label=None, proposed_leader=False, within_quota=False,
                reasons=(i.missing_reason or NO_SHEET_REASON,),
            )
        )
    return Ranking(rows=tuple(rows), leader_key=leader_key, leader_tie=leader_tie, explanation=tuple(explanation))


def _dec(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def ranking_as_dict(ranking: Ranking) -> dict:
    """A JSON-safe snapshot of a ranking (Decimals as strings), for freezing published results."""
    rows = []
    for r in ranking.rows:
        t = r.totals
        rows.append({
            "key": r.key, "label": r.label, "total": _dec(r.total), "rank": r.rank,
            "tied_with": list(r.tied_with), "band_code": r.band_code, "band_label": r.band_label,
            "proposed_leader": r.proposed_leader, "within_quota": r.within_quota, "reasons": list(r.reasons),
            "base": _dec(t.base) if t else None, "bonus": _dec(t.bonus) if t else None,
            "deduction": _dec(t.deduction) if t else None,
            "by_group": {k: str(v) for k, v in t.by_group.items()} if t else {},
            "missing": list(t.missing) if t else [], "notes": list(t.notes) if t else [],
        })
    return {
        "rows": rows, "leader_key": ranking.leader_key, "leader_tie": list(ranking.leader_tie),
        "explanation": list(ranking.explanation),
    }


def ranking_from_dict(data: Mapping) -> Ranking:
    """The Ranking of a snapshot made by ``ranking_as_dict`` (published results are shown and
    exported from the snapshot, never recomputed)."""

    def dec(value) -> Decimal | None:
        return None if value is None else Decimal(str(value))

    rows = []
    for r in data.get("rows", ()):
        totals = None
        if r.get("total") is not None and r.get("base") is not None:
            totals = SheetTotals(
                base=dec(r["base"]), bonus=dec(r.get("bonus") or 0), deduction=dec(r.get("deduction") or 0), total=dec(r["total"]),
                by_group={k: dec(v) for k, v in (r.get("by_group") or {}).items()},
                missing=tuple(r.get("missing") or ()), notes=tuple(r.get("notes") or ()),
            )
        rows.append(RankedRow(
            key=r["key"], label=r["label"], total=dec(r.get("total")), rank=r.get("rank"), tied_with=tuple(r.get("tied_with") or ()),
            band_code=r.get("band_code"), band_label=r.get("band_label"), proposed_leader=bool(r.get("proposed_leader")),
            within_quota=bool(r.get("within_quota")), reasons=tuple(r.get("reasons") or ()), totals=totals,
        ))
    return Ranking(
        rows=tuple(rows), leader_key=data.get("leader_key"), leader_tie=tuple(data.get("leader_tie") or ()),
        explanation=tuple(data.get("explanation") or ()),
    )


# --------------------------------------------------------------------------- sheet workflow

SHEET_STATES = {
    "DRAFT": "Đang tự chấm",
    "SUBMITTED": "Đã gửi, chờ chấm chéo",
    "CROSS_CHECKED": "Đã chấm chéo",
    "APPRAISED": "Đã thẩm định",
    "PUBLISHED": "Đã công bố",
}
SHEET_EVENTS = {
    "submit": "Gửi phiếu",
    "cross_check": "Xác nhận chấm chéo",
    "appraise": "Thẩm định",
    "publish": "Công bố",
    "return": "Trả lại",
}
SHEET_ROLES = {
    "unit": "đơn vị tự chấm",
    "reviewer": "đơn vị chấm chéo",
    "panel": "tổ thẩm định",
    "head": "đơn vị trưởng khối",
}
SHEET_TRANSITIONS: dict[tuple[str, str, str], str] = {
    ("DRAFT", "submit", "unit"): "SUBMITTED",
    ("SUBMITTED", "cross_check", "reviewer"): "CROSS_CHECKED",
    ("SUBMITTED", "return", "reviewer"): "DRAFT",
    ("CROSS_CHECKED", "appraise", "panel"): "APPRAISED",
    ("CROSS_CHECKED", "return", "panel"): "SUBMITTED",
    ("APPRAISED", "publish", "head"): "PUBLISHED",
    ("APPRAISED", "return", "panel"): "CROSS_CHECKED",
}
SHEET_FROZEN = frozenset({"PUBLISHED"})
# Who enters points in which state, and at which level (ScoreChange.level).
SHEET_SCORE_LEVEL = {
    "DRAFT": ("unit", "SELF"),
    "SUBMITTED": ("reviewer", "CROSS"),
    "CROSS_CHECKED": ("panel", "PANEL"),
}
EVENTS_NEEDING_REASON = frozenset({"return"})


def next_sheet_state(state: str, event: str, *, role: str | Iterable[str], reason: str | None = None) -> str:
    """The sheet state after ``event`` done by ``role`` (one role or the set of roles the person
    holds on this sheet), or TransitionRefused with a Vietnamese message. A return needs a reason."""
    roles = {role} if isinstance(role, str) else set(role)
    state_label = SHEET_STATES.get(state)
    event_label = SHEET_EVENTS.get(event)
    if state_label is None:
        raise TransitionRefused("Trạng thái phiếu chấm điểm không hợp lệ.")
    if event_label is None:
        raise TransitionRefused("Thao tác trên phiếu chấm điểm không hợp lệ.")
    if state in SHEET_FROZEN:
        raise TransitionRefused(f"Phiếu đã ở trạng thái “{state_label}”: kết quả đã chốt, không thay đổi được nữa.")
    allowed = {r: to for (s, e, r), to in SHEET_TRANSITIONS.items() if s == state and e == event}
    if not allowed:
        raise TransitionRefused(f"Không thể “{event_label.lower()}” khi phiếu đang ở trạng thái “{state_label}”.")
    matching = [r for r in allowed if r in roles]
    if not matching:
        who = " hoặc ".join(SHEET_ROLES[r] for r in allowed)
        raise TransitionRefused(
            f"Chỉ {who} mới được “{event_label.lower()}” phiếu đang ở trạng thái “{state_label}”."
        )
    if event in EVENTS_NEEDING_REASON and not (reason or "").strip():
        raise TransitionRefused("Trả lại phiếu phải ghi rõ lý do.")
    return allowed[matching[0]]


def sheet_events_allowed(state: str, roles: str | Iterable[str]) -> list[str]:
    """The events a person holding ``roles`` may do on a sheet in ``state`` (for buttons)."""
    roles = {roles} if isinstance(roles, str) else set(roles)
    return [e for (s, e, r) in SHEET_TRANSITIONS if s == state and r in roles]
