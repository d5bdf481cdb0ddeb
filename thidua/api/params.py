"""Bounds of the query values every list shares: paging and years.

A value outside them is the caller's mistake, answered 422 with a Vietnamese message by
thidua/api/errors.py, never a database error: `?offset=99999999999999999999` overflowed the
database's 64-bit integers and `?year=-5` broke the date arithmetic of year filters (500 before).
"""

# No `from __future__ import annotations`: ninja reads these annotations at runtime.

from typing import Annotated

from ninja import Field, Query, Schema

# Far beyond any list thidua holds, far below a 64-bit integer.
MAX_OFFSET = 1_000_000_000
MAX_LIMIT = 200
# Years a record can belong to: from the founding of the commendation system to the end of the
# century (the block years' own bounds are blocs.actions.MIN_YEAR/MAX_YEAR, 1990–2100).
MIN_YEAR, MAX_YEAR = 1945, 2100

Year = Annotated[int, Field(ge=MIN_YEAR, le=MAX_YEAR, description=f"Năm, từ {MIN_YEAR} đến {MAX_YEAR}")]


class PageParams(Schema):
    limit: int = Field(50, ge=1, le=MAX_LIMIT, description=f"Số bản ghi mỗi trang (tối đa {MAX_LIMIT})")
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="Bỏ qua bao nhiêu bản ghi đầu")


def year_query(description: str = "Năm"):
    """An optional `?year=` bounded like `Year`."""
    return Query(None, ge=MIN_YEAR, le=MAX_YEAR, description=f"{description} (từ {MIN_YEAR} đến {MAX_YEAR})")


__all__ = ["MAX_LIMIT", "MAX_OFFSET", "MAX_YEAR", "MIN_YEAR", "PageParams", "Year", "year_query"]
