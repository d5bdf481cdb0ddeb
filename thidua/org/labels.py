"""How a unit is named in a picker: its name, its province, and for an ended unit the day it ended.

Users who see several provinces (the administrator, a province merged in 2025) find the same unit
name in many provinces ("Văn phòng Tỉnh ủy" six times): every option says which one it is (issue #19).
"""
from __future__ import annotations


def unit_option_label(unit) -> str:
    label = f"{unit.name} ({unit.province.name})"
    if unit.ended_on:
        start = f"{unit.established_on:%d/%m/%Y}–" if unit.established_on else ""
        label += f" — hoạt động {start}{unit.ended_on:%d/%m/%Y}" if start else f" — chấm dứt {unit.ended_on:%d/%m/%Y}"
    return label


def is_unit_queryset(queryset) -> bool:
    return queryset is not None and getattr(queryset, "model", None) is not None and queryset.model._meta.label == "org.Unit"
