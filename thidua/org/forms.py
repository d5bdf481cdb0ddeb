from __future__ import annotations

from django import forms

from thidua.core.forms import VietnameseFormMixin
from thidua.org.models import Department, Person, Unit


class UnitForm(VietnameseFormMixin, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Unit
        fields = ["name", "short_name", "kind", "doc_format", "superior_name", "parent", "address", "established_on", "ended_on"]

    def __init__(self, *args, parent_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        if parent_choices is not None:
            self.fields["parent"].queryset = parent_choices
        self.fields["doc_format"].required = False

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("established_on"), cleaned.get("ended_on")
        if start and end and end < start:
            self.add_error("ended_on", "Ngày chấm dứt hoạt động không được trước ngày thành lập.")
        return cleaned


class UnitFilterForm(VietnameseFormMixin, forms.Form):
    q = forms.CharField(label="Tìm kiếm", required=False, widget=forms.TextInput(attrs={"type": "search", "placeholder": "Tên đơn vị, không cần dấu"}))
    kind = forms.ChoiceField(label="Loại đơn vị", required=False, choices=[("", "Tất cả")] + list(Unit._meta.get_field("kind").choices))
    status = forms.ChoiceField(
        label="Trạng thái", required=False, choices=[("active", "Đang hoạt động"), ("ended", "Đã chấm dứt"), ("all", "Tất cả")]
    )


class DepartmentForm(VietnameseFormMixin, forms.ModelForm):
    class Meta:
        model = Department
        fields = ["name"]


class PersonForm(VietnameseFormMixin, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Person
        fields = [
            "full_name", "gender", "birth_date", "ethnicity", "staff_code", "unit", "department",
            "position_title", "is_leader", "is_party_member",
        ]
