"""Forms of the điển hình tiên tiến pages. People, movements and units are picked by uid from
lists the view builds in the user's scope."""

from __future__ import annotations

import datetime as dt

from django import forms

from thidua.core.forms import VietnameseFormMixin
from thidua.exemplars.models import LEVEL_CHOICES, SubjectKind


class ExemplarForm(VietnameseFormMixin, forms.Form):
    kind = forms.ChoiceField(label="Đối tượng", choices=SubjectKind.choices, initial=SubjectKind.COLLECTIVE)
    person = forms.ChoiceField(label="Cá nhân (khi đối tượng là cá nhân)", required=False)
    title = forms.CharField(label="Điển hình về", max_length=300,
                            help_text="Ví dụ: điển hình tiên tiến trong phong trào “Bắc Kạn chung sức xây dựng nông thôn mới”.")
    movement = forms.ChoiceField(label="Phong trào thi đua", required=False)
    year = forms.IntegerField(label="Năm", initial=lambda: dt.date.today().year)
    story = forms.CharField(label="Câu chuyện, thành tích điển hình", widget=forms.Textarea(attrs={"rows": 8}), required=False)
    level = forms.ChoiceField(label="Cấp biểu dương", choices=LEVEL_CHOICES, initial="PROVINCE")
    issuer = forms.CharField(label="Cơ quan, người công nhận", max_length=200, required=False)
    decision_number = forms.CharField(label="Số quyết định", max_length=80, required=False)
    decision_date = forms.DateField(label="Ngày quyết định", required=False)
    note = forms.CharField(label="Ghi chú", max_length=255, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, people=(), movements=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [("", "— Không (tập thể) —")] + [(str(p.uid), p.full_name) for p in people]
        self.fields["movement"].choices = [("", "— Không gắn phong trào —")] + [(str(m.uid), m.title) for m in movements]


class ReplicationForm(VietnameseFormMixin, forms.Form):
    unit = forms.ChoiceField(label="Đơn vị áp dụng", required=False)
    place = forms.CharField(label="Hoặc nơi áp dụng (nếu không có trong danh mục)", max_length=255, required=False)
    applied_on = forms.DateField(label="Thời gian áp dụng", required=False)
    result = forms.CharField(label="Kết quả", widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", "— Chọn —")] + [(str(u.uid), u.name) for u in units]


class EvidenceForm(VietnameseFormMixin, forms.Form):
    file = forms.FileField(label="Tệp minh chứng (PDF, Word .docx, ảnh .jpg, .png; tối đa 20 MB)", required=False)
    description = forms.CharField(label="Mô tả", max_length=255, required=False)
