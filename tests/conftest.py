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


@pytest.fixture(autouse=True)
def _private_cache(settings):
    """Each test gets its own in-memory cache, so sign-in throttle counters never leak between tests."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "test"}}
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Fixtures create many accounts; the strength of the production hasher is not under test
    (tests/db/test_accounts.py checks passwords through check_password, which any hasher serves)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _tasks_run_immediately(settings):
    """Background jobs (thidua/jobs) run inside the request that starts them, deterministically;
    tests/db/test_jobs.py also runs one through the database backend and an in-process worker."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
