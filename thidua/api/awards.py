"""/api/v1 for the award catalogue, rule registry and overrides, history, proposals and decisions."""

from ninja import Router

router = Router(tags=["Khen thưởng"])
