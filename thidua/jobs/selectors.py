"""The one list of jobs, shared by the pages and the API: a user sees the jobs they started."""

from __future__ import annotations

from django.http import Http404

from thidua.jobs.models import Job


def jobs_of(user):
    if user is None or not getattr(user, "is_authenticated", False):
        return Job.objects.none()
    return Job.objects.filter(user=user).order_by("-created_at", "-pk")


def get_job_or_404(user, uid) -> Job:
    """The user's own job; another user's job answers 404 exactly like a missing one."""
    try:
        return jobs_of(user).select_related("province").get(uid=uid)
    except (Job.DoesNotExist, ValueError) as exc:
        raise Http404("Không tìm thấy") from exc


def province_for(user, action: str, preferred=None):
    """The tenant of a new job: the province named by the form, else the user's first province
    holding `action`, else the province of the first unit they may `action` on, else the
    account's managing province."""
    from thidua.accounts.models import AccountProfile
    from thidua.core.access import provinces_for, units_for
    from thidua.core.db import vi_order

    if preferred is not None:
        return preferred
    province = provinces_for(user, action).order_by(vi_order("name")).first()
    if province is not None:
        return province
    unit = units_for(user, action).select_related("province").order_by("pk").first()
    if unit is not None:
        return unit.province
    profile = AccountProfile.objects.filter(user=user).select_related("province").first()
    return profile.province if profile is not None else None
