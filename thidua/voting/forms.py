from __future__ import annotations

import uuid

from django import forms
from django.contrib.auth import get_user_model

from thidua.core.forms import VietnameseFormMixin
from thidua.rules.voting import AWARD_NAMES
from thidua.voting.models import Council, CouncilMember, Electorate, Method, Mode, Office, Subject

AWARD_CHOICES = [("", "— Chọn danh hiệu, hình thức —")] + [(code, name) for code, name in AWARD_NAMES.items()]


class CouncilForm(VietnameseFormMixin, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Council
        fields = ["name", "level", "unit", "bloc", "founding_decision", "founding_date", "active_from", "active_to", "note"]

    def __init__(self, *args, units=None, blocs=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["unit"].queryset = units
        if blocs is not None:
            self.fields["bloc"].queryset = blocs
        self.fields["unit"].empty_label = "— Không (hội đồng cấp tỉnh hoặc của khối) —"
        self.fields["bloc"].empty_label = "— Không —"
        self.fields["note"].widget.attrs["rows"] = 3


class AccountField(forms.CharField):
    """An account named by its sign-in name (tên đăng nhập)."""

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        user = get_user_model().objects.filter(username=value.strip(), is_active=True).first()
        if user is None:
            raise forms.ValidationError(f"Không có tài khoản đang hoạt động tên “{value}”.")
        return user


class CouncilMemberForm(VietnameseFormMixin, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    account = AccountField(
        label="Tài khoản bỏ phiếu (tên đăng nhập)", required=False, max_length=150,
        help_text="Tài khoản dùng để bỏ phiếu điện tử; để trống nếu thành viên chỉ bỏ phiếu giấy.",
    )

    class Meta:
        model = CouncilMember
        fields = ["full_name", "position", "role", "term_from", "term_to"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance and self.instance.pk and self.instance.user_id and not self.is_bound:
            self.initial["account"] = self.instance.user.get_username()


class PollForm(VietnameseFormMixin, forms.Form):
    title = forms.CharField(label="Nội dung bỏ phiếu", max_length=255)
    council = forms.ModelChoiceField(label="Hội đồng", queryset=Council.objects.none(), required=False, empty_label="— Chọn hội đồng —")
    electorate = forms.ChoiceField(label="Người bỏ phiếu", choices=Electorate.choices)
    subject = forms.ChoiceField(label="Việc bình xét", choices=Subject.choices)
    office = forms.ChoiceField(label="Chức danh bầu (khi bầu Trưởng khối)", choices=[("", "—")] + list(Office.choices), required=False)
    award_code = forms.ChoiceField(label="Danh hiệu, hình thức khen thưởng", choices=AWARD_CHOICES, required=False)
    award_year = forms.IntegerField(label="Năm xét khen thưởng", min_value=1990, max_value=2100, required=False)
    method = forms.ChoiceField(label="Cách bỏ phiếu", choices=Method.choices)
    mode = forms.ChoiceField(label="Hình thức", choices=Mode.choices)
    quota = forms.IntegerField(label="Chỉ tiêu (số được chọn tối đa)", min_value=1, required=False, help_text="Để trống nếu không giới hạn.")
    threshold_pct = forms.DecimalField(
        label="Tỷ lệ đồng ý cần đạt (%)", min_value=0, max_value=100, decimal_places=2, required=False,
        help_text="Để trống để dùng mức của quy định có hiệu lực vào ngày họp. Bắt buộc khi khối tự suy tôn, bầu Trưởng khối "
        "hoặc xét danh hiệu mà pháp luật không quy định tỷ lệ.",
    )
    held_on = forms.DateField(label="Ngày họp, bỏ phiếu", required=False, help_text="Để trống để lấy ngày của hội nghị.")
    candidate_units = forms.ModelMultipleChoiceField(
        label="Đơn vị được bình xét", queryset=None, required=False, widget=forms.CheckboxSelectMultiple,
    )
    candidate_names = forms.CharField(
        label="Người, đơn vị được bình xét (mỗi dòng một tên)", required=False, widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args, councils=None, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        from thidua.org.models import Unit

        self.fields["council"].queryset = councils if councils is not None else Council.objects.none()
        self.fields["candidate_units"].queryset = units if units is not None else Unit.objects.none()
        if units is None:
            del self.fields["candidate_units"]

    def candidates(self) -> list[dict]:
        items = [{"unit": unit} for unit in self.cleaned_data.get("candidate_units") or []]
        for line in (self.cleaned_data.get("candidate_names") or "").splitlines():
            if line.strip():
                items.append({"label": line.strip()})
        return items


class CandidateForm(VietnameseFormMixin, forms.Form):
    label = forms.CharField(label="Tên người, đơn vị", max_length=255)


# Every value a ballot form carries has the same length whatever the voter chose, so no page,
# request or log line of the voting flow is longer or shorter for one choice than for another
# (docs/ballot-secrecy.md): "Y"/"N" for approve-each, a candidate's uid (36 characters) or the nil
# uid for a blank ballot in choose-one.
YES_MARK, NO_MARK = "Y", "N"
BLANK_CHOICE = str(uuid.UUID(int=0))


def _choice_fields(form: forms.Form, poll, candidates) -> None:
    if poll.method == Method.CHOOSE_ONE:
        form.fields["choice"] = forms.ChoiceField(
            label="Chọn một", widget=forms.RadioSelect,
            choices=[(str(c.uid), c.label) for c in candidates] + [(BLANK_CHOICE, "Phiếu trắng (không chọn ai)")], required=False,
        )
        return
    for c in candidates:
        form.fields[f"c{c.pk}"] = forms.ChoiceField(
            label=c.label, widget=forms.RadioSelect, choices=[(YES_MARK, "Đồng ý"), (NO_MARK, "Không đồng ý")],
            error_messages={"required": f"Hãy chọn Đồng ý hoặc Không đồng ý cho {c.label}."},
        )


def approved_of(form: forms.Form, poll, candidates) -> list[int]:
    if poll.method == Method.CHOOSE_ONE:
        choice = form.cleaned_data.get("choice")
        return [c.pk for c in candidates if str(c.uid) == choice]
    return [c.pk for c in candidates if form.cleaned_data.get(f"c{c.pk}") == YES_MARK]


def carried_marks(form: forms.Form, poll, candidates) -> list[tuple[str, str]]:
    """The (name, value) hidden fields that carry a valid ballot from the review to the confirm
    or back to editing: one per candidate, or the one choice (the nil uid when blank)."""
    if poll.method == Method.CHOOSE_ONE:
        return [("choice", form.cleaned_data.get("choice") or BLANK_CHOICE)]
    return [(f"c{c.pk}", form.cleaned_data[f"c{c.pk}"]) for c in candidates]


class BallotForm(VietnameseFormMixin, forms.Form):
    """One secret ballot: Đồng ý / Không đồng ý per candidate, or one choice."""

    def __init__(self, *args, poll, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.poll = poll
        self.candidates = candidates
        _choice_fields(self, poll, candidates)

    def clean(self):
        data = super().clean()
        approved = approved_of(self, self.poll, self.candidates)
        if self.poll.method == Method.APPROVE_EACH and self.poll.quota is not None and len(approved) > self.poll.quota:
            # Refused before the review. The same words for any number over the quota.
            raise forms.ValidationError(
                f"Bạn đồng ý quá chỉ tiêu {self.poll.quota} người, đơn vị; hãy bỏ bớt rồi gửi lại. Phiếu chưa được ghi nhận."
            )
        return data

    def approved(self) -> list[int]:
        return approved_of(self, self.poll, self.candidates)

    def carried(self) -> list[tuple[str, str]]:
        return carried_marks(self, self.poll, self.candidates)


class WrittenOpinionForm(VietnameseFormMixin, forms.Form):
    voter = forms.ModelChoiceField(label="Thành viên vắng mặt", queryset=None, empty_label="— Chọn thành viên —")

    def __init__(self, *args, poll, candidates, voters, **kwargs):
        super().__init__(*args, **kwargs)
        self.poll = poll
        self.candidates = candidates
        self.fields["voter"].queryset = voters
        _choice_fields(self, poll, candidates)

    def approved(self) -> list[int]:
        return approved_of(self, self.poll, self.candidates)


class RecordResultForm(VietnameseFormMixin, forms.Form):
    """Counts of a show of hands or of a vote held outside the system."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    council_size = forms.IntegerField(label="Tổng số thành viên (người có quyền biểu quyết)", min_value=1, required=False)
    present = forms.IntegerField(label="Số có mặt", min_value=0)
    written_opinions = forms.IntegerField(label="Số ý kiến bằng văn bản của người vắng mặt", min_value=0, required=False, initial=0)

    def __init__(self, *args, poll, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = candidates
        if poll.electorate_size:
            del self.fields["council_size"]
        for c in candidates:
            self.fields[f"yes{c.pk}"] = forms.IntegerField(label=f"Số đồng ý: {c.label}", min_value=0)

    def counts(self) -> dict:
        data = self.cleaned_data
        counts = {"present": data["present"], "written_opinions": data.get("written_opinions") or 0,
                  "yes": {c.pk: data[f"yes{c.pk}"] for c in self.candidates}}
        if data.get("council_size"):
            counts["council_size"] = data["council_size"]
        return counts


class ChairChoiceForm(VietnameseFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    chosen = forms.MultipleChoiceField(label="Chủ tịch hội đồng chọn", widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, tied, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chosen"].choices = tied
