"""Every URL pattern has an access expectation for every role, and the expectation holds."""

import pkgutil
from importlib import import_module

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.conftest import client_for
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


@pytest.mark.parametrize("route", all_routes(), ids=str)
@pytest.mark.parametrize("role", ALL_ROLES)
def test_access_matrix(route: Route, role: str, cast: object) -> None:
    user = cast.by_role()[role]  # type: ignore[attr-defined]  # the cast fixture is typed as object
    url = reverse(route.name, kwargs=route.kwargs(cast)) + route.query
    client = client_for(user)
    response = getattr(client, route.method)(url, data=route.data(cast))
    expected = route.expected(role)
    if expected == LOGIN:
        assert response.status_code == 302, f"{role} {route}: {response.status_code}"
        assert response["Location"].startswith(reverse(route.login))
    else:
        assert response.status_code == expected, f"{role} {route}: got {response.status_code}"
