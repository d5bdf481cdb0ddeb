"""`{% exemplar_section person %}` / `{% exemplar_section unit %}`: the "Điển hình tiên tiến" section
of the org person and unit pages (a person's own entries; a unit's and its people's), and
`{% movement_exemplars movement %}` on a movement's page (the entries of that movement the user may read)."""

from __future__ import annotations

from django import template
from django.urls import reverse

register = template.Library()


@register.inclusion_tag("exemplars/_section.html", takes_context=True)
def exemplar_section(context, subject):
    from thidua.core.access import ensure
    from thidua.core.errors import NotPermitted
    from thidua.exemplars.actions import EDIT
    from thidua.exemplars.selectors import exemplars_of
    from thidua.org.models import Person

    request = context["request"]
    is_person = isinstance(subject, Person)
    unit = subject.unit if is_person else subject
    add_url = None
    try:
        ensure(request.user, EDIT, unit=unit)
    except NotPermitted:
        pass
    else:
        if unit is not None and unit.ended_on is None:
            add_url = reverse("exemplars:create") + f"?don-vi={unit.uid}" + (f"&ca-nhan={subject.uid}" if is_person else "")
    items = exemplars_of(request.user, subject).prefetch_related("replications")
    return {"items": items, "is_person": is_person, "add_url": add_url}


@register.inclusion_tag("exemplars/_section.html", takes_context=True)
def movement_exemplars(context, movement):
    from thidua.exemplars.selectors import exemplar_list

    request = context["request"]
    items = exemplar_list(request.user, movement=movement.uid).prefetch_related("replications")
    list_url = reverse("exemplars:list") + f"?phong-trao={movement.uid}"
    return {"items": items, "is_person": False, "add_url": None, "show_subject": True, "list_url": list_url}
