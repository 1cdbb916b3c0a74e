"""Browser suite: the system Chromium, driven by Playwright, against pytest-django's live server.

Run with:  .venv/bin/pytest -m browser tests/browser -p no:cacheprovider
Screenshots of every checked page go to $SVD_SCREENSHOTS or test-results/screenshots/.
"""

import os
import shutil
import sqlite3

import pytest
from playwright.sync_api import sync_playwright

from .support import SCREENSHOTS, PageTracker, file_safe

CHROMIUM = os.environ.get("SVD_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in item.nodeid.replace("\\", "/"):
            assert item.get_closest_marker("browser"), f"{item.nodeid} lacks @pytest.mark.browser"


@pytest.fixture(scope="session")
def chromium():
    # Playwright's sync API runs an event loop in this thread; Django would then refuse the
    # ORM calls the tests make themselves (seeding, reading codes and mail) as "async
    # unsafe". Only while the browser runs, so that other suites keep Django's check.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    try:
        yield from _launch()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def _launch():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                             headless=True)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """On SQLite, a test database in a file, as the embedded mode runs, not in memory.

    An in-memory test database is shared by every thread of the live server through SQLite's
    shared cache, whose table locks fail at once ("database table is locked") when the page's
    htmx requests overlap, instead of waiting. A file in WAL mode gives each request thread
    its own connection that waits for the write lock, as the web server and worker do."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.sqlite3":
        return
    database.setdefault("TEST", {})["NAME"] = str(
        tmp_path_factory.mktemp("browser-db") / "test.sqlite3")
    database["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;",
    }


@pytest.fixture(scope="session")
def _seeded_snapshot():
    """A copy of the freshly seeded SQLite test database, taken once."""
    holder = {}
    yield holder
    if "db" in holder:
        holder["db"].close()


@pytest.fixture
def demo_logins(transactional_db, _seeded_snapshot):
    """The demo partnerships and users, fresh for each test (the database is flushed after).

    Seeding takes over a second, so on SQLite the first test seeds and keeps a copy in
    memory (SQLite's backup API), and later tests restore that copy. With any other database
    every test runs demo.seed()."""
    from django.contrib.contenttypes.models import ContentType
    from django.core.cache import caches
    from django.db import connection

    from partners import demo

    if connection.vendor != "sqlite":
        return demo.seed()
    connection.ensure_connection()
    if "db" not in _seeded_snapshot:
        logins = demo.seed()
        copy = sqlite3.connect(":memory:", check_same_thread=False)
        connection.connection.backup(copy)
        _seeded_snapshot.update(db=copy, logins=logins)
        return logins
    _seeded_snapshot["db"].backup(connection.connection)
    ContentType.objects.clear_cache()  # ids as in the copy, not as re-created by the flush
    for cache in caches.all():
        if type(cache).__name__ == "LocMemCache":  # this process's own, never a shared one
            cache.clear()
    return _seeded_snapshot["logins"]


@pytest.fixture
def site(live_server, demo_logins):
    """The live server's address, with the demo seeded."""
    return live_server.url


@pytest.fixture
def new_page(chromium, site, request):
    """Open a page in a fresh browser context (its own cookies): new_page().

    Depends on `site` so that its contexts close before the database is flushed."""
    contexts = []
    shots = [0]
    shutil.rmtree(SCREENSHOTS / file_safe(request.node.name), ignore_errors=True)

    def make():
        context = chromium.new_context(viewport={"width": 1280, "height": 900},
                                       locale="en-GB")
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        tracker = PageTracker(test_name=request.node.name, shots=shots)
        tracker.attach(page)
        page._svd_tracker = tracker
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def tab(new_page):
    return new_page()
