"""Issue #12, point 5: out-of-range query values on the API are the caller's mistake, answered 422
with a Vietnamese message: `?offset=99999999999999999999` on every list, `?year=99999` or a negative
year wherever a year filters. Before, the database overflowed or the year arithmetic broke (500)."""

from __future__ import annotations

import pytest

from thidua.accounts.actions import do_create_api_token
from thidua.api.main import api

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"


def _get_operations_with(parameter: str) -> list[str]:
    spec = api.get_openapi_schema()
    paths = []
    for path, operations in spec["paths"].items():
        get = operations.get("get")
        if get and "{" not in path and any(p["name"] == parameter and p["in"] == "query" for p in get.get("parameters", [])):
            paths.append(path)
    return sorted(paths)


@pytest.fixture
def bearer(world):
    _, secret = do_create_api_token(actor=world.an_officer, name="Kiểm thử")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def assert_refused(response, field: str) -> None:
    assert response.status_code == 422, (response.status_code, response.content[:300])
    error = response.json()["error"]
    assert error["code"] == "invalid_field" and error["field"] == field
    assert error["message"].startswith("Giá trị của “" + field + "”"), error["message"]


@pytest.mark.sqlite
def test_every_list_refuses_an_offset_beyond_the_bound(client, bearer):
    lists = _get_operations_with("offset")
    for expected in ("/api/v1/units", "/api/v1/people", "/api/v1/blocs", "/api/v1/movements", "/api/v1/scoring/sets",
                     "/api/v1/councils", "/api/v1/polls", "/api/v1/proposals", "/api/v1/decisions", "/api/v1/history/eligible"):
        assert expected in lists
    for path in lists:
        response = client.get(path, {"offset": HUGE, "year": 2024}, **bearer)
        assert_refused(response, "offset")
        assert "không được lớn hơn" in response.json()["error"]["message"]
        assert_refused(client.get(path, {"offset": -1, "year": 2024}, **bearer), "offset")
        # A large offset within the bound is simply past the end of the list.
        response = client.get(path, {"offset": 1_000_000_000, "year": 2024}, **bearer)
        assert response.status_code == 200 and response.json()["items"] == [], path


@pytest.mark.sqlite
def test_every_year_filter_refuses_a_year_out_of_range(client, bearer):
    filtered = _get_operations_with("year")
    for expected in ("/api/v1/proposals", "/api/v1/decisions", "/api/v1/history/eligible", "/api/v1/scoring/sets", "/api/v1/movements"):
        assert expected in filtered
    for path in filtered:
        for year in ("99999", "-5", HUGE):
            assert_refused(client.get(path, {"year": year}, **bearer), "year")
        assert client.get(path, {"year": 2024}, **bearer).status_code == 200, path


@pytest.mark.sqlite
def test_pages_answer_out_of_range_years_and_pages_without_a_server_error(world, client_for):
    from django.urls import reverse

    from thidua.org import actions as org_actions

    person = org_actions.do_create_person(actor=None, unit=world.tuyen_giao, data={"full_name": "Nguyễn Văn An", "gender": "NAM"})
    client = client_for(world.an_officer)
    for value in (HUGE, "-5", "99999"):
        for url, params in (
            (reverse("scoring:set_list"), {"year": value}),
            (reverse("history:batch"), {"nam": value, "page": value}),
            (reverse("org:person_detail", kwargs={"uid": person.uid}), {"nam": value}),
            (reverse("org:unit_list"), {"page": value}),
            (reverse("org:person_list"), {"page": value}),
        ):
            response = client.get(url, params)
            assert response.status_code == 200, (url, params, response.status_code)
    # The history page falls back to this year's proposals, in Vietnamese.
    page = client.get(reverse("org:person_detail", kwargs={"uid": person.uid}), {"nam": HUGE}).content.decode()
    assert "Có thể đề nghị khen thưởng năm" in page


@pytest.mark.sqlite
def test_control_characters_in_a_body_or_a_query_are_refused_by_field(client, bearer, world):
    import json

    response = client.get("/api/v1/units", {"q": "Ban\x00"}, **bearer)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["field"] == "q" and "ký tự điều khiển" in error["message"] and "U+0000" in error["message"]
    body = {"province": str(world.an_giang.uid), "name": "Sở Khoa học\x0bCông nghệ", "kind": "STATE"}
    response = client.post("/api/v1/units", json.dumps(body), content_type="application/json", **bearer)
    assert response.status_code == 422 and response.json()["error"]["field"] == "name"
    from thidua.org.models import Unit

    assert not Unit.objects.filter(name__startswith="Sở Khoa học").exists()
    body["name"] = "Sở Khoa học\tvà Công nghệ"  # a tab is text, not a control character to refuse
    assert client.post("/api/v1/units", json.dumps(body), content_type="application/json", **bearer).status_code == 201


@pytest.mark.sqlite
def test_no_two_request_or_response_shapes_share_a_name_in_the_openapi_document():
    """The OpenAPI document names each schema by its class name: two classes of one name in two
    routers documented one operation with the other's fields (a leadership proposal as an award
    proposal, a sheet's transition as a movement's)."""
    import re
    from collections import defaultdict

    from ninja import Schema

    shapes = defaultdict(set)

    def walk(cls):
        for sub in cls.__subclasses__():
            if sub.__module__.startswith("thidua.api."):
                fields = ((name, re.sub(r"[\w.]+\.", "", str(f.annotation))) for name, f in sub.model_fields.items())
                shapes[sub.__name__].add(tuple(sorted(fields)))
            walk(sub)

    walk(Schema)
    clashes = {name: len(found) for name, found in shapes.items() if len(found) > 1}
    assert not clashes
