"""/api/v1 for criteria sets, score sheets, scores and rankings."""

from ninja import Router

router = Router(tags=["Chấm điểm, xếp hạng"])
