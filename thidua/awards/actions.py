"""Writes of the award catalogue and the provincial rule overrides.

Each function checks the right first, validates, writes in one transaction and one audit row.
The national catalogue is not edited here: it is synced from thidua/rules/catalogue.py
(thidua/awards/sync.py). Overrides are never deleted: ending one sets its last day.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.db import transaction
from django.utils import timezone

from thidua.audit.log import diff, record, snapshot
from thidua.awards.models import AwardKind, AwardLevel, AwardType, RuleFamily, RuleOverride
from thidua.awards.selectors import override_status, overlapping
from thidua.core.access import ensure
from thidua.core.cas import save_with_version
from thidua.core.errors import ActionError
from thidua.core.models import normalise_text_fields
from thidua.rules.catalogue import AWARD_TYPE_NAMES, CATALOGUE_BY_CODE, CATALOGUE_SUBJECTS
from thidua.rules.registry import FAMILIES, OverrideInvalid, param_label, validate_override, vn_date
from thidua.rules.versions import eligibility_versions

CODE_RE = re.compile(r"^[A-Z][A-Z0-9_]{1,29}$")
AWARD_TYPE_FIELDS = [
    "name", "kind", "subjects", "level", "authority", "categories", "citation", "effective_from", "effective_to",
    "manual_reason", "note",
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


# --------------------------------------------------------------------------- provincial overrides


def _first_rule_day() -> dt.date:
    return dt.date.fromisoformat(eligibility_versions()[0]["effective_from"])


@transaction.atomic
def do_add_rule_override(*, actor, province, data: dict[str, Any]) -> RuleOverride:
    """A province changes one parameter of the national rules from a date (e.g. TTLĐTT 70 % → 75 %).

    ``data``: family ("eligibility" | "voting"), rule (award code or "*"), param, value,
    effective_from, optional effective_to (last day), citation (the province's document), reason.
    """
    ensure(actor, "rules.override", province=province)
    family = data.get("family") or RuleFamily.ELIGIBILITY
    rule = (data.get("rule") or "").strip()
    param = (data.get("param") or "").strip()
    start, end = data.get("effective_from"), data.get("effective_to")
    if not isinstance(start, dt.date):
        raise ActionError("Hãy nhập ngày bắt đầu áp dụng (ngày/tháng/năm).", field="effective_from")
    if start < _first_rule_day():
        raise ActionError(
            f"Ngày bắt đầu áp dụng phải từ {vn_date(_first_rule_day())} (ngày Luật Thi đua, khen thưởng 2022 có hiệu lực).",
            field="effective_from",
        )
    if end is not None and end < start:
        raise ActionError("Ngày cuối áp dụng không được trước ngày bắt đầu.", field="effective_to")
    if province.valid_from is not None and start < province.valid_from:
        raise ActionError(
            f"{province} (mã {province.code}) có hiệu lực từ ngày {vn_date(province.valid_from)}; "
            "điều chỉnh của tỉnh chỉ áp dụng từ ngày đó.",
            field="effective_from",
        )
    if province.valid_to is not None and (end is None or end > province.valid_to):
        raise ActionError(
            f"{province} chỉ còn hiệu lực đến ngày {vn_date(province.valid_to)}; hãy điều chỉnh cho tỉnh hiện nay.",
            field="effective_from" if start > province.valid_to else "effective_to",
        )
    try:
        value = validate_override(family, rule, param, data.get("value"), on=start)
    except OverrideInvalid as invalid:
        raise ActionError(invalid.message, field=invalid.field) from None
    citation = " ".join((data.get("citation") or "").split())
    if not citation:
        raise ActionError("Hãy ghi căn cứ: số, ký hiệu, ngày của văn bản tỉnh quy định điều chỉnh này.", field="citation")
    clash = overlapping(province, family, rule, param, start, end)
    if clash:
        other = clash[0]
        raise ActionError(
            f"Tỉnh đã có điều chỉnh “{param_label(rule, param)}” = {other.value} áp dụng "
            f"từ {vn_date(other.effective_from)}{' đến ' + vn_date(other.effective_to) if other.effective_to else ''}, "
            "trùng thời gian. Hãy kết thúc điều chỉnh đó trước (ghi ngày cuối áp dụng) rồi thêm điều chỉnh mới.",
            field="effective_from",
        )
    override = RuleOverride(
        province=province, family=family, rule=rule, param=param, value=value, effective_from=start, effective_to=end,
        citation=citation, reason=(data.get("reason") or "").strip(), created_by=_user_or_none(actor),
    )
    normalise_text_fields(override)
    override.save()
    record(
        actor=actor, action="awards.override.create", obj=override,
        changes=diff({}, snapshot(override, ["family", "rule", "param", "value", "effective_from", "effective_to", "citation"])),
        note=f"{FAMILIES[family]}: {param_label(rule, param)} = {value}",
    )
    return override


@transaction.atomic
def do_end_rule_override(*, actor, override: RuleOverride, last_day: dt.date, reason: str, expected_version: int) -> RuleOverride:
    """End an override: ``last_day`` is the last day it applies (the day before its start withdraws
    an override that has not applied yet). The row stays, with who ended it, when and why."""
    ensure(actor, "rules.override", province=override.province_id)
    if override.ended_at is not None:
        raise ActionError(f"Điều chỉnh này đã được kết thúc, áp dụng đến hết ngày {vn_date(override.effective_to)}.")
    if not isinstance(last_day, dt.date):
        raise ActionError("Hãy nhập ngày cuối cùng áp dụng (ngày/tháng/năm).", field="last_day")
    if last_day < override.effective_from - dt.timedelta(days=1):
        raise ActionError(
            f"Ngày cuối áp dụng không được trước ngày {vn_date(override.effective_from - dt.timedelta(days=1))} "
            "(chọn ngày đó để hủy một điều chỉnh chưa áp dụng).",
            field="last_day",
        )
    if override.effective_to is not None and last_day > override.effective_to:
        raise ActionError(f"Điều chỉnh vốn chỉ áp dụng đến hết ngày {vn_date(override.effective_to)}.", field="last_day")
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
        actor=actor, action="awards.override.end", obj=override, changes=diff(before, snapshot(override, ["effective_to"])),
        note=f"{override_status(override)[1]}: {reason}",
    )
    return override
