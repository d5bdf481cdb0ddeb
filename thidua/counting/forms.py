from __future__ import annotations

from django import forms

from thidua.core.forms import VietnameseFormMixin
from thidua.counting.paper import MAX_BALLOTS
from thidua.rules.counting import BALLOT_FIELDS, FIELDS

COUNT_ERRORS = {"invalid": "Hãy nhập một số nguyên.", "min_value": "Không được là số âm."}


def _count_field(label: str, required: bool = True) -> forms.IntegerField:
    field = forms.IntegerField(label=label, min_value=0, required=required, error_messages=COUNT_ERRORS)
    field.widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})
    return field


class PrintBallotsForm(VietnameseFormMixin, forms.Form):
    count = forms.IntegerField(
        label="Số phiếu cần in", min_value=1, max_value=MAX_BALLOTS,
        error_messages={**COUNT_ERRORS, "min_value": "In ít nhất 1 phiếu.", "max_value": f"Mỗi lần in tối đa {MAX_BALLOTS} phiếu."},
    )


class TallyForm(VietnameseFormMixin, forms.Form):
    """The figures of the biên bản kiểm phiếu, then yes (and no) per candidate in ballot order.

    `candidates`: (id, label) pairs; `ask_no`: approve-each polls ask "không đồng ý" too;
    `ballots_required`: False for a result from elsewhere whose minutes lack the ballot figures."""

    def __init__(self, *args, candidates, ask_no: bool, ballots_required: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = candidates
        self.ask_no = ask_no
        for name, label in FIELDS:
            self.fields[name] = _count_field(label, required=ballots_required or name not in BALLOT_FIELDS)
        self.fields["written_opinions"].initial = 0
        for cid, label in candidates:
            self.fields[f"yes_{cid}"] = _count_field(f"Đồng ý — {label}")
            if ask_no:
                self.fields[f"no_{cid}"] = _count_field(f"Không đồng ý — {label}")
        for field in self.fields.values():
            if isinstance(field, forms.IntegerField):
                # VietnameseFormMixin sets the required message; keep the number messages.
                field.error_messages.update({k: v for k, v in COUNT_ERRORS.items()})

    def figure_fields(self):
        return [self[name] for name, _ in FIELDS]

    def candidate_rows(self):
        return [(label, self[f"yes_{cid}"], self[f"no_{cid}"] if self.ask_no else None) for cid, label in self.candidates]

    def counts(self) -> dict:
        data = self.cleaned_data
        counts = {name: data.get(name) for name, _ in FIELDS}
        counts["candidates"] = {
            cid: {"yes": data.get(f"yes_{cid}"), "no": data.get(f"no_{cid}") if self.ask_no else None} for cid, _ in self.candidates
        }
        return counts

    def field_name(self, problem_field: str) -> str | None:
        """The form field an action error names (candidates.<id>.yes → yes_<id>)."""
        if problem_field.startswith("candidates."):
            _, cid, part = problem_field.split(".", 2)
            return f"{part}_{cid}"
        return problem_field if problem_field in self.fields else None


class ExternalResultForm(TallyForm):
    """`historical`: a vote held before any rule version — figures as the minutes give them (may be
    blank) and the outcome the meeting declared, recorded without judging."""

    def __init__(self, *args, needs_size: bool, historical: bool = False, **kwargs):
        super().__init__(*args, ballots_required=False, **kwargs)
        self.historical = historical
        if historical:
            for name in ["present", "written_opinions"] + [f"yes_{cid}" for cid, _ in self.candidates]:
                self.fields[name].required = False
            self.fields["declared"] = forms.MultipleChoiceField(
                label="Hội nghị công bố (trúng cử, được suy tôn, được đề nghị)", choices=self.candidates,
                widget=forms.CheckboxSelectMultiple, error_messages={"required": "Hãy chọn người, đơn vị mà hội nghị đã công bố."},
            )
        if needs_size:
            self.fields["council_size"] = _count_field("Tổng số thành viên (người có quyền biểu quyết)")
            self.fields["council_size"].min_value = 1
        self.fields["held_at"] = forms.CharField(label="Nơi tổ chức bỏ phiếu (hội đồng, cơ quan đã họp)", max_length=255)
        self.fields["minutes_reference"] = forms.CharField(label="Số, ký hiệu biên bản gốc", max_length=120, required=False)
        self.fields["minutes_date"] = forms.DateField(label="Ngày biên bản gốc", required=False)
        self.fields["minutes_file"] = forms.FileField(
            label="Biên bản gốc (bản scan PDF hoặc ảnh)", widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/png,image/jpeg"})
        )
        self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput)
        self.fields["minutes_date"].widget = forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"})
        self.fields["minutes_date"].input_formats = ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"]
        self.fields["minutes_date"].error_messages["invalid"] = "Ngày không hợp lệ. Nhập theo dạng ngày/tháng/năm, ví dụ 05/03/2026."
        for name in ("held_at", "minutes_file"):
            self.fields[name].error_messages["required"] = "Trường này không được để trống."

    def evidence_fields(self):
        names = ["council_size"] if "council_size" in self.fields else []
        return [self[n] for n in names + ["held_at", "minutes_reference", "minutes_date", "minutes_file"]]

    def counts(self) -> dict:
        counts = super().counts()
        if "council_size" in self.fields:
            counts["council_size"] = self.cleaned_data.get("council_size")
        if self.historical:
            counts["declared"] = list(self.cleaned_data.get("declared") or [])
        return counts


class MinutesForm(VietnameseFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    place = forms.CharField(label="Địa điểm lập biên bản", max_length=255)
    chair = forms.CharField(label="Chủ trì (họ tên, chức vụ)", max_length=120, required=False)
    secretary = forms.CharField(label="Thư ký", max_length=120, required=False)
    board_head = forms.CharField(label="Trưởng ban kiểm phiếu", max_length=120)
    board_members = forms.CharField(label="Thành viên ban kiểm phiếu (mỗi dòng một người)", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    notes = forms.CharField(label="Ghi chú thêm vào biên bản", widget=forms.Textarea(attrs={"rows": 3}), required=False)


class CouncilConfirmationForm(VietnameseFormMixin, forms.Form):
    """One qualitative condition the council confirmed (or not) for one proposed subject."""

    item = forms.ChoiceField(label="Đối tượng đề nghị (hồ sơ, danh hiệu)")
    key = forms.ChoiceField(label="Tiêu chuẩn hội đồng xác nhận")
    confirmed = forms.ChoiceField(
        label="Kết luận của hội đồng", choices=[("yes", "Xác nhận đạt"), ("no", "Không xác nhận (không đạt)")], widget=forms.RadioSelect,
    )
    reference = forms.CharField(label="Số, ký hiệu biên bản hoặc quyết định", max_length=120)
    dated = forms.DateField(label="Ngày biên bản hoặc quyết định")
    note = forms.CharField(label="Ghi chú", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, items=(), **kwargs):
        from thidua.rules.catalogue import AWARD_NAMES, CONFIRMATIONS

        super().__init__(*args, **kwargs)
        self.fields["item"].choices = [
            (str(i.uid), f"{i.subject_name} — {AWARD_NAMES.get(i.award, i.award)} (hồ sơ: {i.proposal.title})") for i in items
        ]
        self.fields["key"].choices = list(CONFIRMATIONS.items())
