from __future__ import annotations

import datetime as dt

from django import forms

from thidua.core.forms import VietnameseFormMixin
from thidua.history.models import (
    DISCIPLINE_CHOICES,
    RATING_CHOICES,
    SCOPE_CHOICES,
    AwardKind,
    DecisionLevel,
    WorkKind,
)
from thidua.rules.catalogue import AWARD_NAMES, awards_for

YEAR_ERRORS = {"invalid": "Năm phải là một số, ví dụ 2025.", "min_value": "Năm không hợp lệ.", "max_value": "Năm không hợp lệ."}


def default_year(today: dt.date | None = None) -> int:
    """The assessment year a user most likely means: the current year from October (year-end review), else the last."""
    today = today or dt.date.today()
    return today.year if today.month >= 10 else today.year - 1


def _year_field(label="Năm", required=True):
    return forms.IntegerField(label=label, min_value=1945, max_value=dt.date.today().year + 1, required=required,
                              error_messages=YEAR_ERRORS)


class RatingForm(VietnameseFormMixin, forms.Form):
    year = _year_field()
    rating = forms.ChoiceField(label="Mức độ hoàn thành nhiệm vụ", choices=RATING_CHOICES)
    note = forms.CharField(label="Ghi chú", max_length=255, required=False)


class AwardForm(VietnameseFormMixin, forms.Form):
    award_code = forms.ChoiceField(label="Danh hiệu, hình thức khen thưởng")
    award_kind = forms.ChoiceField(label="Loại hình khen thưởng", choices=AwardKind.choices, initial=AwardKind.MERIT)
    year = _year_field("Năm thành tích")
    decision_number = forms.CharField(label="Số quyết định", max_length=80, required=False)
    decision_date = forms.DateField(label="Ngày quyết định", required=False)
    decision_issuer = forms.CharField(label="Cơ quan, người quyết định", max_length=200, required=False)
    decision_level = forms.ChoiceField(label="Cấp quyết định", choices=[("", "Chưa rõ")] + list(DecisionLevel.choices), required=False)
    external = forms.BooleanField(label="Quyết định của cấp trên, ngoài hệ thống", required=False)
    note = forms.CharField(label="Ghi chú", max_length=255, required=False)

    def __init__(self, *args, subject_kind: str, province=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Every catalogue entry for this kind of subject, coded or manual, and the province's own (issue #19).
        from thidua.awards.selectors import catalogue_award_choices

        self.fields["award_code"].choices = catalogue_award_choices(subject_kind, province) or [
            (code, AWARD_NAMES[code]) for code in awards_for(subject_kind)
        ]


class InitiativeForm(VietnameseFormMixin, forms.Form):
    kind = forms.ChoiceField(label="Loại", choices=WorkKind.choices)
    title = forms.CharField(label="Tên sáng kiến, đề tài", max_length=500)
    year = _year_field("Năm công nhận")
    scope = forms.ChoiceField(label="Phạm vi ảnh hưởng", choices=SCOPE_CHOICES)
    recognised_by = forms.CharField(label="Cơ quan công nhận", max_length=200, required=False)
    recognised_on = forms.DateField(label="Ngày công nhận", required=False)


class DisciplineForm(VietnameseFormMixin, forms.Form):
    form = forms.ChoiceField(label="Hình thức kỷ luật", choices=DISCIPLINE_CHOICES)
    start_date = forms.DateField(label="Từ ngày")
    end_date = forms.DateField(label="Đến ngày", required=False)
    decision_number = forms.CharField(label="Số quyết định", max_length=80, required=False)
    note = forms.CharField(label="Ghi chú", max_length=255, required=False)


class InvestigationForm(VietnameseFormMixin, forms.Form):
    opened_on = forms.DateField(label="Từ ngày")
    note = forms.CharField(label="Nội dung (xem xét kỷ luật, thanh tra, kiểm tra, khiếu nại, tố cáo)", max_length=255, required=False)


class CloseInvestigationForm(VietnameseFormMixin, forms.Form):
    closed_on = forms.DateField(label="Ngày có kết luận")
    note = forms.CharField(label="Kết luận", max_length=255, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)


class RevokeForm(VietnameseFormMixin, forms.Form):
    reason = forms.CharField(label="Lý do hủy bỏ", max_length=500, widget=forms.Textarea(attrs={"rows": 3}))
    revoked_on = forms.DateField(label="Ngày hủy bỏ", required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)


class PolicyForm(VietnameseFormMixin, forms.Form):
    inherit_across_merger = forms.BooleanField(
        label="Tính thành tích (danh hiệu, xếp loại) của đơn vị trước sắp xếp cho đơn vị hợp nhất, sáp nhập", required=False
    )
    basis = forms.CharField(label="Căn cứ (văn bản của tỉnh)", max_length=255, required=False)


class BatchFilterForm(VietnameseFormMixin, forms.Form):
    SUBJECTS = [("ca-nhan", "Cá nhân"), ("tap-the", "Tập thể")]
    OUTCOMES = [("", "Tất cả kết quả"), ("ELIGIBLE", "Đủ điều kiện"), ("ELIGIBLE_IF_CONFIRMED", "Đủ điều kiện nếu Hội đồng xác nhận"),
                ("HOLD", "Tạm hoãn xét"), ("NOT_ELIGIBLE", "Chưa đủ điều kiện")]

    doi_tuong = forms.ChoiceField(label="Đối tượng", choices=SUBJECTS, required=False)
    nam = _year_field("Năm", required=False)
    tinh = forms.ChoiceField(label="Tỉnh/thành phố", required=False)
    khoi = forms.ChoiceField(label="Khối, cụm thi đua", required=False)
    khen_thuong = forms.ChoiceField(label="Danh hiệu, hình thức", required=False)
    ket_qua = forms.ChoiceField(label="Kết quả", choices=OUTCOMES, required=False)

    def __init__(self, *args, provinces=(), blocs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tinh"].choices = [("", "Tất cả tỉnh được xem")] + [(str(p.uid), str(p)) for p in provinces]
        self.fields["khoi"].choices = [("", "Không lọc theo khối")] + [(str(b.uid), b.name) for b in blocs]
        self.fields["khen_thuong"].choices = [("", "Mọi danh hiệu, hình thức")] + [
            (code, name) for code, name in AWARD_NAMES.items()
        ]
