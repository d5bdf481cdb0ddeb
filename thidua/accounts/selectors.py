"""Which accounts an officer may see.

The system administrator sees every account. A province officer sees the accounts that hold
(or held) a grant in their province — including the provinces merged into it — and the accounts
managed by that province that have no grant yet (AccountProfile.province, set when an officer
creates an account). Any other account answers 404 exactly like a missing one.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.http import Http404

from thidua.core.access import scope_of
from thidua.rules.text import fold


def users_in_scope(actor, action: str = "accounts.view") -> QuerySet:
    User = get_user_model()
    qs = User.objects.all()
    scope = scope_of(actor)
    if not scope.can(action):
        return qs.none()
    province_ids = scope.province_ids_for(action)
    if province_ids is None:
        return qs
    if not province_ids:
        return qs.none()
    granted = Q(pk__in=_grant_user_ids(province_ids))
    managed = Q(account_profile__province_id__in=province_ids)
    return qs.filter(granted | managed)


def _grant_user_ids(province_ids):
    from thidua.accounts.models import Grant

    return Grant.objects.filter(province_id__in=province_ids).values("user_id")


def get_user_or_404(actor, action: str = "accounts.view", **lookup):
    try:
        return users_in_scope(actor, action).get(**lookup)
    except (get_user_model().DoesNotExist, ValueError) as exc:
        raise Http404("Không tìm thấy") from exc


def search_users(qs: QuerySet, text: str) -> QuerySet:
    """Accent-insensitive search by username and full name ("lan" finds "Nguyễn Thị Lan")."""
    for word in fold(text).split():
        qs = qs.filter(account_profile__search_key__contains=word)
    return qs
