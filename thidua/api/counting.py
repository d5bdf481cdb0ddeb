"""/api/v1: Kiểm phiếu giấy, biên bản."""

from ninja import Router

router = Router(tags=["Kiểm phiếu giấy, biên bản"])
