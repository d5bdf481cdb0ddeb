"""Forms of the scoring pages. Choices carry opaque uids (never the integer keys).

The score sheet grid itself is not a Django form: its inputs are named after the criterion codes
(`points-<code>`, `note-<code>`, `reason-<code>`, `evidence-<code>`) and read by the view, so
that the user's input can be put back on screen exactly as typed when a save is refused.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms

from thidua.core.forms import VietnameseFormMixin
from thidua.scoring.models import CriteriaSet, Criterion, CriterionKind, LeaderConfirmation


def _tie_breaker_choices():
    from thidua.rules.scoring import TIE_BREAKERS

    return [("", "— Không dùng —")] + list(TIE_BREAKERS.items())


def _default_bands():
    from thidua.rules.scoring import DEFAULT_BANDS

    return DEFAULT_BANDS


class CriteriaSetForm(VietnameseFormMixin, forms.Form):
    """Name, year, block and the ranking settings (bands, tie breakers, visibility) of a set."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(label="Tên bảng tiêu chí", max_length=255)
    year = forms.IntegerField(label="Năm", min_value=1990, max_value=2100)
    bloc = forms.ModelChoiceField(
        label="Khối, cụm", queryset=None, required=False, to_field_name="uid",
        empty_label="— Bảng tiêu chí mẫu của tỉnh —",
        help_text="Để trống nếu đây là bảng mẫu dùng chung cho các khối của tỉnh.",
    )
    results_visible_before_publish = forms.BooleanField(
        label="Các đơn vị xem được điểm của nhau trước khi công bố", required=False,
        help_text="Mặc định: mỗi đơn vị chỉ xem phiếu của mình và phiếu được phân công chấm chéo cho đến khi công bố kết quả.",
    )
    tie_1 = forms.ChoiceField(label="Khi bằng điểm, xét trước", required=False)
    tie_2 = forms.ChoiceField(label="Sau đó xét", required=False)
    tie_3 = forms.ChoiceField(label="Cuối cùng xét", required=False, help_text="Vẫn bằng nhau sau các tiêu chí phụ thì đồng hạng.")
    note = forms.CharField(label="Ghi chú", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, blocs=None, with_bloc=True, **kwargs):
        super().__init__(*args, **kwargs)
        if with_bloc and blocs is not None:
            self.fields["bloc"].queryset = blocs
        else:
            del self.fields["bloc"]
            del self.fields["year"]
        for name in ("tie_1", "tie_2", "tie_3"):
            self.fields[name].choices = _tie_breaker_choices()
        self.band_names = []
        for band in _default_bands():
            name = f"band_{band.code}"
            self.fields[name] = forms.DecimalField(
                label=f"Mức “{band.label}” từ (điểm)", min_value=Decimal("0"), max_digits=8, decimal_places=2,
                required=False, initial=band.min_total,
            )
            self.band_names.append(name)

    @classmethod
    def initial_for(cls, criteria_set: CriteriaSet) -> dict:
        initial = {
            "version": criteria_set.version, "name": criteria_set.name, "year": criteria_set.year,
            "bloc": criteria_set.bloc.uid if criteria_set.bloc_id else None,
            "results_visible_before_publish": criteria_set.results_visible_before_publish, "note": criteria_set.note,
        }
        for index, code in enumerate((criteria_set.tie_breakers or [])[:3], start=1):
            initial[f"tie_{index}"] = code
        for band in criteria_set.bands or []:
            initial[f"band_{band.get('code')}"] = band.get("min_total")
        return initial

    def clean(self):
        cleaned = super().clean()
        ties = [cleaned.get(n) for n in ("tie_1", "tie_2", "tie_3") if cleaned.get(n)]
        if len(ties) != len(set(ties)):
            self.add_error("tie_2", "Mỗi tiêu chí phụ chỉ chọn một lần.")
        cleaned["tie_breakers"] = ties
        bands = []
        for band in _default_bands():
            value = cleaned.get(f"band_{band.code}")
            bands.append({"code": band.code, "label": band.label, "min_total": str(value if value is not None else band.min_total)})
        minimums = [Decimal(b["min_total"]) for b in bands]
        if any(a < b for a, b in zip(minimums, minimums[1:])):
            self.add_error(None, "Ngưỡng các mức xếp loại phải giảm dần: Xuất sắc cao nhất, Yếu thấp nhất.")
        cleaned["bands"] = bands
        return cleaned

    def action_data(self) -> dict:
        data = {k: self.cleaned_data[k] for k in ("name", "results_visible_before_publish", "note", "tie_breakers", "bands")}
        for key in ("year", "bloc"):
            if key in self.fields:
                data[key] = self.cleaned_data[key]
        return data


class CriterionForm(VietnameseFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    parent = forms.ModelChoiceField(
        label="Thuộc nhóm", queryset=Criterion.objects.none(), required=False, to_field_name="uid",
        empty_label="— Nhóm cấp cao nhất —",
    )
    code = forms.CharField(label="Số thứ tự", max_length=20, help_text="Ví dụ 1, 1.2, 1.2.a — không trùng trong bảng.")
    title = forms.CharField(label="Nội dung tiêu chí", max_length=500)
    kind = forms.ChoiceField(label="Loại", choices=CriterionKind.choices)
    max_points = forms.DecimalField(
        label="Điểm tối đa", required=False, min_value=Decimal("0"), max_digits=8, decimal_places=2,
        help_text="Bắt buộc với tiêu chí chấm điểm; với nhóm là mức trần của cả nhóm; với điểm thưởng, điểm trừ là mức tối đa.",
    )
    evidence_required = forms.BooleanField(label="Bắt buộc có tài liệu minh chứng", required=False)
    guidance = forms.CharField(label="Hướng dẫn chấm", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    position = forms.IntegerField(label="Thứ tự hiển thị", required=False, min_value=0)

    def __init__(self, *args, groups=None, **kwargs):
        super().__init__(*args, **kwargs)
        if groups is not None:
            self.fields["parent"].queryset = groups
        self.fields["parent"].label_from_instance = lambda c: f"{c.code}. {c.title}"
        self.fields["parent"].error_messages["invalid_choice"] = "Nhóm đã chọn không thuộc bảng tiêu chí này."
        self.fields["max_points"].error_messages["max_decimal_places"] = "Điểm chỉ có tối đa 2 chữ số thập phân."

    @classmethod
    def initial_for(cls, criterion: Criterion) -> dict:
        return {
            "version": criterion.version, "parent": criterion.parent.uid if criterion.parent_id else None, "code": criterion.code,
            "title": criterion.title, "kind": criterion.kind, "max_points": criterion.max_points,
            "evidence_required": criterion.evidence_required, "guidance": criterion.guidance, "position": criterion.position,
        }

    def action_data(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k != "version"}
        if data.get("position") is None:
            data.pop("position", None)
        return data


class CopySetForm(VietnameseFormMixin, forms.Form):
    year = forms.IntegerField(label="Dùng cho năm", min_value=1990, max_value=2100)
    bloc = forms.ModelChoiceField(
        label="Khối, cụm", queryset=None, required=False, to_field_name="uid", empty_label="— Bảng tiêu chí mẫu của tỉnh —"
    )

    def __init__(self, *args, blocs=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bloc"].queryset = blocs


class ImportSetForm(VietnameseFormMixin, forms.Form):
    file = forms.FileField(label="Tệp Excel bảng tiêu chí (.xlsx)")
    name = forms.CharField(label="Tên bảng tiêu chí", max_length=255, required=False, help_text="Để trống: lấy tên ghi trong tệp.")
    year = forms.IntegerField(label="Năm", min_value=1990, max_value=2100)
    bloc = forms.ModelChoiceField(
        label="Khối, cụm", queryset=None, required=False, to_field_name="uid", empty_label="— Bảng tiêu chí mẫu của tỉnh —"
    )

    def __init__(self, *args, blocs=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bloc"].queryset = blocs

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError("Chỉ nhận tệp Excel .xlsx (hãy lưu lại tệp theo định dạng Excel Workbook).")
        return upload


class OpenRoundForm(VietnameseFormMixin, forms.Form):
    criteria_set = forms.ModelChoiceField(label="Bảng tiêu chí", queryset=None, to_field_name="uid", empty_label="— Chọn bảng tiêu chí —")
    quota = forms.IntegerField(
        label="Số đơn vị được đề nghị khen thưởng", required=False, min_value=1,
        help_text="Ví dụ 1 nếu mỗi khối chỉ đề nghị một đơn vị dẫn đầu (Cờ thi đua); để trống nếu không giới hạn.",
    )

    def __init__(self, *args, sets=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criteria_set"].queryset = sets
        self.fields["criteria_set"].error_messages["invalid_choice"] = "Bảng tiêu chí đã chọn không dùng được cho khối này."


class AssignForm(VietnameseFormMixin, forms.Form):
    sheet = forms.ModelChoiceField(label="Phiếu của đơn vị", queryset=None, to_field_name="uid", empty_label="— Chọn phiếu —")
    reviewer_units = forms.ModelMultipleChoiceField(
        label="Các đơn vị chấm chéo phiếu này", queryset=None, to_field_name="uid", required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Thay cho phân công trước đó của phiếu; bỏ chọn hết nếu chỉ Trưởng khối chấm chéo.",
    )

    def __init__(self, *args, sheets=None, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sheet"].queryset = sheets
        self.fields["sheet"].label_from_instance = lambda s: s.unit.name
        self.fields["sheet"].error_messages["invalid_choice"] = "Phiếu đã chọn không thuộc đợt chấm điểm này."
        self.fields["reviewer_units"].queryset = units
        self.fields["reviewer_units"].error_messages["invalid_choice"] = "Đơn vị đã chọn không phải thành viên của khối."


class TransitionForm(VietnameseFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    event = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(label="Lý do", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class PublishForm(VietnameseFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    meeting = forms.ModelChoiceField(label="Công bố tại hội nghị", queryset=None, to_field_name="uid", empty_label="— Chọn hội nghị —")

    def __init__(self, *args, meetings=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings
        self.fields["meeting"].label_from_instance = lambda m: f"{m.get_kind_display()} ngày {m.held_on:%d/%m/%Y}"
        self.fields["meeting"].error_messages["invalid_choice"] = "Hội nghị đã chọn không thuộc năm thi đua này."


class ConfirmLeaderForm(VietnameseFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    unit = forms.ModelChoiceField(label="Đơn vị dẫn đầu", queryset=None, to_field_name="uid", empty_label="— Chọn đơn vị —")
    how = forms.ChoiceField(label="Cách xác nhận", choices=LeaderConfirmation.choices)
    note = forms.CharField(
        label="Căn cứ (biên bản, kết quả suy tôn)", max_length=500, required=False, widget=forms.TextInput(attrs={"size": 80}),
        help_text="Ví dụ: Biên bản hội nghị tổng kết ngày 15/12/2026, 9/9 đơn vị suy tôn. Bắt buộc khi ghi theo biên bản "
        "hoặc khi chọn đơn vị khác với đơn vị được đề xuất.",
    )

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class SheetUploadForm(VietnameseFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    file = forms.FileField(label="Tệp Excel phiếu chấm điểm đã điền (.xlsx)")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError("Chỉ nhận tệp Excel .xlsx đã tải về từ trang này.")
        return upload


class ReimportSetForm(VietnameseFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    file = forms.FileField(label="Tệp Excel bảng tiêu chí (.xlsx)")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError("Chỉ nhận tệp Excel .xlsx (hãy lưu lại tệp theo định dạng Excel Workbook).")
        return upload
