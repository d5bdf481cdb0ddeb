from __future__ import annotations

from thidua.core.access import scope_of
from thidua.core.navigation import menu_for


def shell(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    scope = scope_of(user)
    from thidua.notifications.selectors import unread_count

    return {"menu": menu_for(request, scope), "user_scope": scope, "unread_notifications": unread_count(user)}
