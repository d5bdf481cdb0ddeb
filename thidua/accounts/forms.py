from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib.auth.forms import PasswordChangeForm

from thidua.accounts.models import Role, ScopeKind
from thidua.accounts.passwords import password_errors
from thidua.core.forms import VietnameseFormMixin
from thidua.org.models import Province, Unit


class UserFilterForm(VietnameseFormMixin, forms.Form):
    q = forms.CharField(
        label="Tìm kiếm",
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Tên đăng nhập hoặc họ tên, không cần dấu"}),
    )
    status = forms.ChoiceField(
        label="Trạng thái",
        required=False,
        choices=[("active", "Đang hoạt động"), ("inactive", "Đã khóa"), ("all", "Tất cả")],
    )


class _PasswordPairMixin:
    """Two password inputs that must match; Django's validators, messages in Vietnamese."""

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", "Hai mật khẩu đã nhập không giống nhau.")
        return cleaned


class UserCreateForm(VietnameseFormMixin, _PasswordPairMixin, forms.Form):
    username = forms.CharField(
        label="Tên đăng nhập", max_length=150, help_text="Chữ, số và các ký tự @ . + - _ ; không có dấu cách."
    )
    full_name = forms.CharField(label="Họ và tên", max_length=150)
    email = forms.EmailField(label="Thư điện tử", required=False, error_messages={"invalid": "Địa chỉ thư điện tử không hợp lệ."})
    province = forms.ModelChoiceField(
        label="Tỉnh/thành phố quản lý",
        queryset=Province.objects.none(),
        required=False,
        empty_label="— Toàn hệ thống —",
        help_text="Cán bộ của tỉnh này thấy và quản lý được tài khoản, kể cả khi chưa phân quyền.",
    )
    password1 = forms.CharField(
        label="Mật khẩu ban đầu", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="Ít nhất 8 ký tự, không chỉ gồm chữ số, không quá phổ biến. Người dùng nên đổi sau lần đăng nhập đầu.",
    )
    password2 = forms.CharField(
        label="Nhập lại mật khẩu", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, *args, provinces=None, province_required: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["province"]
        field.queryset = provinces if provinces is not None else Province.objects.none()
        field.error_messages["invalid_choice"] = "Tỉnh/thành phố đã chọn không hợp lệ."
        if province_required:
            field.required = True
            field.empty_label = None
            field.error_messages["required"] = "Hãy chọn tỉnh/thành phố quản lý tài khoản."


class ResetPasswordForm(VietnameseFormMixin, _PasswordPairMixin, forms.Form):
    password1 = forms.CharField(label="Mật khẩu mới", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password2 = forms.CharField(label="Nhập lại mật khẩu mới", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))


class GrantForm(VietnameseFormMixin, forms.Form):
    role = forms.ChoiceField(label="Vai trò")
    scope_kind = forms.ChoiceField(label="Phạm vi", choices=ScopeKind.choices)
    province = forms.ModelChoiceField(label="Tỉnh/thành phố", queryset=Province.objects.none(), empty_label=None)
    unit = forms.ModelChoiceField(
        label="Đơn vị",
        queryset=Unit.objects.none(),
        required=False,
        empty_label="— Chọn khi phạm vi là một đơn vị —",
        help_text="Đơn vị thuộc tỉnh đã chọn hoặc các tỉnh đã hợp nhất vào tỉnh đó.",
    )
    bloc = forms.ModelChoiceField(
        label="Khối, cụm thi đua",
        queryset=Unit.objects.none(),
        required=False,
        empty_label="— Chọn khi phạm vi là một khối, cụm —",
    )
    council = forms.ModelChoiceField(
        label="Hội đồng thi đua, khen thưởng",
        queryset=Unit.objects.none(),
        required=False,
        empty_label="— Chọn khi phạm vi là một hội đồng —",
        help_text="Trên một hội đồng chỉ phân thư ký hội đồng, thành viên hội đồng hoặc tổ kiểm phiếu.",
    )
    valid_from = forms.DateField(label="Hiệu lực từ ngày")
    valid_to = forms.DateField(label="Hiệu lực đến ngày", required=False, help_text="Để trống nếu không thời hạn.")
    note = forms.CharField(label="Ghi chú", max_length=255, required=False)

    def __init__(self, *args, provinces, units, allow_admin_role: bool, blocs=None, councils=None, **kwargs):
        super().__init__(*args, **kwargs)
        if blocs is not None:
            self.fields["bloc"].queryset = blocs
        if councils is not None:
            self.fields["council"].queryset = councils
        self.fields["bloc"].error_messages["invalid_choice"] = "Lựa chọn không hợp lệ."
        self.fields["council"].error_messages["invalid_choice"] = "Lựa chọn không hợp lệ."
        self.fields["role"].choices = [(v, label) for v, label in Role.choices if allow_admin_role or v != Role.ADMIN]
        self.fields["province"].queryset = provinces
        self.fields["unit"].queryset = units
        self.fields["unit"].label_from_instance = lambda u: u.name
        for name in ("role", "scope_kind", "province", "unit"):
            self.fields[name].error_messages["invalid_choice"] = "Lựa chọn không hợp lệ."
        if not self.is_bound:
            self.fields["valid_from"].initial = dt.date.today()

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("valid_from"), cleaned.get("valid_to")
        if start and end and end < start:
            self.add_error("valid_to", "Ngày hết hiệu lực không được trước ngày bắt đầu hiệu lực.")
        if cleaned.get("scope_kind") == ScopeKind.UNIT and not cleaned.get("unit") and "unit" not in self.errors:
            self.add_error("unit", "Hãy chọn đơn vị cho phạm vi một đơn vị.")
        if cleaned.get("scope_kind") == ScopeKind.BLOCK and not cleaned.get("bloc") and "bloc" not in self.errors:
            self.add_error("bloc", "Hãy chọn khối, cụm thi đua cho phạm vi một khối.")
        if cleaned.get("scope_kind") == ScopeKind.COUNCIL and not cleaned.get("council") and "council" not in self.errors:
            self.add_error("council", "Hãy chọn hội đồng cho phạm vi một hội đồng.")
        return cleaned


class EndGrantForm(VietnameseFormMixin, forms.Form):
    valid_to = forms.DateField(label="Hết hiệu lực từ sau ngày")


class TokenForm(VietnameseFormMixin, forms.Form):
    name = forms.CharField(label="Tên gợi nhớ", max_length=100, help_text="Ví dụ: Phần mềm báo cáo của Sở Nội vụ.")
    expires_on = forms.DateField(
        label="Hết hạn sau ngày",
        required=False,
        help_text="Khóa dùng được đến hết ngày này. Để trống nếu không đặt hạn (khóa vẫn bị thu hồi khi đổi mật khẩu).",
    )


class VietnamesePasswordChangeForm(PasswordChangeForm):
    """Django's PasswordChangeForm with Vietnamese labels and messages."""

    error_messages = {
        "password_mismatch": "Hai mật khẩu mới đã nhập không giống nhau.",
        "password_incorrect": "Mật khẩu hiện tại không đúng. Hãy nhập lại.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        labels = {"old_password": "Mật khẩu hiện tại", "new_password1": "Mật khẩu mới", "new_password2": "Nhập lại mật khẩu mới"}
        for name, label in labels.items():
            self.fields[name].label = label
            self.fields[name].help_text = ""
            self.fields[name].error_messages["required"] = "Trường này không được để trống."
        self.fields["old_password"].widget.attrs.pop("autofocus", None)
        self.fields["new_password1"].help_text = "Ít nhất 8 ký tự, không chỉ gồm chữ số, không quá phổ biến."

    def validate_password_for_user(self, user, password_field_name="new_password2"):
        password = self.cleaned_data.get(password_field_name)
        if password:
            for message in password_errors(password, user):
                self.add_error(password_field_name, message)
