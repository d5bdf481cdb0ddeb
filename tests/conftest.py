import pytest


@pytest.fixture
def world(db):
    from tests.factories import build_world

    return build_world()


@pytest.fixture
def client_for(client):
    """Sign a test client in as one of the world's users."""

    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in
