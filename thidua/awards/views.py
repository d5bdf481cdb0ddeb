"""Pages of the award catalogue, the rule registry, the provinces' regulation packs and the what-if form.

Thin: forms → actions → redirect/messages. The rule registry is read from the shipped rule data
through thidua/rules/registry.py; the what-if page calls thidua.whatif.service.evaluate_one, the
same function as the API and `manage.py evaluate`.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.contrib import messages
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, resolve, reverse

from thidua.audit.labels import action_label
from thidua.audit.models import AuditLog
from thidua.awards import actions, selectors
from thidua.awards.forms import (
    AwardTypeForm,
    CatalogueFilterForm,
    EndOverrideForm,
    OverrideForm,
    PackForm,
    WhatIfForm,
    default_whatif_initial,
)
from thidua.awards.models import AwardType, RegulationPack, RuleFamily, RuleOverride
from thidua.core.access import access, ensure, get_scoped_or_404, provinces_for, scope_of
from thidua.core.errors import ActionError
from thidua.core.forms import apply_action_error
from thidua.org.models import Province
from thidua.rules import council, registry
from thidua.rules.packs import label as provincial_label
from thidua.rules.catalogue import (
    AWARD_CODES,
    AWARD_NAMES,
    AWARD_SUBJECTS,
    AWARD_TYPE_NAMES,
    CATALOGUE_SUBJECT_NAMES,
    CONFIRMATIONS,
    LEVEL_NAMES,
)
from thidua.whatif.service import evaluate_one, is_error

# The hub's links, in the order of the work; pages of the other award apps (history, proposals)
# appear once their routes exist, and only to users whose role opens them (no dead ends).
HUB_LINKS = [
    ("awards:catalogue_list", "Danh mục danh hiệu, hình thức khen thưởng", "Danh hiệu thi đua và hình thức khen thưởng theo Luật và do tỉnh quy định."),
    ("awards:rule_list", "Quy định, tiêu chuẩn khen thưởng", "Điều kiện của từng danh hiệu, hình thức theo Nghị định 98/2023 và 152/2025, nguồn, điểm chưa xác nhận."),
    ("awards:override_list", "Quy định thi đua, khen thưởng của tỉnh", "Văn bản riêng của từng tỉnh: hiệu lực từ ngày nào, điều khoản nào, tham số nào tỉnh quy định."),
    ("awards:whatif", "Tính thử điều kiện khen thưởng", "Nhập thành tích các năm, xem đủ điều kiện hay chưa và vì sao."),
    ("history:batch", "Hồ sơ thành tích, rà soát điều kiện", "Ai trong khối, tỉnh đủ điều kiện danh hiệu, hình thức nào trong năm."),
    ("history:import", "Nhập hồ sơ thành tích từ Excel", "Nhập mức hoàn thành nhiệm vụ, danh hiệu, khen thưởng các năm."),
    ("proposals:proposal_list", "Hồ sơ đề nghị khen thưởng", "Lập, gửi, thẩm định hồ sơ đề nghị."),
    ("proposals:decision_list", "Quyết định khen thưởng", "Quyết định đã ban hành hoặc ghi nhận, danh sách được khen thưởng."),
]


def _resolve(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def _allowed(user, action: str, **target) -> bool:
    try:
        ensure(user, action, **target)
    except ActionError:
        return False
    return True


@access("rules.evaluate")
def home(request):
    scope = scope_of(request.user)
    links = []
    for name, label, text in HUB_LINKS:
        url = _resolve(name)
        if url is None:
            continue
        action = getattr(resolve(url).func, "thidua_action", None)
        if action in (None, "signed_in") or scope.can(action):
            links.append({"url": url, "label": label, "text": text})
    counts = {
        "titles": AwardType.objects.filter(province__isnull=True, kind="DANH_HIEU").count(),
        "forms": AwardType.objects.filter(province__isnull=True, kind="HINH_THUC").count(),
        "overrides": selectors.visible_overrides(request.user).count(),
        "packs": selectors.visible_packs(request.user).count(),
    }
    return render(request, "awards/home.html", {"links": links, "counts": counts, "versions": registry.eligibility_versions()})


# --------------------------------------------------------------------------- catalogue


@access("rules.view")
def catalogue_list(request):
    form = CatalogueFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    rows = selectors.filter_catalogue(selectors.visible_award_types(request.user), **{k: v or "" for k, v in data.items()})
    context = {
        "form": form,
        "titles": [r for r in rows if r.kind == "DANH_HIEU"],
        "forms": [r for r in rows if r.kind == "HINH_THUC"],
        "subject_names": CATALOGUE_SUBJECT_NAMES,
        "can_add": scope_of(request.user).can("catalogue.edit"),
    }
    return render(request, "awards/catalogue_list.html", context)


def _award_type_context(award_type: AwardType) -> dict:
    return {
        "subjects_text": ", ".join(CATALOGUE_SUBJECT_NAMES.get(s, s) for s in award_type.subjects or []),
        "categories_text": ", ".join(AWARD_TYPE_NAMES.get(c, c) for c in award_type.categories or []),
        "level_text": LEVEL_NAMES.get(award_type.level, award_type.level),
    }


@access("rules.view")
def award_type_detail(request, uid):
    award_type = _visible_award_type(request.user, uid)
    rule_versions = registry.award_versions(award_type.code) if award_type.has_rule else []
    can_edit = award_type.province_id is not None and _allowed(request.user, "catalogue.edit", province=award_type.province_id)
    history = AuditLog.objects.filter(object_type="awards.awardtype", object_uid=str(award_type.uid)).order_by("at")
    context = {"award_type": award_type, "rule_versions": rule_versions, "can_edit": can_edit, "history": history,
               "evidence_text": registry.evidence_text(award_type.evidence), **_award_type_context(award_type)}
    return render(request, "awards/award_type_detail.html", context)


def _visible_award_type(user, uid) -> AwardType:
    try:
        return selectors.visible_award_types(user).get(uid=uid)
    except (AwardType.DoesNotExist, ValueError) as exc:
        raise Http404("Không tìm thấy") from exc


@access("catalogue.edit")
def award_type_create(request):
    provinces = provinces_for(request.user, "catalogue.edit").order_by("name")
    form = AwardTypeForm(request.POST or None, provinces=provinces, initial={"province": provinces.first()})
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("province", "version")}
        try:
            award_type = actions.do_add_award_type(actor=request.user, province=form.cleaned_data["province"], data=data)
        except ActionError as error:
            apply_action_error(form, error)
        else:
            messages.success(request, f"Đã thêm “{award_type.name}” vào danh mục của tỉnh.")
            return redirect(reverse("awards:award_type_detail", args=[award_type.uid]))
    return render(request, "awards/award_type_form.html", {"form": form, "creating": True})


@access("catalogue.edit")
def award_type_edit(request, uid):
    award_type = _visible_award_type(request.user, uid)
    if award_type.province_id is None or not _allowed(request.user, "catalogue.edit", province=award_type.province_id):
        raise Http404("Không tìm thấy")
    form = AwardTypeForm(request.POST or None, instance=award_type, initial={"version": award_type.version})
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            actions.do_update_award_type(
                actor=request.user, award_type=AwardType.objects.get(pk=award_type.pk), data=data,
                expected_version=form.cleaned_data.get("version") or 0,
            )
        except ActionError as error:
            apply_action_error(form, error)
        else:
            messages.success(request, "Đã lưu danh hiệu, hình thức.")
            return redirect(reverse("awards:award_type_detail", args=[award_type.uid]))
    return render(request, "awards/award_type_form.html", {"form": form, "creating": False, "award_type": award_type})


# --------------------------------------------------------------------------- rule registry


def _visible_provinces(user):
    ids = selectors.visible_province_ids(user)
    qs = Province.objects.filter(valid_to__isnull=True).order_by("name")
    return qs if ids is None else qs.filter(pk__in=ids)


def _chosen_province(request, provinces):
    value = request.GET.get("province")
    if value:
        try:
            return provinces.filter(pk=int(value)).first()
        except ValueError:
            return None
    return provinces.first() if provinces.count() == 1 or not scope_of(request.user).is_admin else None


def _chosen_day(request) -> dt.date:
    value = request.GET.get("on", "")
    day = registry.parse_date(value) if value else None
    if day is None and value:
        for fmt in ("%d/%m/%Y", "%d-%m-%Y"):
            try:
                day = dt.datetime.strptime(value, fmt).date()
                break
            except ValueError:
                continue
    return day or dt.date.today()


@access("rules.view")
def rule_list(request):
    provinces = _visible_provinces(request.user)
    province = _chosen_province(request, provinces)
    overrides = selectors.visible_overrides(request.user)
    if province is not None:
        overrides = overrides.filter(province=province)
    counted = {}
    for o in overrides:
        counted[o.rule] = counted.get(o.rule, 0) + 1
    rows = registry.rule_index()
    for row in rows:
        row["overrides"] = counted.get(row["code"], 0)
    context = {
        "versions": registry.eligibility_versions(),
        "rows": rows,
        "voting": [registry.voting_rule(v["key"]) for v in registry.voting_versions()],
        "province": province,
        "common_overrides": counted.get("*", 0),
        "manual": AwardType.objects.filter(province__isnull=True, has_rule=False).order_by("kind", "pk"),
        "can_override": scope_of(request.user).can("rules.override"),
    }
    return render(request, "awards/rule_list.html", context)


@access("rules.view")
def rule_detail(request, code, key):
    if code not in AWARD_CODES or registry.version_by_key(key) is None:
        raise Http404("Không tìm thấy")
    provinces = _visible_provinces(request.user)
    province = _chosen_province(request, provinces)
    day = _chosen_day(request)
    packs = selectors.province_packs(province) if province is not None else []
    current_key = registry.version_key_on(day)
    rule = registry.award_rule(code, key, packs=packs if current_key == key else None, on=day)
    if rule is None:
        raise Http404("Không tìm thấy")
    history = selectors.visible_overrides(request.user).filter(rule__in=[code, "*"])
    if province is not None:
        history = history.filter(province=province)
    voting_history = history.filter(family=RuleFamily.VOTING)
    history = history.filter(family=RuleFamily.ELIGIBILITY)
    context = {
        "rule": rule,
        "code": code,
        "key": key,
        "versions": registry.award_versions(code),
        "changes": registry.version_changes(code, key),
        "provinces": provinces,
        "province": province,
        "day": day,
        "day_has_version": current_key is not None,
        "day_version_other": current_key is not None and current_key != key,
        "no_version_message": registry.no_version_message(day) if current_key is None else "",
        "history": _override_rows(request.user, history),
        "voting_history": _override_rows(request.user, voting_history),
        "can_override": _allowed(request.user, "rules.override", province=province) if province else scope_of(request.user).can("rules.override"),
        "award_type": AwardType.objects.filter(province__isnull=True, code=code).first(),
    }
    return render(request, "awards/rule_detail.html", context)


# --------------------------------------------------------------------------- provincial regulation packs


def _value_text(override: RuleOverride) -> str:
    if override.value in ("true", "false"):
        return "có" if override.value == "true" else "không"
    if override.family == RuleFamily.VOTING or override.param.endswith("_percent"):
        return f"{override.value}%"
    return override.value


def _override_rows(user, qs) -> list[dict]:
    rows = []
    for o in qs:
        rows.append(
            {
                "o": o,
                "status": selectors.override_status(o),
                "last_day": selectors.entry_last_day(o),
                "label": registry.param_label(o.rule, o.param),
                "rule_name": registry._rule_name(o.rule),
                "value_text": _value_text(o),
                "can_end": o.ended_at is None and o.pack.ended_at is None and _allowed(user, "rules.override", province=o.province_id),
            }
        )
    return rows


def _pack_rows(user, packs) -> list[dict]:
    rows = []
    for pack in packs:
        rows.append(
            {
                "pack": pack,
                "status": selectors.pack_status(pack),
                "citations": [(AWARD_NAMES.get(code, code), article) for code, article in (pack.citations or {}).items()],
                "can_edit": pack.ended_at is None and not pack.withdrawn and _allowed(user, "rules.override", province=pack.province_id),
            }
        )
    return rows


@access("rules.view")
def override_list(request):
    """The provinces' own regulations (packs), each with the parameters it sets."""
    packs = selectors.visible_packs(request.user).order_by("province__name", "-effective_from", "pk")
    family = request.GET.get("family", "")
    entries = selectors.visible_overrides(request.user).order_by("family", "rule", "param", "-effective_from", "pk")
    if family in RuleFamily.values:
        entries = entries.filter(family=family)
    by_pack: dict[int, list] = {}
    for row in _override_rows(request.user, entries):
        by_pack.setdefault(row["o"].pack_id, []).append(row)
    rows = _pack_rows(request.user, packs)
    for row in rows:
        row["entries"] = by_pack.get(row["pack"].pk, [])
    context = {"rows": rows, "family": family, "families": RuleFamily.choices, "can_add": scope_of(request.user).can("rules.override")}
    return render(request, "awards/override_list.html", context)


@access("rules.override")
def pack_create(request):
    provinces = provinces_for(request.user, "rules.override").order_by("name")
    form = PackForm(request.POST or None, provinces=provinces, initial={"province": provinces.first()})
    if request.method == "POST" and form.is_valid():
        try:
            pack = actions.do_create_pack(actor=request.user, province=form.cleaned_data["province"], data=form.action_data())
        except ActionError as error:
            apply_action_error(form, error, {"citations": None})
        else:
            messages.success(request, f"Đã thêm văn bản {pack.number} của {pack.province}; hãy thêm các tham số văn bản quy định.")
            return redirect(reverse("awards:pack_detail", args=[pack.uid]))
    return render(request, "awards/pack_form.html", {"form": form})


@access("rules.view")
def pack_detail(request, uid):
    try:
        pack = selectors.visible_packs(request.user).get(uid=uid)
    except (RegulationPack.DoesNotExist, ValueError) as exc:
        raise Http404("Không tìm thấy") from exc
    entries = RuleOverride.objects.filter(pack=pack).select_related("province", "pack", "created_by", "ended_by").order_by(
        "family", "rule", "param", "-effective_from", "pk"
    )
    row = _pack_rows(request.user, [pack])[0]
    entry_uids = [str(e.uid) for e in entries]
    history = AuditLog.objects.filter(
        Q(object_type="awards.regulationpack", object_uid=str(pack.uid)) | Q(object_type="awards.ruleoverride", object_uid__in=entry_uids)
    ).order_by("at")
    history = [{"at": h.at, "who": h.actor_name or "hệ thống", "what": action_label(h.action, h.object_type), "note": h.note}
               for h in history]
    context = {"row": row, "pack": pack, "entries": _override_rows(request.user, entries), "history": history,
               "label": provincial_label(selectors.pack_data(pack, []) or {"number": pack.number, "province": pack.province_label})}
    return render(request, "awards/pack_detail.html", context)


@access("rules.override")
def pack_end(request, uid):
    pack = get_scoped_or_404(request.user, RegulationPack.objects.select_related("province"), "rules.override", uid=uid)
    form = EndOverrideForm(request.POST or None, initial={"version": pack.version, "last_day": dt.date.today()})
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_end_pack(
                actor=request.user, pack=pack, last_day=form.cleaned_data["last_day"],
                reason=form.cleaned_data["reason"], expected_version=form.cleaned_data["version"],
            )
        except ActionError as error:
            apply_action_error(form, error)
        else:
            messages.success(request, "Đã kết thúc văn bản; các tham số của văn bản thôi áp dụng từ ngày sau ngày cuối. Bản ghi vẫn được lưu.")
            return redirect(reverse("awards:pack_detail", args=[pack.uid]))
    return render(request, "awards/pack_end.html", {"form": form, "pack": pack, "status": selectors.pack_status(pack)})


@access("rules.override")
def override_add(request):
    provinces = provinces_for(request.user, "rules.override")
    packs = RegulationPack.objects.filter(province__in=provinces, ended_at__isnull=True).select_related("province").order_by(
        "province__name", "-effective_from"
    )
    family = request.POST.get("family") or request.GET.get("family") or RuleFamily.ELIGIBILITY
    if family not in RuleFamily.values:
        family = RuleFamily.ELIGIBILITY
    rule = request.GET.get("rule") or None
    chosen = packs.filter(uid=request.GET["pack"]).first() if _is_uuid(request.GET.get("pack")) else None
    initial = {"pack": chosen or packs.first(), "family": family}
    form = OverrideForm(request.POST or None, packs=packs, family=family, rule=rule, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            override = actions.do_add_pack_entry(actor=request.user, pack=form.cleaned_data["pack"], data=form.action_data())
        except ActionError as error:
            apply_action_error(form, error, {"rule": "target", "param": "target", "family": "target"})
        else:
            messages.success(
                request,
                f"Đã thêm “{registry.param_label(override.rule, override.param)}” = {override.value} "
                f"theo văn bản {override.pack.number} của {override.province} từ ngày {registry.vn_date(override.effective_from)}.",
            )
            return redirect(reverse("awards:pack_detail", args=[override.pack.uid]))
    context = {"form": form, "family": family, "rule": rule, "rule_name": registry._rule_name(rule) if rule else "",
               "has_packs": packs.exists()}
    return render(request, "awards/override_form.html", context)


def _is_uuid(value) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


@access("rules.override")
def override_end(request, uid):
    override = get_scoped_or_404(request.user, RuleOverride.objects.select_related("province", "pack"), "rules.override", uid=uid)
    form = EndOverrideForm(request.POST or None, initial={"version": override.version, "last_day": dt.date.today()})
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_end_pack_entry(
                actor=request.user, override=override, last_day=form.cleaned_data["last_day"],
                reason=form.cleaned_data["reason"], expected_version=form.cleaned_data["version"],
            )
        except ActionError as error:
            apply_action_error(form, error)
        else:
            messages.success(request, "Đã kết thúc tham số; bản ghi vẫn được lưu trong lịch sử.")
            return redirect(reverse("awards:pack_detail", args=[override.pack.uid]))
    context = {"form": form, "o": override, "label": registry.param_label(override.rule, override.param),
               "value_text": _value_text(override),
               "rule_name": registry._rule_name(override.rule), "status": selectors.override_status(override)}
    return render(request, "awards/override_end.html", context)


# --------------------------------------------------------------------------- what-if


@access("rules.evaluate")
def whatif(request):
    provinces = Province.objects.filter(valid_to__isnull=True).order_by("name")
    today = dt.date.today()
    mine = _visible_provinces(request.user).first() if not scope_of(request.user).is_admin else None
    initial = default_whatif_initial(today)
    if mine is not None:
        initial["province"] = mine.code
    # A link may preselect the award and the subject kind (?award=TTLDTT&subject=collective):
    # the form is only evaluated once submitted (it then carries the decision date).
    submitted = "decided_on" in request.GET
    if not submitted:
        if request.GET.get("award") in AWARD_CODES:
            initial["award"] = request.GET["award"]
            initial["subject"] = "collective" if "individual" not in AWARD_SUBJECTS[initial["award"]] else "individual"
    form = WhatIfForm(request.GET if submitted else None, provinces=provinces, initial=initial)
    result = error = None
    if submitted and form.is_valid():
        answer = evaluate_one(form.request(), expected_kind="eligibility")
        if is_error(answer):
            error = answer["error"]["message"]
        else:
            result = answer["results"][0]
            # An ELIGIBLE that still waits on qualitative conditions has its own label and badge.
            result["status"] = council.status(result)
            result["outcome_text"] = council.STATUS_LABELS[result["status"]]
            result["badge"] = council.STATUS_BADGES[result["status"]]
            result["confirm_texts"] = [CONFIRMATIONS[k] for k in result["needs_confirmation"]]
            result["province"] = answer.get("province")
            for row in result["rule"].get("overrides", []):
                row["label"] = registry.param_label(row["rule"], row["param"])
                row["value_text"] = registry.value_text(row["value"])
            if result.get("money_vnd") is not None:
                result["money_text"] = f"{result['money_vnd']:,}".replace(",", ".")
    context = {"form": form, "result": result, "error": error}
    return render(request, "awards/whatif.html", context)
