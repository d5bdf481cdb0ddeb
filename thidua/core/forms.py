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

    def __getitem__(self, name):
        # Every unit picker names each unit's province (and an ended unit's period), whatever field
        # class the form declared (issue #19): the label is set when the field is first rendered,
        # once the view has given it its queryset.
        field = self.fields.get(name)
        if isinstance(field, forms.ModelChoiceField) and not getattr(field, "_unit_labelled", False):
            from thidua.org.labels import is_unit_queryset, unit_option_label

            if is_unit_queryset(field.queryset):
                field._unit_labelled = True
                if "label_from_instance" not in vars(field) and (
                    type(field).label_from_instance is forms.ModelChoiceField.label_from_instance
                ):
                    field.label_from_instance = unit_option_label
                if not field.queryset.query.combinator:
                    field.queryset = field.queryset.select_related("province")
        return super().__getitem__(name)

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
