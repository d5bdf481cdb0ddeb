"""Pages of the notifications: my list (the bell's target), mark one or all read, my choices."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from thidua.core.access import signed_in
from thidua.core.errors import ActionError
from thidua.notifications import actions, selectors
from thidua.notifications.forms import PreferencesForm
from thidua.notifications.models import Notification


@signed_in
def notification_list(request):
    unread_only = request.GET.get("chua-doc") == "1"
    page = Paginator(selectors.my_notifications(request.user, unread_only=unread_only), 30).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page_obj": page, "unread_only": unread_only,
                                                       "unread": selectors.unread_count(request.user)})


@require_POST
@signed_in
def read_one(request, uid):
    note = Notification.objects.filter(uid=uid, recipient=request.user, in_app=True).first()
    if note is None:
        raise Http404("Không tìm thấy")
    if note.read_at is None:
        try:
            actions.do_mark_notification_read(actor=request.user, notification=note)
        except ActionError as error:
            messages.error(request, error.message)
    # "Mở": read it and go to what it is about (a path of this site only).
    if request.POST.get("mo") == "1" and note.link.startswith("/") and not note.link.startswith("//"):
        return redirect(note.link)
    return redirect(reverse("notifications:list"))


@require_POST
@signed_in
def read_all(request):
    count = actions.do_mark_all_notifications_read(actor=request.user)
    messages.success(request, f"Đã đánh dấu {count} thông báo là đã đọc." if count else "Không còn thông báo nào chưa đọc.")
    return redirect(reverse("notifications:list"))


@signed_in
def preferences(request):
    form = PreferencesForm(request.POST or None, rows=selectors.my_preferences(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_set_notification_preferences(actor=request.user, choices=form.choices())
        except ActionError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "Đã lưu lựa chọn nhận thông báo.")
            return redirect(reverse("notifications:preferences"))
    return render(request, "notifications/preferences.html", {"form": form},
                  status=422 if request.method == "POST" and form.errors else 200)
