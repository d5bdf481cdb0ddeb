"""The one list of past national exports, shared by the page and the API."""

from __future__ import annotations

from thidua.core.access import scoped
from thidua.exports.models import NationalExport


def export_log(user):
    return scoped(user, NationalExport.objects.select_related("province"), "export.national").order_by("-created_at", "-pk")
