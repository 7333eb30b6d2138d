"""Headers that protect every page: CSP with nonces, no caching of personal data, HSTS and friends."""

from html.parser import HTMLParser

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from meetings import tuesdays
from ppr.middleware import NoStoreForAuthenticatedMiddleware
from tests.cases.case_fixtures import make_case


class Tags(HTMLParser):
    """Collects <script> tags, style="" attributes and inline event handlers of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[dict[str, str | None]] = []
        self.inline_styles: list[str] = []
        self.handlers: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "script":
            self.scripts.append(attributes)
        if "style" in attributes:
            self.inline_styles.append(tag)
        self.handlers += [f"{tag}[{name}]" for name in attributes if name.startswith("on")]


def parse(html: str) -> Tags:
    tags = Tags()
    tags.feed(html)
    return tags


def csp_directives(response: HttpResponse) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {
        part.split()[0]: part.split()[1:] for part in (p.strip() for p in policy.split(";")) if part
    }


@pytest.fixture(params=["login", "home"])
def page(request, client_as, cast):
    """The login page (anonymous) and a logged-in start page: the base layout in both states."""
    if request.param == "login":
        return client_as(None).get(reverse("account_login"))
    return client_as(cast.ppr_leader).get(reverse("home"))


def test_pages_carry_a_csp_with_a_nonce_and_nothing_unsafe(page) -> None:
    assert page.status_code == 200
    policy = page["Content-Security-Policy"]
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    directives = csp_directives(page)
    assert any(source.startswith("'nonce-") for source in directives["script-src"])
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]


def test_every_script_has_the_pages_nonce_and_a_src(page) -> None:
    nonce = next(s for s in csp_directives(page)["script-src"] if s.startswith("'nonce-"))[7:-1]
    scripts = parse(page.content.decode()).scripts
    assert scripts, "the base layout loads htmx and ppr.js"
    for script in scripts:
        assert script.get("nonce") == nonce, script
        assert script.get("src"), f"inline script: {script}"


def test_pages_have_no_inline_styles_or_event_handlers(page) -> None:
    tags = parse(page.content.decode())
    assert tags.inline_styles == []
    assert tags.handlers == []


def test_the_nonce_changes_on_every_request(client, db) -> None:
    first = csp_directives(client.get(reverse("account_login")))["script-src"]
    second = csp_directives(client.get(reverse("account_login")))["script-src"]
    assert first != second


def test_security_headers_are_set(client, db) -> None:
    response = client.get(reverse("account_login"))
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_hsts_is_sent_over_https(client, db, settings) -> None:
    response = client.get(reverse("account_login"), secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


def test_authenticated_pages_are_not_stored(client_as, cast) -> None:
    response = client_as(cast.psychologist).get(reverse("home"))
    assert response["Cache-Control"] == "no-store, private"


def test_anonymous_pages_are_left_to_the_defaults(client, db) -> None:
    assert "no-store" not in client.get("/healthz").get("Cache-Control", "")


def test_a_view_that_sets_its_own_cache_control_keeps_it(rf: RequestFactory, cast) -> None:
    def view(request):
        response = HttpResponse("ok")
        response["Cache-Control"] = "max-age=60"
        return response

    request = rf.get("/")
    request.user = cast.psychologist
    assert NoStoreForAuthenticatedMiddleware(view)(request)["Cache-Control"] == "max-age=60"


def test_the_middleware_marks_responses_of_logged_in_users(rf: RequestFactory, cast) -> None:
    request = rf.get("/")
    request.user = cast.psychologist
    response = NoStoreForAuthenticatedMiddleware(lambda r: HttpResponse("ok"))(request)
    assert response["Cache-Control"] == "no-store, private"


def test_redirects_and_errors_for_logged_in_users_are_not_stored_either(client_as, cast) -> None:
    client = client_as(cast.psychologist)
    assert client.get("/findes-ikke/")["Cache-Control"] == "no-store, private"


@pytest.mark.parametrize(
    "name",
    ["cases:case-list", "cases:rating-report", "documents:document-list", "reports:goal-dashboard"],
)
def test_pages_that_had_never_cache_are_not_stored(client_as, cast, name) -> None:
    """The middleware alone marks them now (the @never_cache decorators are gone)."""
    response = client_as(cast.ppr_leader).get(reverse(name))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store, private"


def test_a_case_page_is_not_stored(client_as, cast) -> None:
    case = make_case(cast, assigned=cast.psychologist)
    response = client_as(cast.psychologist).get(
        reverse("cases:case-detail", kwargs={"pk": case.pk})
    )
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store, private"


def test_the_calendar_feed_is_not_stored_though_nobody_is_logged_in(client, cast) -> None:
    token = tuesdays.issue_calendar_feed(user=cast.psychologist)
    response = client.get(reverse("meetings:calendar-feed", kwargs={"token": token}))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store, private"
