from __future__ import annotations

from django import forms

from thidua.core.forms import VietnameseFormMixin
from thidua.reports.models import ProvinceReport


class ProvinceReportForm(VietnameseFormMixin, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = ProvinceReport
        fields = ["issuer_unit", "signer_authority", "signer_title", "signer_name", "situation", "highlights", "limitations",
                  "directions", "proposals"]
        widgets = {k: forms.Textarea(attrs={"rows": 5}) for k in ("situation", "highlights", "limitations", "directions", "proposals")}
        help_texts = {
            "signer_authority": "Ví dụ: KT. GIÁM ĐỐC; để trống nếu người đứng đầu ký.",
            "situation": "Mỗi dòng là một đoạn văn. Số liệu (khối, đăng ký, xếp hạng, khen thưởng, sáng kiến, tiền thưởng) được điền tự động.",
        }

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["issuer_unit"].queryset = units
        self.fields["issuer_unit"].empty_label = "— Chọn cơ quan ban hành —"
