"""/api/v1: Đề nghị, quyết định khen thưởng."""

from ninja import Router

router = Router(tags=["Đề nghị, quyết định khen thưởng"])
