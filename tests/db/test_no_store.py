"""Nothing Django renders may be kept by a browser cache or a proxy (thidua.core.middleware.NoStoreMiddleware)."""

import pytest
from django.test import Client
from django.urls import reverse

from thidua.accounts import actions

pytestmark = pytest.mark.django_db


@pytest.mark.sqlite
def test_a_signed_in_page_is_not_stored(world, client_for):
    response = client_for(world.an_officer).get(reverse("home"))
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"


def test_api_answers_are_not_stored_with_a_token_or_a_session_or_on_error(world, client_for):
    _, secret = actions.do_create_api_token(actor=world.viewer, name="Bảng tin")
    by_token = Client().get("/api/v1/units", headers={"Authorization": f"Bearer {secret}"})
    assert by_token.status_code == 200 and by_token.headers["Cache-Control"] == "no-store"
    by_session = client_for(world.an_officer).get("/api/v1/units")
    assert by_session.status_code == 200 and by_session.headers["Cache-Control"] == "no-store"
    refused = Client().get("/api/v1/units")
    assert refused.status_code == 401 and refused.headers["Cache-Control"] == "no-store"


def test_a_file_download_is_not_stored(world, client_for):
    response = client_for(world.an_officer).get(reverse("org:unit_export"))
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"


def test_static_files_keep_their_caching(world, client):
    response = client.get("/static/css/app.css")
    assert response.status_code == 200
    cache_control = response.headers.get("Cache-Control", "")
    assert "no-store" not in cache_control and "max-age" in cache_control
