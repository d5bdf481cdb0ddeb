from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import construct_instance

from thidua.awards.models import AwardKind, AwardLevel, AwardType, RuleFamily
from thidua.core.forms import VietnameseFormMixin
from thidua.rules.catalogue import (
    AWARD_CODES,
    AWARD_NAMES,
    AWARD_TYPE_NAMES,
    CATALOGUE_SUBJECT_NAMES,
    CONFIRMATIONS,
    DISCIPLINE_NAMES,
    RATING_NAMES,
    SCOPE_NAMES,
    SUBJECT_NAMES,
)
from thidua.rules.registry import override_targets

SUBJECT_CHOICES = list(CATALOGUE_SUBJECT_NAMES.items())
CATEGORY_CHOICES = list(AWARD_TYPE_NAMES.items())


class CatalogueFilterForm(VietnameseFormMixin, forms.Form):
    q = forms.CharField(label="Tìm kiếm", required=False, widget=forms.TextInput(attrs={"type": "search", "placeholder": "Tên, mã, không cần dấu"}))
    kind = forms.ChoiceField(label="Loại", required=False, choices=[("", "Tất cả")] + list(AwardKind.choices))
    subject = forms.ChoiceField(label="Đối tượng", required=False, choices=[("", "Tất cả")] + SUBJECT_CHOICES)
    level = forms.ChoiceField(label="Cấp khen thưởng", required=False, choices=[("", "Tất cả")] + list(AwardLevel.choices))
    category = forms.ChoiceField(label="Loại hình", required=False, choices=[("", "Tất cả")] + CATEGORY_CHOICES)
    scope = forms.ChoiceField(
        label="Phạm vi", required=False,
        choices=[("", "Tất cả"), ("national", "Theo Luật (toàn quốc)"), ("province", "Do tỉnh quy định")],
    )


class AwardTypeForm(VietnameseFormMixin, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    province = forms.ModelChoiceField(label="Tỉnh/thành phố", queryset=None, empty_label=None)
    subjects = forms.MultipleChoiceField(label="Đối tượng", choices=SUBJECT_CHOICES, widget=forms.CheckboxSelectMultiple)
    categories = forms.MultipleChoiceField(label="Loại hình khen thưởng", choices=CATEGORY_CHOICES, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = AwardType
        fields = ["code", "name", "kind", "subjects", "level", "authority", "categories", "citation", "effective_from",
                  "effective_to", "manual_reason", "counts_as_basis", "note"]

    def __init__(self, *args, provinces=None, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["province"]
            del self.fields["code"]
        else:
            self.fields["province"].queryset = provinces
            self.fields["code"].help_text = "Chữ in hoa không dấu, ví dụ KNC_TINH (không trùng mã của danh mục theo Luật)."
        self.fields["authority"].help_text = "Cơ quan, tổ chức tặng: UBND tỉnh, Hội Nhà báo Việt Nam, Công an tỉnh, ban tổ chức giải báo chí…"
        self.fields["manual_reason"].help_text = "Danh hiệu, hình thức của tỉnh không có quy tắc xét tự động: ghi cách thẩm định."
        self._validate_unique = False
        self.fields["manual_reason"].widget.attrs["rows"] = 3
        self.fields["note"].widget.attrs["rows"] = 3


    def _post_clean(self):
        # The table's constraints (unique codes, ordered dates) are checked by the action, which words
        # them in Vietnamese; Django's own messages for them are English.
        try:
            self.instance = construct_instance(self, self.instance, self._meta.fields, self._meta.exclude)
        except ValidationError as error:
            self._update_errors(error)
        try:
            self.instance.full_clean(exclude=self._get_validation_exclusions(), validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            self._update_errors(error)


class PackForm(VietnameseFormMixin, forms.Form):
    """A province's own TĐKT regulation: the document, its dates, and the article that spells out
    each award's standard (optional, one per award the engine evaluates)."""

    province = forms.ModelChoiceField(label="Tỉnh/thành phố ban hành", queryset=None, empty_label=None)
    number = forms.CharField(label="Số, ký hiệu văn bản", max_length=60, help_text="Ví dụ 86/2025/QĐ-UBND.")
    title = forms.CharField(label="Trích yếu", max_length=300, help_text="Ví dụ: Quy định về công tác thi đua, khen thưởng tỉnh Bắc Ninh.")
    issued_on = forms.DateField(label="Ngày ban hành")
    effective_from = forms.DateField(label="Có hiệu lực từ ngày")
    effective_to = forms.DateField(label="Hết hiệu lực sau ngày", required=False, help_text="Để trống nếu chưa có thời hạn.")
    note = forms.CharField(label="Ghi chú", required=False, widget=forms.Textarea(attrs={"rows": 2}),
                           help_text="Ví dụ: thay thế Quyết định 13/2024/QĐ-UBND.")

    def __init__(self, *args, provinces=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["province"].queryset = provinces
        for code in AWARD_CODES:
            self.fields[f"cite_{code}"] = forms.CharField(
                label=f"Điều, khoản quy định tiêu chuẩn {AWARD_NAMES[code]}", required=False, max_length=120,
                widget=forms.TextInput(attrs={"placeholder": "Ví dụ: Điều 4 khoản 2"}),
            )

    def citation_fields(self):
        return [self[f"cite_{code}"] for code in AWARD_CODES]

    def main_fields(self):
        return [self[name] for name in ("province", "number", "title", "issued_on", "effective_from", "effective_to", "note")]

    def action_data(self) -> dict:
        data = self.cleaned_data
        return {
            "number": data["number"], "title": data["title"], "issued_on": data["issued_on"],
            "effective_from": data["effective_from"], "effective_to": data.get("effective_to"), "note": data.get("note", ""),
            "citations": {code: data[f"cite_{code}"] for code in AWARD_CODES if data.get(f"cite_{code}")},
        }


class OverrideForm(VietnameseFormMixin, forms.Form):
    """One parameter a province's regulation sets (an entry of its pack)."""

    pack = forms.ModelChoiceField(label="Văn bản của tỉnh", queryset=None, empty_label=None)
    family = forms.ChoiceField(label="Nhóm quy định", choices=RuleFamily.choices, widget=forms.HiddenInput)
    target = forms.ChoiceField(label="Tiêu chuẩn điều chỉnh")
    value = forms.CharField(label="Giá trị áp dụng của tỉnh", max_length=30, help_text="Số (ví dụ 75) hoặc có/không.")
    citation = forms.CharField(label="Điều, khoản của văn bản quy định giá trị này", max_length=120,
                               widget=forms.TextInput(attrs={"placeholder": "Ví dụ: Điều 4 khoản 2 điểm b"}))
    effective_from = forms.DateField(label="Áp dụng từ ngày", required=False,
                                     help_text="Để trống: từ ngày văn bản có hiệu lực.")
    effective_to = forms.DateField(label="Áp dụng đến hết ngày", required=False, help_text="Để trống nếu chưa có thời hạn.")
    reason = forms.CharField(label="Lý do", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, packs=None, family="eligibility", rule=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pack"].queryset = packs
        self.fields["pack"].label_from_instance = lambda p: f"{p.number} — {p.title} ({p.province}, hiệu lực từ {p.effective_from:%d/%m/%Y})"
        targets = [t for t in override_targets(family) if rule in (None, "", t["rule"]) or t["rule"] == "*"]
        choices = []
        for t in targets:
            default = f"mặc định {t['default_text']}" if t["default_text"] else "không có mức chung"
            flag = ", chưa xác nhận" if t["unconfirmed"] else ""
            choices.append((f"{t['rule']}|{t['param']}", f"{t['rule_name']}: {t['label']} ({default}{flag})"))
        self.fields["target"].choices = [("", "— Chọn tiêu chuẩn —")] + choices
        self.initial.setdefault("family", family)

    def action_data(self) -> dict:
        data = self.cleaned_data
        rule, _, param = data["target"].partition("|")
        return {
            "family": data["family"], "rule": rule, "param": param, "value": data["value"],
            "effective_from": data.get("effective_from"), "effective_to": data.get("effective_to"),
            "citation": data["citation"], "reason": data.get("reason", ""),
        }


class EndOverrideForm(VietnameseFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    last_day = forms.DateField(label="Ngày cuối cùng áp dụng")
    reason = forms.CharField(label="Lý do kết thúc", widget=forms.Textarea(attrs={"rows": 3}))


# --------------------------------------------------------------------------- what-if

HISTORY_YEARS = 6
TITLE_CHOICES = [(c, AWARD_NAMES[c]) for c in ("LDTT", "CSTDCS", "CSTD_TINH", "TTLDTT", "TTLDXS", "CO_TINH", "CO_CP")]
FORM_CHOICES = [(c, AWARD_NAMES[c]) for c in ("GIAY_KHEN", "BK_TINH", "BK_TTG")]
TRI_STATE = [("", "Chưa xác nhận"), ("yes", "Có"), ("no", "Không")]
COLLECTIVE_NUMBERS = [
    ("headcount", "Tổng số cá nhân"),
    ("ldtt_members", "Số cá nhân đạt Lao động tiên tiến"),
    ("cstdcs_members", "Số cá nhân đạt Chiến sĩ thi đua cơ sở"),
    ("members_failed", "Số cá nhân không hoàn thành nhiệm vụ"),
    ("members_disciplined", "Số cá nhân bị kỷ luật từ cảnh cáo trở lên"),
]


class WhatIfForm(VietnameseFormMixin, forms.Form):
    """Choose an award, a subject kind and a year, fill the history of the last years, evaluate."""

    award = forms.ChoiceField(label="Danh hiệu, hình thức", choices=[(c, AWARD_NAMES[c]) for c in AWARD_CODES])
    subject = forms.ChoiceField(label="Đối tượng", choices=list(SUBJECT_NAMES.items()))
    year = forms.IntegerField(label="Năm xét", min_value=2000, max_value=2100)
    decided_on = forms.DateField(label="Ngày quyết định (chọn quy định áp dụng)")
    province = forms.ChoiceField(label="Tỉnh/thành phố (quy định riêng của tỉnh)", required=False)

    def __init__(self, *args, provinces=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["province"].choices = [("", "— Chỉ quy định chung toàn quốc —")] + [(p.code, p.name) for p in provinces]
        for i in range(HISTORY_YEARS):
            self.fields[f"h{i}_rating"] = forms.ChoiceField(
                label="Mức hoàn thành nhiệm vụ", required=False, choices=[("", "—")] + list(RATING_NAMES.items())
            )
            self.fields[f"h{i}_titles"] = forms.MultipleChoiceField(
                label="Danh hiệu đã đạt", required=False, choices=TITLE_CHOICES, widget=forms.CheckboxSelectMultiple
            )
            self.fields[f"h{i}_awards"] = forms.MultipleChoiceField(
                label="Hình thức đã nhận", required=False, choices=FORM_CHOICES, widget=forms.CheckboxSelectMultiple
            )
            self.fields[f"h{i}_initiative"] = forms.ChoiceField(
                label="Sáng kiến được công nhận", required=False, choices=[("", "Không có")] + list(SCOPE_NAMES.items())
            )
            self.fields[f"h{i}_discipline"] = forms.ChoiceField(
                label="Kỷ luật", required=False, choices=[("", "Không")] + list(DISCIPLINE_NAMES.items())
            )
            self.fields[f"h{i}_pending"] = forms.BooleanField(label="Đang xem xét kỷ luật, điều tra", required=False)
            self.fields[f"h{i}_bloc_leading"] = forms.BooleanField(label="Dẫn đầu khối, cụm", required=False)
        for name, label in COLLECTIVE_NUMBERS:
            self.fields[name] = forms.IntegerField(label=label, required=False, min_value=0)
        for key, label in CONFIRMATIONS.items():
            self.fields[f"c_{key}"] = forms.ChoiceField(label=label[:1].upper() + label[1:], required=False, choices=TRI_STATE)

    def history_rows(self):
        """(year label, bound fields of that year) for the template, newest first."""
        year = self._year()
        rows = []
        for i in range(HISTORY_YEARS):
            names = ("rating", "titles", "awards", "initiative", "discipline", "pending", "bloc_leading")
            rows.append({"year": year - i if year else None, "fields": [self[f"h{i}_{n}"] for n in names]})
        return rows

    def collective_fields(self):
        return [self[name] for name, _ in COLLECTIVE_NUMBERS]

    def confirmation_fields(self):
        return [self[f"c_{key}"] for key in CONFIRMATIONS]

    def _year(self) -> int | None:
        value = self.data.get("year") if self.is_bound else self.initial.get("year")
        try:
            return int(value)
        except (TypeError, ValueError):
            return None

    def request(self) -> dict:
        """The eligibility request of whatif-api.md built from the cleaned form."""
        data = self.cleaned_data
        year = data["year"]
        history = []
        for i in range(HISTORY_YEARS):
            entry = {
                "year": year - i,
                "rating": data.get(f"h{i}_rating") or None,
                "titles": list(data.get(f"h{i}_titles") or []),
                "awards": list(data.get(f"h{i}_awards") or []),
                "initiatives": [{"scope": data[f"h{i}_initiative"], "recognized": True}] if data.get(f"h{i}_initiative") else [],
                "discipline": data.get(f"h{i}_discipline") or None,
                "pending_investigation": bool(data.get(f"h{i}_pending")),
            }
            if data.get(f"h{i}_bloc_leading"):
                entry["bloc_leading"] = True
            if i == 0 and data["subject"] == "collective":
                for name, _ in COLLECTIVE_NUMBERS:
                    if data.get(name) is not None:
                        entry[name] = data[name]
            if entry["rating"] or entry["titles"] or entry["awards"] or entry["initiatives"] or entry["discipline"] or len(entry) > 7:
                history.append(entry)
        confirmations = {}
        for key in CONFIRMATIONS:
            answer = data.get(f"c_{key}")
            if answer:
                confirmations[key] = answer == "yes"
        return {
            "kind": "eligibility",
            "decided_on": data["decided_on"].isoformat(),
            "province": data.get("province") or None,
            "subject": data["subject"],
            "year": year,
            "awards": [data["award"]],
            "history": history,
            "confirmations": confirmations,
        }


def default_whatif_initial(today: dt.date) -> dict:
    return {"year": today.year - 1 if today.month < 7 else today.year, "decided_on": today, "award": "LDTT", "subject": "individual"}
