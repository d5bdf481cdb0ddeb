"""A parameter a province's regulation sets (an entry of its pack) changes the what-if answers of
that province only, and only from its date.

The issue's example: TTLĐTT's 70 % becomes 75 % for An Giang from 01/01/2027. A collective with
14 of 20 members LĐTT (exactly 70 %) is eligible everywhere before, and after that date everywhere
but An Giang — through both doors of the what-if contract (`manage.py evaluate` and
POST /api/v1/eligibility/evaluate). The same for a stricter voting threshold.
"""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from thidua.audit.models import AuditLog
from thidua.awards import actions
from thidua.awards.models import RegulationPack, RuleOverride
from thidua.core.errors import ActionError, NotPermitted

AN_GIANG, QUANG_NINH = "91", "22"
START = dt.date(2027, 1, 1)


def collective(decided_on: str, province: str | None) -> dict:
    """A unit with 14 of its 20 members LĐTT in 2026: exactly 70 %."""
    return {
        "kind": "eligibility",
        "decided_on": decided_on,
        "province": province,
        "subject": "collective",
        "year": 2026,
        "awards": ["TTLDTT"],
        "history": [
            {"year": 2026, "rating": "GOOD", "titles": [], "awards": [], "headcount": 20, "ldtt_members": 14,
             "members_disciplined": 0}
        ],
        "confirmations": {"movement_effective": True, "solidarity": True},
    }


def vote(decided_on: str, province: str | None) -> dict:
    """16 of 20 council members approve the Cờ thi đua tỉnh: 80 %, the national threshold."""
    return {
        "kind": "voting",
        "decided_on": decided_on,
        "province": province,
        "award": "CO_TINH",
        "council_size": 20,
        "present": 20,
        "written_opinions": 0,
        "quota": 1,
        "candidates": [{"id": "A", "yes": 16}],
    }


# The cases: (decided_on, province) → is the 75 % rule applied?
CASES = [
    ("2027-01-15", AN_GIANG, True),
    ("2027-01-01", AN_GIANG, True),
    ("2026-12-31", AN_GIANG, False),
    ("2026-03-01", AN_GIANG, False),
    ("2027-01-15", QUANG_NINH, False),
    ("2027-01-15", None, False),
]


def an_giang_pack(world, actor=None, **extra):
    """An Giang's (fictitious) regulation of 2026, in force from 01/01/2027."""
    existing = RegulationPack.objects.filter(province=world.an_giang, number="12/2026/QĐ-UBND").first()
    if existing is not None and not extra:
        return existing
    data = {"number": "12/2026/QĐ-UBND", "title": "Quy định về công tác thi đua, khen thưởng tỉnh An Giang",
            "issued_on": dt.date(2026, 12, 1), "effective_from": START, "citations": {"TTLDTT": "Điều 4"}}
    data.update(extra)
    return actions.do_create_pack(actor=actor or world.an_officer, province=world.an_giang, data=data)


def add_ratio_override(world, actor=None, **extra):
    data = {
        "family": "eligibility", "rule": "TTLDTT", "param": "ldtt_ratio_percent", "value": "75",
        "effective_from": START, "citation": "Điều 4 khoản 2",
        "reason": "Nâng tiêu chuẩn Tập thể lao động tiên tiến",
    }
    data.update(extra)
    return actions.do_add_pack_entry(actor=actor or world.an_officer, pack=an_giang_pack(world), data=data)


def own_entries(world):
    return RuleOverride.objects.filter(province=world.an_giang)


def by_command(tmp_path, requests: list[dict]) -> list[dict]:
    path = tmp_path / "requests.json"
    path.write_text(json.dumps(requests, ensure_ascii=False), encoding="utf-8")
    out = io.StringIO()
    status = 0
    try:
        call_command("evaluate", str(path), stdout=out, stderr=io.StringIO())
    except SystemExit as exc:
        status = exc.code
    results = json.loads(out.getvalue())
    return results, status


def by_http(client, kind: str, request: dict):
    response = client.post(f"/api/v1/{kind}/evaluate", data=json.dumps(request), content_type="application/json")
    return response.status_code, response.json()


def ratio_check(result: dict) -> dict:
    return next(c for c in result["results"][0]["checks"] if c["code"] == "ldtt_ratio")


@pytest.mark.sqlite
def test_ratio_override_changes_answers_only_for_that_province_from_its_date(world, tmp_path):
    requests = [collective(day, province) for day, province, _ in CASES]
    before, status = by_command(tmp_path, requests)
    assert status == 0
    assert [r["results"][0]["outcome"] for r in before] == ["ELIGIBLE"] * len(CASES)

    add_ratio_override(world)

    after, status = by_command(tmp_path, requests)
    assert status == 0
    client = Client()
    client.force_login(world.viewer)
    for (day, province, applied), result, request in zip(CASES, after, requests):
        http_status, http_result = by_http(client, "eligibility", request)
        assert http_status == 200
        assert http_result == result, f"the two doors differ on {day} {province}"
        outcome = result["results"][0]["outcome"]
        if applied:
            assert outcome == "NOT_ELIGIBLE", (day, province)
            check = ratio_check(result)
            assert check["passed"] is False and "75" in check["text"]
            rule = result["results"][0]["rule"]
            assert rule["overrides"][0]["citation"] == "QĐ 12/2026/QĐ-UBND tỉnh An Giang, Điều 4 khoản 2"
            assert rule["provincial"][0]["text"].startswith("theo Quy định ban hành kèm theo Quyết định 12/2026/QĐ-UBND")
            assert "QĐ 12/2026/QĐ-UBND tỉnh An Giang, Điều 4" in rule["citations"]
        else:
            assert outcome == "ELIGIBLE", (day, province)
            assert "overrides" not in result["results"][0]["rule"] and "provincial" not in result["results"][0]["rule"]
    # Unchanged answers are exactly the answers before the override.
    for (day, province, applied), old, new in zip(CASES, before, after):
        if not applied:
            assert old == new


@pytest.mark.sqlite
def test_a_date_with_no_rule_version_gets_a_clear_vietnamese_answer(world, tmp_path):
    add_ratio_override(world)
    request = collective("2023-06-01", QUANG_NINH)
    results, status = by_command(tmp_path, [request])
    assert status == 2
    error = results[0]["error"]
    assert error["code"] == "no_rule_version" and error["field"] == "decided_on"
    assert "01/06/2023" in error["message"] and "01/01/2024" in error["message"]
    client = Client()
    client.force_login(world.viewer)
    http_status, body = by_http(client, "eligibility", request)
    assert http_status == 422 and body == results[0]


@pytest.mark.sqlite
def test_ending_an_override_keeps_the_row_and_restores_the_national_rule_after_its_last_day(world, tmp_path):
    override = add_ratio_override(world)
    actions.do_end_pack_entry(
        actor=world.an_officer, override=override, last_day=dt.date(2027, 6, 30),
        reason="Quyết định 30/2027/QĐ-UBND bãi bỏ", expected_version=override.version,
    )
    results, _ = by_command(tmp_path, [collective("2027-03-01", AN_GIANG), collective("2027-07-01", AN_GIANG)])
    assert [r["results"][0]["outcome"] for r in results] == ["NOT_ELIGIBLE", "ELIGIBLE"]
    override.refresh_from_db()
    assert override.effective_to == dt.date(2027, 6, 30) and override.end_reason and override.ended_by == world.an_officer
    assert own_entries(world).count() == 1
    with pytest.raises(ActionError, match="đã được kết thúc"):
        actions.do_end_pack_entry(
            actor=world.an_officer, override=override, last_day=dt.date(2027, 5, 1), reason="lần nữa",
            expected_version=override.version,
        )
    # A new override after the first one ended is accepted; one overlapping it is not.
    with pytest.raises(ActionError, match="trùng thời gian"):
        add_ratio_override(world, effective_from=dt.date(2027, 6, 1), value="80")
    add_ratio_override(world, effective_from=dt.date(2027, 7, 1), value="80")
    results, _ = by_command(tmp_path, [collective("2027-07-01", AN_GIANG)])
    assert "80" in ratio_check(results[0])["text"]


@pytest.mark.sqlite
def test_voting_override_makes_the_threshold_stricter_for_that_province_only(world, tmp_path):
    actions.do_add_pack_entry(
        actor=world.an_officer, pack=an_giang_pack(world),
        data={"family": "voting", "rule": "CO_TINH", "param": "vote_threshold_percent", "value": "85",
              "effective_from": START, "citation": "Điều 9 khoản 3"},
    )
    requests = [vote("2027-01-15", AN_GIANG), vote("2026-12-31", AN_GIANG), vote("2027-01-15", QUANG_NINH)]
    results, status = by_command(tmp_path, requests)
    assert status == 0
    assert [r["results"][0]["passed"] for r in results] == [False, True, True]
    assert results[0]["threshold"]["percent"] == 85 and results[0]["threshold"]["votes_needed"] == 17
    assert results[2]["threshold"]["percent"] == 80
    assert results[0]["threshold"]["citation"].startswith("QĐ 12/2026/QĐ-UBND tỉnh An Giang, Điều 9 khoản 3")
    client = Client()
    client.force_login(world.viewer)
    http_status, body = by_http(client, "voting", requests[0])
    assert http_status == 200 and body == results[0]
    # A province may only make the rule stricter.
    with pytest.raises(ActionError, match="chặt hơn"):
        actions.do_add_pack_entry(
            actor=world.an_officer, pack=an_giang_pack(world),
            data={"family": "voting", "rule": "CO_TINH", "param": "vote_threshold_percent", "value": "70",
                  "effective_from": dt.date(2028, 1, 1), "citation": "Điều 9"},
        )


@pytest.mark.sqlite
@pytest.mark.parametrize(
    ("extra", "field", "words"),
    [
        ({"param": "ldtt_percent"}, "param", "không có tham số"),
        ({"rule": "LDTT_XX"}, "rule", "Không có quy định"),
        ({"value": "bảy mươi lăm"}, "value", "số nguyên"),
        ({"value": "150"}, "value", "từ 1 đến 100"),
        # Within what the Law allows: a count the Law settles may only be made stricter.
        ({"value": "60"}, "value", "Tỉnh chỉ được quy định chặt hơn Luật"),
        ({"param": "cstdcs_streak_years", "rule": "CSTD_TINH", "value": "2"}, "value", "tối thiểu là 3"),
        ({"param": "window_reuse", "rule": "CSTD_TINH", "value": "đôi khi"}, "value", "có hoặc không"),
        ({"citation": "  "}, "citation", "điều, khoản"),
        ({"citation": "khoản 2"}, "citation", "bắt đầu bằng “Điều”"),
        ({"effective_from": dt.date(2026, 12, 31)}, "effective_from", "có hiệu lực từ ngày 01/01/2027"),
        ({"effective_to": dt.date(2026, 12, 31)}, "effective_to", "không được trước"),
    ],
)
def test_bad_entries_are_refused_in_vietnamese_and_nothing_is_written(world, extra, field, words):
    an_giang_pack(world)
    audit_rows = AuditLog.objects.count()
    with pytest.raises(ActionError) as refused:
        add_ratio_override(world, **extra)
    assert refused.value.field == field and words in refused.value.message
    assert own_entries(world).count() == 0 and AuditLog.objects.count() == audit_rows


@pytest.mark.sqlite
@pytest.mark.parametrize(
    ("extra", "field", "words"),
    [
        ({"number": ""}, "number", "số, ký hiệu"),
        ({"number": "Quyết định mười hai"}, "number", "không đúng dạng"),
        ({"title": " "}, "title", "trích yếu"),
        ({"issued_on": None}, "issued_on", "ngày ban hành"),
        ({"effective_from": dt.date(2026, 11, 30)}, "effective_from", "không được trước ngày ban hành 01/12/2026"),
        ({"issued_on": dt.date(2023, 1, 1), "effective_from": dt.date(2023, 12, 31)}, "effective_from", "01/01/2024"),
        ({"effective_to": dt.date(2026, 12, 31)}, "effective_to", "không được trước"),
        ({"citations": {"TTLDTT": "khoản 2"}}, "cite_TTLDTT", "Tập thể lao động tiên tiến phải ghi điều, khoản"),
        # The merged An Giang (code 91) exists from 01/07/2025; code 91 was Kiên Giang before.
        ({"issued_on": dt.date(2025, 1, 1), "effective_from": dt.date(2025, 1, 1)}, "effective_from",
         "có hiệu lực từ ngày 01/07/2025"),
    ],
)
def test_bad_packs_are_refused_in_vietnamese_and_nothing_is_written(world, extra, field, words):
    audit_rows = AuditLog.objects.count()
    with pytest.raises(ActionError) as refused:
        an_giang_pack(world, **extra)
    assert refused.value.field == field and words in refused.value.message
    assert not RegulationPack.objects.filter(province=world.an_giang).exists() and AuditLog.objects.count() == audit_rows


@pytest.mark.sqlite
def test_the_same_number_twice_is_refused(world):
    an_giang_pack(world)
    with pytest.raises(ActionError, match="đã có văn bản số 12/2026/QĐ-UBND"):
        an_giang_pack(world, title="Lần hai")


@pytest.mark.sqlite
def test_only_the_provinces_own_officers_may_override(world):
    an_giang_pack(world)
    with pytest.raises(NotPermitted):
        add_ratio_override(world, actor=world.qn_officer)
    with pytest.raises(NotPermitted):
        add_ratio_override(world, actor=world.viewer)
    with pytest.raises(NotPermitted):
        an_giang_pack(world, actor=world.qn_officer, number="13/2026/QĐ-UBND")
    assert own_entries(world).count() == 0 and RegulationPack.objects.filter(province=world.an_giang).count() == 1


@pytest.mark.sqlite
def test_officer_adds_the_override_from_the_rule_page(world, tmp_path):
    pack = an_giang_pack(world)
    client = Client()
    client.force_login(world.an_officer)
    page = reverse("awards:rule_detail", kwargs={"code": "TTLDTT", "key": "2025-07-01"})
    response = client.get(page)
    assert response.status_code == 200
    html = response.content.decode()
    assert "70%" in html and "Thêm tham số theo quy định của tỉnh" in html
    response = client.post(
        reverse("awards:override_add") + "?rule=TTLDTT&family=eligibility",
        {"pack": pack.pk, "family": "eligibility", "target": "TTLDTT|ldtt_ratio_percent", "value": "75",
         "effective_from": "", "effective_to": "", "citation": "Điều 4 khoản 2", "reason": "Nâng tiêu chuẩn"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    override = own_entries(world).get()
    assert (override.rule, override.param, override.value, override.effective_from) == ("TTLDTT", "ldtt_ratio_percent", "75", START)
    assert override.pack == pack and override.citation == "Điều 4 khoản 2"
    # The rule page of the province now shows the pack, the parameter and its history; Quảng Ninh's officer does not see it.
    html = client.get(page + "?province=" + str(world.an_giang.pk) + "&on=2027-02-01").content.decode()
    assert "75%" in html and "01/01/2027" in html and "Theo Quy định ban hành kèm theo Quyết định 12/2026/QĐ-UBND" in html
    outsider = Client()
    outsider.force_login(world.qn_officer)
    assert "12/2026/QĐ-UBND" not in outsider.get(reverse("awards:override_list")).content.decode()
    results, _ = by_command(tmp_path, [collective("2027-01-15", AN_GIANG)])
    assert results[0]["results"][0]["outcome"] == "NOT_ELIGIBLE"


@pytest.mark.sqlite
def test_an_override_ends_with_its_province(world):
    """Packs belong to a province: when it is merged away, they stop with it (a reused code starts afresh)."""
    from thidua.awards.selectors import override_rows
    from thidua.org.models import Province

    pack = actions.do_create_pack(
        actor=None, province=world.quang_ninh,
        data={"number": "7/2025/QĐ-UBND", "title": "Quy định về công tác thi đua, khen thưởng",
              "issued_on": dt.date(2025, 12, 1), "effective_from": dt.date(2026, 1, 1)},
    )
    actions.do_add_pack_entry(
        actor=None, pack=pack,
        data={"family": "eligibility", "rule": "LDTT", "param": "min_months_worked", "value": "10", "citation": "Điều 5"},
    )
    assert override_rows(QUANG_NINH, "eligibility")[0]["effective_to"] is None
    assert override_rows(QUANG_NINH, "voting") == [] and override_rows(AN_GIANG, "eligibility") == []
    Province.objects.filter(pk=world.quang_ninh.pk).update(valid_to=dt.date(2027, 6, 30))
    assert override_rows(QUANG_NINH, "eligibility")[0]["effective_to"] == "2027-06-30"
