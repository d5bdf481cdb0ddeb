from __future__ import annotations

from django.core.paginator import Paginator

PAGE_SIZE = 25


def paginate(request, qs, per_page: int = PAGE_SIZE):
    paginator = Paginator(qs, per_page)
    return paginator.get_page(request.GET.get("page"))


def htmx_partial(request) -> bool:
    """Render only the list fragment for HTMX requests that are not boosted navigation."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.boosted
