"""Women first at equal merit (NĐ 152/2025 Điều 4 khoản 6) on the chair's tie form and in the
counting minutes: each tied candidate's gender and the rule with its citation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from tests.core.docx_xml import DocxXml
from thidua.counting import actions as counting
from thidua.documents.actions import do_generate_document
from thidua.org import actions as org
from thidua.voting import actions as voting

pytestmark = pytest.mark.django_db


def _tied_poll(world, held_on):
    council = voting.do_create_council(
        actor=None, province=world.an_giang,
        data={"name": "Hội đồng Thi đua - Khen thưởng Ban Tổ chức Tỉnh ủy", "level": "UNIT", "unit": world.to_chuc},
    )
    for i, name in enumerate(("Hồ Văn Mừng", "Phạm Minh Đức", "Võ Thị Hạnh")):
        voting.do_add_council_member(actor=None, council=council, data={"full_name": name, "role": "CHAIR" if i == 0 else "MEMBER",
                                                                        "term_from": dt.date(2024, 1, 1)})
    man = org.do_create_person(actor=None, unit=world.to_chuc, data={"full_name": "Nguyễn Văn An", "gender": "NAM"})
    woman = org.do_create_person(actor=None, unit=world.to_chuc, data={"full_name": "Trần Thị Bình", "gender": "NU"})
    poll = voting.do_create_poll(
        actor=None,
        data={"title": "Bình xét Chiến sĩ thi đua cơ sở", "council": council, "electorate": "COUNCIL", "subject": "AWARD",
              "award_code": "CSTDCS", "method": "APPROVE_EACH", "mode": "EXTERNAL", "quota": 1, "held_on": held_on},
        candidates=[{"person": man}, {"person": woman}],
    )
    a, b = poll.candidates.order_by("position")
    voting.do_record_result(actor=None, poll=poll, counts={"council_size": 3, "present": 3, "yes": {a.pk: 3, b.pk: 3}},
                            source="EXTERNAL", expected_version=poll.version)
    poll.refresh_from_db()
    assert poll.result["needs_chair_choice"]
    return poll, a, b


@pytest.mark.sqlite
def test_tie_form_shows_genders_and_the_rule(world, client_for):
    poll, a, b = _tied_poll(world, dt.date(2026, 1, 5))
    page = client_for(world.an_officer).get(reverse("voting:poll_detail", kwargs={"uid": poll.uid})).content.decode()
    assert "Nghị định 152/2025/NĐ-CP, Điều 4 khoản 6" in page
    assert "ưu tiên lựa chọn cá nhân nữ hoặc tập thể có tỷ lệ nữ từ 70% trở lên" in page
    # The chair's choices carry the gender; the woman is marked as preferred.
    assert "Trần Thị Bình (nữ — được ưu tiên)" in page and "Nguyễn Văn An (nam)" in page
    assert "ưu tiên Trần Thị Bình; Chủ tịch hội đồng quyết định" in page
    # The viewer sees the table beside the tie, without the form.
    page = client_for(world.viewer).get(reverse("voting:poll_detail", kwargs={"uid": poll.uid})).content.decode()
    assert 'id="equal-merit"' in page and "Được ưu tiên" in page and "Lựa chọn của Chủ tịch hội đồng" not in page
    api = client_for(world.viewer).get(f"/api/v1/polls/{poll.uid}/result").json()
    assert api["equal_merit"]["preferred_ids"] == [str(b.pk)] and api["equal_merit"]["citation"].endswith("Điều 4 khoản 6")
    # The form still records the chair's choice.
    response = client_for(world.an_officer).post(reverse("voting:poll_tie", kwargs={"uid": poll.uid}),
                                                 {"version": poll.version, "chosen": [str(b.pk)]})
    assert response.status_code == 302
    poll.refresh_from_db()
    assert [r["selected"] for r in poll.result["results"]] == [False, True]


@pytest.mark.sqlite
def test_tie_before_nd152_shows_genders_without_claiming_the_rule(world, client_for):
    poll, _, _ = _tied_poll(world, dt.date(2025, 3, 10))
    page = client_for(world.an_officer).get(reverse("voting:poll_detail", kwargs={"uid": poll.uid})).content.decode()
    assert "Trần Thị Bình (nữ)" in page and "được ưu tiên" not in page
    assert "có hiệu lực từ 01/07/2025" in page and "Luật Thi đua, khen thưởng 2022, Điều 5 khoản 3" in page


@pytest.mark.sqlite
def test_counting_minutes_print_genders_and_the_rule(world):
    poll, a, b = _tied_poll(world, dt.date(2026, 1, 5))
    minutes = counting.do_save_minutes(actor=None, poll=poll, data={"place": "Long Xuyên", "chair": "Hồ Văn Mừng", "board_head": "Phạm Minh Đức"})
    text = DocxXml(do_generate_document(actor=None, kind_code="COUNTING_MINUTES", source=minutes).generated_file.read()).text()
    assert "Giới tính của những người, đơn vị bằng phiếu và quy định ưu tiên: Nguyễn Văn An: nam; Trần Thị Bình: nữ." in text
    assert "(Nghị định 152/2025/NĐ-CP, Điều 4 khoản 6): ưu tiên Trần Thị Bình" in text
    # After the chair's choice the minutes keep the rule beside the tie.
    poll = voting.do_resolve_tie(actor=None, poll=poll, chair_choice=[b.pk], expected_version=poll.version)
    minutes.refresh_from_db()
    text = DocxXml(do_generate_document(actor=None, kind_code="COUNTING_MINUTES", source=minutes).generated_file.read()).text()
    assert "Chủ tịch hội đồng chọn Trần Thị Bình" in text and "Điều 4 khoản 6" in text
