"""The award pages: hub, catalogue (titles and forms apart), rule registry, overrides, what-if."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from thidua.awards import actions
from thidua.awards.models import AwardType
from thidua.awards.sync import sync_catalogue
from thidua.rules.catalogue import AWARD_CODES, CATALOGUE

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.sqlite
def test_database_catalogue_matches_the_law_catalogue(db):
    """The data migration loaded CATALOGUE; every evaluated code is has_rule, the others carry a reason."""
    national = {a.code: a for a in AwardType.objects.filter(province__isnull=True)}
    assert set(national) == {e["code"] for e in CATALOGUE}
    assert {code for code, a in national.items() if a.has_rule} == set(AWARD_CODES)
    for code, award in national.items():
        if not award.has_rule:
            assert award.manual_reason, code
    # Every row marked has_rule is evaluated under both decree versions, for each of its subjects;
    # the others are refused as unknown to the engine (manual appraisal, never a fake rule).
    from thidua.whatif.service import evaluate_one

    for award in national.values():
        for decided_on, version in (("2024-10-01", "2024-01-01"), ("2026-03-01", "2025-07-01")):
            subjects = [s for s in award.subjects if s != "household"] or ["individual"]
            for subject in subjects:
                answer = evaluate_one({"kind": "eligibility", "decided_on": decided_on, "subject": subject, "year": 2023,
                                       "awards": [award.code], "history": []})
                if award.has_rule:
                    assert answer["results"][0]["rule"]["version"] == version, award.code
                    assert answer["results"][0]["outcome"] in ("NOT_ELIGIBLE", "ELIGIBLE", "HOLD")
                else:
                    assert answer["error"]["code"] == "unknown_award", award.code
    # Titles and forms apart: Anh hùng Lao động is a form, Lao động tiên tiến a title.
    assert national["AHLD"].kind == "HINH_THUC" and national["LDTT"].kind == "DANH_HIEU"
    assert national["GD_VH"].subjects == ["household"]
    # The sync is idempotent and repairs a changed row.
    assert sync_catalogue() == {"created": [], "updated": []}
    AwardType.objects.filter(code="LDTT").update(name="Tên sai")
    assert sync_catalogue() == {"created": [], "updated": ["LDTT"]}
    assert AwardType.objects.get(code="LDTT", province__isnull=True).name == "Lao động tiên tiến"


@pytest.mark.sqlite
def test_hub_links_only_to_existing_pages(world):
    html = signed_in(world.viewer).get(reverse("awards:home")).content.decode()
    for name in ("awards:catalogue_list", "awards:rule_list", "awards:override_list", "awards:whatif"):
        assert reverse(name) in html
    assert "/None" not in html
    # The main menu shows "Khen thưởng" now that awards:home exists.
    assert reverse("awards:home") in signed_in(world.viewer).get(reverse("home")).content.decode()


@pytest.mark.sqlite
def test_catalogue_keeps_titles_and_forms_apart_and_filters(world):
    client = signed_in(world.viewer)
    html = client.get(reverse("awards:catalogue_list")).content.decode()
    titles, forms = html.split("<h2>Hình thức khen thưởng</h2>")
    assert "Lao động tiên tiến" in titles and "Anh hùng Lao động" not in titles
    assert "Anh hùng Lao động" in forms and "Chiến sĩ thi đua cơ sở" not in forms
    html = client.get(reverse("awards:catalogue_list"), {"subject": "household"}).content.decode()
    assert "Gia đình văn hóa" in html and "Lao động tiên tiến" not in html
    html = client.get(reverse("awards:catalogue_list"), {"kind": "HINH_THUC", "level": "STATE"}).content.decode()
    assert "Huân chương Lao động hạng Nhất" in html and "Bằng khen" not in html
    html = client.get(reverse("awards:catalogue_list"), {"q": "bang khen thu tuong"}).content.decode()
    assert "Bằng khen của Thủ tướng Chính phủ" in html and "Giấy khen" not in html
    detail = AwardType.objects.get(code="HCLD_1", province__isnull=True)
    html = client.get(reverse("awards:award_type_detail", args=[detail.uid])).content.decode()
    assert "Thẩm định thủ công" in html and "chưa được xác minh" in html


@pytest.mark.sqlite
def test_province_adds_its_own_award_seen_only_in_that_province(world):
    client = signed_in(world.an_officer)
    response = client.post(
        reverse("awards:award_type_create"),
        {"province": world.an_giang.pk, "code": "KNC_AG", "name": "Kỷ niệm chương Vì sự nghiệp phát triển tỉnh An Giang",
         "kind": "HINH_THUC", "subjects": ["individual"], "level": "PROVINCE", "authority": "Chủ tịch UBND tỉnh",
         "categories": ["CONTRIBUTION"], "citation": "Quyết định 20/2026/QĐ-UBND tỉnh An Giang", "effective_from": "01/01/2026"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    award = AwardType.objects.get(code="KNC_AG")
    assert award.province == world.an_giang and not award.has_rule and award.manual_reason
    assert "Kỷ niệm chương Vì sự nghiệp" in signed_in(world.viewer).get(reverse("awards:catalogue_list")).content.decode()
    outsider = signed_in(world.qn_officer)
    assert "Kỷ niệm chương Vì sự nghiệp" not in outsider.get(reverse("awards:catalogue_list")).content.decode()
    assert outsider.get(reverse("awards:award_type_detail", args=[award.uid])).status_code == 404
    # A national code cannot be reused, and the national entries cannot be edited.
    response = client.post(
        reverse("awards:award_type_create"),
        {"province": world.an_giang.pk, "code": "LDTT", "name": "Lao động tiên tiến của tỉnh", "kind": "DANH_HIEU",
         "subjects": ["individual"], "level": "BASE", "categories": ["MERIT"], "citation": "Quyết định 1/2026",
         "effective_from": "01/02/2026", "effective_to": "01/01/2026"},
    )
    assert response.status_code == 200
    assert "đã có trong danh mục theo Luật" in response.content.decode()
    assert "Constraint" not in response.content.decode() and "already exists" not in response.content.decode()
    with pytest.raises(actions.ActionError, match="danh mục theo Luật"):
        actions.do_add_award_type(actor=world.an_officer, province=world.an_giang, data={"code": "LDTT", "name": "x"})
    national = AwardType.objects.get(code="LDTT", province__isnull=True)
    assert client.get(reverse("awards:award_type_edit", args=[national.uid])).status_code == 404


@pytest.mark.sqlite
def test_rule_registry_shows_both_versions_unconfirmed_points_and_sources(world):
    client = signed_in(world.viewer)
    html = client.get(reverse("awards:rule_list")).content.decode()
    assert "Nghị định 98/2023/NĐ-CP" in html and "Nghị định 152/2025/NĐ-CP" in html
    assert "30/06/2025" in html and "01/07/2025" in html
    assert "Huân chương Lao động hạng Nhất" in html  # manual appraisal, with its reason
    html = client.get(reverse("awards:rule_detail", kwargs={"code": "BK_TTG", "key": "2024-01-01"})).content.decode()
    assert "Nghị định 98/2023/NĐ-CP" in html and "chưa xác nhận" in html
    assert "Chỉ tính các năm sau năm được tặng Bằng khen cấp tỉnh" in html and "Điều 73 khoản 1 điểm b" in html
    assert "Thêm tham số theo quy định của tỉnh" not in html  # a viewer cannot override
    html = client.get(reverse("awards:rule_detail", kwargs={"code": "BK_TTG", "key": "2025-07-01"})).content.decode()
    assert "Thay đổi so với văn bản trước" in html and "Nghị định 152/2025/NĐ-CP, Điều 4 khoản 4" in html
    assert client.get(reverse("awards:rule_detail", kwargs={"code": "HCLD_1", "key": "2025-07-01"})).status_code == 404
    html = client.get(reverse("awards:rule_detail", kwargs={"code": "LDTT", "key": "2025-07-01"}), {"on": "01/06/2023"}).content.decode()
    assert "Không có quy định thi đua, khen thưởng nào có hiệu lực vào ngày 01/06/2023" in html


def an_giang_pack(start=dt.date(2027, 1, 1)):
    from thidua.org.models import Province

    return actions.do_create_pack(
        actor=None, province=Province.objects.get(code="91", name="An Giang"),
        data={"number": "12/2026/QĐ-UBND", "title": "Quy định về công tác thi đua, khen thưởng tỉnh An Giang",
              "issued_on": start - dt.timedelta(days=20), "effective_from": start},
    )


@pytest.mark.sqlite
def test_rule_page_shows_the_override_in_force_on_the_chosen_day(world):
    actions.do_add_pack_entry(
        actor=None, pack=an_giang_pack(),
        data={"family": "eligibility", "rule": "TTLDTT", "param": "ldtt_ratio_percent", "value": "75",
              "effective_from": dt.date(2027, 1, 1), "citation": "Điều 4 khoản 2"},
    )
    client = signed_in(world.viewer)
    url = reverse("awards:rule_detail", kwargs={"code": "TTLDTT", "key": "2025-07-01"})
    before = client.get(url, {"province": world.an_giang.pk, "on": "31/12/2026"}).content.decode()
    after = client.get(url, {"province": world.an_giang.pk, "on": "15/01/2027"}).content.decode()
    assert "Có từ 70% số cá nhân" in before and "Sắp áp dụng" in before
    assert "Có từ 75% số cá nhân" in after and "tỉnh điều chỉnh từ 01/01/2027" in after


@pytest.mark.sqlite
def test_officer_ends_an_override_from_the_list(world):
    override = actions.do_add_pack_entry(
        actor=None, pack=an_giang_pack(dt.date(2026, 1, 1)),
        data={"family": "eligibility", "rule": "LDTT", "param": "min_months_worked", "value": "10", "citation": "Điều 5"},
    )
    client = signed_in(world.an_officer)
    assert reverse("awards:override_end", args=[override.uid]) in client.get(reverse("awards:override_list")).content.decode()
    response = client.post(
        reverse("awards:override_end", args=[override.uid]),
        {"version": override.version, "last_day": "31/12/2026", "reason": "Quyết định 40/2026/QĐ-UBND bãi bỏ"},
    )
    assert response.status_code == 302
    override.refresh_from_db()
    assert override.effective_to == dt.date(2026, 12, 31)
    html = client.get(reverse("awards:override_list")).content.decode()
    assert "Quyết định 40/2026/QĐ-UBND bãi bỏ" in html
    assert signed_in(world.qn_officer).get(reverse("awards:override_end", args=[override.uid])).status_code == 404


@pytest.mark.sqlite
def test_whatif_page_answers_with_reasons_and_citations(world):
    client = signed_in(world.viewer)
    assert client.get(reverse("awards:whatif")).status_code == 200
    # The rule page's link preselects the award (and its subject kind) without evaluating yet.
    html = client.get(reverse("awards:whatif"), {"award": "TTLDTT"}).content.decode()
    assert '<option value="TTLDTT" selected>' in html and '<option value="collective" selected>' in html
    assert "errorlist" not in html and "Đủ điều kiện" not in html
    assert "evaluate" not in html  # no internal command name on the page
    response = client.get(
        reverse("awards:whatif"),
        {"award": "CSTDCS", "subject": "individual", "year": "2025", "decided_on": "10/01/2026", "province": "",
         "h0_rating": "EXCELLENT", "h0_titles": ["LDTT"]},
    )
    html = response.content.decode()
    assert "Đủ điều kiện" in html and "Điều 23" in html and "2.340.000 đồng" in html
    html = client.get(
        reverse("awards:whatif"),
        {"award": "CSTDCS", "subject": "individual", "year": "2025", "decided_on": "10/01/2026", "h0_rating": "GOOD"},
    ).content.decode()
    assert "Chưa đủ điều kiện" in html and "Không đạt" in html
    html = client.get(
        reverse("awards:whatif"), {"award": "LDTT", "subject": "individual", "year": "2023", "decided_on": "01/06/2023"}
    ).content.decode()
    assert "Không có quy định thi đua, khen thưởng nào có hiệu lực" in html


@pytest.mark.sqlite
def test_demo_adds_the_labelled_example_override_once(world):
    from thidua.awards import demo
    from thidua.awards.models import RuleOverride

    first = demo.load_demo({})
    assert first["rule_overrides"] == 1 and first["award_types"] == 0  # the migration already synced
    again = demo.load_demo({})
    assert again["rule_overrides"] == 0 and again["packs"] == 0
    override = RuleOverride.objects.get(province=world.an_giang)
    assert "Ví dụ minh họa" in override.pack.number and override.value == "75"
    assert {key for key, _ in demo.DEMO_LABELS} >= set(first)


@pytest.mark.sqlite
def test_selectors_other_apps_use(world):
    from thidua.awards import selectors

    assert selectors.award_label("CO_CHINH_PHU") == "Cờ thi đua của Chính phủ"  # the seed's code for CO_CP
    assert selectors.award_label("AHLD") == "Anh hùng Lao động"
    assert selectors.manual_appraisal_reason("LDTT") is None
    assert "thẩm định thủ công" in selectors.manual_appraisal_reason("HCLD_1")
    actions.do_add_award_type(
        actor=None, province=world.an_giang,
        data={"code": "KNC_AG", "name": "Kỷ niệm chương tỉnh An Giang", "kind": "HINH_THUC", "subjects": ["individual"],
              "level": "PROVINCE", "categories": ["CONTRIBUTION"], "citation": "Quyết định 20/2026/QĐ-UBND tỉnh An Giang"},
    )
    assert selectors.award_label("KNC_AG", world.an_giang) == "Kỷ niệm chương tỉnh An Giang"
    mine = dict(selectors.award_choices(world.an_giang, subject="individual", kind="HINH_THUC"))
    assert "KNC_AG" in mine and "BK_TTG" in mine and "LDTT" not in mine and "GD_VH" not in mine
    assert "KNC_AG" not in dict(selectors.award_choices(world.quang_ninh))
