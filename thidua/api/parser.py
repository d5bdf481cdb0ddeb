"""The request parser of /api/v1: JSON bodies and query strings, refusing control characters.

A NUL byte cannot be stored in a PostgreSQL text column and control characters cannot be written
into a DOCX (XML): both ended in a 500 when a generated request carried them. They are never part of
what an officer types, so a request holding one is refused (422, naming the field) before any code
runs. Tab, line feed and carriage return stay allowed.
"""

from __future__ import annotations

import re
from typing import Any

from ninja.errors import ValidationError
from ninja.parser import Parser

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def _problems(value: Any, loc: tuple) -> list[dict]:
    if isinstance(value, str):
        found = CONTROL.search(value)
        if found:
            return [{"type": "control_character", "loc": loc, "msg": "control character",
                     "ctx": {"code": f"U+{ord(found.group()):04X}"}}]
        return []
    if isinstance(value, dict):
        return [p for key, item in value.items() for p in _problems(key, loc) + _problems(item, (*loc, key))]
    if isinstance(value, list):
        return [p for index, item in enumerate(value) for p in _problems(item, (*loc, index))]
    return []


class StrictParser(Parser):
    def parse_body(self, request):
        data = super().parse_body(request)
        problems = _problems(data, ("body", "payload"))
        if problems:
            raise ValidationError(problems)
        return data

    def parse_querydict(self, data, list_fields, request):
        result = super().parse_querydict(data, list_fields, request)
        problems = _problems(result, ("query",))
        if problems:
            raise ValidationError(problems)
        return result
