from __future__ import annotations

from django import forms

from thidua.core.forms import VietnameseFormMixin
from thidua.proposals.models import AWARD_CHOICES, LEVEL_CHOICES, Appraisal, AttachmentKind, Proposal
from thidua.rules.proposals import PROPOSAL_STATES


def _catalogue_choices(province=None) -> list[tuple[str, str]]:
    """Every catalogue entry for a person or a collective, coded or manual (issue #19)."""
    from thidua.awards.selectors import catalogue_award_choices

    return catalogue_award_choices(None, province) or list(AWARD_CHOICES)

CONFIRMATION_LABELS = {
    "solidarity": "Đoàn kết nội bộ; tự lực, tự cường, tích cực tham gia phong trào thi đua",
    "exemplary": "Gương mẫu chấp hành chủ trương, chính sách, pháp luật",
    "movement_effective": "Phong trào thi đua thường xuyên, thiết thực, hiệu quả",
    "targets_exceeded": "Hoàn thành vượt mức chỉ tiêu thi đua và nhiệm vụ được giao",
    "party_orgs_strong": "Tổ chức đảng, đoàn thể hoàn thành tốt, xuất sắc nhiệm vụ",
    "outstanding": "Tiêu biểu xuất sắc, được bình xét lựa chọn trong phong trào thi đua",
    "exceptional_achievement": "Có thành tích đột xuất, hoặc nhiều thành tích có phạm vi ảnh hưởng",
}


class ProposalFilterForm(VietnameseFormMixin, forms.Form):
    q = forms.CharField(label="Tìm kiếm", required=False, widget=forms.TextInput(attrs={"type": "search", "placeholder": "Trích yếu, không cần dấu"}))
    state = forms.ChoiceField(label="Trạng thái", required=False, choices=[("", "Tất cả")] + list(PROPOSAL_STATES.items()))
    year = forms.IntegerField(label="Năm thành tích", required=False, min_value=1990, max_value=2100)


class ProposalForm(VietnameseFormMixin, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Proposal
        fields = ["title", "year", "level", "receiving_body", "proposed_on", "signer_name", "signer_title", "reasons"]
        widgets = {"reasons": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["receiving_body"].help_text = "Để trống: cơ quan thường trực thi đua, khen thưởng của tỉnh."
        self.fields["proposed_on"].help_text = "Ngày ký tờ trình; điều kiện được xét theo quy định có hiệu lực vào ngày này (để trống: hôm nay)."


class ProposalCreateForm(ProposalForm):
    proposer_unit = forms.ModelChoiceField(label="Đơn vị đề nghị", queryset=None, required=False, empty_label="— Chọn đơn vị —")
    meeting = forms.ModelChoiceField(
        label="Hoặc: khối đề nghị theo hội nghị bình xét", queryset=None, required=False, empty_label="— Không (đơn vị tự đề nghị) —",
        help_text="Tờ trình của khối kèm biên bản hội nghị tổng kết, bình xét thi đua của khối.",
    )

    class Meta(ProposalForm.Meta):
        fields = ["proposer_unit", "meeting"] + ProposalForm.Meta.fields

    def __init__(self, *args, units=None, meetings=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proposer_unit"].queryset = units
        self.fields["meeting"].queryset = meetings
        self.fields["meeting"].label_from_instance = lambda m: f"{m.bloc_year.bloc.name} năm {m.bloc_year.year}: {m}"
        self.fields["year"].required = False

    def clean(self):
        data = super().clean()
        if bool(data.get("proposer_unit")) == bool(data.get("meeting")):
            raise forms.ValidationError("Chọn đơn vị đề nghị, hoặc hội nghị bình xét của khối (không chọn cả hai).")
        if data.get("proposer_unit") and not data.get("year"):
            self.add_error("year", "Trường này không được để trống.")
        return data


class ItemForm(VietnameseFormMixin, forms.Form):
    person = forms.ModelChoiceField(label="Cá nhân", queryset=None, required=False, empty_label="— Chọn cá nhân —")
    unit = forms.ModelChoiceField(label="Hoặc tập thể", queryset=None, required=False, empty_label="— Chọn tập thể —")
    award = forms.ChoiceField(label="Danh hiệu, hình thức đề nghị", choices=lambda: [("", "— Chọn —")] + _catalogue_choices())
    achievements = forms.CharField(label="Tóm tắt thành tích", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, people=None, units=None, province=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people
        self.fields["unit"].queryset = units
        if province is not None:  # with the province's own entries (awards of other issuers)
            self.fields["award"].choices = [("", self.fields["award"].choices[0][1])] + _catalogue_choices(province)
        self.fields["person"].error_messages["invalid_choice"] = "Cá nhân đã chọn không thuộc đơn vị đề nghị."
        self.fields["unit"].error_messages["invalid_choice"] = "Tập thể đã chọn không thuộc đơn vị, khối đề nghị."

    def clean(self):
        data = super().clean()
        if bool(data.get("person")) == bool(data.get("unit")):
            raise forms.ValidationError("Chọn một cá nhân hoặc một tập thể (không chọn cả hai).")
        return data


class ItemEditForm(VietnameseFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    achievements = forms.CharField(label="Tóm tắt thành tích", required=False, widget=forms.Textarea(attrs={"rows": 6}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label in CONFIRMATION_LABELS.items():
            self.fields[f"confirm_{key}"] = forms.ChoiceField(
                label=label, required=False,
                choices=[("", "Chưa xác nhận"), ("yes", "Hội đồng xác nhận đạt"), ("no", "Hội đồng xác nhận không đạt")],
            )

    def confirmations(self) -> dict[str, bool]:
        result = {}
        for key in CONFIRMATION_LABELS:
            value = self.cleaned_data.get(f"confirm_{key}")
            if value in ("yes", "no"):
                result[key] = value == "yes"
        return result


class VoteForm(VietnameseFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    members_total = forms.IntegerField(label="Tổng số thành viên hội đồng", min_value=1)
    present = forms.IntegerField(label="Số thành viên dự họp", min_value=0)
    yes = forms.IntegerField(label="Số phiếu đồng ý", min_value=0)
    held_on = forms.DateField(label="Ngày họp", required=False)


class AppraiseForm(VietnameseFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    appraisal = forms.ChoiceField(label="Kết quả thẩm định", choices=[(Appraisal.APPROVED, Appraisal.APPROVED.label), (Appraisal.NOT_APPROVED, Appraisal.NOT_APPROVED.label)])
    note = forms.CharField(label="Ý kiến thẩm định", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReasonForm(VietnameseFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label="Lý do", widget=forms.Textarea(attrs={"rows": 3}))


class AttachmentForm(VietnameseFormMixin, forms.Form):
    kind = forms.ChoiceField(label="Loại giấy tờ", choices=AttachmentKind.choices)
    description = forms.CharField(label="Mô tả", required=False, max_length=255)
    file = forms.FileField(label="Tệp (PDF, Word, Excel, ảnh; tối đa 20 MB)")


class UnitWithProvinceField(forms.ModelChoiceField):
    """A unit picker over several provinces names each option's province, and the period of an ended unit."""

    def label_from_instance(self, unit) -> str:
        label = f"{unit.name} — {unit.province.name}"
        if unit.ended_on:
            label += f" (đến {unit.ended_on:%d/%m/%Y})"
        return label


class PersonWithUnitField(forms.ModelChoiceField):
    def label_from_instance(self, person) -> str:
        return f"{person.full_name} — {person.unit.name}, {person.unit.province.name}" if person.unit_id else person.full_name


class DecisionForm(VietnameseFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    number = forms.CharField(label="Số", max_length=20)
    symbol = forms.CharField(label="Ký hiệu", max_length=40, help_text="Ví dụ QĐ-UBND (văn bản hành chính) hoặc QĐ/TU (văn bản của Đảng).")
    issued_on = forms.DateField(label="Ngày quyết định")
    level = forms.ChoiceField(label="Cấp quyết định", choices=LEVEL_CHOICES)
    issuer_unit = UnitWithProvinceField(label="Cơ quan ban hành", queryset=None, required=False, empty_label="— Chọn cơ quan —")
    issuer_name = forms.CharField(label="Cơ quan, người có thẩm quyền (ghi trên quyết định)", max_length=200, required=False)
    signer_authority = forms.CharField(label="Thẩm quyền ký (TM., KT.…)", max_length=60, required=False)
    signer_title = forms.CharField(label="Chức vụ người ký", max_length=120, required=False)
    signer_name = forms.CharField(label="Người ký", max_length=120, required=False)
    subject = forms.CharField(label="Trích yếu", max_length=300, required=False)

    def __init__(self, *args, units=None, external=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["issuer_unit"].queryset = units
        if external:
            self.fields["issuer_unit"].help_text = "Để trống khi cơ quan ban hành là cấp trên ngoài hệ thống (ví dụ Thủ tướng Chính phủ)."
            self.fields["issuer_name"].required = True
            self.fields["issuer_name"].help_text = "Ví dụ: Thủ tướng Chính phủ."


class RecipientForm(VietnameseFormMixin, forms.Form):
    person = PersonWithUnitField(label="Cá nhân", queryset=None, required=False, empty_label="—")
    unit = UnitWithProvinceField(label="Tập thể", queryset=None, required=False, empty_label="—")
    award = forms.ChoiceField(label="Danh hiệu, hình thức", choices=lambda: [("", "—")] + _catalogue_choices(), required=False)
    year = forms.IntegerField(label="Năm thành tích", required=False, min_value=1945, max_value=2100)

    def __init__(self, *args, people=None, units=None, province=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people
        self.fields["unit"].queryset = units
        if province is not None:  # with the province's own entries (awards of other issuers)
            self.fields["award"].choices = [("", self.fields["award"].choices[0][1])] + _catalogue_choices(province)

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {}) or {}
        return not (data.get("person") or data.get("unit") or data.get("award"))


RecipientFormSet = forms.formset_factory(RecipientForm, extra=5, max_num=1000, validate_max=True)


class RevokeForm(VietnameseFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label="Lý do hủy bỏ (căn cứ, văn bản)", widget=forms.Textarea(attrs={"rows": 3}))
    revoked_on = forms.DateField(label="Ngày hủy bỏ")


def parse_vnd(text: str) -> int | None:
    """ "1.500.000", "1 500 000" or "1500000" (đồng) → 1500000; blank → None; otherwise ValueError."""
    digits = "".join((text or "").split()).replace(".", "").replace(",", "").removesuffix("đồng").removesuffix("đ")
    if not digits:
        return None
    if not digits.isdigit():
        raise ValueError(text)
    return int(digits)


class AmountForm(VietnameseFormMixin, forms.Form):
    """The award money the issuing body decided, where the law sets no amount."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    amount = forms.CharField(label="Tiền thưởng theo quyết định (đồng)", required=False, max_length=30,
                             help_text="Ví dụ 1.500.000; để trống để trả về “chưa xác định”.")
    note = forms.CharField(label="Căn cứ (điều, văn bản quy định mức)", required=False, max_length=200)

    def clean_amount(self) -> int | None:
        try:
            return parse_vnd(self.cleaned_data.get("amount", ""))
        except ValueError:
            raise forms.ValidationError("Số tiền thưởng phải là số (đồng), ví dụ 1.500.000.") from None
