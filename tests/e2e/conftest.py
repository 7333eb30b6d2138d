"""Shared browser fixtures: Debian's Chromium driven by pytest-playwright against live_server.

One browser is launched per test session (pytest-playwright's session-scoped ``browser``);
each test gets a fresh context and page. Headless (the default) it is Debian's
chromium-headless-shell, the same engine without the full browser's window machinery, which
Playwright itself uses for headless runs: measured on test_nothing_lost.py and
test_early_detection.py (17 tests, -n 0), 55 s of CPU against 76–80 s with /usr/bin/chromium.
With ``--headed`` it is /usr/bin/chromium. Without it the browser tests are skipped with a
message, unless PPR_REQUIRE_BROWSER=1 (as in CI), where they fail instead.
"""

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from allauth.core import ratelimit
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIServer
from django.test import RequestFactory
from django.test.testcases import LiveServerThread

from tests.conftest import LIVE_SERVER, restore_snapshot

CHROMIUM = Path("/usr/bin/chromium")
HEADLESS_SHELL = Path("/usr/bin/chromium-headless-shell")
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    headed = browser_type_launch_args.get("headless") is False
    executable = CHROMIUM if headed else HEADLESS_SHELL
    if not executable.exists():
        message = f"browser tests need {executable} (apt-get install {executable.name})"
        if os.environ.get("PPR_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{message}; PPR_REQUIRE_BROWSER=1 requires them", pytrace=False)
        pytest.skip(message)
    return {**browser_type_launch_args, "executable_path": str(executable), "args": LAUNCH_ARGS}


class _Gated:
    """The live server's application behind ``LIVE_SERVER`` (tests/conftest.py): answered
    only while the gate is open, counted until the response is closed (Django's
    request_finished, which closes the request's database connection, included)."""

    def __init__(self, application: Any) -> None:
        self.application = application

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        if not LIVE_SERVER.enter():
            start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
            return [b"Testen er slut."]
        try:
            return _Answered(self.application(environ, start_response))
        except BaseException:
            LIVE_SERVER.leave()
            raise


class _Answered:
    def __init__(self, response: Any) -> None:
        self.response = response

    def __iter__(self) -> Iterator[bytes]:
        return iter(self.response)

    def close(self) -> None:
        try:
            self.response.close()
        finally:
            LIVE_SERVER.leave()


class _GatedServer(ThreadedWSGIServer):
    def set_app(self, application: Any) -> None:
        super().set_app(_Gated(application))


class _OneRequestAtATime(WSGIServer):
    """The gated live server without a thread per request (Django then answers "Connection:
    close")."""

    def __init__(self, *args: Any, connections_override: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)

    def set_app(self, application: Any) -> None:
        super().set_app(_Gated(application))


@pytest.fixture(scope="session")
def _gated_live_server() -> Iterator[None]:
    """Every request of the live server goes through ``LIVE_SERVER``'s gate. On SQLite the
    live server shares the test's in-memory connection with every request thread; two
    requests at once (a page and its htmx bell, an autosave) then corrupt each other's
    savepoints ("no such savepoint"), so its thread answers them one at a time. PostgreSQL
    gives every thread its own connection and keeps the threaded server."""
    from django.db import connection

    server = _OneRequestAtATime if connection.vendor == "sqlite" else _GatedServer
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(LiveServerThread, "server_class", server)
        yield


@pytest.fixture(scope="session")
def _live_server_requests_close_their_connections() -> Iterator[None]:
    """The live server answers each browser connection in its own thread, and Chromium keeps
    its connections open (keep-alive) after the page, even after its context is closed: the
    thread waits for the next request and only ``close_request`` at the socket's end closes
    the database connection. With persistent connections (CONN_MAX_AGE 60 on PostgreSQL) every
    such thread held one; measured on test_nothing_lost.py, 16 tests: 2 -> 29 connections,
    and the whole suite's browser tests on 2 workers reached max_connections (100). With 0,
    Django closes it when each request finishes (``request_finished``): at most 3."""
    from django.db import connections

    with pytest.MonkeyPatch.context() as patch:
        for alias in connections:
            patch.setitem(connections.settings[alias], "CONN_MAX_AGE", 0)
        yield


@pytest.fixture(scope="session", autouse=True)
def _database_and_server_before_the_browser(
    _live_server_requests_close_their_connections: None,
    _gated_live_server: None,
    django_db_setup: None,
    live_server: Any,
) -> None:
    """Create the test database and start the live server before Playwright starts its event
    loop: Django refuses database set-up inside a running loop. (When the session ends,
    tests/conftest.py puts back what the migrations created: the last browser test's flush
    removed it.)"""


@pytest.fixture(scope="session")
def base_url(live_server: Any) -> str:
    """Pages are opened relative to the live server. (Overriding pytest-playwright's own
    fallback also avoids its instance-method fixture, deprecated in pytest 9.)"""
    return str(live_server.url)


@pytest.fixture(scope="session", autouse=True)
def _orm_beside_playwrights_event_loop() -> Iterator[None]:
    """Playwright's sync API runs an event loop in the test thread until the session ends;
    Django would then refuse ORM calls from the test and the database flush after it
    (SynchronousOnlyOperation). The test code is synchronous, so this is safe here; browser
    tests run last (tests/conftest.py), so no other test runs beside the loop."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture(autouse=True)
def _standing_data_in_every_browser_test(
    request: pytest.FixtureRequest, transactional_db: None
) -> Iterator[None]:
    """Browser tests commit, and every transactional test before them flushed the database;
    each starts from what the migrations left and the standing cast (a test that asks for the
    ``demo`` starts from the seeded demo instead, put back by that fixture). (Django's
    serialized rollback cannot do this here: inside Playwright's event loop this thread gets
    other connection objects.)

    After the test, before the database is emptied, every browser context it opened is closed
    (``helpers.logged_in`` opens its own, which pytest-playwright does not close) and the live
    server's gate is shut, a request still being answered let finish: a page's last requests
    (its autosave when it is closed, a poll of the bell) must not run beside the flush
    (``LiveServerGate``). The next test's restore opens it again."""
    browser = request.getfixturevalue("browser") if "browser" in request.fixturenames else None
    if "demo" not in request.fixturenames:
        restore_snapshot(request.getfixturevalue("_standing_snapshot"))
    _login_rate_limit_cleared()
    yield
    for context in browser.contexts if browser else []:
        context.close()
    LIVE_SERVER.shut()


def _login_rate_limit_cleared() -> None:
    """Every browser logs in from the live server's one address, and allauth counts logins per
    address in the cache, which outlives the test: on a fast machine a worker's browser tests
    together passed the product's 30 logins a minute (a CI run's login got "429 Too Many
    Requests"). Each test starts with the count at zero; within a test the limit stands."""
    for address in ("127.0.0.1", "::1"):
        ratelimit.clear(RequestFactory().get("/", REMOTE_ADDR=address), action="login")


@pytest.fixture
def site(live_server: Any, transactional_db: None, settings: Any) -> Iterator[str]:
    """The live server's URL. Test settings use manifest static storage, whose hashed file
    names the live server's static handler cannot find; plain storage serves the sources.

    Browser tests commit (the live server's requests see their data), so the database is
    flushed after each."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    yield live_server.url
