"""A breadth-first crawler over the app through Django's test client (no browser, GET only).

``crawl(client, start="/")`` follows every same-site ``<a href>`` (downloads too: a CSV export is
checked like a page) and ``hx-get`` URL and every redirect, submits every GET ``<form>`` with its
default values and opens the action of every other form with GET (a POST-only view answers 405;
nothing is ever posted, so the crawl changes no domain data). It stops at
``max_pages`` and opens at most ``per_route`` URLs per URL pattern (``resolve(path).route``) so
that it stays fast on a seeded database; breadth-first, the URLs opened are the first ones found.

It returns ``{url: Page}`` in the order opened, for checks such as "no page leaks a child outside
the user's scope" (tests/security/test_crawler.py) or an accessibility sweep.
"""

from collections import deque
from dataclasses import dataclass, field
from html import unescape
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urldefrag, urlencode, urljoin, urlsplit, urlunsplit

from django.conf import settings
from django.test import Client
from django.urls import Resolver404, resolve

#: URL names never opened: they log out, reveal a CPR number (POST only anyway), only answer a
#: poll, or start a job.
SKIPPED_NAMES = frozenset(
    {
        "account_logout",
        "logout-everywhere",
        "session-keep-alive",
        "notification-count",
        "child-reveal-cpr",
        "participant-pdf",
        "plan-print",
        "document-retry",
    }
)
SKIPPED_PREFIXES = tuple(
    prefix for prefix in ("/admin/", settings.STATIC_URL, settings.MEDIA_URL) if prefix.strip("/")
)
#: With ``admin=True`` the admin's pages are crawled too, except these (they log out, or answer
#: only with query parameters the admin's own JavaScript adds).
SKIPPED_ADMIN_NAMES = frozenset({"logout", "autocomplete", "jsi18n"})
TEXT_TYPES = ("text/", "application/json", "application/xhtml")


@dataclass
class Page:
    """One response: enough to check it (status, text) and to say where its URL was found."""

    url: str
    status: int
    content_type: str
    text: str  # the decoded body of a text response (HTML unescaped); "" for binaries
    found_on: str | None
    location: str = ""  # a redirect's target
    post_actions: list[str] = field(default_factory=list)  # actions of forms that POST


@dataclass
class Form:
    method: str
    action: str
    fields: list[tuple[str, str]] = field(default_factory=list)


class _LinkParser(HTMLParser):
    """Collects hrefs, hx-get URLs and forms (with their default values) from one page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._select_value: str | None = None
        self._select_first: str | None = None
        self._textarea: str | None = None
        self._textarea_text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {name: value or "" for name, value in attrs}
        if tag == "a" and "href" in a:
            self.links.append(a["href"])
        if a.get("hx-get"):
            self.links.append(a["hx-get"])
        if tag == "option" and self._select is not None:
            value = a.get("value", "")
            if self._select_first is None:
                self._select_first = value
            if "selected" in a and self._select_value is None:
                self._select_value = value
        elif tag == "form":
            self._form = Form(method=a.get("method", "get").lower(), action=a.get("action", ""))
            self.forms.append(self._form)
        elif self._form is None or "disabled" in a or not a.get("name"):
            return
        elif tag == "input":
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self._form.fields.append(
                (a["name"], a.get("value", "on" if kind == "checkbox" else ""))
            )
        elif tag == "select":
            self._select, self._select_value, self._select_first = a["name"], None, None
        elif tag == "textarea":
            self._textarea, self._textarea_text = a["name"], []

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea_text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None and self._form is not None:
            value = self._select_value if self._select_value is not None else self._select_first
            if value is not None:
                self._form.fields.append((self._select, value))
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            self._form.fields.append((self._textarea, "".join(self._textarea_text)))
            self._textarea = None


def links_and_forms(html: str) -> tuple[list[str], list[Form]]:
    """The link targets (href, hx-get) and forms of an HTML page, as written in it."""
    parser = _LinkParser()
    parser.feed(html)
    parser.close()
    return parser.links, parser.forms


def route_of(path: str, *, admin: bool = False) -> str | None:
    """The URL pattern a same-site path resolves to, or None when it is not to be opened."""
    if admin and path.startswith("/admin/"):
        try:
            match = resolve(path)
        except Resolver404:
            return None
        if match.url_name in SKIPPED_ADMIN_NAMES:
            return None
        return f"{match.namespace}:{match.route}"
    if path.startswith(SKIPPED_PREFIXES):
        return None
    try:
        match = resolve(path)
    except Resolver404:
        return None
    if match.url_name in SKIPPED_NAMES or (match.namespace or "").startswith("admin"):
        return None
    return f"{match.namespace}:{match.route}"


def _same_site(base: str, href: str) -> str | None:
    """The absolute path (+ query) of a same-site link, else None."""
    href = href.strip()
    if not href or href.startswith(("#", "mailto:", "tel:", "javascript:", "data:")):
        return None
    url, _fragment = urldefrag(urljoin(f"http://testserver{base}", href))
    parts = urlsplit(url)
    if parts.netloc != "testserver" or parts.scheme not in ("http", "https"):
        return None
    return urlunsplit(("", "", parts.path or "/", parts.query, ""))


def _decode(response: Any) -> str:
    if response.streaming or not response.get("Content-Type", "").startswith(TEXT_TYPES):
        return ""
    return unescape(response.content.decode(response.charset or "utf-8", "replace"))


def crawl(
    client: Client,
    start: str = "/",
    *,
    max_pages: int = 400,
    per_route: int = 3,
    admin: bool = False,
) -> dict[str, Page]:
    """Breadth-first GET crawl from ``start``: ``{url: Page}`` in the order the URLs were opened.
    With ``admin`` the Django admin's pages are followed too."""
    pages: dict[str, Page] = {}
    queued: set[str] = {start}
    per_route_count: dict[str, int] = {}
    queue: deque[tuple[str, str | None]] = deque([(start, None)])

    def enqueue(url: str | None, found_on: str) -> None:
        if url is None or url in queued:
            return
        route = route_of(urlsplit(url).path, admin=admin)
        if route is None or per_route_count.get(route, 0) >= per_route:
            return
        per_route_count[route] = per_route_count.get(route, 0) + 1
        queued.add(url)
        queue.append((url, found_on))

    while queue and len(pages) < max_pages:
        url, found_on = queue.popleft()
        response = client.get(url)
        page = Page(
            url=url,
            status=response.status_code,
            content_type=response.get("Content-Type", ""),
            text=_decode(response),
            found_on=found_on,
            location=response.get("Location", ""),
        )
        pages[url] = page
        if response.streaming:
            # Read to the end: the test client then closes the file (and keeps the connection;
            # closing a response again would end the test's database connection).
            b"".join(response.streaming_content)
        if page.location:
            enqueue(_same_site(url, page.location), url)
        if response.status_code != 200 or not page.content_type.startswith("text/html"):
            continue
        links, forms = links_and_forms(response.content.decode(response.charset or "utf-8"))
        for href in links:
            enqueue(_same_site(url, href), url)
        for form in forms:
            action = _same_site(url, form.action or url)
            if action is None:
                continue
            if form.method == "get":
                path = urlsplit(action).path
                query = urlencode(form.fields)
                enqueue(f"{path}?{query}" if query else path, url)
            else:
                page.post_actions.append(action)
                enqueue(action, url)
    return pages
