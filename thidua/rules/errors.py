"""Errors raised by the pure what-if evaluations (eligibility, voting, money).

Each error carries a stable machine code (see whatif-api.md "Errors and codes"), a Vietnamese
message a user can read, and the request field it is about, when there is one.
"""

from __future__ import annotations


class WhatIfError(Exception):
    """A malformed what-if request.

    ``code`` is one of ``invalid_field``, ``unknown_award``, ``no_rule_version`` (and, raised by the
    HTTP/CLI doors, ``unknown_province``). ``message`` is Vietnamese; ``field`` names the request field
    (``"history[2].rating"``) or is None.
    """

    def __init__(self, code: str, message: str, field: str | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field

    def as_dict(self) -> dict:
        """The ``{"error": {...}}`` body both doors return."""
        return {"error": {"code": self.code, "message": self.message, "field": self.field}}

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"WhatIfError({self.code!r}, {self.message!r}, field={self.field!r})"
