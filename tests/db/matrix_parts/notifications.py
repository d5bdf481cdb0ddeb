"""Access-matrix entries of thidua/notifications: a notification is only ever its recipient's
(the An Giang officer's here: everyone else, the administrator included, gets 404), and the
actions touch only the actor's own rows, without a role check."""

from __future__ import annotations

OWN = "only the actor's own notifications and choices: checked by recipient, no role (an account whose grants ended still reads them)"


def _a():
    from thidua.notifications import actions

    return actions


def _note(world):
    from thidua.notifications.models import Notification

    return Notification.objects.create(
        province=world.an_giang, recipient=world.an_officer, kind="DECISION", title="Đã có Quyết định khen thưởng số 15/QĐ-UBND",
        link="/", key="matrix-sample",
    )


def register(matrix):
    A, S = matrix.ActionEntry, matrix.Sample
    matrix.SAMPLES.update({
        "notifications:read": S(lambda w: {"uid": _note(w).uid}, {"an_officer"}),
    })
    name = "thidua.notifications.actions."
    matrix.ACTIONS.update({
        name + "do_mark_notification_read": A(
            None, lambda w, a, n: _a().do_mark_notification_read(actor=a, notification=n), setup=_note, as_persona="an_officer", note=OWN),
        name + "do_mark_all_notifications_read": A(
            None, lambda w, a: _a().do_mark_all_notifications_read(actor=a), as_persona="an_officer", note=OWN),
        name + "do_set_notification_preferences": A(
            None, lambda w, a: _a().do_set_notification_preferences(actor=a, choices={"DECISION": {"in_app": True, "email": False}}),
            as_persona="an_officer", note=OWN),
    })
