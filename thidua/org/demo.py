"""Demo data: the provinces, blocks, units and people of the seed articles. Idempotent."""

from __future__ import annotations

from django.db import transaction

from thidua.org.provinces import load_provinces


@transaction.atomic
def load_demo() -> str:
    created = load_provinces()
    return f"{created} tỉnh/thành phố mới"
