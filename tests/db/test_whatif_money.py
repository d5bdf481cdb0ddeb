"""Money through the what-if doors (whatif-api.md): null for NOT_ELIGIBLE, "chưa xác định" on the
page where the law sets no amount, and the same per-period total through HTTP and the command line."""

from __future__ import annotations

import copy
import io
import json
import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from tests.db.test_awards_pages import signed_in

pytestmark = pytest.mark.django_db

ZERO = re.compile(r"(?<![\d.])0 đồng")

INITIATIVE = [{"scope": "PROVINCE", "recognized": True}]
TOGETHER = {
    "kind": "eligibility", "decided_on": "2026-01-10", "province": None, "subject": "individual", "year": 2025,
    "awards": ["LDTT", "CSTDCS", "CSTD_TINH", "CSTD_TQ"],
    "history": [
        {"year": y, "rating": "EXCELLENT", "titles": ["LDTT", "CSTDCS"], "awards": [], "initiatives": INITIATIVE if y == 2025 else [],
         "discipline": None, "pending_investigation": False}
        for y in (2023, 2024, 2025)
    ],
    "collective": None,
    "confirmations": {"outstanding": True, "solidarity": True},
}


def _cli(tmp_path, payload) -> dict:
    path = tmp_path / "request.json"
    path.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
    out = io.StringIO()
    call_command("evaluate", str(path), stdout=out)
    return json.loads(out.getvalue())


@pytest.mark.sqlite
def test_both_doors_pay_one_title_per_period_and_nothing_for_a_refusal(world, tmp_path):
    client = Client()
    client.force_login(world.viewer)
    http = client.post("/api/v1/eligibility/evaluate", json.dumps(TOGETHER), content_type="application/json").json()
    cli = _cli(tmp_path, copy.deepcopy(TOGETHER))
    assert http["results"] == cli["results"] and http["money_total"] == cli["money_total"]
    outcome = {r["award"]: (r["outcome"], r["money_vnd"]) for r in http["results"]}
    assert outcome == {"LDTT": ("ELIGIBLE", 710_000), "CSTDCS": ("ELIGIBLE", 2_340_000), "CSTD_TINH": ("ELIGIBLE", 7_020_000),
                       "CSTD_TQ": ("NOT_ELIGIBLE", None)}
    assert http["money_total"]["vnd"] == 9_360_000
    assert [(line["award"], line["amount_vnd"]) for line in http["money_total"]["lines"]] == [("LDTT", 0), ("CSTDCS", 2_340_000), ("CSTD_TINH", 7_020_000)]


@pytest.mark.sqlite
def test_the_whatif_page_says_unknown_not_zero(world):
    # Huân chương Lao động hạng Ba for an individual: eligible by Điều 44 khoản 1 điểm e, amount not set.
    params = {"award": "HCLD_3", "subject": "individual", "year": "2025", "decided_on": "10/01/2026", "h5_awards": ["BK_TTG"],
              "c_exemplary": "yes", "c_solidarity": "yes"}
    for i in range(5):
        params.update({f"h{i}_rating": "EXCELLENT", f"h{i}_titles": ["LDTT", "CSTDCS"]})
    html = signed_in(world.viewer).get(reverse("awards:whatif"), params).content.decode()
    assert "Chưa đủ điều kiện" not in html and "Tiền thưởng: <strong>chưa xác định</strong>" in html
    assert not ZERO.search(html)
    html = signed_in(world.viewer).get(
        reverse("awards:whatif"),
        {"award": "GIAY_KHEN", "subject": "individual", "year": "2025", "decided_on": "10/01/2026", "h0_rating": "GOOD"},
    ).content.decode()
    assert "Tiền thưởng: <strong>710.000 đồng</strong>" in html
