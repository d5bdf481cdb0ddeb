"""The /api/v1 NinjaAPI. Routers live beside it; every endpoint starts from the access helper."""

from __future__ import annotations

from ninja import NinjaAPI

api = NinjaAPI(
    title="thidua API",
    version="1",
    description="API của hệ thống quản lý thi đua, khen thưởng. Thông báo lỗi bằng tiếng Việt.",
    urls_namespace="api",
    docs_url="/docs",
)
