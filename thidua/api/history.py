"""/api/v1: Hồ sơ thành tích."""

from ninja import Router

router = Router(tags=["Hồ sơ thành tích"])
