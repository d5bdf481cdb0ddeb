"""Forms of the initiatives registry pages."""

from __future__ import annotations

import datetime as dt

from django import forms

from thidua.core.forms import VietnameseFormMixin
from thidua.history.models import WorkKind
from thidua.rules.catalogue import SCOPE_NAMES, SCOPES

OWNER_ROWS = 3


class InitiativeForm(VietnameseFormMixin, forms.Form):
    title = forms.CharField(label="Tên sáng kiến", max_length=500)
    kind = forms.ChoiceField(label="Loại", choices=WorkKind.choices, initial=WorkKind.INITIATIVE)
    year = forms.IntegerField(label="Năm", initial=lambda: dt.date.today().year)
    sector = forms.CharField(label="Lĩnh vực", max_length=200, required=False)
    content = forms.CharField(label="Nội dung", widget=forms.Textarea(attrs={"rows": 10}), required=False,
                              help_text="Gõ trực tiếp, hoặc để trống và tải lên tệp DOCX, PDF bên dưới.")
    file = forms.FileField(label="Tệp nội dung (DOCX, PDF)", required=False)
    benefits = forms.CharField(label="Hiệu quả, lợi ích", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    applied_at = forms.CharField(label="Nơi đã áp dụng", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    confirm_copy = forms.BooleanField(label="Tôi đã xem các sáng kiến giống ở trên và vẫn muốn lưu", required=False)

    def __init__(self, *args, people=(), owner_rows: int = OWNER_ROWS, **kwargs):
        super().__init__(*args, **kwargs)
        self.owner_rows = max(OWNER_ROWS, owner_rows)
        choices = [("", "— Chọn —")] + [(str(p.uid), p.full_name) for p in people]
        for i in range(1, self.owner_rows + 1):
            self.fields[f"owner_{i}"] = forms.ChoiceField(label=f"Tác giả {i}", choices=choices, required=i == 1)
            self.fields[f"share_{i}"] = forms.IntegerField(label=f"Tỷ lệ đóng góp của tác giả {i} (%)", required=i == 1,
                                                           initial=100 if i == 1 else None)
            if i == 1:
                self.fields["owner_1"].error_messages["required"] = "Hãy chọn ít nhất một tác giả."
        self.fields["confirm_copy"] = self.fields.pop("confirm_copy")  # last, just above the buttons

    def owners(self) -> list[tuple[str, int]]:
        rows = []
        for i in range(1, self.owner_rows + 1):
            uid, share = self.cleaned_data.get(f"owner_{i}"), self.cleaned_data.get(f"share_{i}")
            if uid:
                rows.append((uid, share if share is not None else 0))
        return rows


class EditInitiativeForm(InitiativeForm):
    """The same fields, prefilled, with the version read (compare-and-set)."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["content"].help_text = "Sửa trực tiếp, hoặc tải lên tệp DOCX, PDF mới để thay nội dung."
        self.fields["confirm_copy"] = self.fields.pop("confirm_copy")


class RecogniseForm(VietnameseFormMixin, forms.Form):
    level = forms.ChoiceField(label="Cấp công nhận", choices=[(c, SCOPE_NAMES[c][0].upper() + SCOPE_NAMES[c][1:]) for c in SCOPES])
    body = forms.CharField(label="Cơ quan, hội đồng công nhận", max_length=200)
    decision_number = forms.CharField(label="Số quyết định", max_length=80, required=False)
    decided_on = forms.DateField(label="Ngày quyết định", required=False)
    reason = forms.CharField(label="Lý do công nhận dù nghi trùng lặp", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)
