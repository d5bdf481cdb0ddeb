from __future__ import annotations

import datetime as dt

from django import forms

from thidua.core.forms import VietnameseFormMixin
from thidua.exports.models import ExportFormat


class NationalExportForm(VietnameseFormMixin, forms.Form):
    province = forms.ChoiceField(label="Tỉnh/thành phố")
    date_from = forms.DateField(label="Từ ngày (ngày quyết định)")
    date_to = forms.DateField(label="Đến ngày")
    fmt = forms.ChoiceField(label="Định dạng tệp", choices=ExportFormat.choices, initial=ExportFormat.XLSX)

    def __init__(self, *args, provinces=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.provinces = {str(p.uid): p for p in provinces}
        self.fields["province"].choices = [(uid, str(p)) for uid, p in self.provinces.items()]
        self.fields["province"].error_messages["invalid_choice"] = "Hãy chọn một tỉnh/thành phố trong phạm vi của bạn."
        self.fields["fmt"].error_messages["invalid_choice"] = "Định dạng phải là JSON hoặc Excel (xlsx)."
        today = dt.date.today()
        self.fields["date_from"].initial = dt.date(today.year, 1, 1)
        self.fields["date_to"].initial = today

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", f"Ngày kết thúc ({end:%d/%m/%Y}) phải sau hoặc trùng ngày bắt đầu ({start:%d/%m/%Y}).")
        if "province" in data:
            data["province"] = self.provinces[data["province"]]
        return data
