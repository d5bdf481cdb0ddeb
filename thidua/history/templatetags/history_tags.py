"""`{% history_section person %}` / `{% history_section unit %}`: the "Có thể đề nghị khen thưởng"
section and the history table, as a separate include on the org person and unit pages."""

from __future__ import annotations

from django import template

register = template.Library()


@register.inclusion_tag("history/_section.html", takes_context=True)
def history_section(context, subject):
    from thidua.history.views import _year_param, proposal_section

    request = context["request"]
    return {**proposal_section(request.user, subject, _year_param(request)), "request": request, "compact": True}


@register.filter
def vnd(value):
    """2340000 → "2.340.000"."""
    if value is None:
        return "—"
    return f"{int(value):,}".replace(",", ".")
