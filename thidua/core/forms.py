from __future__ import annotations

from django import forms

from thidua.rules.text import strip_controls


class VietnameseFormMixin:
    """NFC-normalise every text input (control characters dropped) and use dd/mm/yyyy date widgets."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.DateField):
                field.widget = forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"})
                field.input_formats = ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"]
                field.error_messages["invalid"] = "Ngày không hợp lệ. Nhập theo dạng ngày/tháng/năm, ví dụ 05/03/2026."
            if field.required:
                field.error_messages["required"] = "Trường này không được để trống."

    def full_clean(self):
        if self.is_bound and hasattr(self.data, "copy"):
            data = self.data.copy()
            for key in list(data.keys()):
                values = data.getlist(key) if hasattr(data, "getlist") else [data[key]]
                normalised = [strip_controls(v).strip() if isinstance(v, str) else v for v in values]
                if hasattr(data, "setlist"):
                    data.setlist(key, normalised)
                else:
                    data[key] = normalised[0]
            self.data = data
        super().full_clean()


def apply_action_error(form, error, field_map: dict[str, str] | None = None) -> None:
    """Show an ActionError on `form`: on the fields it names, else above the form."""
    field_map = field_map or {}
    if error.errors:
        for field, messages in error.errors.items():
            name = field_map.get(field, field)
            for message in messages:
                form.add_error(name if name in form.fields else None, message)
    else:
        form.add_error(None, error.message)
