"""/api/v1/initiatives: register, read, find likely copies (scoped), recognise with a reason; bad input."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.core.initiative_corpus import planted
from thidua.accounts import actions as account_actions
from thidua.audit.models import AuditLog
from thidua.core.errors import ActionError
from thidua.history import actions as history_actions
from thidua.history.models import Initiative
from thidua.initiatives import actions
from thidua.initiatives.models import InitiativeOwner
from thidua.org import actions as org_actions

pytestmark = pytest.mark.django_db


def _bearer(user) -> Client:
    _, secret = account_actions.do_create_api_token(actor=user, name="Phần mềm sáng kiến")
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def _person(unit, name="Hà Thị Thu"):
    return org_actions.do_create_person(actor=None, unit=unit, data={"full_name": name, "gender": "NU"})


def _store(unit, text, owner=None):
    owner = owner or _person(unit, "Tác giả " + text.key)
    return actions.do_register_initiative(None, {"title": text.title, "content": text.content, "year": text.year,
                                                 "unit": unit, "owners": [(owner, 100)], "sector": text.field})


def _post(client, path, body):
    return client.post(path, body, content_type="application/json")


@pytest.fixture
def corpus():
    return planted(seed=7, stored=16, copies=6, unrelated=4)


@pytest.mark.sqlite
def test_register_read_and_find_a_planted_copy(world, corpus):
    stored = {t.key: _store(world.tuyen_giao, t) for t in corpus.stored}
    client = _bearer(world.an_officer)
    a, b = _person(world.tuyen_giao, "Lường Văn Khánh"), _person(world.tuyen_giao, "Bế Thị Mai")
    copy, original = corpus.copies[1]  # a partial copy: 60-80 % of the sentences, reordered, numbers changed
    response = _post(client, "/api/v1/initiatives", {
        "title": copy.title, "content": copy.content, "year": 2025, "unit": str(world.tuyen_giao.uid),
        "owners": [{"person": str(a.uid), "share": 60}, {"person": str(b.uid), "share": 40}], "field": copy.field})
    assert response.status_code == 201, response.content
    created = response.json()
    assert [(o["name"], o["share"]) for o in created["owners"]] == [("Lường Văn Khánh", 60), ("Bế Thị Mai", 40)]
    # Flagged at save time against the province's stored initiatives.
    assert created["likely_copy"] is True and created["copy_of"] == str(stored[original].uid)
    assert client.get(f"/api/v1/initiatives/{created['uid']}").json()["title"] == copy.title

    response = _post(client, "/api/v1/initiatives/similar",
                     {"title": copy.title, "content": copy.content, "exclude": created["uid"], "limit": 3})
    assert response.status_code == 200
    matches = response.json()["matches"]
    assert matches[0]["initiative"] == str(stored[original].uid) and matches[0]["likely_copy"] is True
    assert 0 < matches[0]["score"] <= 1 and matches[0]["year"] == stored[original].year
    assert matches[0]["passages"] and all(p["new"] in copy.content and p["stored"] in stored[original].content
                                          for p in matches[0]["passages"])
    assert len(matches) <= 3 and [m["score"] for m in matches] == sorted((m["score"] for m in matches), reverse=True)
    # Without `exclude` the new initiative itself is the best match.
    top = _post(client, "/api/v1/initiatives/similar", {"title": copy.title, "content": copy.content}).json()["matches"][0]
    assert top["initiative"] == created["uid"] and top["score"] == 1.0

    other = corpus.unrelated[0]
    matches = _post(client, "/api/v1/initiatives/similar", {"title": other.title, "content": other.content}).json()["matches"]
    assert not any(m["likely_copy"] for m in matches)


def test_similar_shows_only_what_the_caller_may_read(world, corpus):
    text = corpus.stored[0]
    _store(world.to_chuc, text)
    body = {"title": text.title, "content": text.content}
    assert _post(_bearer(world.an_officer), "/api/v1/initiatives/similar", body).json()["matches"]
    assert _post(_bearer(world.qn_officer), "/api/v1/initiatives/similar", body).json()["matches"] == []
    # The Tuyên giáo officer does not read Tổ chức's initiatives.
    assert _post(_bearer(world.unit_officer), "/api/v1/initiatives/similar", body).json()["matches"] == []
    assert _post(_bearer(world.unit_officer), "/api/v1/initiatives/similar", {"title": "", "content": " "}).status_code == 422


def test_bad_input_is_refused_in_vietnamese_and_writes_nothing(world, corpus):
    client = _bearer(world.an_officer)
    a, b = _person(world.tuyen_giao, "Lường Văn Khánh"), _person(world.tuyen_giao, "Bế Thị Mai")
    outsider = _person(world.qn_unit, "Triệu Văn Tùng")
    text = corpus.stored[0]
    base = {"title": text.title, "content": text.content, "year": 2025, "unit": str(world.tuyen_giao.uid)}
    cases = [
        ({**base, "owners": [{"person": str(a.uid), "share": 70}, {"person": str(b.uid), "share": 20}]}, "phải bằng 100 %"),
        ({**base, "content": "  ", "owners": [{"person": str(a.uid), "share": 100}]}, "nội dung"),
        ({**base, "owners": [{"person": str(outsider.uid), "share": 100}]}, "phạm vi được giao"),
        ({**base, "unit": str(world.qn_unit.uid), "owners": [{"person": str(a.uid), "share": 100}]}, "phạm vi được giao"),
        ({**base, "owners": []}, "ít nhất một tác giả"),
    ]
    audit_before = AuditLog.objects.count()
    for body, words in cases:
        response = _post(client, "/api/v1/initiatives", body)
        # A refusal naming a field is invalid input (422); one of the request as a whole is 400 (docs/api.md).
        assert response.status_code == (422 if response.json()["error"]["field"] else 400), response.content
        assert words in response.json()["error"]["message"].lower() or words in response.json()["error"]["message"]
    assert Initiative.objects.count() == 0 and InitiativeOwner.objects.count() == 0
    assert AuditLog.objects.count() == audit_before


@pytest.mark.sqlite
def test_recognising_a_likely_copy_needs_a_written_reason(world, corpus):
    copy, original = corpus.copies[0]
    _store(world.tuyen_giao, next(t for t in corpus.stored if t.key == original))
    item = _store(world.tuyen_giao, copy)
    assert item.likely_copy
    client = _bearer(world.an_officer)
    path = f"/api/v1/initiatives/{item.uid}/recognise"
    body = {"level": "BASE", "body": "Hội đồng sáng kiến cơ sở", "decision_number": "12/QĐ-BTG", "version": item.version}
    response = _post(client, path, body)
    assert response.status_code == 422 and "hãy ghi lý do" in response.json()["error"]["message"]
    assert Initiative.objects.get(pk=item.pk).recognised is False
    response = _post(client, path, {**body, "reason": "Đã xác minh: cùng nhóm tác giả phát triển tiếp"})
    assert response.status_code == 200 and response.json()["recognised"] is True
    assert response.json()["copy_reason"] == "Đã xác minh: cùng nhóm tác giả phát triển tiếp"
    row = AuditLog.objects.filter(action="initiatives.recognise").get()
    assert "cùng nhóm tác giả" in row.note
    assert _post(_bearer(world.unit_officer), path, {**body, "version": item.version + 1}).status_code == 403


def test_history_records_join_the_registry_and_keep_the_one_use_rule(world):
    person = _person(world.tuyen_giao)
    work = history_actions.do_record_initiative(None, person, {"year": 2024, "title": "Số hóa hồ sơ lưu trữ", "scope": "BASE"})
    assert [(o.person_id, o.share) for o in work.owners.all()] == [(person.pk, 100)]
    assert Initiative.objects.get(pk=work.pk).unit_id == world.tuyen_giao.pk and work.shingles
    first = history_actions.do_record_award(None, person, "LDTT", 2024, source="IMPORTED")
    second = history_actions.do_record_award(None, person, "CSTDCS", 2024, source="IMPORTED")
    work = history_actions.do_use_initiative(None, work, first, expected_version=work.version)
    with pytest.raises(ActionError, match="chỉ được dùng"):
        history_actions.do_use_initiative(None, work, second, expected_version=work.version)


def test_edit_through_the_api_is_compare_and_set_and_rechecks_copies(world, corpus):
    author = _person(world.tuyen_giao, "Lường Văn Khánh")
    first = _store(world.tuyen_giao, corpus.stored[0])
    second = _store(world.tuyen_giao, corpus.stored[1])
    assert not second.likely_copy
    client = _bearer(world.an_officer)
    body = {"title": corpus.stored[0].title, "content": corpus.stored[0].content, "year": 2025, "unit": str(world.tuyen_giao.uid),
            "owners": [{"person": str(author.uid), "share": 100}], "version": second.version}
    response = client.put(f"/api/v1/initiatives/{second.uid}", body, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["likely_copy"] is True and response.json()["copy_of"] == str(first.uid)
    assert client.put(f"/api/v1/initiatives/{second.uid}", body, content_type="application/json").status_code == 409
    row = AuditLog.objects.filter(action="initiatives.edit").get()
    assert "owners" in row.changes and "content" in row.changes
