from __future__ import annotations

from django import forms

from thidua.blocs.models import Bloc, HeadSelection
from thidua.core.forms import VietnameseFormMixin
from thidua.org.forms import UnitMultipleChoiceField
from thidua.org.models import Unit


class BlocForm(VietnameseFormMixin, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Bloc
        fields = [
            "name", "kind", "parent", "founding_decision", "founding_date", "founding_issuer", "head_selection",
            "term_start_day", "term_start_month", "no_consecutive_head", "description",
        ]

    def __init__(self, *args, parent_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        if parent_choices is not None:
            self.fields["parent"].queryset = parent_choices
        self.fields["parent"].help_text = "Chỉ dùng khi đây là một cụm thi đua nằm trong một khối thi đua."
        self.fields["parent"].empty_label = "— Không thuộc khối nào —"
        self.fields["term_start_day"].widget.attrs.update(min=1, max=31)
        self.fields["term_start_month"].widget.attrs.update(min=1, max=12)


class BlocFilterForm(VietnameseFormMixin, forms.Form):
    q = forms.CharField(label="Tìm kiếm", required=False, widget=forms.TextInput(attrs={"type": "search", "placeholder": "Tên khối, không cần dấu"}))
    kind = forms.ChoiceField(label="Loại", required=False, choices=[("", "Tất cả")] + list(Bloc._meta.get_field("kind").choices))


class OpenYearForm(VietnameseFormMixin, forms.Form):
    year = forms.IntegerField(label="Năm", min_value=1990, max_value=2100)
    copy_members = forms.BooleanField(label="Chuyển các thành viên của năm trước sang", required=False, initial=True)


class AddMemberForm(VietnameseFormMixin, forms.Form):
    """Several units in one submit (issue #19): a searchable checkbox list, each unit named with its province."""

    units = UnitMultipleChoiceField(
        Unit.objects.none(), label="Đơn vị (chọn một hoặc nhiều)",
        widget=forms.CheckboxSelectMultiple(attrs={"class": "searchable-list"}),
        help_text="Gõ vài chữ của tên đơn vị vào ô lọc để tìm nhanh; đánh dấu mọi đơn vị cần thêm rồi bấm “Thêm vào khối”.",
    )
    joined_on = forms.DateField(label="Ngày tham gia", required=False)
    reason = forms.CharField(label="Ghi chú", required=False, max_length=255)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = units.select_related("province") if units is not None else Unit.objects.none()
        self.fields["units"].error_messages["required"] = "Hãy chọn ít nhất một đơn vị."


class RemoveMemberForm(VietnameseFormMixin, forms.Form):
    left_on = forms.DateField(label="Ngày rời khối")
    reason = forms.CharField(label="Lý do", max_length=255)


class LeadershipForm(VietnameseFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    head_unit = forms.ModelChoiceField(label="Đơn vị Trưởng khối", queryset=None, empty_label="— Chọn đơn vị —")
    deputy_unit = forms.ModelChoiceField(label="Đơn vị Phó Trưởng khối", queryset=None, required=False, empty_label="— Chưa xác định —")
    selected_by = forms.ChoiceField(label="Cách chọn", choices=HeadSelection.choices)
    decided_on = forms.DateField(label="Ngày hội nghị bầu", required=False)
    note = forms.CharField(label="Căn cứ (biên bản, kết luận hội nghị)", required=False, max_length=255)

    def __init__(self, *args, members=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["head_unit"].queryset = members
        self.fields["deputy_unit"].queryset = members


class CovenantForm(VietnameseFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    content = forms.CharField(
        label="Nội dung giao ước chung", widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Mỗi dòng là một nội dung cam kết chung; hệ thống tự đánh số.",
    )
    place = forms.CharField(label="Địa danh (nơi ký)", max_length=100)


class ConfirmCommitmentForm(VietnameseFormMixin, forms.Form):
    signer_name = forms.CharField(label="Họ tên người ký thay mặt đơn vị", max_length=120)
    signer_title = forms.CharField(label="Chức vụ", max_length=120)


class SignCovenantForm(VietnameseFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    signed_on = forms.DateField(label="Ngày ký kết")


class MeetingForm(VietnameseFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    kind = forms.ChoiceField(label="Loại hội nghị", choices=[])
    held_on = forms.DateField(label="Ngày họp")
    place = forms.CharField(label="Địa điểm", max_length=255)
    chair = forms.CharField(label="Chủ trì", max_length=255, required=False)
    attending = forms.ModelMultipleChoiceField(label="Đơn vị dự họp", queryset=None, required=False, widget=forms.CheckboxSelectMultiple)
    guests = forms.CharField(label="Khách mời (dự, không biểu quyết)", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    minutes = forms.CharField(label="Biên bản, kết luận hội nghị", required=False, widget=forms.Textarea(attrs={"rows": 6}))

    def __init__(self, *args, members=None, **kwargs):
        super().__init__(*args, **kwargs)
        from thidua.blocs.models import MeetingKind

        self.fields["kind"].choices = MeetingKind.choices
        self.fields["attending"].queryset = members


class ReportForm(VietnameseFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    situation = forms.CharField(label="I. Tình hình, đặc điểm", required=False, widget=forms.Textarea(attrs={"rows": 5}))
    results = forms.CharField(label="II. Kết quả thực hiện các phong trào thi đua", required=False, widget=forms.Textarea(attrs={"rows": 6}))
    deliberation = forms.CharField(label="III. Kết quả bình xét, xếp loại", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    proposals = forms.CharField(label="IV. Đề nghị khen thưởng", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    directions = forms.CharField(label="V. Phương hướng, nhiệm vụ thời gian tới", required=False, widget=forms.Textarea(attrs={"rows": 4}))


class DeadlineForm(VietnameseFormMixin, forms.Form):
    kind = forms.ChoiceField(choices=[])
    due_on = forms.DateField(label="Hạn")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from thidua.blocs.models import DeadlineKind

        self.fields["kind"].choices = DeadlineKind.choices
