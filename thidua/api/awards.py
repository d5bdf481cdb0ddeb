"""/api/v1 for the award catalogue, the rule registry and the provinces' regulation packs.

Thin like thidua/awards/views.py: `requires()` checks the role, the awards selectors limit what a
caller sees (national catalogue for everyone, a province's own entries and overrides to that
province), and thidua/awards/actions.py does every write with its audit row. The registry reads
the shipped rule data through thidua/rules/registry.py.
"""

# No `from __future__ import annotations`: ninja reads these annotations at runtime.

import datetime as dt
from typing import Any, List, Literal, Optional
from uuid import UUID

from django.http import Http404
from ninja import Field, Query, Router, Schema

from thidua.api.auth import requires
from thidua.api.registry import ErrorOut, _ref, _user
from thidua.awards import actions, selectors
from thidua.awards.models import AwardKind, AwardLevel, AwardType, RegulationPack, RuleFamily, RuleOverride
from thidua.core.access import get_scoped_or_404
from thidua.org.models import Province
from thidua.rules import registry
from thidua.rules.packs import label as provincial_label
from thidua.rules.catalogue import AWARD_CODES, AWARD_TYPE_NAMES, CATALOGUE_SUBJECT_NAMES, CATALOGUE_SUBJECTS

TAG_CATALOGUE = "Danh mục khen thưởng"
TAG_RULES = "Quy định, tiêu chuẩn khen thưởng"
TAG_OVERRIDES = "Quy định thi đua, khen thưởng của tỉnh"

router = Router(tags=[TAG_CATALOGUE])

ERRORS: dict[int, Any] = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
WRITE_ERRORS: dict[int, Any] = {**ERRORS, 409: ErrorOut}

KindCode = Literal[tuple(AwardKind.values)]  # type: ignore[valid-type]
LevelCode = Literal[tuple(AwardLevel.values)]  # type: ignore[valid-type]
SubjectCode = Literal[CATALOGUE_SUBJECTS]  # type: ignore[valid-type]
CategoryCode = Literal[tuple(AWARD_TYPE_NAMES)]  # type: ignore[valid-type]
FamilyCode = Literal[tuple(RuleFamily.values)]  # type: ignore[valid-type]


# ---------------------------------------------------------------- schemas


class ProvinceRef(Schema):
    uid: UUID
    code: str
    name: str


class AwardTypeOut(Schema):
    uid: UUID
    code: str
    name: str
    kind: str
    kind_label: str = Field(description="Danh hiệu thi đua hoặc Hình thức khen thưởng")
    subjects: List[str]
    subjects_label: str
    level: str
    level_label: str
    authority: str
    categories: List[str]
    categories_label: str
    citation: str
    evidence: str
    effective_from: Optional[dt.date]
    effective_to: Optional[dt.date]
    has_rule: bool = Field(description="true: hệ thống xét điều kiện tự động; false: thẩm định thủ công")
    manual_reason: str
    counts_as_basis: Optional[bool] = Field(
        description="Danh mục của tỉnh: có được tính làm thành tích để xét khen thưởng cao hơn (tặng của ngành, đoàn thể, đột xuất: "
        "thường không); null: danh mục theo Luật, hệ thống xét theo loại hình khen thưởng"
    )
    note: str
    province: Optional[ProvinceRef] = Field(description="null: danh mục theo Luật (toàn quốc)")
    rule_versions: List[str] = Field(description="Các phiên bản quy định có tiêu chuẩn của mã này")
    version: int


class AwardTypeIn(Schema):
    province: UUID = Field(description="Tỉnh/thành phố quy định danh hiệu, hình thức")
    code: str = Field(max_length=30, description="Chữ in hoa không dấu, ví dụ KNC_TINH")
    name: str = Field(max_length=200)
    kind: KindCode  # type: ignore[valid-type]
    subjects: List[SubjectCode]  # type: ignore[valid-type]
    level: LevelCode  # type: ignore[valid-type]
    authority: str = Field("", max_length=300)
    categories: List[CategoryCode]  # type: ignore[valid-type]
    citation: str = Field(max_length=500)
    effective_from: Optional[dt.date] = None
    effective_to: Optional[dt.date] = None
    manual_reason: str = ""
    counts_as_basis: bool = False
    note: str = ""


class RuleRowOut(Schema):
    code: str
    name: str
    version: str = Field(description="Khóa phiên bản (ngày bắt đầu hiệu lực), ví dụ 2025-07-01")
    decree: str
    period: str
    subjects: str
    conditions: int
    unconfirmed: int = Field(description="Số điểm chưa xác nhận (cài đặt theo mặc định)")


class VersionOut(Schema):
    key: str
    decree: str
    effective_from: str
    effective_to: Optional[str]
    period: str
    note: str


class CheckRuleOut(Schema):
    code: str
    text: str
    citation: str
    evidence: str
    unconfirmed: bool


class RouteRuleOut(Schema):
    subject: str
    code: str
    label: str
    citation: str
    unconfirmed: bool


class ParamOut(Schema):
    rule: str
    name: str
    label: str
    value: Any
    unconfirmed: bool
    note: str
    citation: str
    override: Optional[dict] = Field(None, description="Điều chỉnh của tỉnh đang áp dụng vào ngày xem")


class RuleDetailOut(Schema):
    code: str
    name: str
    subjects: List[str]
    evidence: str
    citations: List[str]
    version: VersionOut
    other_versions: List[VersionOut]
    checks: List[CheckRuleOut]
    routes: List[RouteRuleOut]
    params: List[ParamOut]
    common_params: List[ParamOut]
    province: Optional[ProvinceRef]
    on: dt.date = Field(description="Ngày dùng để áp dụng điều chỉnh của tỉnh")


class PackRef(Schema):
    uid: UUID
    number: str
    title: str


class OverrideOut(Schema):
    uid: UUID
    province: ProvinceRef
    pack: PackRef
    family: str
    family_label: str
    rule: str
    rule_label: str
    param: str
    param_label: str
    value: str
    effective_from: dt.date
    effective_to: Optional[dt.date]
    citation: str
    reason: str
    status: str = Field(description="upcoming | active | ended | withdrawn")
    status_label: str
    created_by: Optional[str]
    ended_at: Optional[dt.datetime]
    end_reason: str
    version: int


class OverrideIn(Schema):
    pack: UUID = Field(description="uid văn bản quy định của tỉnh (đặt tham số này)")
    family: FamilyCode = "eligibility"  # type: ignore[valid-type]
    rule: str = Field(max_length=30, description="Mã danh hiệu, hình thức, hoặc * cho mọi danh hiệu, hình thức")
    param: str = Field(max_length=60, description="Tham số, ví dụ ldtt_ratio_percent")
    value: str = Field(max_length=30, description="Giá trị áp dụng của tỉnh, ví dụ 75 hoặc true")
    effective_from: Optional[dt.date] = Field(None, description="Bỏ trống: từ ngày văn bản có hiệu lực")
    effective_to: Optional[dt.date] = Field(None, description="Ngày cuối áp dụng; bỏ trống nếu chưa có thời hạn")
    citation: str = Field(max_length=120, description="Điều, khoản của văn bản, ví dụ “Điều 4 khoản 2 điểm b”")
    reason: str = ""


class PackOut(Schema):
    uid: UUID
    province: ProvinceRef
    number: str
    title: str
    issued_on: Optional[dt.date]
    effective_from: dt.date
    effective_to: Optional[dt.date]
    citations: dict = Field(description="Điều, khoản quy định tiêu chuẩn của từng danh hiệu, hình thức (theo mã)")
    label: str = Field(description="Cách kết quả xét ghi văn bản: “theo Quy định … của tỉnh …”")
    note: str
    status: str = Field(description="upcoming | active | ended | withdrawn")
    status_label: str
    ended_at: Optional[dt.datetime]
    end_reason: str
    version: int


class PackIn(Schema):
    province: UUID
    number: str = Field(max_length=60, description="Số, ký hiệu, ví dụ 86/2025/QĐ-UBND")
    title: str = Field(max_length=300)
    issued_on: dt.date
    effective_from: dt.date
    effective_to: Optional[dt.date] = None
    citations: dict = Field(default_factory=dict, description="{mã danh hiệu: “Điều 4 khoản 2”}")
    note: str = ""


class OverrideEndIn(Schema):
    version: int = Field(description="Phiên bản đã đọc (compare-and-set); nếu đã có người sửa trước, API trả 409")
    last_day: dt.date = Field(description="Ngày cuối cùng áp dụng (ngày trước ngày bắt đầu: hủy điều chỉnh chưa áp dụng)")
    reason: str


# ---------------------------------------------------------------- renderers


def _province_ref(province: Optional[Province]) -> Optional[dict]:
    return {"uid": province.uid, "code": province.code, "name": province.name} if province is not None else None


def award_type_out(a: AwardType) -> dict:
    return {
        "uid": a.uid,
        "code": a.code,
        "name": a.name,
        "kind": a.kind,
        "kind_label": a.get_kind_display(),
        "subjects": list(a.subjects or []),
        "subjects_label": ", ".join(CATALOGUE_SUBJECT_NAMES.get(s, s) for s in a.subjects or []),
        "level": a.level,
        "level_label": a.get_level_display(),
        "authority": a.authority,
        "categories": list(a.categories or []),
        "categories_label": ", ".join(AWARD_TYPE_NAMES.get(c, c) for c in a.categories or []),
        "citation": a.citation,
        "evidence": a.evidence,
        "effective_from": a.effective_from,
        "effective_to": a.effective_to,
        "has_rule": a.has_rule,
        "manual_reason": a.manual_reason,
        "counts_as_basis": a.counts_as_basis if a.province_id else None,
        "note": a.note,
        "province": _province_ref(a.province),
        "rule_versions": [v["key"] for v in registry.award_versions(a.code)] if a.has_rule else [],
        "version": a.version,
    }


def pack_out(p: RegulationPack) -> dict:
    status = selectors.pack_status(p)
    return {
        "uid": p.uid, "province": _province_ref(p.province), "number": p.number, "title": p.title,
        "issued_on": p.issued_on, "effective_from": p.effective_from, "effective_to": p.effective_to,
        "citations": dict(p.citations or {}),
        "label": provincial_label({"number": p.number, "province": p.province_label,
                                   "issued_on": p.issued_on.isoformat() if p.issued_on else None}),
        "note": p.note, "status": status[0], "status_label": status[1], "ended_at": p.ended_at, "end_reason": p.end_reason,
        "version": p.version,
    }


def override_out(o: RuleOverride) -> dict:
    status = selectors.override_status(o)
    return {
        "uid": o.uid,
        "province": _province_ref(o.province),
        "pack": {"uid": o.pack.uid, "number": o.pack.number, "title": o.pack.title},
        "family": o.family,
        "family_label": o.get_family_display(),
        "rule": o.rule,
        "rule_label": registry._rule_name(o.rule),
        "param": o.param,
        "param_label": registry.param_label(o.rule, o.param),
        "value": o.value,
        "effective_from": o.effective_from,
        "effective_to": o.effective_to,
        "citation": o.citation,
        "reason": o.reason,
        "status": status[0],
        "status_label": status[1],
        "created_by": o.created_by.get_username() if o.created_by else None,
        "ended_at": o.ended_at,
        "end_reason": o.end_reason,
        "version": o.version,
    }


def _visible_award_type(user, uid: UUID) -> AwardType:
    try:
        return selectors.visible_award_types(user).get(uid=uid)
    except AwardType.DoesNotExist as exc:
        raise Http404 from exc


def _visible_province(user, uid: Optional[UUID]) -> Optional[Province]:
    if uid is None:
        return None
    ids = selectors.visible_province_ids(user)
    qs = Province.objects.all() if ids is None else Province.objects.filter(pk__in=ids)
    province = qs.filter(uid=uid).first()
    if province is None:
        raise Http404
    return province


# ---------------------------------------------------------------- catalogue


@router.get("/awards/catalogue", response={200: List[AwardTypeOut], **ERRORS}, summary="Danh mục danh hiệu thi đua, hình thức khen thưởng")
@requires("rules.view")
def list_award_types(
    request,
    kind: Optional[KindCode] = Query(None, description="DANH_HIEU: danh hiệu thi đua; HINH_THUC: hình thức khen thưởng"),  # type: ignore[valid-type]
    subject: Optional[SubjectCode] = Query(None),  # type: ignore[valid-type]
    level: Optional[LevelCode] = Query(None),  # type: ignore[valid-type]
    category: Optional[CategoryCode] = Query(None),  # type: ignore[valid-type]
    scope: Optional[Literal["national", "province"]] = Query(None, description="national: theo Luật; province: do tỉnh quy định"),
    q: Optional[str] = Query(None, max_length=200, description="Tên, mã, không cần dấu"),
):
    rows = selectors.filter_catalogue(
        selectors.visible_award_types(_user(request)), kind=kind or "", subject=subject or "", level=level or "",
        scope=scope or "", category=category or "", q=q or "",
    )
    return [award_type_out(a) for a in rows]


@router.get("/awards/catalogue/{uid}", response={200: AwardTypeOut, **ERRORS}, summary="Xem một danh hiệu, hình thức khen thưởng")
@requires("rules.view")
def get_award_type(request, uid: UUID):
    return award_type_out(_visible_award_type(_user(request), uid))


@router.post("/awards/catalogue", response={201: AwardTypeOut, **ERRORS}, summary="Thêm danh hiệu, hình thức khen thưởng của tỉnh")
@requires("catalogue.edit")
def create_award_type(request, payload: AwardTypeIn):
    user = _user(request)
    data = payload.dict()
    province = _ref(user, Province, data.pop("province"), "province", "tỉnh/thành phố", action="catalogue.edit")
    award_type = actions.do_add_award_type(actor=user, province=province, data=data)
    return 201, award_type_out(AwardType.objects.select_related("province").get(pk=award_type.pk))


# ---------------------------------------------------------------- rule registry


@router.get("/awards/rules", response={200: List[RuleRowOut], **ERRORS}, summary="Các tiêu chuẩn khen thưởng theo từng văn bản", tags=[TAG_RULES])
@requires("rules.view")
def list_rules(request, code: Optional[str] = Query(None, description="Chỉ một mã danh hiệu, hình thức")):
    rows = registry.rule_index()
    if code:
        rows = [r for r in rows if r["code"] == code]
    return [
        {"code": r["code"], "name": r["name"], "version": r["key"], "decree": r["decree"], "period": r["period"],
         "subjects": r["subjects_text"], "conditions": r["conditions"], "unconfirmed": r["unconfirmed"]}
        for r in rows
    ]


@router.get(
    "/awards/rules/{code}/{version}", response={200: RuleDetailOut, **ERRORS},
    summary="Điều kiện của một danh hiệu, hình thức theo một văn bản (kèm điều chỉnh của tỉnh)", tags=[TAG_RULES],
)
@requires("rules.view")
def get_rule(
    request,
    code: str,
    version: str,
    province: Optional[UUID] = Query(None, description="uid tỉnh: áp dụng điều chỉnh của tỉnh"),
    on: Optional[dt.date] = Query(None, description="Ngày áp dụng điều chỉnh (mặc định hôm nay)"),
):
    user = _user(request)
    if code not in AWARD_CODES or registry.version_by_key(version) is None:
        raise Http404
    chosen = _visible_province(user, province)
    day = on or dt.date.today()
    packs = selectors.province_packs(chosen) if chosen is not None else []
    rule = registry.award_rule(code, version, packs=packs if registry.version_key_on(day) == version else None, on=day)
    if rule is None:
        raise Http404
    return {
        "code": rule["code"],
        "name": rule["name"],
        "subjects": rule["subjects"],
        "evidence": rule["evidence"],
        "citations": rule["citations"],
        "version": rule["version"],
        "other_versions": [v for v in registry.award_versions(code) if v["key"] != version],
        "checks": rule["checks"],
        "routes": rule["routes"],
        "params": rule["params"],
        "common_params": rule["common_params"],
        "province": _province_ref(chosen),
        "on": day,
    }


class ThresholdRuleOut(Schema):
    code: str
    name: str
    percent: int
    citation: str


class VotingRuleOut(Schema):
    key: str
    effective_from: str
    effective_to: Optional[str]
    period: str
    confirmed: bool = Field(description="false: các mức chưa được xác nhận trong văn bản, đang dùng mặc định")
    citations: List[str]
    note: str
    quorum_text: str
    quorum_citation: str
    thresholds: List[ThresholdRuleOut]
    no_mandatory_ballot: List[str]


@router.get(
    "/awards/voting-rules", response={200: List[VotingRuleOut], **ERRORS},
    summary="Ngưỡng phiếu, số thành viên dự họp theo từng văn bản", tags=[TAG_RULES],
)
@requires("rules.view")
def list_voting_rules(request):
    return [registry.voting_rule(v["key"]) for v in registry.voting_versions()]


# ---------------------------------------------------------------- overrides


@router.get("/awards/overrides", response={200: List[OverrideOut], **ERRORS}, summary="Điều chỉnh tiêu chuẩn của tỉnh (cả đã kết thúc)", tags=[TAG_OVERRIDES])
@requires("rules.view")
def list_overrides(
    request,
    family: Optional[FamilyCode] = Query(None),  # type: ignore[valid-type]
    province: Optional[UUID] = Query(None),
    rule: Optional[str] = Query(None, max_length=30),
):
    user = _user(request)
    qs = selectors.visible_overrides(user).order_by("province__name", "family", "rule", "param", "-effective_from", "pk")
    if family:
        qs = qs.filter(family=family)
    if province:
        qs = qs.filter(province=_visible_province(user, province))
    if rule:
        qs = qs.filter(rule=rule)
    return [override_out(o) for o in qs]


@router.post("/awards/overrides", response={201: OverrideOut, **ERRORS}, summary="Thêm một tham số do văn bản của tỉnh quy định", tags=[TAG_OVERRIDES])
@requires("rules.override")
def create_override(request, payload: OverrideIn):
    user = _user(request)
    data = payload.dict()
    pack = _ref(user, RegulationPack, data.pop("pack"), "pack", "văn bản của tỉnh", action="rules.override")
    override = actions.do_add_pack_entry(actor=user, pack=pack, data=data)
    return 201, override_out(RuleOverride.objects.select_related("province", "pack", "created_by").get(pk=override.pk))


@router.post(
    "/awards/overrides/{uid}/end", response={200: OverrideOut, **WRITE_ERRORS},
    summary="Kết thúc một tham số (ghi ngày cuối áp dụng, không xóa)", tags=[TAG_OVERRIDES],
)
@requires("rules.override")
def end_override(request, uid: UUID, payload: OverrideEndIn):
    user = _user(request)
    override = get_scoped_or_404(user, RuleOverride.objects.select_related("province", "pack"), "rules.override", uid=uid)
    actions.do_end_pack_entry(
        actor=user, override=override, last_day=payload.last_day, reason=payload.reason, expected_version=payload.version
    )
    return override_out(RuleOverride.objects.select_related("province", "pack", "created_by").get(pk=override.pk))


@router.get("/awards/packs", response={200: List[PackOut], **ERRORS}, summary="Quy định thi đua, khen thưởng của tỉnh (cả đã hết hiệu lực)", tags=[TAG_OVERRIDES])
@requires("rules.view")
def list_packs(request, province: Optional[UUID] = Query(None)):
    user = _user(request)
    qs = selectors.visible_packs(user).order_by("province__name", "-effective_from", "pk")
    if province:
        qs = qs.filter(province=_visible_province(user, province))
    return [pack_out(p) for p in qs]


@router.post("/awards/packs", response={201: PackOut, **ERRORS}, summary="Thêm văn bản quy định thi đua, khen thưởng của tỉnh", tags=[TAG_OVERRIDES])
@requires("rules.override")
def create_pack(request, payload: PackIn):
    user = _user(request)
    data = payload.dict()
    province = _ref(user, Province, data.pop("province"), "province", "tỉnh/thành phố", action="rules.override")
    pack = actions.do_create_pack(actor=user, province=province, data=data)
    return 201, pack_out(RegulationPack.objects.select_related("province").get(pk=pack.pk))


@router.post(
    "/awards/packs/{uid}/end", response={200: PackOut, **WRITE_ERRORS},
    summary="Kết thúc một văn bản của tỉnh (ghi ngày cuối áp dụng, không xóa)", tags=[TAG_OVERRIDES],
)
@requires("rules.override")
def end_pack(request, uid: UUID, payload: OverrideEndIn):
    user = _user(request)
    pack = get_scoped_or_404(user, RegulationPack.objects.select_related("province"), "rules.override", uid=uid)
    actions.do_end_pack(actor=user, pack=pack, last_day=payload.last_day, reason=payload.reason, expected_version=payload.version)
    return pack_out(RegulationPack.objects.select_related("province").get(pk=pack.pk))
