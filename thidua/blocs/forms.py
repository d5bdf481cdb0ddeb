from __future__ import annotations

from django import forms

from thidua.blocs.models import Bloc, HeadSelection
from thidua.core.forms import VietnameseFormMixin


class BlocForm(VietnameseFormMixin, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Bloc
        fields = [
            "name", "kind", "parent", "founding_decision", "founding_date", "founding_issuer", "head_selection",
            "term_start_day", "term_start_month", "no_consecutive_head", "description",
        ]

    def __init__(self, *args, parent_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        if parent_choices is not None:
            self.fields["parent"].queryset = parent_choices
        self.fields["parent"].help_text = "Chỉ dùng khi đây là một cụm thi đua nằm trong một khối thi đua."
        self.fields["term_start_day"].widget.attrs.update(min=1, max=31)
        self.fields["term_start_month"].widget.attrs.update(min=1, max=12)


class BlocFilterForm(VietnameseFormMixin, forms.Form):
    q = forms.CharField(label="Tìm kiếm", required=False, widget=forms.TextInput(attrs={"type": "search", "placeholder": "Tên khối, không cần dấu"}))
    kind = forms.ChoiceField(label="Loại", required=False, choices=[("", "Tất cả")] + list(Bloc._meta.get_field("kind").choices))


class OpenYearForm(VietnameseFormMixin, forms.Form):
    year = forms.IntegerField(label="Năm", min_value=1990, max_value=2100)
    copy_members = forms.BooleanField(label="Chuyển các thành viên của năm trước sang", required=False, initial=True)


class AddMemberForm(VietnameseFormMixin, forms.Form):
    unit = forms.ModelChoiceField(label="Đơn vị", queryset=None)
    joined_on = forms.DateField(label="Ngày tham gia", required=False)
    reason = forms.CharField(label="Ghi chú", required=False, max_length=255)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["unit"].error_messages["invalid_choice"] = "Đơn vị đã chọn không hợp lệ."


class RemoveMemberForm(VietnameseFormMixin, forms.Form):
    left_on = forms.DateField(label="Ngày rời khối")
    reason = forms.CharField(label="Lý do", max_length=255)


class LeadershipForm(VietnameseFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    head_unit = forms.ModelChoiceField(label="Đơn vị Trưởng khối", queryset=None)
    deputy_unit = forms.ModelChoiceField(label="Đơn vị Phó Trưởng khối", queryset=None)
    selected_by = forms.ChoiceField(label="Cách chọn", choices=HeadSelection.choices)
    decided_on = forms.DateField(label="Ngày hội nghị bầu", required=False)
    note = forms.CharField(label="Căn cứ (biên bản, kết luận hội nghị)", required=False, max_length=255)

    def __init__(self, *args, members=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["head_unit"].queryset = members
        self.fields["deputy_unit"].queryset = members
