"""Every organisation page answers 200 for the province officer, in Vietnamese only."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from thidua.org import actions
from thidua.org.models import Department, Person, Province

pytestmark = pytest.mark.django_db

# Words that leak from Python or English templates when a value is rendered raw.
ENGLISH = re.compile(r"\b(None|True|False|null|undefined|Select|Submit|Search|Save|Cancel|Edit|Delete|Page|of)\b")
DOC = {"decision_number": "12/QĐ-UBND", "decision_date": dt.date(2025, 6, 20), "decision_issuer": "UBND tỉnh An Giang"}


def _visible_text(html: str) -> str:
    """The text a person reads: tags, attributes and URLs removed."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


@pytest.fixture
def registry(world):
    dept = actions.do_create_department(actor=None, unit=world.tuyen_giao, name="Phòng Tuyên truyền")
    person = actions.do_create_person(
        actor=None, unit=world.tuyen_giao,
        data={"full_name": "Nguyễn Văn An", "gender": "NAM", "birth_date": dt.date(1980, 5, 3), "department": dept},
    )
    actions.do_add_position(
        actor=None, person=person,
        data={"unit": world.tuyen_giao, "department": dept, "title": "Phó Trưởng phòng", "is_leader": True, "start_date": dt.date(2020, 1, 1)},
    )
    actions.do_transfer_person(
        actor=None, person=person, to_unit=world.to_chuc, effective_on=dt.date(2024, 3, 1), decision=DOC, title="Chuyên viên",
        is_leader=False,
    )
    actions.do_record_rename(actor=None, unit=world.to_chuc, new_name="Ban Tổ chức Tỉnh ủy An Giang", effective_on=dt.date(2024, 6, 1), decision=DOC)
    return {"dept": Department.objects.get(pk=dept.pk), "person": Person.objects.get(pk=person.pk)}


@pytest.mark.sqlite
def test_every_org_page_answers_in_vietnamese_for_the_province_officer(world, registry, client_for):
    client = client_for(world.an_officer)
    person, dept = registry["person"], registry["dept"]
    an_giang = Province.objects.get(pk=world.an_giang.pk)
    pages = [
        reverse("org:unit_list"),
        reverse("org:unit_list") + "?q=khong-co-don-vi-nay",
        reverse("org:unit_create"),
        reverse("org:unit_detail", args=[world.tuyen_giao.uid]),
        reverse("org:unit_detail", args=[world.to_chuc.uid]),
        reverse("org:unit_edit", args=[world.tuyen_giao.uid]),
        reverse("org:department_create", args=[world.tuyen_giao.uid]),
        reverse("org:department_edit", args=[dept.uid]),
        reverse("org:person_list"),
        reverse("org:person_list") + "?q=khong+co+ai&gender=NU",
        reverse("org:person_list") + f"?unit={world.to_chuc.uid}&role=worker&party=no",
        reverse("org:person_create"),
        reverse("org:person_create") + f"?don_vi={world.tuyen_giao.uid}",
        reverse("org:person_detail", args=[person.uid]),
        reverse("org:person_edit", args=[person.uid]),
        reverse("org:position_add", args=[person.uid]),
        reverse("org:person_transfer", args=[person.uid]),
        reverse("org:lineage_list"),
        reverse("org:lineage_list") + "?kind=SPLIT",
        reverse("org:lineage_merge"),
        reverse("org:lineage_merge") + f"?don_vi={world.tuyen_giao.uid}",
        reverse("org:lineage_split"),
        reverse("org:lineage_rename") + f"?don_vi={world.tuyen_giao.uid}",
        reverse("org:lineage_dissolve"),
        reverse("org:province_list"),
        reverse("org:province_detail", args=[an_giang.uid]),
        reverse("org:province_detail", args=[world.an_giang_old.uid]),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        text = _visible_text(response.content.decode())
        assert not ENGLISH.findall(text), (url, ENGLISH.findall(text))
    # htmx fragments of the lists, too.
    for url in (reverse("org:person_list"), reverse("org:lineage_list")):
        response = client.get(url, HTTP_HX_REQUEST="true")
        assert response.status_code == 200
        assert "<html" not in response.content.decode()
        assert not ENGLISH.findall(_visible_text(response.content.decode()))


def test_pages_show_what_was_recorded(world, registry, client_for):
    client = client_for(world.an_officer)
    person = registry["person"]
    html = client.get(reverse("org:person_detail", args=[person.uid])).content.decode()
    assert "Phó Trưởng phòng" in html and "Chuyên viên" in html
    assert "01/03/2024" in html and "29/02/2024" in html  # transfer date, previous post ended the day before
    unit_html = client.get(reverse("org:unit_detail", args=[world.to_chuc.uid])).content.decode()
    assert "Tên gọi trước đây" in unit_html and "Ban Tổ chức Tỉnh ủy" in unit_html and "31/05/2024" in unit_html
    lineage_html = client.get(reverse("org:lineage_list")).content.decode()
    assert "Điều động, chuyển công tác" in lineage_html and "Nguyễn Văn An" in lineage_html
    assert "Ban Tổ chức Tỉnh ủy An Giang" in lineage_html


@pytest.mark.sqlite
def test_unit_edit_compares_against_the_version_the_user_loaded(world, client_for):
    from thidua.org.models import Unit

    client = client_for(world.an_officer)
    loaded = Unit.objects.get(pk=world.tuyen_giao.pk).version
    actions.do_update_unit(actor=world.admin, unit=Unit.objects.get(pk=world.tuyen_giao.pk), data={"short_name": "BTG"}, expected_version=loaded)
    post = {"name": "Ban Tuyên giáo Tỉnh ủy", "short_name": "TG", "kind": "PARTY", "doc_format": "HD36"}
    # A stale version, then no version at all: neither may overwrite the other person's save.
    for data, message in ((post | {"version": loaded}, "Đã có người sửa"), (post, "Thiếu thông tin phiên bản")):
        response = client.post(reverse("org:unit_edit", args=[world.tuyen_giao.uid]), data)
        assert response.status_code == 200
        html = response.content.decode()
        assert message in html
        assert 'value="TG"' in html
    assert Unit.objects.get(pk=world.tuyen_giao.pk).short_name == "BTG"


def test_pagination_links_keep_the_filters_with_a_single_question_mark(rf):
    """Django 5.2's {% querystring %} starts with "?" itself; "??page=2" would lose the page."""
    from django.core.paginator import Paginator
    from django.template.loader import render_to_string

    request = rf.get("/to-chuc/ca-nhan/", {"q": "nguyen", "page": "2"})
    page_obj = Paginator(list(range(60)), 25).page(2)
    html = render_to_string("includes/pagination.html", {"page_obj": page_obj}, request=request)
    assert 'href="?q=nguyen&amp;page=1"' in html
    assert 'href="?q=nguyen&amp;page=3"' in html
    assert "??" not in html
