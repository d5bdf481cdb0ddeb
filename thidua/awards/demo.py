"""Demo data of the award catalogue: the law's catalogue (synced) and one example provincial override.

The override is an illustration, labelled as such in its citation: An Giang raising the share of
LĐTT members needed for Tập thể lao động tiên tiến from 70 % to 75 % from 01/01/2027 (the
issue's example), so the rule page and the what-if form show a province's own rule. Idempotent.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from thidua.awards.actions import do_add_rule_override
from thidua.awards.models import RuleOverride
from thidua.awards.sync import sync_catalogue
from thidua.org.models import Province

DEMO_LABELS = [("award_types", "danh hiệu, hình thức khen thưởng trong danh mục"), ("rule_overrides", "điều chỉnh tiêu chuẩn mẫu của tỉnh")]

EXAMPLE = {
    "family": "eligibility",
    "rule": "TTLDTT",
    "param": "ldtt_ratio_percent",
    "value": "75",
    "effective_from": dt.date(2027, 1, 1),
    "citation": "Ví dụ minh họa của dữ liệu mẫu (không phải văn bản thật)",
    "reason": "Dữ liệu mẫu: tỉnh nâng tỷ lệ Lao động tiên tiến của Tập thể lao động tiên tiến từ 70% lên 75% từ 01/01/2027.",
}


def load_demo(doc: dict) -> Counter:
    stats: Counter = Counter()
    changed = sync_catalogue()
    stats["award_types"] += len(changed["created"])
    province = Province.objects.filter(code="91", name="An Giang", valid_to__isnull=True).first()
    if province is not None and not RuleOverride.objects.filter(
        province=province, rule=EXAMPLE["rule"], param=EXAMPLE["param"], effective_from=EXAMPLE["effective_from"]
    ).exists():
        do_add_rule_override(actor=None, province=province, data=dict(EXAMPLE))
        stats["rule_overrides"] += 1
    return stats
