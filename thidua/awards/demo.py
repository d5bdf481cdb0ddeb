"""Demo data of the award catalogue: the law's catalogue (synced), the shipped provincial
regulation packs (Bắc Ninh QĐ 86/2025/QĐ-UBND) and one example pack of An Giang.

The example is an illustration, labelled as such where a document number would stand: An Giang
raising the share of LĐTT members needed for Tập thể lao động tiên tiến from 70 % to 75 % from
01/01/2027 (the issue's example), so the rule page and the what-if form show a province's own
rule. Idempotent.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from thidua.awards.actions import do_add_pack_entry
from thidua.awards.models import RegulationPack, RuleOverride
from thidua.awards.sync import sync_catalogue, sync_shipped_packs
from thidua.org.models import Province

DEMO_LABELS = [
    ("award_types", "danh hiệu, hình thức khen thưởng trong danh mục"),
    ("packs", "quy định thi đua, khen thưởng của tỉnh"),
    ("rule_overrides", "tham số mẫu do quy định của tỉnh đặt"),
]

# Not a real document: the number says so, and it is cited as written (no "QĐ … tỉnh …" form).
EXAMPLE_PACK = {
    "number": "Ví dụ minh họa của dữ liệu mẫu (không phải văn bản thật)",
    "title": "Quy định mẫu về tiêu chuẩn thi đua, khen thưởng của tỉnh",
    "effective_from": dt.date(2027, 1, 1),
    "source_key": "demo_an_giang_2027",
    "note": "Dữ liệu mẫu: tỉnh nâng tỷ lệ Lao động tiên tiến của Tập thể lao động tiên tiến từ 70% lên 75% từ 01/01/2027.",
}
EXAMPLE = {
    "family": "eligibility",
    "rule": "TTLDTT",
    "param": "ldtt_ratio_percent",
    "value": "75",
    "citation": "Điều 1",
    "reason": EXAMPLE_PACK["note"],
}


def load_demo(doc: dict) -> Counter:
    stats: Counter = Counter()
    changed = sync_catalogue()
    stats["award_types"] += len(changed["created"])
    stats["packs"] += len(sync_shipped_packs())
    province = Province.objects.filter(code="91", name="An Giang", valid_to__isnull=True).first()
    if province is None:
        return stats
    # A database from before packs holds the example as a migrated pack of its own: keep that one.
    if RuleOverride.objects.filter(
        province=province, rule=EXAMPLE["rule"], param=EXAMPLE["param"], effective_from=EXAMPLE_PACK["effective_from"]
    ).exists():
        return stats
    pack = RegulationPack.objects.filter(province=province, source_key=EXAMPLE_PACK["source_key"]).first()
    if pack is None:
        pack = RegulationPack.objects.create(province=province, **EXAMPLE_PACK)
        stats["packs"] += 1
    do_add_pack_entry(actor=None, pack=pack, data=dict(EXAMPLE))
    stats["rule_overrides"] += 1
    return stats
