"""Demo điển hình tiên tiến of seed 001 (Bắc Kạn, 75 năm Ngày truyền thống thi đua yêu nước): present,
marked as invented, linked to the article's movements, and loaded only once."""

from __future__ import annotations

import pytest

from thidua.exemplars.models import Exemplar, Replication
from thidua.org import demo

pytestmark = pytest.mark.django_db


def test_bac_kan_exemplars_are_loaded_once_and_marked_invented(db, client):
    summary = demo.load_demo()
    assert "5 điển hình tiên tiến" in summary and "3 nơi nhân rộng điển hình" in summary
    items = list(Exemplar.objects.filter(province__code="06", province__name="Bắc Kạn").select_related("unit", "person", "movement"))
    assert len(items) == 5
    assert {e.kind for e in items} == {"COLLECTIVE", "INDIVIDUAL"}
    assert all("minh họa" in e.note for e in items)
    assert all("tên minh họa" in e.note for e in items if e.person_id)
    assert all("75 năm Ngày Chủ tịch Hồ Chí Minh ra lời kêu gọi thi đua ái quốc" in e.story for e in items)
    assert all(e.issuer == "Chủ tịch UBND tỉnh Bắc Kạn" and e.decision_number == "" for e in items)
    bao = next(e for e in items if e.unit.name == "Báo Bắc Kạn")
    assert "chuyển đổi số" in bao.movement.title
    assert Replication.objects.filter(exemplar=bao, unit__name="Ban Tuyên giáo Tỉnh ủy").exists()
    again = demo.load_demo()
    assert "điển hình" not in again.split("\n")[0]
    assert Exemplar.objects.count() == 5 and Replication.objects.count() == 3
