"""Every URL pattern has an access expectation for every role, and the expectation holds.

A route's rows (its ``kwargs``: a case, a meeting, …) are made once for all the roles that try
it (``built_route``, in a transaction rolled back after its last role); each role's request
runs in its own savepoint inside it, rolled back after the request, so every role meets the
rows exactly as the route made them – as when each test made its own. Measured on SQLite,
-n 0, the 110 case routes' tests: the rows took 0.12 s and loading the middleware 0.05 s of
each test's 0.66 s before.

Each role signs in once per module (``login_sessions``: ``Client.force_login``, its writes
rolled back); each test then starts a new session holding exactly what that login put in
its session, with the login and the last activity stamped now, as the first page after a
login leaves them (ppr.accounts.middleware.SessionLimitsMiddleware) – without repeating, for
each of the ≈ 6,600 cases, the login's own writes (the audit log's login row, ``last_login``,
axes) and the first page's session write (an UPDATE of the session row and its cache entry).
The session limits themselves are tested in tests/accounts.

The municipality's row (``Municipality.current()``, made by the first page that shows it) is
made with each route's rows, not by every case's request (three queries each).

To cover a new URL: add a ``Route`` to ``ROUTES`` in ``tests/security/matrix/<app>.py``.
"""

import copy
import pkgutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import import_module
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import HASH_SESSION_KEY
from django.db import transaction
from django.http import HttpRequest
from django.test import Client
from django.test.client import ClientHandler
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from ppr.accounts.middleware import LAST_SEEN, LOGIN_AT
from ppr.accounts.models import User
from ppr.celery import app as celery_app
from ppr.organisation.models import Municipality
from tests.conftest import STANDING_CAST, Cast
from tests.security import matrix
from tests.security.routes import ALL_ROLES, LOGIN, PARENT_ROLES, ROLES, Route

#: Third-party URL namespaces whose access is the library's own; covered by sample routes.
THIRD_PARTY_PREFIXES = (
    "admin:",
    "account_",
    "mfa_",
    "socialaccount_",
    "openid_connect_",
    "kommune_",
)


def all_routes() -> list[Route]:
    routes: list[Route] = []
    for module in pkgutil.iter_modules(matrix.__path__):
        routes.extend(import_module(f"{matrix.__name__}.{module.name}").ROUTES)
    return routes


def url_names(resolver: URLResolver | None = None, namespace: str = "") -> set[str]:
    names: set[str] = set()
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= url_names(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}{pattern.name}")
    return names


def test_every_url_pattern_has_an_access_expectation() -> None:
    covered = {route.name for route in all_routes()}
    ours = {name for name in url_names() if not name.startswith(THIRD_PARTY_PREFIXES)}
    missing = sorted(ours - covered)
    assert not missing, f"URL patterns without an access expectation: {missing}"


@pytest.mark.parametrize("route", all_routes(), ids=str)
def test_every_route_names_every_role(route: Route) -> None:
    assert set(route.expect) - set(PARENT_ROLES) == set(ROLES), (
        f"{route} misses roles {set(ROLES) - set(route.expect)}"
    )


@dataclass
class BuiltRoute:
    route: Route
    cast: Cast
    url: str


@pytest.fixture(scope="module", params=all_routes(), ids=str)
def built_route(
    request: pytest.FixtureRequest, django_db_setup: None, django_db_blocker: Any
) -> Iterator[BuiltRoute]:
    """The route's URL with the rows its ``kwargs`` make, made once for every role (pytest runs
    a module-scoped parametrized fixture's tests together, one route after the other) in a
    transaction rolled back after them. Tasks run in-process, as in each test
    (tests/conftest.py ``_tasks_in_process``)."""
    route: Route = request.param
    was_eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    try:
        with django_db_blocker.unblock(), transaction.atomic():
            Municipality.objects.get_or_create(pk=1)  # the one row Municipality.current() reads
            cast = copy.deepcopy(STANDING_CAST[0])
            url = reverse(route.name, kwargs=route.kwargs(cast)) + route.query
            yield BuiltRoute(route, cast, url)
            transaction.set_rollback(True)
    finally:
        celery_app.conf.task_always_eager = was_eager


@pytest.fixture(scope="module")
def handler() -> ClientHandler:
    """One request handler for the module's clients: the middleware is loaded once, not per
    test (every test here runs with the same settings)."""
    return ClientHandler(enforce_csrf_checks=False)  # as Client() makes it


@pytest.fixture(scope="module")
def login_sessions(django_db_setup: None, django_db_blocker: Any) -> dict[str, dict[str, Any]]:
    """What ``Client.force_login`` puts in the session of each role's cast member, signed in
    once for the module (the login's writes and sessions rolled back afterwards)."""
    sessions: dict[str, dict[str, Any]] = {}
    was_eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    try:
        with django_db_blocker.unblock(), transaction.atomic():
            for role, user in STANDING_CAST[0].by_role().items():
                if user is not None:
                    client = Client()
                    client.force_login(copy.deepcopy(user))
                    sessions[role] = dict(client.session.items())
            transaction.set_rollback(True)
    finally:
        celery_app.conf.task_always_eager = was_eager
    return sessions


def signed_in(user: User | None, session: dict[str, Any] | None) -> Client:
    """A client with a new session holding what ``force_login(user)`` put in ``session`` (the
    password hash taken from ``user`` as the login takes it) and the login and last activity
    stamped now, its cookie set as ``force_login`` sets it."""
    client = Client()
    if user is None or session is None:
        return client
    request = HttpRequest()
    request.session = import_module(settings.SESSION_ENGINE).SessionStore()
    now = time.time()
    request.session.update(
        {**session, HASH_SESSION_KEY: user.get_session_auth_hash(), LOGIN_AT: now, LAST_SEEN: now}
    )
    request.session.save()
    client._set_login_cookies(request)
    return client


@pytest.mark.parametrize("role", ALL_ROLES)
def test_access_matrix(
    built_route: BuiltRoute,
    role: str,
    handler: ClientHandler,
    login_sessions: dict[str, dict[str, Any]],
    db: None,
) -> None:
    route, cast = built_route.route, copy.deepcopy(built_route.cast)
    user = cast.by_role()[role]
    client = signed_in(user, login_sessions.get(role))
    client.handler = handler
    response = getattr(client, route.method)(built_route.url, data=route.data(cast))
    expected = route.expected(role)
    if expected == LOGIN:
        assert response.status_code == 302, f"{role} {route}: {response.status_code}"
        assert response["Location"].startswith(reverse(route.login))
    else:
        assert response.status_code == expected, f"{role} {route}: got {response.status_code}"
    if response.streaming:
        # A download (FileResponse) keeps its file open until its content is read to the end;
        # the test client's iterator then closes it without ending the test's database
        # connection, which a bare response.close() would (request_finished).
        b"".join(response.streaming_content)
