"""Sổ sáng kiến: the owners of an initiative and the copy-detection postings.

The initiative itself is history.Initiative (one model: the registry and the person's history
read the same row). Owners carry their contribution share in whole percent, summing to 100.
"""

from __future__ import annotations

from django.db import models


class InitiativeOwner(models.Model):
    initiative = models.ForeignKey("history.Initiative", on_delete=models.CASCADE, related_name="owners")
    person = models.ForeignKey("org.Person", verbose_name="Tác giả", on_delete=models.PROTECT, related_name="+")
    share = models.PositiveSmallIntegerField("Tỷ lệ đóng góp (%)")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "Tác giả sáng kiến"
        verbose_name_plural = "Tác giả sáng kiến"
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["initiative", "person"], name="initiatives_owner_once"),
            models.CheckConstraint(condition=models.Q(share__gte=1, share__lte=100), name="initiatives_owner_share_range"),
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.share} %)"


class InitiativePosting(models.Model):
    """One sampled shingle of an initiative's text (thidua.rules.similarity.postings)."""

    province = models.ForeignKey("org.Province", on_delete=models.CASCADE, related_name="+")
    initiative = models.ForeignKey("history.Initiative", on_delete=models.CASCADE, related_name="+")
    h = models.IntegerField()

    class Meta:
        # Covering: the candidate count reads (province, h) → initiative from the index alone
        # (an index-only scan once the table is vacuumed), never the table's scattered rows.
        indexes = [models.Index(fields=["province", "h", "initiative"], name="initiatives_posting_covering")]


class InitiativePostingCount(models.Model):
    """How many stored initiatives of a province hold one posting (its document frequency).

    Kept by thidua.initiatives.indexing with every (re)index and removal, read by the similarity
    query to read a query's rarest postings first (thidua.rules.similarity.selective). It only
    orders and bounds the candidate search: the scores are always computed exactly."""

    province = models.ForeignKey("org.Province", on_delete=models.CASCADE, related_name="+")
    h = models.IntegerField()
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["province", "h"], name="initiatives_postingcount_uniq")]
