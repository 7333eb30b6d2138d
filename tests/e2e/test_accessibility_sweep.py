"""Every page of the demo municipality, as every demo role, on a desktop and on a phone.

The demo is seeded once per session (per xdist worker: tests/conftest.py ``seeded_demo``, shared
with the crawler and the other demo tests) and copied table by table; each role's sweep is its own
test (a long one several: ``SHARDS``), starting from that copy, so the workers share the roles. A
role logs in through the real form and walks the app breadth-first by following same-site links (GET
only), opening one URL per URL pattern (``resolve(path).route``) so the sweep stays fast. Every page
opened is checked at 1366×900 and, resized in place (no second request), at 390×844: axe-core finds
no serious or critical violation, the page never scrolls sideways (``scrollWidth`` within the
viewport) and the main menu is reachable (the navigation bar on the desktop; on the phone the
header's Menu button opens DKFDS's drawer with the menu's links). Pages a role's own links lead to
must also answer 200 with HTML, and each role must reach the pages listed for it in ``MUST_REACH``.

A second test walks a koordineringskonference with the keyboard alone (the referral form's
walk is in test_referral_to_case.py).
"""

import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urlsplit

import pytest
from django.conf import settings
from django.urls import Resolver404, resolve, reverse
from playwright.sync_api import Browser, Page, expect

from cases.models import Ppv, PpvStatus
from meetings import rules as meeting_rules
from meetings.models import (
    AgendaItem,
    Decision,
    ForumReferral,
    ForumReferralStatus,
    Note,
    NoteStatus,
)
from ppr.accounts.models import User
from tests.conftest import SeededDemo, restore_demo
from tests.meetings.factories import (
    AgendaItemFactory,
    ConferenceFactory,
    SeriesFactory,
    forum,
)

from .helpers import DESKTOP, PHONE, log_in, screen_problems, serious_violations

#: URL names never opened: they log out, download a file (PDF, CSV, iCalendar), answer only an
#: htmx poll, or change state on GET-like endpoints the crawl has no business with.
SKIPPED_NAMES = {
    "account_logout",
    "logout-everywhere",
    "session-keep-alive",
    "healthz",
    "notification-count",
    "calendar-feed",
    "attachment-download",
    "document-download",
    "document-status",
    "participant-pdf",
    "child-export",
    "goal-export",
    "report-export",
    "child-reveal-cpr",
}
SKIPPED_PREFIXES = ("/admin/", settings.STATIC_URL)
SKIPPED_SUFFIXES = (".pdf", ".ics", ".csv", ".xlsx", ".zip")
ACCOUNT_PAGES = "/konto/"

#: Pages without the site's header by design: the participant list printed from the browser.
PAGES_WITHOUT_MENU = ("/indsatser/forloeb/<id:pk>/deltagerliste/",)

#: Upper bound of pages per role (the app has about 130 URL patterns; a role reaches fewer).
MAX_PAGES_PER_ROLE = 150


def one_login_per_role(demo: Any) -> list[tuple[str, str, str]]:
    """The demo's logins, one per role and kind of scope: its three psychologists (two teams)
    and two school leaders see the same pages with other rows, so the first of each is swept."""
    chosen: list[tuple[str, str, str]] = []
    seen: set[tuple[str, ...]] = set()
    for user, login in zip(demo.users.values(), demo.logins, strict=True):
        scope = tuple(
            sorted(
                f"{membership.role}:{membership.institution.kind if membership.institution else ''}"
                for membership in user.memberships.select_related("institution")
            )
        )
        if scope not in seen:
            seen.add(scope)
            chosen.append(login)
    return chosen


def route_of(path: str) -> str | None:
    """The URL pattern a same-site path resolves to, or None when it is not to be opened."""
    if path.startswith(SKIPPED_PREFIXES) or path.endswith(SKIPPED_SUFFIXES):
        return None
    try:
        match = resolve(path)
    except Resolver404:
        return None
    if match.url_name in SKIPPED_NAMES or (match.namespace or "").startswith("admin"):
        return None
    return f"/{match.route}"


_LINKS = """() => [...document.querySelectorAll("a[href]")]
  .filter(a => !a.hasAttribute("download"))
  .map(a => a.href)"""


def extra_pages(email: str) -> list[str]:
    """Pages one URL per pattern does not reach: the PPV form (its case's PPV list, opened for
    another case, may hold only a final PPV) and the finishing of a forum referral's draft (the
    henvisning opened first may be one already sent), for those who may finish one."""
    pages = []
    draft = Ppv.objects.filter(status=PpvStatus.DRAFT, case__assigned__email=email).first()
    if draft:
        pages.append(reverse("cases:ppv-update", args=[draft.pk]))
    user = User.objects.get(email=email)
    drafts = ForumReferral.objects.filter(status=ForumReferralStatus.DRAFT).select_related(
        "institution"
    )
    finishable = next(
        (d for d in drafts.order_by("pk") if meeting_rules.can_refer_from(user, d.institution)),
        None,
    )
    if finishable:
        pages.append(reverse("meetings:forumreferral-finish", args=[finishable.pk]))
    return pages


@dataclass
class Sweep:
    """One shard's sweep: {route: url opened} in the order opened (every shard of a login
    opens the same pages), the pages checked on both screens, what is wrong, and the seconds
    spent walking (opening pages, reading links) and checking."""

    opened: dict[str, str] = field(default_factory=dict)
    checked: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    walking: float = 0.0
    checking: float = 0.0


#: Each login's walk as this worker made it: {route: URL} in the order opened. The demo is put
#: back before every shard (ids and all), so a later shard of the same login on this worker
#: finds the same pages and opens only its own share of them; the first shard's walk opened
#: every page and checked the status of each.
WALKS: dict[str, dict[str, str]] = {}


def sweep(
    page: Page, site: str, skip: set[str], extra: list[str], shard: int = 0, shards: int = 1
) -> Sweep:
    """Breadth-first over the role's links from Mit overblik and the ``extra`` paths, not
    opening the routes in ``skip``. Every page is opened and its links followed (its status is
    checked); the checks on the desktop and the phone are made on the pages whose place in
    the walk is ``shard`` modulo ``shards`` (the shards of a login together check every page)."""
    origin = urlsplit(site).netloc
    done = Sweep()
    problems = done.problems
    queue: deque[str] = deque([f"{site}/", *(f"{site}{path}" for path in extra)])
    seen_routes: set[str] = {"/", *skip, *(route_of(path) or path for path in extra)}
    while queue and len(done.opened) < MAX_PAGES_PER_ROLE:
        started = time.monotonic()
        url = queue.popleft()
        path = urlsplit(url).path
        response = page.goto(url)
        route = route_of(path) or path
        ours = len(done.opened) % shards == shard
        done.opened[route] = url
        status = response.status if response else 0
        content_type = (response.headers.get("content-type", "") if response else "") or ""
        if status != 200 or not content_type.startswith("text/html"):
            problems.append(f"{url}: {status} {content_type}")
            done.walking += time.monotonic() - started
            continue
        if ours:
            checking = time.monotonic()
            done.walking += checking - started
            check(page, url, route, problems)
            done.checked.append(route)
            started = time.monotonic()
            done.checking += started - checking
        links = page.evaluate(_LINKS)
        for href in links:
            href, _fragment = urldefrag(href)
            parts = urlsplit(href)
            if parts.netloc != origin or parts.scheme not in ("http", "https"):
                continue
            route = route_of(parts.path)
            if route is None or route in seen_routes:
                continue
            seen_routes.add(route)
            queue.append(href)
        done.walking += time.monotonic() - started
    return done


def sweep_once(page: Page, site: str, email: str, skip: set[str], shard: int, shards: int) -> Sweep:
    """``sweep``, or, when this worker has walked the login's sweep before, its share of the
    same pages opened and checked directly (with their status checked again)."""
    if email not in WALKS:
        done = sweep(page, site, skip, extra_pages(email), shard, shards)
        WALKS[email] = dict(done.opened)
        return done
    done = Sweep(opened=dict(WALKS[email]))
    for route, url in list(done.opened.items())[shard::shards]:
        started = time.monotonic()
        response = page.goto(url)
        status = response.status if response else 0
        content_type = (response.headers.get("content-type", "") if response else "") or ""
        checking = time.monotonic()
        done.walking += checking - started
        if status != 200 or not content_type.startswith("text/html"):
            done.problems.append(f"{url}: {status} {content_type}")
            continue
        check(page, url, route, done.problems)
        done.checked.append(route)
        done.checking += time.monotonic() - checking
    return done


def check(page: Page, url: str, route: str, problems: list[str]) -> None:
    """The page as opened, on the desktop and, resized in place, on the phone: axe-core's
    serious and critical violations, sideways scrolling and the main menu."""
    # Folded content (a decided opgave's "Ret beslutningen", filters) is scanned opened.
    page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")
    problems.extend(f"{url}: {violation}" for violation in serious_violations(page))
    problems.extend(screen_problems(page, url, DESKTOP, menu=route not in PAGES_WITHOUT_MENU))
    page.set_viewport_size(PHONE)
    problems.extend(f"{url} at 390 px: {violation}" for violation in serious_violations(page))
    problems.extend(screen_problems(page, url, PHONE, menu=route not in PAGES_WITHOUT_MENU))
    page.set_viewport_size(DESKTOP)


@pytest.fixture
def demo(
    seeded_demo: SeededDemo, transactional_db: None, settings: Any, tmp_path: Path
) -> list[tuple[str, str, str]]:
    """The demo as seeded (every table put back as the session's seeding left it,
    ``seeded_demo``; its files copied): the logins swept, one per role and kind of scope."""
    settings.STORAGES = restore_demo(seeded_demo, tmp_path / "private")
    return one_login_per_role(seeded_demo.organisation)


#: The demo logins swept, one per role and kind of scope (``one_login_per_role``), in the demo's
#: order. Each is its own test, so pytest-xdist spreads the sweep over the workers.
SWEPT_LOGINS = [
    "leder@ppr.nordvig.dk",
    "psykolog@ppr.nordvig.dk",
    "tale@ppr.nordvig.dk",
    "sekretaer@ppr.nordvig.dk",
    "skoleleder.vestervang@nordvig.dk",
    "leder.maelkeboetten@nordvig.dk",
    "laerer.vestervang@nordvig.dk",
    "paedagog.maelkeboetten@nordvig.dk",
    "socialraadgiver@nordvig.dk",
    "sundhedsplejerske@nordvig.dk",
    "admin@nordvig.dk",
]

#: The account pages (allauth: password, two-factor) are the same for everyone: the first login
#: sweeps them (and must reach all of them); the others skip these routes. An account page not
#: listed here is swept by every login that reaches it.
ACCOUNT_ROUTES = {
    "/konto/2fa/",
    "/konto/2fa/totp/activate/",
    "/konto/password/change/",
    "/konto/password/reset/",
    "/konto/reauthenticate/",
}

#: What each login's sweep must reach, besides its own Mit overblik: each URL pattern is listed
#: under one login that reaches it. Together they are most of the app and each area's main page
#: (``test_the_sweep_must_reach_most_of_the_app``).
MUST_REACH: dict[str, set[str]] = {
    "leder@ppr.nordvig.dk": {
        "/sletning/",
        "/sletning/log/",
        "/sletning/regler/",
        "/sletning/regler/<slug:record_type>/",
        "/sletning/tilbagehold/",
        "/dokumenter/",
        "/frister/",
        "/frister/<id:pk>/ansvarlig/",
        "/frister/alle/",
        "/frister/indstillinger/",
        "/frister/notifikationer/",
        "/frister/notifikationer/<id:pk>/",
        "/frister/paamindelser/fejlede/",
        "/indsatser/",
        "/indsatser/forloeb/",
        "/indsatser/forloeb/<id:pk>/",
        "/indsatser/forloeb/<id:pk>/afslut/",
        "/indsatser/forloeb/<id:pk>/fremmoede/",
        "/indsatser/forloeb/<id:pk>/rediger/",
        "/indsatser/forloeb/nyt-hold/",
        "/indsatser/fravaer/",
        "/indsatser/fravaer/<id:pk>/",
        "/indsatser/fravaersprocedure/",
        "/indsatser/fravaersprocedure/<id:pk>/rediger/",
        "/indsatser/fravaersprocedure/ny/",
        "/indsatser/indsats/<id:pk>/",
        "/indsatser/indsats/<id:pk>/rediger/",
        "/indsatser/indsats/ny/",
        "/indsatser/opfoelgning/<id:pk>/",
        "/indsatser/sag/<id:case_pk>/nyt-forloeb/",
        "/konto/2fa/",
        "/konto/2fa/totp/activate/",
        "/konto/password/change/",
        "/konto/password/reset/",
        "/konto/reauthenticate/",
        "/log/",
        "/min-konto/",
        "/moeder/",
        "/moeder/forummoeder/<id:pk>/",
        "/moeder/forummoeder/<id:pk>/aflys/",
        "/moeder/henvisninger/",
        "/moeder/henvisninger/<id:pk>/",
        "/moeder/kalender/",
        "/moeder/konferencer/",
        "/moeder/konferencer/<id:pk>/",
        "/moeder/konferencer/<id:pk>/ret/",
        "/moeder/konferencer/moeder/<id:pk>/",
        "/moeder/konferencer/moeder/<id:pk>/aflys/",
        "/moeder/konferencer/ny/",
        "/moeder/skolesocialraadgivning/",
        "/moeder/skolesocialraadgivning/tider/<id:pk>/",
        "/moeder/skolesocialraadgivning/tider/ny/",
        "/moeder/supportmodel/",
        "/moeder/supportmodel/<id:pk>/ret/",
        "/moeder/trio/",
        "/moeder/trio/<id:pk>/",
        "/moeder/trio/<id:pk>/<year:year>/",
        "/moeder/tirsdagsmoeder/",
        "/moeder/tirsdagsmoeder/<id:pk>/",
        "/moeder/tirsdagsmoeder/<id:pk>/aflys/",
        "/moeder/tirsdagsmoeder/<id:pk>/dagsorden/",
        "/moeder/tirsdagsmoeder/bytte/",
        "/moeder/tirsdagsmoeder/ny-plan/",
        "/moeder/tirsdagsmoeder/skoleferier/",
        "/rapporter/",
        "/rapporter/drift/<slug:slug>/",
        "/rapporter/effektmaal/",
        "/rapporter/effektmaal/<id:pk>/",
        "/rapporter/effektmaal/<id:pk>/ret/",
        "/rapporter/effektmaal/forebyggelse/",
        "/rapporter/effektmaal/nyt/",
        "/rapporter/effektmaal/udgaaede/",
        "/rapporter/udviklingsplan/",
        "/rapporter/udviklingsplan/aktivitet/<id:pk>/",
        "/rapporter/udviklingsplan/indsats/<id:pk>/",
        "/rapporter/udviklingsplan/indsats/<id:pk>/aktivitet/ny/",
        "/rapporter/udviklingsplan/indsats/ny/",
        "/rettigheder/",
        "/rettigheder/kombit/",
        "/rettigheder/kombit/ny/",
        "/sager/",
        "/sager/<id:pk>/",
        "/sager/<id:pk>/boernelineal/ny/",
        "/sager/<id:pk>/journal/ny/",
        "/sager/<id:pk>/kle/",
        "/sager/<id:pk>/luk/",
        "/sager/<id:pk>/ppv/",
        "/sager/<id:pk>/tildel/",
        "/sager/boern/<id:pk>/",
        "/sager/boern/<id:pk>/boernelineal/",
        "/sager/boern/<id:pk>/boernelineal/ny/",
        "/sager/boern/<id:pk>/foraeldre/ny/",
        "/sager/boern/nyt/",
        "/sager/boernelineal/",
        "/sager/foraeldre/<id:pk>/samtykke/nyt/",
        "/sager/indstillinger/",
        "/sager/indstillinger/<id:pk>/",
        "/sager/indstillinger/<id:pk>/visiter/",
        "/sager/indstillinger/modtagelse/",
        "/sager/indstillinger/ny/",
        "/sager/journal/<id:pk>/ret/",
        "/sager/samtykker/<id:pk>/tilbagekald/",
        "/visitation/",
        "/visitation/<id:pk>/",
        "/visitation/moeder/",
        "/visitation/moeder/<id:pk>/",
        "/visitation/ny/",
        "/visitation/punkt/<id:pk>/",
        "/visitation/tilbud/",
        "/visitation/tilbud/<id:pk>/",
        "/visitation/tilbud/<id:pk>/rediger/",
        "/visitation/tilbud/nyt/",
        "/visitation/udvalg/",
        "/visitation/udvalg/<id:pk>/",
    },
    "psykolog@ppr.nordvig.dk": {
        "/frister/<id:pk>/udfoert/",
        "/moeder/notater/<id:pk>/",
        "/sager/ppv/<id:pk>/",
        "/sager/ppv/<id:pk>/endelig/",
        "/sager/ppv/<id:pk>/rediger/",
    },
    "tale@ppr.nordvig.dk": set(),
    "sekretaer@ppr.nordvig.dk": set(),
    "skoleleder.vestervang@nordvig.dk": {
        "/indsatser/fravaer/ny/",
        "/indsatser/fravaer/import/",
        "/moeder/forummoeder/nyt/",
        # Only the TRIO or the leader refers to a forum (issue 25).
        "/moeder/henvisninger/<id:pk>/faerdiggoer/",
        "/moeder/henvisninger/ny/",
        "/moeder/skolesocialraadgivning/tider/<id:pk>/book/",
        # Overgange (issue 25): the requests received from the daycare, one of them anonymous.
        "/moeder/overgange/anmodninger/",
        "/moeder/overgange/anmodninger/<id:pk>/",
        "/visitation/<id:pk>/rediger/",
    },
    "leder.maelkeboetten@nordvig.dk": {
        # Overgange (issue 25): the daycare's children starting school, and the request form.
        "/moeder/overgange/",
        "/moeder/overgange/boern/<id:pk>/bed-modtagende-trio-handle/",
        "/sager/indstillinger/<id:pk>/rediger/",
        # Tidlig opsporing (issue 25): the overview, its "Registrér en observation" page, a
        # child's observations, a new one, and one taken to the TRIO.
        "/sager/opsporing/",
        "/sager/opsporing/ny/",
        "/sager/boern/<id:pk>/opsporing/",
        "/sager/boern/<id:pk>/opsporing/ny/",
        "/moeder/henvisninger/fra-observation/<id:pk>/",
    },
    "laerer.vestervang@nordvig.dk": set(),
    "paedagog.maelkeboetten@nordvig.dk": set(),
    "socialraadgiver@nordvig.dk": {
        "/moeder/skolesocialraadgivning/",
        "/moeder/tirsdagsmoeder/pladser/<id:pk>/afloeser/",
        "/moeder/tirsdagsmoeder/pladser/<id:pk>/bytte/",
    },
    "sundhedsplejerske@nordvig.dk": set(),
    "admin@nordvig.dk": set(),
}

#: Each area's main page: some login's sweep must reach it.
MAIN_PAGES = {
    "/sager/<id:pk>/",
    "/sager/indstillinger/<id:pk>/",
    "/sager/ppv/<id:pk>/rediger/",
    "/moeder/konferencer/moeder/<id:pk>/",
    "/moeder/forummoeder/<id:pk>/",
    "/moeder/tirsdagsmoeder/<id:pk>/",
    "/indsatser/forloeb/<id:pk>/",
    "/rapporter/",
    "/konto/password/change/",
}


def test_the_sweep_must_reach_most_of_the_app() -> None:
    everyone = set().union(*MUST_REACH.values())
    assert len(everyone) >= 80
    assert everyone >= MAIN_PAGES
    assert MUST_REACH[SWEPT_LOGINS[0]] >= ACCOUNT_ROUTES
    assert list(MUST_REACH) == SWEPT_LOGINS


#: Logins whose sweep is checked in several tests (shards; the others in one), so that
#: pytest-xdist spreads the long sweeps over the workers and no single test is the run's tail:
#: shard k of n checks the pages at places k, k + n, … of the walk on both screens. The first
#: shard of a login on a worker walks the whole sweep (opens every page, checks its status and
#: follows its links); later ones on that worker open only their share (``WALKS``). Each
#: asserts ``MUST_REACH``. Measured (SQLite, -n 0, a loaded machine), the speech therapist's
#: 56 pages: opening them and reading their links 20 s, the checks 91 s.
SHARDS = {
    "leder@ppr.nordvig.dk": 4,
    "psykolog@ppr.nordvig.dk": 2,
    "tale@ppr.nordvig.dk": 2,
    "sekretaer@ppr.nordvig.dk": 2,
    "skoleleder.vestervang@nordvig.dk": 2,
}


def sharded(emails: list[str]) -> list[Any]:
    return [
        pytest.param(email, shard, SHARDS.get(email, 1), id=f"{email}-{shard + 1}")
        for email in emails
        for shard in range(SHARDS.get(email, 1))
    ]


def test_the_shards_check_every_page_once() -> None:
    """Shard k of n checks the pages at places k, k + n, …: together each page exactly once."""
    for pages in (1, 7, MAX_PAGES_PER_ROLE):
        for shards in {1, *SHARDS.values()}:
            places = sorted(p for s in range(shards) for p in range(pages) if p % shards == s)
            assert places == list(range(pages))
    assert set(SHARDS) <= set(SWEPT_LOGINS)


@pytest.mark.parametrize(("email", "shard", "shards"), sharded(SWEPT_LOGINS))
def test_every_page_the_demo_role_reaches_works_on_a_desktop_and_a_phone(
    email: str,
    shard: int,
    shards: int,
    demo: list[tuple[str, str, str]],
    browser: Browser,
    site: str,
) -> None:
    assert [login for _role, login, _password in demo] == SWEPT_LOGINS
    role, _email, password = next(login for login in demo if login[1] == email)
    started = time.monotonic()
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    log_in(page, site, email, password)
    expect(page.get_by_role("heading", level=1)).to_have_text("Mit overblik")
    skip = set() if email == SWEPT_LOGINS[0] else ACCOUNT_ROUTES
    done = sweep_once(page, site, email, skip, shard, shards)
    context.close()
    opened, problems = done.opened, done.problems
    report = f"{role}: {len(opened)} URL patterns: {', '.join(sorted(opened))}"
    print(
        f"\n{role} shard {shard + 1}/{shards} swept in {time.monotonic() - started:.0f} s: "
        f"{len(opened)} pages in the walk, {done.walking:.0f} s opening pages, "
        f"{len(done.checked)} checked in {done.checking:.0f} s\n{report}"
    )
    assert [f"[{role}] {problem}" for problem in problems] == [], "\n".join(problems)
    # The shard checked its share: every page whose place in the walk is its own.
    assert done.checked == list(opened)[shard::shards]
    # The sweep did reach the app: the pages this login is to cover.
    assert MUST_REACH[email] <= set(opened), (sorted(MUST_REACH[email] - set(opened)), report)


#: The focused element: its accessible name (aria-label, its label, or its text), whether focus
#: is visible on it (an outline or a box shadow on it or, for DKFDS's visually hidden radios, on
#: its label or the label's ::before box), whether it is the element focused before (a date
#: input's day, month, year and picker are Tab stops inside one element) and whether it follows
#: that element in document order.
_FOCUS = """() => {
  const el = document.activeElement;
  const clean = (text) => (text || "").replace(/\\s+/g, " ").trim();
  const name = clean(el.getAttribute("aria-label")
    || (el.labels && el.labels.length ? el.labels[0].innerText : el.innerText));
  const seen = (style) => (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0)
    || (style.boxShadow && style.boxShadow !== "none");
  let visible = el.matches(":focus-visible") && seen(getComputedStyle(el));
  if (!visible && el.labels && el.labels.length) {
    const label = el.labels[0];
    visible = seen(getComputedStyle(label, "::before")) || seen(getComputedStyle(label));
  }
  const before = window.__pprFocusedBefore;
  window.__pprFocusedBefore = el;
  const same = before === el;
  const follows = !before || !before.isConnected || same
    || !!(before.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING);
  return {name: name, visible: visible, same: same, follows: follows, checked: !!el.checked,
          inMain: !!el.closest("main")};
}"""


class KeyboardWalk:
    """Tab stops reached with the keyboard, with what is wrong about them."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.stops: list[str] = []
        self.not_visible: list[str] = []
        self.out_of_order: list[str] = []

    def focused(self) -> dict[str, Any]:
        return self.page.evaluate(_FOCUS)

    def press(self, key: str) -> dict[str, Any]:
        self.page.keyboard.press(key)
        return self.focused()

    def tab_to(self, name: str, *, limit: int = 40) -> list[str]:
        """Press Tab until the element named ``name`` has focus; the names on the way."""
        on_the_way: list[str] = []
        for _ in range(limit):
            stop = self.press("Tab")
            if stop["same"]:  # A date input's next part: the browser draws that focus itself.
                continue
            on_the_way.append(stop["name"])
            if not stop["visible"]:
                self.not_visible.append(stop["name"])
            if not stop["follows"]:
                self.out_of_order.append(stop["name"])
            if stop["name"] == name:
                self.stops.extend(on_the_way)
                return on_the_way
        raise AssertionError(f"Tab never reached {name!r}; stops: {on_the_way}")


def test_a_koordineringskonference_works_from_the_keyboard_alone(
    page: Page, site: str, cast: Any
) -> None:
    """A PPR psychologist decides an opgave, puts a new one on the agenda and writes the notat
    with Tab, arrow keys, typing and Enter only; focus is always visible and moves in the order
    of the page."""
    forum("sparring_ppr")
    series = SeriesFactory(
        institution=cast.school,
        created_by=cast.school_leader,
        standing=[cast.psychologist, cast.school_leader],
    )
    meeting = ConferenceFactory(
        series=series,
        created_by=cast.school_leader,
        participants=[cast.psychologist, cast.school_leader],
    )
    item = AgendaItemFactory(meeting=meeting, position=1, submitted_by=cast.school_leader)
    log_in(page, site, cast.psychologist.email)
    expect(page.get_by_role("heading", level=1)).to_have_text("Mit overblik")
    page.goto(f"{site}{meeting.get_absolute_url()}")
    expect(page.get_by_role("heading", level=1)).to_have_text(series.name)
    walk = KeyboardWalk(page)

    # Tab from the top: the skip link comes first and jumps past the menu to the content.
    assert walk.tab_to("Gå til sidens indhold", limit=1)
    page.keyboard.press("Enter")
    # The agenda's index, then the opgave's decision form, open because it is undecided.
    assert walk.tab_to("Igangsæt en indsats") == [
        "Uro i klassen",
        "Beslut for punkt 1",
        "Igangsæt en indsats",
    ]
    # The decisions are one radio group: an arrow key moves to (and checks) the next one.
    for label in ("Indstilling til PPR", "Henvis til et forum i supportmodellen"):
        stop = walk.press("ArrowDown")
        assert (stop["name"], stop["checked"], stop["visible"]) == (label, True, True)
    assert walk.press("ArrowUp")["name"] == "Indstilling til PPR"
    walk.press("ArrowUp")
    stop = walk.press("ArrowUp")  # From the first, round to the last: Afslut.
    assert (stop["name"], stop["checked"], stop["visible"]) == ("Afslut", True, True)
    assert walk.tab_to("Gem beslutning for punkt 1") == [
        "Henvis til forum",
        "Indsats fra kataloget",
        "Ansvarlig",
        "Opfølgning senest",
        "Uddybning",
        "Gem beslutning for punkt 1",
    ]
    page.keyboard.press("Enter")
    expect(page.locator(f"#punkt-{item.pk} .ppr-decision")).to_contain_text("Beslutning: Afslut")
    page.wait_for_load_state("networkidle")
    item.refresh_from_db()
    assert item.decision == Decision.CLOSE and item.decided_by == cast.psychologist
    assert serious_violations(page) == []

    # After the htmx swap Tab goes on from the opgave (not from the top of the page) to the form
    # that puts a new opgave on the agenda.
    on_the_way = walk.tab_to("Opgave (kort) (skal udfyldes)", limit=6)
    assert "Gå til sidens indhold" not in on_the_way, on_the_way
    page.keyboard.type("Skrevet med tastaturet")
    assert walk.tab_to("Anonym beskrivelse") == ["Beskrivelse", "Barn", "Anonym beskrivelse"]
    page.keyboard.type("pige, 1. klasse")
    assert walk.tab_to("Sæt på dagsordenen") == ["Sæt på dagsordenen"]
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Punkt 2: Skrevet med tastaturet")).to_be_visible()
    added = AgendaItem.objects.get(meeting=meeting, position=2)
    assert (added.title, added.anonymous_description) == (
        "Skrevet med tastaturet",
        "pige, 1. klasse",
    )

    # The page comes back at the new opgave; Tab goes on from there to the notat's button.
    assert walk.tab_to("Skriv notat fra mødet")[0] == "Beslut for punkt 2"
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Notat:")
    walk.tab_to("Gå til sidens indhold", limit=1)
    page.keyboard.press("Enter")
    walk.tab_to("Notat")
    page.keyboard.type("Aftalt med tastaturet alene.")
    walk.tab_to("Gem kladde")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").first).to_contain_text("Notatet er gemt som kladde.")
    page.wait_for_load_state("networkidle")
    note = Note.objects.get()
    assert note.text == "Aftalt med tastaturet alene." and note.status == NoteStatus.DRAFT

    assert walk.not_visible == [], f"focus not visible on {walk.not_visible}"
    assert walk.out_of_order == [], f"focus moved backwards to {walk.out_of_order}"
    assert serious_violations(page) == []
