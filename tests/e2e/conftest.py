"""Browser tests: Playwright (sync API) driving Debian's chromium against pytest-django's
live_server. Every test here is marked `e2e`; data is built per test (live_server uses a
transactional database, emptied after each test).

Playwright's sync API runs an event loop in the test thread, which makes Django refuse ORM
calls from it unless DJANGO_ALLOW_ASYNC_UNSAFE is set (playwright-pytest #29, #46). It is set
here only, at import, so no other test directory runs with it.
"""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import pytest  # noqa: E402
from playwright.sync_api import expect  # noqa: E402

from tests.e2e.helpers import BrowserLog  # noqa: E402

# Assertions wait as long as actions may (see the context's default timeout below).
expect.set_options(timeout=30_000)

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
E2E_DIR = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):  # noqa: ARG001
    for item in items:
        if E2E_DIR in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make chromium` (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Every test builds the world's six accounts; hashing strength is not what these tests check.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(transactional_db, _fast_passwords):  # noqa: ARG001
    """The personas of tests/factories.py, built for this test (the live server sees them)."""
    from tests.factories import build_world

    return build_world()


@pytest.fixture
def browser_log():
    return BrowserLog()


@pytest.fixture
def page(browser, live_server, browser_log):
    """A fresh browser context (Vietnamese locale) whose relative URLs go to the live server.

    Console errors, page errors and CSP violations are collected in `browser_log`; a test ends
    by calling `browser_log.assert_clean()`.
    """
    context = browser.new_context(base_url=live_server.url, locale="vi-VN", viewport={"width": 1280, "height": 900})
    # CI shares two cores with PostgreSQL and LibreOffice: a slow first paint is not a failure.
    context.set_default_timeout(30_000)
    page = context.new_page()
    browser_log.attach(page)
    yield page
    context.close()


@pytest.fixture
def shots(tmp_path):
    """Where this test's screenshots go (pytest's tmp dir); `shots(page, "name")` saves one."""
    directory = tmp_path / "screenshots"
    directory.mkdir()

    def take(page, name: str) -> Path:
        path = directory / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture(autouse=True)
def _law_catalogue(request):
    """The law's award catalogue, as every real database holds it (data migration + demo loader).

    A browser test's database is emptied after each test (transactional), which also empties the
    rows the data migration wrote; pickers built from the catalogue would then be empty for every
    browser test but the first one of a run.
    """
    if "live_server" not in request.fixturenames:
        return
    request.getfixturevalue("transactional_db")
    from thidua.awards.sync import sync_catalogue

    sync_catalogue()
