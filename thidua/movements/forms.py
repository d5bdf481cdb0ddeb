from __future__ import annotations

from django import forms

from thidua.core.forms import VietnameseFormMixin
from thidua.movements.models import AWARD_CHOICES, Movement, SubjectKind
from thidua.rules.workflows import MOVEMENT_STATES


class MovementForm(VietnameseFormMixin, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    plan_file = forms.FileField(label="Tệp kế hoạch (PDF, Word)", required=False)

    class Meta:
        model = Movement
        fields = ["title", "kind", "level", "launched_by", "bloc", "start_date", "end_date", "plan_number", "plan_date", "goals", "content"]

    def __init__(self, *args, bloc_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        if bloc_choices is not None:
            self.fields["bloc"].queryset = bloc_choices
        self.fields["bloc"].help_text = "Chỉ chọn khi phong trào do khối, cụm phát động cho các đơn vị thành viên."
        self.fields["bloc"].empty_label = "— Không (phong trào của tỉnh hoặc toàn quốc) —"
        self.fields["end_date"].help_text = "Để trống nếu là phong trào thường xuyên hằng năm; phong trào nhiều năm (ví dụ giai đoạn 2021–2025) ghi ngày kết thúc."


class MovementFilterForm(VietnameseFormMixin, forms.Form):
    q = forms.CharField(label="Tìm kiếm", required=False, widget=forms.TextInput(attrs={"type": "search", "placeholder": "Tên phong trào, không cần dấu"}))
    kind = forms.ChoiceField(label="Hình thức", required=False, choices=[("", "Tất cả")] + list(Movement._meta.get_field("kind").choices))
    state = forms.ChoiceField(label="Trạng thái", required=False, choices=[("", "Tất cả")] + list(MOVEMENT_STATES.items()))
    year = forms.IntegerField(label="Năm", required=False, min_value=1990, max_value=2100)


class RegistrationTargetsForm(VietnameseFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    targets = forms.CharField(label="Chỉ tiêu, nội dung thi đua đăng ký", required=False, widget=forms.Textarea)


class RegistrationItemForm(VietnameseFormMixin, forms.Form):
    subject_kind = forms.ChoiceField(label="Đối tượng", choices=[("", "—")] + list(SubjectKind.choices), required=False)
    person = forms.ModelChoiceField(label="Cá nhân", queryset=None, required=False, empty_label="— Chọn cá nhân —")
    award = forms.ChoiceField(label="Danh hiệu, hình thức", choices=[("", "—")] + AWARD_CHOICES, required=False)
    note = forms.CharField(label="Ghi chú", required=False, max_length=255)

    def __init__(self, *args, people=None, awards=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people
        self.fields["person"].error_messages["invalid_choice"] = "Cá nhân đã chọn không thuộc đơn vị."
        if awards is not None:
            self.fields["award"].choices = [("", "—")] + list(awards)
        self.fields["award"].error_messages["invalid_choice"] = "Danh hiệu, hình thức đã chọn không có trong danh mục."

    def is_blank(self) -> bool:
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        return not (data.get("award") or data.get("subject_kind") or data.get("person"))


RegistrationItemFormSet = forms.formset_factory(RegistrationItemForm, extra=3, max_num=500, validate_max=True)


class ReturnForm(VietnameseFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label="Lý do", widget=forms.Textarea(attrs={"rows": 3}))
