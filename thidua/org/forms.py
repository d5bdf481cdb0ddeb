from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError

from thidua.core.forms import VietnameseFormMixin
from thidua.org.models import Department, Gender, LineageKind, Person, Position, Unit, UnitKind
from thidua.org.labels import unit_option_label


INVALID_CHOICE = "Lựa chọn không hợp lệ hoặc nằm ngoài phạm vi của bạn."
MISSING_VERSION = "Thiếu thông tin phiên bản của bản ghi. Hãy tải lại trang rồi sửa lại."


class HiddenVersionMixin:
    """A hidden `version` field (compare-and-set) whose errors are shown on top of the form."""

    def full_clean(self):
        super().full_clean()
        if not self.is_bound or "version" not in self.fields:
            return
        missing = "version" in self._errors or (
            getattr(self, "version_required", True) and self.cleaned_data.get("version") is None
        )
        if missing:
            self._errors.pop("version", None)
            self.cleaned_data.pop("version", None)
            self.add_error(None, MISSING_VERSION)


class UnitForm(HiddenVersionMixin, VietnameseFormMixin, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Unit
        fields = ["name", "short_name", "kind", "doc_format", "superior_name", "parent", "address", "established_on", "ended_on"]

    def __init__(self, *args, parent_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Editing names the version the user loaded (compare-and-set); creating has none.
        self.version_required = self.instance.pk is not None
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


class UnitChoiceField(forms.ModelChoiceField):
    """Units by their opaque uid (the integer key never leaves the server), labelled with the province."""

    def __init__(self, queryset, **kwargs):
        kwargs["to_field_name"] = "uid"
        kwargs.setdefault("empty_label", "— Chọn đơn vị —")
        super().__init__(queryset, **kwargs)
        self.error_messages["invalid_choice"] = INVALID_CHOICE

    def label_from_instance(self, obj):
        return unit_option_label(obj)


class UnitMultipleChoiceField(forms.ModelMultipleChoiceField):
    def __init__(self, queryset, **kwargs):
        kwargs["to_field_name"] = "uid"
        super().__init__(queryset, **kwargs)
        self.error_messages["invalid_choice"] = INVALID_CHOICE
        self.error_messages["invalid_pk_value"] = INVALID_CHOICE

    def label_from_instance(self, obj):
        return unit_option_label(obj)


class DepartmentChoiceField(forms.ModelChoiceField):
    def __init__(self, queryset, **kwargs):
        kwargs["to_field_name"] = "uid"
        kwargs.setdefault("empty_label", "— Không thuộc phòng, ban nào —")
        kwargs.setdefault("required", False)
        super().__init__(queryset, **kwargs)
        self.error_messages["invalid_choice"] = "Phòng, ban đã chọn không thuộc đơn vị đã chọn."


def _departments_of(unit_field: forms.ModelChoiceField, value):
    """The departments of the unit chosen in `value` (a uid), or none."""
    if not value:
        return Department.objects.none()
    try:
        unit = unit_field.queryset.get(uid=value)
    except (Unit.DoesNotExist, ValueError, ValidationError):
        return Department.objects.none()
    return Department.objects.filter(unit=unit).order_by("name")


def _unit_value(form, name: str, fallback=None):
    if form.is_bound:
        return form.data.get(form.add_prefix(name))
    initial = form.initial.get(name)
    if initial is not None:
        return getattr(initial, "uid", initial)
    return getattr(fallback, "uid", None)


class PersonForm(HiddenVersionMixin, VietnameseFormMixin, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Person
        fields = [
            "full_name", "gender", "birth_date", "ethnicity", "staff_code", "unit", "department",
            "position_title", "is_leader", "is_party_member",
        ]
        field_classes = {"unit": UnitChoiceField, "department": DepartmentChoiceField}

    def __init__(self, *args, unit_choices, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.editing = editing
        self.version_required = editing
        self.fields["unit"].queryset = unit_choices.select_related("province")
        self.fields["unit"].widget.attrs.update(
            {"hx-get": "", "hx-target": "#id_department", "hx-trigger": "change", "hx-include": "this"}
        )
        unit_value = _unit_value(self, "unit", self.instance.unit if self.instance.unit_id else None)
        self.fields["department"].queryset = _departments_of(self.fields["unit"], unit_value)
        self.fields["gender"].choices = [("", "— Chọn —")] + list(Person._meta.get_field("gender").choices)
        self.fields["birth_date"].help_text = "Ngày/tháng/năm, ví dụ 05/03/1985"
        self.fields["is_leader"].help_text = "Bỏ chọn nếu là người trực tiếp làm việc"

    def set_department_url(self, url: str) -> None:
        self.fields["unit"].widget.attrs["hx-get"] = url

    def clean_birth_date(self):
        value = self.cleaned_data.get("birth_date")
        if value and value > dt.date.today():
            raise forms.ValidationError("Ngày sinh không được sau ngày hôm nay.")
        if value and value.year < 1900:
            raise forms.ValidationError("Ngày sinh không hợp lệ: năm sinh phải từ 1900 trở đi.")
        return value

    def clean(self):
        cleaned = super().clean()
        unit, department = cleaned.get("unit"), cleaned.get("department")
        if unit and department and department.unit_id != unit.pk:
            self.add_error("department", "Phòng, ban đã chọn không thuộc đơn vị đã chọn.")
        return cleaned

    def _post_clean(self):
        # The actions layer validates and saves; do not let the ModelForm touch the instance.
        pass


class PersonFilterForm(VietnameseFormMixin, forms.Form):
    q = forms.CharField(
        label="Tìm kiếm", required=False,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Họ tên hoặc mã cán bộ, không cần dấu"}),
    )
    unit = UnitChoiceField(Unit.objects.none(), label="Đơn vị", required=False, empty_label="Tất cả đơn vị")
    gender = forms.ChoiceField(label="Giới tính", required=False, choices=[("", "Tất cả")] + list(Gender.choices))
    role = forms.ChoiceField(
        label="Vị trí", required=False,
        choices=[("", "Tất cả"), ("leader", "Lãnh đạo, quản lý"), ("worker", "Người trực tiếp làm việc")],
    )
    party = forms.ChoiceField(
        label="Đảng viên", required=False, choices=[("", "Tất cả"), ("yes", "Là đảng viên"), ("no", "Không phải đảng viên")]
    )

    def __init__(self, *args, unit_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = unit_choices.select_related("province")


class PositionForm(VietnameseFormMixin, forms.ModelForm):
    class Meta:
        model = Position
        fields = ["title", "unit", "department", "is_leader", "start_date", "end_date"]
        field_classes = {"unit": UnitChoiceField, "department": DepartmentChoiceField}

    def __init__(self, *args, unit_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = unit_choices.select_related("province")
        self.fields["unit"].widget.attrs.update(
            {"hx-get": "", "hx-target": "#id_department", "hx-trigger": "change", "hx-include": "this"}
        )
        self.fields["department"].queryset = _departments_of(self.fields["unit"], _unit_value(self, "unit"))
        self.fields["end_date"].help_text = "Để trống nếu đang giữ chức vụ này"

    def set_department_url(self, url: str) -> None:
        self.fields["unit"].widget.attrs["hx-get"] = url

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "Ngày kết thúc không được trước ngày bắt đầu.")
        unit, department = cleaned.get("unit"), cleaned.get("department")
        if unit and department and department.unit_id != unit.pk:
            self.add_error("department", "Phòng, ban đã chọn không thuộc đơn vị đã chọn.")
        return cleaned

    def _post_clean(self):
        pass


class DepartmentRenameForm(HiddenVersionMixin, VietnameseFormMixin, forms.Form):
    name = forms.CharField(label="Tên phòng, ban", max_length=255)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class DecisionFormMixin(forms.Form):
    """The deciding document of a lineage event: số, ngày, cơ quan ban hành."""

    effective_on = forms.DateField(label="Ngày hiệu lực")
    decision_number = forms.CharField(label="Số, ký hiệu văn bản", max_length=80, help_text="Ví dụ 123/QĐ-UBND")
    decision_date = forms.DateField(label="Ngày văn bản")
    decision_issuer = forms.CharField(label="Cơ quan ban hành", max_length=200)
    note = forms.CharField(label="Ghi chú", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def decision(self) -> dict:
        return {k: self.cleaned_data.get(k) for k in ("decision_number", "decision_date", "decision_issuer", "note")}


class MergeForm(VietnameseFormMixin, DecisionFormMixin):
    sources = UnitMultipleChoiceField(
        Unit.objects.none(), label="Các đơn vị được hợp nhất, sáp nhập",
        help_text="Giữ phím Ctrl để chọn nhiều đơn vị",
    )
    target = UnitChoiceField(
        Unit.objects.none(), label="Sáp nhập vào đơn vị đã có", required=False, empty_label="— Không, thành lập đơn vị mới —"
    )
    new_name = forms.CharField(label="Tên đơn vị mới (khi hợp nhất thành đơn vị mới)", max_length=255, required=False)
    new_kind = forms.ChoiceField(
        label="Loại đơn vị mới", required=False, choices=[("", "— Theo đơn vị đầu tiên —")] + list(UnitKind.choices)
    )
    move_people = forms.BooleanField(
        label="Chuyển cá nhân của các đơn vị cũ sang đơn vị nhận", required=False, initial=True
    )
    field_order = ["sources", "target", "new_name", "new_kind", "move_people"]

    def __init__(self, *args, unit_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sources"].queryset = unit_choices.select_related("province")
        self.fields["sources"].widget.attrs["size"] = 8
        self.fields["target"].queryset = unit_choices.select_related("province")
        self.fields["sources"].error_messages["required"] = "Hãy chọn các đơn vị được hợp nhất."

    def clean(self):
        cleaned = super().clean()
        target, new_name = cleaned.get("target"), cleaned.get("new_name")
        if target and new_name:
            self.add_error("new_name", "Chỉ chọn đơn vị nhận đã có hoặc nhập tên đơn vị mới, không cả hai.")
        elif not target and not new_name:
            self.add_error("new_name", "Hãy chọn đơn vị nhận hoặc nhập tên đơn vị mới.")
        return cleaned


class SplitForm(VietnameseFormMixin, DecisionFormMixin):
    source = UnitChoiceField(Unit.objects.none(), label="Đơn vị được chia tách")
    new_names = forms.CharField(
        label="Tên các đơn vị mới", widget=forms.Textarea(attrs={"rows": 4}), help_text="Mỗi dòng một tên"
    )
    source_continues = forms.BooleanField(
        label="Đơn vị cũ vẫn tiếp tục hoạt động (chỉ tách một phần)", required=False
    )
    field_order = ["source", "new_names", "source_continues"]

    def __init__(self, *args, unit_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = unit_choices.select_related("province")

    def names(self) -> list[str]:
        return [line for line in (self.cleaned_data.get("new_names") or "").splitlines() if line.strip()]


class RenameForm(VietnameseFormMixin, DecisionFormMixin):
    unit = UnitChoiceField(Unit.objects.none(), label="Đơn vị đổi tên")
    new_name = forms.CharField(label="Tên mới", max_length=255)
    new_short_name = forms.CharField(label="Tên viết tắt mới", max_length=60, required=False)
    field_order = ["unit", "new_name", "new_short_name"]

    def __init__(self, *args, unit_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = unit_choices.select_related("province")


class DissolveForm(VietnameseFormMixin, DecisionFormMixin):
    unit = UnitChoiceField(Unit.objects.none(), label="Đơn vị giải thể")
    field_order = ["unit"]

    def __init__(self, *args, unit_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = unit_choices.select_related("province")


class TransferForm(VietnameseFormMixin, DecisionFormMixin):
    to_unit = UnitChoiceField(Unit.objects.none(), label="Đơn vị chuyển đến")
    department = DepartmentChoiceField(Department.objects.none(), label="Phòng, ban ở đơn vị mới")
    title = forms.CharField(label="Chức vụ ở đơn vị mới", max_length=120, required=False)
    is_leader = forms.BooleanField(label="Lãnh đạo, quản lý", required=False)
    field_order = ["to_unit", "department", "title", "is_leader"]

    def __init__(self, *args, unit_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_unit"].queryset = unit_choices.select_related("province")
        self.fields["to_unit"].widget.attrs.update(
            {"hx-get": "", "hx-target": "#id_department", "hx-trigger": "change", "hx-include": "this"}
        )
        self.fields["department"].queryset = _departments_of(self.fields["to_unit"], _unit_value(self, "to_unit"))
        self.fields["effective_on"].label = "Ngày điều động (có hiệu lực)"

    def set_department_url(self, url: str) -> None:
        self.fields["to_unit"].widget.attrs["hx-get"] = url


class LineageFilterForm(VietnameseFormMixin, forms.Form):
    q = forms.CharField(
        label="Tìm kiếm", required=False,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Tên đơn vị, số văn bản, không cần dấu"}),
    )
    kind = forms.ChoiceField(label="Loại sự kiện", required=False, choices=[("", "Tất cả")] + list(LineageKind.choices))


class ProvinceSettingsForm(HiddenVersionMixin, VietnameseFormMixin, forms.Form):
    tdkt_body_name = forms.CharField(
        label="Tên cơ quan thường trực TĐKT", max_length=200,
        help_text="Dùng trên tờ trình, quyết định; ví dụ “Ban Thi đua - Khen thưởng” hoặc “Sở Nội vụ”",
    )
    registration_required_for_proposal = forms.BooleanField(
        label="Phải đăng ký thi đua trước khi đề nghị danh hiệu thi đua", required=False,
        help_text="Mặc định: bật. Khi bật, đơn vị chỉ được đề nghị danh hiệu đã đăng ký đầu năm.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
