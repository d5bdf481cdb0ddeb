from __future__ import annotations

from django import forms
from django.shortcuts import render

from thidua.audit import labels
from thidua.audit.models import AuditLog
from thidua.core.access import access, scoped
from thidua.core.forms import VietnameseFormMixin
from thidua.core.paging import htmx_partial, paginate
from thidua.rules.text import fold


def _action_choices():
    """Known actions plus any other code already in the log (from features added later)."""
    codes = dict(labels.ACTION_LABELS)
    for action, object_type in AuditLog.objects.values_list("action", "object_type").distinct():
        codes.setdefault(action, labels.action_label(action, object_type))
    return [("", "Tất cả")] + sorted(codes.items(), key=lambda kv: fold(kv[1]))


def _object_type_choices():
    types = {
        "org.unit": "", "org.person": "", "org.department": "", "org.province": "", "org.lineageevent": "",
        "auth.user": "", "accounts.grant": "", "accounts.apitoken": "",
    }
    return [("", "Tất cả")] + sorted(((t, labels.object_type_label(t)) for t in types), key=lambda kv: fold(kv[1]))


class AuditFilterForm(VietnameseFormMixin, forms.Form):
    date_from = forms.DateField(label="Từ ngày", required=False)
    date_to = forms.DateField(label="Đến ngày", required=False)
    actor = forms.CharField(label="Người thực hiện", required=False, widget=forms.TextInput(attrs={"type": "search", "placeholder": "Tên đăng nhập"}))
    action = forms.ChoiceField(label="Thao tác", required=False)
    object_type = forms.ChoiceField(label="Loại đối tượng", required=False)
    q = forms.CharField(label="Tìm kiếm", required=False, widget=forms.TextInput(attrs={"type": "search", "placeholder": "Tên đối tượng, ghi chú, không cần dấu"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = _action_choices()
        self.fields["object_type"].choices = _object_type_choices()
        for name in ("action", "object_type"):
            self.fields[name].error_messages["invalid_choice"] = "Lựa chọn không hợp lệ."

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "“Đến ngày” không được trước “Từ ngày”.")
        return cleaned


def filtered_log(user, params):
    """The audit rows `user` may see, narrowed by the filter form; returns (form, queryset)."""
    form = AuditFilterForm(params or None)
    qs = scoped(user, AuditLog, "audit.view")
    if form.is_bound and not form.is_valid():
        return form, qs.none()
    data = form.cleaned_data if form.is_bound else {}
    if data.get("date_from"):
        qs = qs.filter(at__date__gte=data["date_from"])
    if data.get("date_to"):
        qs = qs.filter(at__date__lte=data["date_to"])
    if data.get("actor"):
        qs = qs.filter(actor_name__icontains=data["actor"])
    if data.get("action"):
        qs = qs.filter(action=data["action"])
    if data.get("object_type"):
        qs = qs.filter(object_type=data["object_type"])
    if data.get("q"):
        for word in fold(data["q"]).split():
            qs = qs.filter(search_key__contains=word)
    return form, qs.order_by("-at", "-pk")


@access("audit.view")
def log_list(request):
    form, qs = filtered_log(request.user, request.GET)
    page = paginate(request, qs)
    rows = [
        {
            "entry": entry,
            "action": labels.action_label(entry.action, entry.object_type),
            "object_type": labels.object_type_label(entry.object_type) if entry.object_type else "",
            "changes": labels.changes_display(entry.object_type, entry.changes),
        }
        for entry in page.object_list
    ]
    context = {"form": form, "page_obj": page, "rows": rows}
    template = "audit/_log_table.html" if htmx_partial(request) else "audit/log_list.html"
    return render(request, template, context)
