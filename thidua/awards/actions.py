"""Writes of the award catalogue and the provinces' regulation packs (and their entries).

Each function checks the right first, validates, writes in one transaction and one audit row.
The national catalogue is not edited here: it is synced from thidua/rules/catalogue.py
(thidua/awards/sync.py). Packs and entries are never deleted: ending one sets its last day.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.db import transaction
from django.utils import timezone

from thidua.audit.log import diff, record, snapshot
from thidua.awards.models import AwardKind, AwardLevel, AwardType, RegulationPack, RuleFamily, RuleOverride
from thidua.awards.selectors import entry_last_day, override_status, overlapping
from thidua.core.access import ensure
from thidua.core.cas import save_with_version
from thidua.core.errors import ActionError
from thidua.core.models import normalise_text_fields
from thidua.rules.catalogue import AWARD_TYPE_NAMES, CATALOGUE_BY_CODE, CATALOGUE_SUBJECTS
from thidua.rules.packs import PackInvalid, check_article, validate_pack
from thidua.rules.registry import FAMILIES, OverrideInvalid, param_label, validate_override, vn_date

CODE_RE = re.compile(r"^[A-Z][A-Z0-9_]{1,29}$")
AWARD_TYPE_FIELDS = [
    "name", "kind", "subjects", "level", "authority", "categories", "citation", "effective_from", "effective_to",
    "manual_reason", "counts_as_basis", "note",
]
DEFAULT_MANUAL_REASON = "Danh hiệu, hình thức do tỉnh quy định: chưa có quy tắc xét tự động, thẩm định thủ công theo quy định của tỉnh."


def _user_or_none(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


# --------------------------------------------------------------------------- catalogue


def _check_award_type(award_type: AwardType) -> None:
    normalise_text_fields(award_type)
    if not award_type.name:
        raise ActionError("Tên danh hiệu, hình thức không được để trống.", field="name")
    if award_type.kind not in AwardKind.values:
        raise ActionError("Hãy chọn loại: danh hiệu thi đua hoặc hình thức khen thưởng.", field="kind")
    if award_type.level not in AwardLevel.values:
        raise ActionError("Hãy chọn cấp khen thưởng.", field="level")
    subjects = list(dict.fromkeys(award_type.subjects or []))
    if not subjects or any(s not in CATALOGUE_SUBJECTS for s in subjects):
        raise ActionError("Hãy chọn ít nhất một đối tượng: cá nhân, tập thể hoặc hộ gia đình.", field="subjects")
    award_type.subjects = [s for s in CATALOGUE_SUBJECTS if s in subjects]
    categories = list(dict.fromkeys(award_type.categories or []))
    if not categories or any(c not in AWARD_TYPE_NAMES for c in categories):
        raise ActionError("Hãy chọn ít nhất một loại hình khen thưởng.", field="categories")
    award_type.categories = [c for c in AWARD_TYPE_NAMES if c in categories]
    if award_type.effective_from and award_type.effective_to and award_type.effective_to < award_type.effective_from:
        raise ActionError("Ngày hết áp dụng không được trước ngày bắt đầu áp dụng.", field="effective_to")
    if not award_type.citation:
        raise ActionError("Hãy ghi căn cứ: số, ký hiệu văn bản của tỉnh quy định danh hiệu, hình thức này.", field="citation")
    if not award_type.manual_reason:
        award_type.manual_reason = DEFAULT_MANUAL_REASON


@transaction.atomic
def do_add_award_type(*, actor, province, data: dict[str, Any]) -> AwardType:
    """A province's own title or form (always appraised manually: the engine has no rule for it)."""
    ensure(actor, "catalogue.edit", province=province)
    code = (data.get("code") or "").strip().upper()
    if not CODE_RE.match(code):
        raise ActionError("Mã chỉ gồm chữ in hoa không dấu, chữ số và dấu gạch dưới, bắt đầu bằng chữ, 2–30 ký tự (ví dụ KNC_TINH).", field="code")
    if code in CATALOGUE_BY_CODE or AwardType.objects.filter(province__isnull=True, code=code).exists():
        raise ActionError(f"Mã {code} đã có trong danh mục theo Luật; hãy chọn mã khác.", field="code")
    if AwardType.objects.filter(province=province, code=code).exists():
        raise ActionError(f"Tỉnh đã có danh hiệu, hình thức mã {code}.", field="code")
    award_type = AwardType(province=province, code=code, has_rule=False, **{k: v for k, v in data.items() if k in AWARD_TYPE_FIELDS})
    _check_award_type(award_type)
    award_type.save()
    record(actor=actor, action="awards.award_type.create", obj=award_type, province=province, changes=diff({}, snapshot(award_type)))
    return award_type


@transaction.atomic
def do_update_award_type(*, actor, award_type: AwardType, data: dict[str, Any], expected_version: int) -> AwardType:
    if award_type.province_id is None:
        ensure(actor, "catalogue.edit")
        raise ActionError("Danh mục theo Luật do hệ thống cập nhật theo văn bản pháp luật, không sửa được tại đây.")
    ensure(actor, "catalogue.edit", province=award_type.province_id)
    before = snapshot(award_type)
    for key, value in data.items():
        if key in AWARD_TYPE_FIELDS:
            setattr(award_type, key, value)
    _check_award_type(award_type)
    changes = diff(before, snapshot(award_type))
    if changes:
        save_with_version(award_type, expected_version, AWARD_TYPE_FIELDS)
    record(actor=actor, action="awards.award_type.update", obj=award_type, changes=changes)
    return award_type


# --------------------------------------------------------------------------- provincial regulation packs

PACK_FIELDS = ["number", "title", "issued_on", "effective_from", "effective_to", "citations", "note"]
ENTRY_FIELDS = ["family", "rule", "param", "value", "effective_from", "effective_to", "citation"]


def _pack_invalid(invalid: PackInvalid) -> ActionError:
    return ActionError(invalid.message, field=invalid.field)


@transaction.atomic
def do_create_pack(*, actor, province, data: dict[str, Any]) -> RegulationPack:
    """A province's own TĐKT regulation: number, title, issue and effective dates, and the article
    that spells out each award's standard (``citations``: {award code: "Điều 4 khoản 2"}). Its
    parameters are added as entries (:func:`do_add_pack_entry`)."""
    ensure(actor, "rules.override", province=province)
    try:
        clean = validate_pack(
            {**data, "province": str(province)}, province_from=province.valid_from, province_to=province.valid_to
        )
    except PackInvalid as invalid:
        raise _pack_invalid(invalid) from None
    end = clean["effective_to"]
    if province.valid_to is not None and (end is None or end > province.valid_to):
        raise ActionError(
            f"{province} chỉ còn hiệu lực đến ngày {vn_date(province.valid_to)}; hãy ghi ngày hết hiệu lực "
            "không muộn hơn ngày đó, hoặc nhập văn bản cho tỉnh hiện nay.",
            field="effective_to",
        )
    clash = [p for p in RegulationPack.objects.filter(province=province, number__iexact=clean["number"]) if not p.withdrawn]
    if clash:
        raise ActionError(
            f"{province} đã có văn bản số {clash[0].number} (có hiệu lực từ {vn_date(clash[0].effective_from)}).", field="number"
        )
    pack = RegulationPack(
        province=province, created_by=_user_or_none(actor), **{k: clean.get(k) for k in PACK_FIELDS if k != "note"},
        note=(data.get("note") or "").strip(),
    )
    normalise_text_fields(pack)
    pack.save()
    record(actor=actor, action="awards.pack.create", obj=pack, province=province,
           changes=diff({}, snapshot(pack, PACK_FIELDS)), note=f"{pack.number}: {pack.title}")
    return pack


def _check_last_day(last_day, first: dt.date, current_end: dt.date | None, what: str) -> None:
    if not isinstance(last_day, dt.date):
        raise ActionError("Hãy nhập ngày cuối cùng áp dụng (ngày/tháng/năm).", field="last_day")
    if last_day < first - dt.timedelta(days=1):
        raise ActionError(
            f"Ngày cuối áp dụng không được trước ngày {vn_date(first - dt.timedelta(days=1))} "
            f"(chọn ngày đó để hủy {what} chưa áp dụng).",
            field="last_day",
        )
    if current_end is not None and last_day > current_end:
        raise ActionError(f"{what.capitalize()} vốn chỉ áp dụng đến hết ngày {vn_date(current_end)}.", field="last_day")


@transaction.atomic
def do_end_pack(*, actor, pack: RegulationPack, last_day: dt.date, reason: str, expected_version: int) -> RegulationPack:
    """A regulation stops applying after ``last_day`` (replaced or repealed); its entries end with it.
    The pack stays, with who ended it, when and why."""
    ensure(actor, "rules.override", province=pack.province_id)
    if pack.ended_at is not None:
        raise ActionError(f"Văn bản này đã được kết thúc, áp dụng đến hết ngày {vn_date(pack.effective_to)}.")
    _check_last_day(last_day, pack.effective_from, pack.effective_to, "văn bản")
    reason = " ".join((reason or "").split())
    if not reason:
        raise ActionError("Hãy ghi lý do kết thúc (ví dụ văn bản mới thay thế, số, ngày).", field="reason")
    before = snapshot(pack, ["effective_to"])
    pack.effective_to, pack.ended_by, pack.ended_at, pack.end_reason = last_day, _user_or_none(actor), timezone.now(), reason
    save_with_version(pack, expected_version, ["effective_to", "ended_by", "ended_at", "end_reason"])
    record(actor=actor, action="awards.pack.end", obj=pack, changes=diff(before, snapshot(pack, ["effective_to"])),
           note=f"{pack.number}: {reason}")
    return pack


@transaction.atomic
def do_add_pack_entry(*, actor, pack: RegulationPack, data: dict[str, Any]) -> RuleOverride:
    """A parameter the province's regulation sets (e.g. TTLĐTT 70 % → 75 %), within what the Law
    allows, from the pack's effective date or later.

    ``data``: family ("eligibility" | "voting"), rule (award code or "*"), param, value, citation
    (the article of the pack, e.g. "Điều 4 khoản 2 điểm b"), optional effective_from (default:
    the pack's), effective_to (last day), reason.
    """
    ensure(actor, "rules.override", province=pack.province_id)
    province = pack.province
    if pack.ended_at is not None or pack.withdrawn:
        raise ActionError(
            f"Văn bản {pack.number} đã được kết thúc; hãy thêm tham số vào văn bản đang có hiệu lực.", field="pack"
        )
    family = data.get("family") or RuleFamily.ELIGIBILITY
    rule = (data.get("rule") or "").strip()
    param = (data.get("param") or "").strip()
    start, end = data.get("effective_from") or pack.effective_from, data.get("effective_to")
    if not isinstance(start, dt.date):
        raise ActionError("Hãy nhập ngày bắt đầu áp dụng (ngày/tháng/năm).", field="effective_from")
    if start < pack.effective_from:
        raise ActionError(
            f"Văn bản {pack.number} có hiệu lực từ ngày {vn_date(pack.effective_from)}; tham số của văn bản chỉ áp dụng từ ngày đó.",
            field="effective_from",
        )
    if end is not None and end < start:
        raise ActionError("Ngày cuối áp dụng không được trước ngày bắt đầu.", field="effective_to")
    if pack.effective_to is not None and (end is None or end > pack.effective_to):
        end = pack.effective_to
    try:
        value = validate_override(family, rule, param, data.get("value"), on=start)
        article = check_article(data.get("citation"))
    except (OverrideInvalid, PackInvalid) as invalid:
        raise ActionError(invalid.message, field="citation" if invalid.field == "article" else invalid.field) from None
    clash = overlapping(province, family, rule, param, start, end)
    if clash:
        other = clash[0]
        last = entry_last_day(other)
        raise ActionError(
            f"Tỉnh đã có “{param_label(rule, param)}” = {other.value} theo văn bản {other.pack.number} áp dụng "
            f"từ {vn_date(other.effective_from)}{' đến ' + vn_date(last) if last else ''}, "
            "trùng thời gian. Hãy kết thúc tham số đó (hoặc văn bản đó) trước rồi thêm tham số mới.",
            field="effective_from",
        )
    entry = RuleOverride(
        province=province, pack=pack, family=family, rule=rule, param=param, value=value, effective_from=start,
        effective_to=end, citation=article, reason=(data.get("reason") or "").strip(), created_by=_user_or_none(actor),
    )
    normalise_text_fields(entry)
    entry.save()
    record(
        actor=actor, action="awards.pack_entry.create", obj=entry,
        changes=diff({}, snapshot(entry, ["pack", *ENTRY_FIELDS])),
        note=f"{pack.number}, {article}: {FAMILIES[family]}: {param_label(rule, param)} = {value}",
    )
    return entry


@transaction.atomic
def do_end_pack_entry(*, actor, override: RuleOverride, last_day: dt.date, reason: str, expected_version: int) -> RuleOverride:
    """End one parameter of a pack: ``last_day`` is the last day it applies (the day before its
    start withdraws one that has not applied yet). The row stays, with who ended it, when and why."""
    ensure(actor, "rules.override", province=override.province_id)
    if override.ended_at is not None:
        raise ActionError(f"Tham số này đã được kết thúc, áp dụng đến hết ngày {vn_date(override.effective_to)}.")
    _check_last_day(last_day, override.effective_from, override.effective_to, "tham số")
    reason = " ".join((reason or "").split())
    if not reason:
        raise ActionError("Hãy ghi lý do kết thúc (ví dụ văn bản của tỉnh bãi bỏ quy định).", field="reason")
    before = snapshot(override, ["effective_to"])
    override.effective_to = last_day
    override.ended_by = _user_or_none(actor)
    override.ended_at = timezone.now()
    override.end_reason = reason
    save_with_version(override, expected_version, ["effective_to", "ended_by", "ended_at", "end_reason"])
    record(
        actor=actor, action="awards.pack_entry.end", obj=override, changes=diff(before, snapshot(override, ["effective_to"])),
        note=f"{override_status(override)[1]}: {reason}",
    )
    return override
