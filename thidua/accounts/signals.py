"""Keep each user's AccountProfile search key in step with the username and full name, whoever
saved the user (the actions layer, createsuperuser, the demo loader)."""

from __future__ import annotations

from thidua.core.models import search_key_of


def profile_search_key(user) -> str:
    return search_key_of(user.get_username(), user.get_full_name())


def sync_profile(sender, instance, created, update_fields=None, raw=False, **kwargs):  # noqa: ARG001
    if raw:
        return
    if update_fields is not None and not ({"username", "first_name", "last_name"} & set(update_fields)):
        return  # e.g. the login's last_login update
    from thidua.accounts.models import AccountProfile

    key = profile_search_key(instance)
    updated = AccountProfile.objects.filter(user=instance).update(search_key=key)
    if not updated:
        AccountProfile.objects.get_or_create(user=instance, defaults={"search_key": key})
