"""/api/v1 for councils, polls, ballots, paper tallies and minutes."""

from ninja import Router

router = Router(tags=["Hội đồng, bỏ phiếu"])
