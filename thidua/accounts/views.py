from __future__ import annotations

from django.shortcuts import render

from thidua.accounts.models import ApiToken, Grant
from thidua.core.access import signed_in


@signed_in
def my_account(request):
    grants = Grant.objects.filter(user=request.user).select_related("province", "unit")
    tokens = ApiToken.objects.filter(user=request.user, revoked_at__isnull=True).order_by("-created_at")
    return render(request, "accounts/my_account.html", {"grants": grants, "tokens": tokens})
