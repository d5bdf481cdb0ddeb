from __future__ import annotations

import datetime as dt

from django import forms
from django.conf import settings

from thidua.core.forms import VietnameseFormMixin


class UploadForm(VietnameseFormMixin, forms.Form):
    unit = forms.ModelChoiceField(label="Đơn vị đề nghị", queryset=None, empty_label="— Chọn đơn vị —")
    year = forms.IntegerField(label="Năm thành tích", min_value=1990, max_value=2100)
    file = forms.FileField(label="Tệp Word (.docx)", help_text="Danh sách đề nghị hoặc tờ trình kèm danh sách, dạng bảng "
                           "(STT, Họ và tên, Chức vụ, Danh hiệu/Hình thức khen thưởng…).")

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["year"].initial = dt.date.today().year - (1 if dt.date.today().month < 7 else 0)
        self.fields["file"].widget.attrs["accept"] = ".docx,application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        self.max_mb = f"{settings.DOCIMPORT_MAX_BYTES / (1024 * 1024):.1f}".replace(".", ",").replace(",0", "")
