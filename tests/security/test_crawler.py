"""Crawl the demo municipality as every demo login: no page shows a child outside the user's scope.

The demo is seeded once per session (tests/conftest.py ``seeded_demo``) and put back for the module,
in a transaction that is rolled back at the end. For each demo login the test client walks the app
breadth-first from Mit overblik (tests/crawl.py: links, hx-get URLs, GET forms with their defaults;
nothing is posted). Every response must be one of 200/3xx/403/404/405, and no text response may name
a demo child the user cannot see: the scope is the project's own rule, the union of the children
reached through every ``visible_to(user)`` queryset that points at a child (the child itself, its
cases, referrals, ratings, forum referrals and meetings, agenda items, course places and absence
cases; for a request at a transition only those that may name the child, ``naming_child_to``). Full
CPR numbers never appear on a GET page at all (showing one is a POST, audited).
"""

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from html import unescape
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.contrib import admin
from django.db import transaction
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString

from cases.models import Case, Child, ChildQuerySet, Guardian
from demo.cases import parent_cpr
from demo.organisation import DemoOrganisation
from parents.access import children_of
from ppr.accounts import services
from ppr.accounts.models import Role, User
from ppr.organisation.models import Institution
from ppr.tables import ColumnCells
from tests.conftest import SeededDemo, restore_demo
from tests.crawl import Page, crawl, route_of
from tests.parents.factories import parent_user

ALLOWED_STATUSES = {200, 301, 302, 303, 304, 307, 308, 403, 404, 405}

#: Least number of pages each login's crawl must open, so the test cannot pass by crawling nothing.
MIN_PAGES = {"admin@nordvig.dk": 5}
MIN_PAGES_DEFAULT = 30

#: The visitation pages (issue 21) each role reaches by following links in the demo: the route
#: from the application through the committee, the decision and its appeals to the placement,
#: its review and the offer's capacity, and the visitation reports.
VISITATION_ROUTES = {
    "leder@ppr.nordvig.dk": {
        "visitation:visitation/",
        "visitation:visitation/<id:pk>/",
        "visitation:visitation/moeder/",
        "visitation:visitation/moeder/<id:pk>/",
        "visitation:visitation/punkt/<id:pk>/",
        "visitation:visitation/udvalg/",
        "visitation:visitation/udvalg/<id:pk>/",
        "visitation:visitation/afgoerelse/<id:pk>/klager/",
        "visitation:visitation/afgoerelse/<id:pk>/send/",
        "visitation:visitation/tilbud/",
        "visitation:visitation/tilbud/<id:pk>/",
        "visitation:visitation/placering/<id:pk>/",
        "visitation:visitation/placering/<id:pk>/revurdering/",
        "reports:rapporter/drift/<slug:slug>/",
        # The data subject's rights (issue 23): the menu's page and a child's, from its page.
        "rights:persondata/",
        "rights:persondata/barn/<id:child_id>/",
        "rights:persondata/barn/<id:child_id>/begraens/",
        # Retention and deletion (issue 23): the menu's page and its rules, holds and log.
        "lifecycle:sletning/",
        "lifecycle:sletning/regler/",
        "lifecycle:sletning/regler/<slug:record_type>/",
        "lifecycle:sletning/tilbagehold/",
        "lifecycle:sletning/log/",
        # The archive delivery (issue 23): the menu's page.
        "archive:arkiv/",
    },
    "psykolog@ppr.nordvig.dk": {
        "visitation:visitation/",
        "visitation:visitation/<id:pk>/",
        "visitation:visitation/moeder/",
        "visitation:visitation/tilbud/",
        "visitation:visitation/tilbud/<id:pk>/",
    },
    "skoleleder.vestervang@nordvig.dk": {
        "visitation:visitation/",
        "visitation:visitation/ny/",
        "visitation:visitation/<id:pk>/",
        "visitation:visitation/tilbud/",
        "visitation:visitation/tilbud/<id:pk>/",
    },
}


#: Tidlig opsporing (issue 25, seed 004 §3.1–3.3): the overview, its "Registrér en
#: observation" page (for those who record), a child's observations and the next steps from
#: one, reached by following links in the demo.
OBSERVATION_ROUTES = {
    "sundhedsplejerske@nordvig.dk": {
        "cases:sager/opsporing/",
        "cases:sager/opsporing/ny/",
        "cases:sager/boern/<id:pk>/opsporing/",
        "cases:sager/boern/<id:pk>/opsporing/ny/",
        "cases:sager/boern/<id:pk>/boernelineal/ny/",
    },
    "leder.maelkeboetten@nordvig.dk": {
        "cases:sager/opsporing/",
        "cases:sager/opsporing/ny/",
        "cases:sager/boern/<id:pk>/opsporing/",
        "cases:sager/boern/<id:pk>/opsporing/ny/",
        "meetings:moeder/henvisninger/fra-observation/<id:pk>/",
    },
    "paedagog.maelkeboetten@nordvig.dk": {
        "cases:sager/opsporing/",
        "cases:sager/opsporing/ny/",
        "cases:sager/boern/<id:pk>/opsporing/",
        "cases:sager/boern/<id:pk>/opsporing/ny/",
    },
    "socialraadgiver@nordvig.dk": {
        "cases:sager/opsporing/",
        "cases:sager/boern/<id:pk>/opsporing/",
    },
}


#: The pages of issue 25 (the TRIO, the institution's own response, Skolesocialrådgivning's open
#: consultation, the Børnelineal across professions, the editable development plan and effect
#: goals, the prevention spending, the absence import) each role that uses them reaches by
#: following links in the demo.
ISSUE25_ROUTES = {
    "leder@ppr.nordvig.dk": {
        "meetings:moeder/trio/",
        "meetings:moeder/trio/<id:pk>/",
        "meetings:moeder/trio/<id:pk>/<year:year>/",
        "meetings:moeder/skolesocialraadgivning/",
        "reports:rapporter/effektmaal/nyt/",
        "reports:rapporter/effektmaal/udgaaede/",
        "reports:rapporter/effektmaal/forebyggelse/",
        "reports:rapporter/udviklingsplan/",
        "reports:rapporter/udviklingsplan/indsats/ny/",
        "reports:rapporter/udviklingsplan/indsats/<id:pk>/",
        "reports:rapporter/udviklingsplan/indsats/<id:pk>/aktivitet/ny/",
        "reports:rapporter/udviklingsplan/aktivitet/<id:pk>/",
        "cases:sager/boern/<id:pk>/boernelineal/",
        "cases:sager/boern/<id:pk>/boernelineal/ny/",
        "cases:sager/boernelineal/",
    },
    "skoleleder.vestervang@nordvig.dk": {
        # The TRIO's form (its own school's page) and a draft's finishing page lie beyond the
        # crawl's three URLs per pattern; tests/e2e/test_trio_and_consultation.py and the
        # accessibility sweep's extra pages open them.
        "meetings:moeder/trio/",
        "meetings:moeder/trio/<id:pk>/",
        "meetings:moeder/henvisninger/ny/",
        "meetings:moeder/skolesocialraadgivning/",
        "meetings:moeder/skolesocialraadgivning/tider/<id:pk>/book/",
        "indsatser:indsatser/fravaer/import/",
        "cases:sager/boern/<id:pk>/boernelineal/",
    },
    "socialraadgiver@nordvig.dk": {
        "meetings:moeder/skolesocialraadgivning/",
        "meetings:moeder/skolesocialraadgivning/tider/<id:pk>/",
        "meetings:moeder/skolesocialraadgivning/tider/<id:pk>/book/",
    },
    # The social worker's and the health visitor's way to a child's Børnelineal page is the
    # Tidlig opsporing pages: OBSERVATION_ROUTES.
}


@dataclass(frozen=True)
class DemoChild:
    pk: int
    first_name: str
    last_name: str
    cpr: str  # ddmmyy-xxxx, full

    def names(self) -> list[str]:
        return [f"{self.first_name} {self.last_name}", f"{self.last_name}, {self.first_name}"]

    def cprs(self) -> list[str]:
        return [self.cpr, self.cpr.replace("-", "")]

    @property
    def masked(self) -> str:
        return f"{self.cpr[:6]}-xxxx"


def children_in_scope(user: User) -> set[int]:
    """Every child the user may see through any ``visible_to`` queryset that points at a child."""
    scope = set(Child.objects.visible_to(user).values_list("pk", flat=True))
    for model in apps.get_models():
        field = next(
            (f for f in model._meta.concrete_fields if f.related_model is Child and f.many_to_one),
            None,
        )
        queryset = model._default_manager.all()
        if field is None or not hasattr(queryset, "visible_to"):
            continue
        # A row that may show its child anonymously says which rows name the child.
        naming = getattr(queryset, "naming_child_to", queryset.visible_to)
        ids = naming(user).values_list(field.attname, flat=True)
        scope.update(pk for pk in ids if pk is not None)
    return scope


def _needles(children: list[DemoChild], scope: set[int]) -> dict[str, str]:
    """{text that must not appear: what it would reveal}."""
    visible = [child for child in children if child.pk in scope]
    allowed = {text for child in visible for text in [*child.names(), child.masked]}
    needles = {cpr: f"full CPR of child {child.pk}" for child in children for cpr in child.cprs()}
    for child in children:
        if child.pk in scope:
            continue
        for name in child.names():
            if name not in allowed:
                needles[name] = f"out-of-scope child {child.pk} ({name})"
        if child.masked not in allowed:
            needles[child.masked] = f"masked CPR of out-of-scope child {child.pk}"
    return needles


def _pattern(texts: list[str]) -> re.Pattern[str]:
    """Whole words only (Ida Holm is not in Ida Holmberg), any whitespace between words."""
    alternatives = [
        r"\s+".join(map(re.escape, t.split(" "))) for t in sorted(texts, key=len, reverse=True)
    ]
    return re.compile(rf"(?<!\w)(?:{'|'.join(alternatives)})(?!\w)")


def leaks(pages: dict[str, Page], children: list[DemoChild], scope: set[int]) -> list[str]:
    """Where a page (or its URL) names an out-of-scope child or shows any full CPR number."""
    needles = _needles(children, scope)
    pattern = _pattern(list(needles))
    found: list[str] = []
    for page in pages.values():
        matches = pattern.findall(f"{page.url}\n{page.text}")  # a CPR number in a URL counts too
        for match in dict.fromkeys(re.sub(r"\s+", " ", m) for m in matches):
            found.append(f"{page.url}: {needles[match]} (found on {page.found_on})")
    return found


def names_shown(pages: dict[str, Page], children: list[DemoChild]) -> set[int]:
    """The children named on any page (to show the check sees names at all)."""
    by_name = {child.names()[0]: child.pk for child in children}
    pattern = _pattern(list(by_name))
    return {
        by_name[re.sub(r"\s+", " ", match)]
        for page in pages.values()
        for match in pattern.findall(page.text)
    }


def bad_statuses(pages: dict[str, Page]) -> list[str]:
    return [
        f"{page.url}: {page.status} (found on {page.found_on})"
        for page in pages.values()
        if page.status not in ALLOWED_STATUSES
    ]


# --- The checker can fail --------------------------------------------------------------------


def _page(text: str) -> dict[str, Page]:
    url = "/sager/1/"
    return {url: Page(url=url, status=200, content_type="text/html", text=text, found_on="/")}


MINE = DemoChild(1, "Alma", "Jensen", "010116-1234")
OTHER = DemoChild(2, "Bo", "Nielsen", "020216-5678")


def test_the_checker_reports_an_out_of_scope_child_by_name_and_masked_cpr() -> None:
    pages = _page("<td>Alma Jensen</td><td>Nielsen,\n  Bo</td><td>020216-xxxx</td>")
    assert leaks(pages, [MINE, OTHER], scope={1}) == [
        "/sager/1/: out-of-scope child 2 (Nielsen, Bo) (found on /)",
        "/sager/1/: masked CPR of out-of-scope child 2 (found on /)",
    ]


def test_the_checker_reports_any_full_cpr_and_passes_a_clean_page() -> None:
    assert leaks(_page("CPR 0101161234"), [MINE, OTHER], scope={1}) == [
        "/sager/1/: full CPR of child 1 (found on /)"
    ]
    assert leaks(_page("Alma Jensen 010116-xxxx Bo"), [MINE, OTHER], scope={1}) == []


def test_the_checker_reports_a_cpr_number_in_a_url() -> None:
    url = "/sager/soeg/?q=0202165678"
    pages = {url: Page(url=url, status=200, content_type="text/html", text="", found_on="/")}
    assert leaks(pages, [MINE, OTHER], scope={1, 2}) == [f"{url}: full CPR of child 2 (found on /)"]


def test_bad_statuses_reports_a_500() -> None:
    pages = _page("")
    pages["/sager/1/"].status = 500
    assert bad_statuses(pages) == ["/sager/1/: 500 (found on /)"]


# --- The crawl -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(
    seeded_demo: SeededDemo, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[DemoOrganisation]:
    """The demo municipality as the session seeded it (``seeded_demo``), put back for the module
    in a transaction rolled back afterwards; its PDFs copied to a throwaway directory, never
    the checkout. (When a worker gets the module's tests in several chunks, each chunk puts the
    demo back, in well under a second, instead of seeding it again.)"""
    with django_db_blocker.unblock(), transaction.atomic():
        storages = restore_demo(seeded_demo, tmp_path_factory.mktemp("private"))
        with override_settings(STORAGES=storages):
            yield seeded_demo.organisation
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def demo_children(demo: DemoOrganisation, django_db_blocker: Any) -> list[DemoChild]:
    with django_db_blocker.unblock():
        return [
            DemoChild(child.pk, child.first_name, child.last_name, child.cpr)
            for child in Child.objects.all()
        ]


#: The demo's logins (demo/organisation.py); a test below fails when the demo gains one not listed here.
LOGINS = [
    "leder@ppr.nordvig.dk",
    "psykolog@ppr.nordvig.dk",
    "psykolog2@ppr.nordvig.dk",
    "psykolog3@ppr.nordvig.dk",
    "tale@ppr.nordvig.dk",
    "sekretaer@ppr.nordvig.dk",
    "skoleleder.vestervang@nordvig.dk",
    "skoleleder.oesterbro@nordvig.dk",
    "leder.maelkeboetten@nordvig.dk",
    "laerer.vestervang@nordvig.dk",
    "paedagog.maelkeboetten@nordvig.dk",
    "socialraadgiver@nordvig.dk",
    "sundhedsplejerske@nordvig.dk",
    "admin@nordvig.dk",
]


@pytest.mark.django_db
def test_every_demo_login_is_crawled(demo: DemoOrganisation) -> None:
    assert sorted(email for _role, email, _password in demo.logins) == sorted(LOGINS)


@dataclass
class Crawl:
    """One login's crawl: its pages, and the table cells compared on the way
    (``test_every_table_cell_in_the_demo_is_the_one_django_tables2_renders``)."""

    pages: dict[str, Page]
    seconds: float
    cells: list[str]
    different: list[str]


#: Each login's crawl, once per module (per xdist worker): the scope test and the table-cell
#: test of the same login read the same crawl instead of walking the app twice. The crawl is
#: GET only, and every test's changes (audit rows, sessions) are rolled back, so a second crawl
#: would open the same pages with the same contents.
CRAWLS: dict[str, Crawl] = {}


#: The logins whose crawls compare every table cell with django-tables2's
#: (``test_every_table_cell_in_the_demo_is_the_one_django_tables2_renders``).
TABLE_LOGINS = [
    "leder@ppr.nordvig.dk",
    "psykolog@ppr.nordvig.dk",
    "sekretaer@ppr.nordvig.dk",
    "skoleleder.vestervang@nordvig.dk",
]


def crawl_as(email: str) -> Crawl:
    """The login's crawl from Mit overblik; for ``TABLE_LOGINS`` every table cell on it
    compared with what django-tables2 renders (``ColumnCells.cell`` returns its own cell, so
    the pages are the ones the app serves; the other logins' crawls skip the second rendering
    of each cell, which nothing reads)."""
    if email in CRAWLS:
        return CRAWLS[email]
    cells: list[str] = []
    different: list[str] = []
    ours = ColumnCells.cell

    def compared(self: ColumnCells, row: Any) -> Any:
        cell = ours(self, row)
        theirs = row.get_cell(self.column.name)
        where = f"{type(self.table).__name__}.{self.column.name}"
        cells.append(where)
        if str(cell) != str(theirs) or isinstance(cell, SafeString) != isinstance(
            theirs, SafeString
        ):
            different.append(f"{where}: {cell!r} != {theirs!r}")
        return cell

    client = Client()
    client.force_login(User.objects.get(email=email))
    started = time.monotonic()
    with pytest.MonkeyPatch.context() as patch:
        if email in TABLE_LOGINS:
            patch.setattr(ColumnCells, "cell", compared)
        pages = crawl(client)
    CRAWLS[email] = Crawl(pages, time.monotonic() - started, cells, different)
    return CRAWLS[email]


@pytest.fixture(scope="module", autouse=True)
def _crawls_of_this_demo(demo: DemoOrganisation) -> Iterator[None]:
    """The crawls belong to the module's demo: forgotten with it."""
    yield
    CRAWLS.clear()


def same_worker(emails: list[str]) -> list[Any]:
    """The logins as parameters, each in its own pytest-xdist group (``--dist loadgroup``,
    Makefile): a login's tests run on one worker and share its crawl."""
    return [
        pytest.param(email, marks=pytest.mark.xdist_group(f"crawl-{email}")) for email in emails
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("email", same_worker(LOGINS))
def test_no_page_shows_a_child_outside_the_users_scope(
    email: str, demo: DemoOrganisation, demo_children: list[DemoChild]
) -> None:
    user = User.objects.get(email=email)
    scope = children_in_scope(user)
    walk = crawl_as(email)
    pages = walk.pages
    shown = names_shown(pages, demo_children)
    print(
        f"{email}: {len(pages)} pages in {walk.seconds:.1f} s, "
        f"{len(shown)} children named, {len(scope)}/{len(demo_children)} in scope; "
        + ", ".join(
            f"{p.status} {p.url} (on {p.found_on})"
            for p in pages.values()
            if p.status in (403, 404)
        )
    )

    assert bad_statuses(pages) == []
    assert leaks(pages, demo_children, scope) == []
    assert len(pages) >= MIN_PAGES.get(email, MIN_PAGES_DEFAULT)
    routes = {route_of(urlsplit(url).path) for url in pages}
    missing = VISITATION_ROUTES.get(email, set()) - routes
    assert missing == set(), sorted(r for r in routes if r and "visitation" in r)
    missing = OBSERVATION_ROUTES.get(email, set()) - routes
    assert missing == set(), sorted(r for r in routes if r and "opsporing" in r)
    missing = ISSUE25_ROUTES.get(email, set()) - routes
    assert missing == set(), (sorted(missing), sorted(r for r in routes if r))
    # The check reads names at all: a user with children in scope sees some of them by name.
    assert bool(shown) == bool(scope)


@pytest.mark.django_db
def test_the_crawl_catches_a_view_that_ignores_the_scope(
    demo: DemoOrganisation, demo_children: list[DemoChild], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pages that list children through ``Child.objects.visible_to`` are caught when it lets
    every child through (the social worker's conference pages offer all children then)."""
    user = User.objects.get(email="socialraadgiver@nordvig.dk")
    scope = children_in_scope(user)
    monkeypatch.setattr(ChildQuerySet, "visible_to", lambda self, user: self.all())
    client = Client()
    client.force_login(user)
    found = [
        line for line in leaks(crawl(client), demo_children, scope) if "out-of-scope child" in line
    ]
    # Since only the TRIO refers to a forum (issue 25) the henvisning form, which listed every
    # child, is no longer on the social worker's crawl; the konference and the open
    # consultation's booking still list children: each page must show the leak.
    pages = {line.split(": ", 1)[0] for line in found}
    assert any(page.startswith("/moeder/konferencer/moeder/") for page in pages), found
    assert any(page.startswith("/moeder/skolesocialraadgivning/tider/") for page in pages), found
    assert len(found) >= 4, found


# --- Parents (custody holders signed in with MitID) --------------------------------------

#: Demo custody holders by (child's serial in demo/cases.py CHILDREN, parent, custody ended
#: today): Alma Kjærgaard's mother (joint custody; invited to write the parents' perspective into
#: the school's draft), Oscar Vestergaard's father (no custody: "single"), Ella Bertelsen's mother
#: (a message thread with the case worker; demo/parents.py), and Alma's and Ella's mothers again
#: with their custody recorded as ended today: they see nothing of the child any more.
DEMO_PARENTS = [
    (0, "mor", False),
    (3, "far", False),
    (6, "mor", False),
    (0, "mor", True),
    (6, "mor", True),
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("serial", "parent", "ended"),
    # With the psychologist's tests (``--dist loadgroup``): ``staff_urls`` is her crawl, made
    # once on that worker for her tests and these.
    [
        pytest.param(*p, marks=pytest.mark.xdist_group("crawl-psykolog@ppr.nordvig.dk"))
        for p in DEMO_PARENTS
    ],
)
def test_a_parent_sees_their_own_children_and_no_other_child_or_staff_page(
    serial: int,
    parent: str,
    ended: bool,
    demo: DemoOrganisation,
    demo_children: list[DemoChild],
    staff_urls: list[str],
    portal_urls: list[str],
) -> None:
    user = parent_user(parent_cpr(serial, parent), first_name="Demo", last_name="Forælder")
    if ended:
        hashes = user.parent_identity.lookup_hashes()
        assert Guardian.objects.with_cpr_hashes(hashes).update(
            custody_ended_on=timezone.localdate()
        )
    scope = set(children_of(user).values_list("pk", flat=True))
    client = Client()
    client.force_login(user)
    pages = crawl(client)
    # Every staff page the demo has a route to answers a parent 403 (the crawl cannot reach
    # them by links: the portal has none), so open one page per staff URL pattern too.
    staff = [url for url in staff_urls if url not in pages]
    # And every portal page the other custody holders reach (their children's pages, threads,
    # documents): another parent's child is a 404, never a page.
    others = [url for url in portal_urls if url not in pages]
    for url in [*staff, *others]:
        response = client.get(url)
        pages[url] = Page(
            url=url,
            status=response.status_code,
            content_type=response.get("Content-Type", ""),
            text=unescape(response.content.decode(response.charset or "utf-8", "replace")),
            found_on="the psychologist's crawl" if url in staff else "another parent's crawl",
        )
    print(
        f"parent {serial}/{parent}{' (custody ended)' if ended else ''}: {len(pages)} pages"
        f" ({len(pages) - len(staff) - len(others)} by links, {len(staff)} staff URLs,"
        f" {len(others)} of other parents),"
        f" {len(scope)} children in scope"
    )

    assert bad_statuses(pages) == []
    assert leaks(pages, demo_children, scope) == []
    assert names_shown(pages, demo_children) == scope
    assert {pages[url].status for url in staff} == {403}
    # (A page without an id, such as a form's start, is every parent's own: its text was
    # checked for names above.)
    assert {pages[url].status for url in others if re.search(r"/\d+/", url)} <= {404}
    assert len(others) >= 5
    assert len(staff) >= 30
    assert pages["/"].status == 302 and pages["/foraeldre/"].status == 200
    assert len(scope) == (0 if ended or parent == "far" else 1)
    # The custody holder reaches the messages and the own referral of their child by links; the
    # psychologist's crawl reached the case's messages (403 for the parent above).
    reached = {route_of(url) for url, page in pages.items() if page.status == 200}
    assert (reached >= PARENT_CHILD_PAGES) == bool(scope), sorted(filter(None, reached))
    assert any(url.startswith("/beskeder/sag/") for url in staff)
    # The demo's pending task and message thread (demo/parents.py) are reached by links.
    extra = {
        0: "parents:foraeldre/perspektiv/<id:pk>/",
        6: "parent-messages:foraeldre/beskeder/<id:pk>/",
    }
    if serial in extra:
        assert (extra[serial] in reached) == (not ended), sorted(filter(None, reached))


#: What a custody holder reaches from the portal's start page about their child.
PARENT_CHILD_PAGES = {
    "parent-messages:foraeldre/beskeder/",
    "parent-messages:foraeldre/beskeder/ny/<id:child_pk>/",
    "parents:foraeldre/boern/<id:child_pk>/indstil/",
}


@pytest.fixture(scope="module")
def portal_urls(demo: DemoOrganisation, django_db_blocker: Any) -> list[str]:
    """The parents' portal pages the demo's custody holders with a child (Alma's and Ella's
    mothers) reach with 200, their parent users rolled back afterwards."""
    urls: set[str] = set()
    with django_db_blocker.unblock(), transaction.atomic():
        for serial, parent, _ in DEMO_PARENTS[:3]:
            client = Client()
            client.force_login(parent_user(parent_cpr(serial, parent)))
            urls |= {url for url, page in crawl(client).items() if page.status == 200}
        transaction.set_rollback(True)
    return sorted(url for url in urls if url.startswith("/foraeldre/"))


@pytest.fixture(scope="module")
def staff_urls(demo: DemoOrganisation, django_db_blocker: Any) -> list[str]:
    """The pages the psychologist's crawl opens with 200: staff pages with real ids (her crawl
    of ``crawl_as``, made once per module for her own tests and these)."""
    with django_db_blocker.unblock(), override_settings(PPR_MFA_REQUIRED=False):
        walk = crawl_as("psykolog@ppr.nordvig.dk")
        return [url for url, page in walk.pages.items() if page.status == 200]


# --- Table cells (ppr/tables.py) -----------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("email", same_worker(TABLE_LOGINS))
def test_every_table_cell_in_the_demo_is_the_one_django_tables2_renders(
    email: str, demo: DemoOrganisation
) -> None:
    """``{% table_body %}`` works out per column what django-tables2 works out per cell; on every
    table the crawl reaches, each cell must still be what ``BoundRow.get_cell`` gives (compared
    during the login's crawl, ``crawl_as``)."""
    walk = crawl_as(email)

    assert walk.different == []
    assert len(set(walk.cells)) >= 10  # columns of several tables were compared


# --- The administrator's /admin/ and a freshly granted, unapproved user ----------------------

ADMIN_LOGIN = "admin@nordvig.dk"


def admin_object_pages(user: User) -> list[str]:
    """The change, delete and history page of every row of every model the user's admin
    lists – whether or not a link leads there."""
    request = RequestFactory().get("/admin/")
    request.user = user
    urls: list[str] = []
    for app in admin.site.get_app_list(request):
        for entry in app["models"]:
            model = entry["model"]
            model_admin = admin.site.get_model_admin(model)
            info = (model._meta.app_label, model._meta.model_name)
            for pk in model_admin.get_queryset(request).values_list("pk", flat=True):
                for page in ("change", "delete", "history"):
                    urls.append(reverse(f"admin:{info[0]}_{info[1]}_{page}", args=[pk]))
    return urls


def case_content_named(pages: dict[str, Page]) -> list[str]:
    """Where an admin page names a guardian or a case (a delete page's cascade list would)."""
    needles = {name: "a guardian" for name in Guardian.objects.values_list("name", flat=True)}
    needles |= {f"Sag {case.reference}": "a case" for case in Case.objects.all()}
    pattern = _pattern(list(needles))
    return [
        f"{page.url}: {needles[re.sub(r'\s+', ' ', match)]} {match!r}"
        for page in pages.values()
        for match in dict.fromkeys(pattern.findall(page.text))
    ]


@pytest.mark.django_db
def test_no_admin_page_shows_a_child(
    demo: DemoOrganisation, demo_children: list[DemoChild]
) -> None:
    """Every link of /admin/ the administrator can follow and every change, delete and history
    page of every row he manages – the institutions' delete pages above all."""
    user = User.objects.get(email=ADMIN_LOGIN)
    client = Client()
    client.force_login(user)
    pages = crawl(client, start="/admin/", admin=True, max_pages=3000, per_route=20)
    for url in admin_object_pages(user):
        if url not in pages:
            response = client.get(url)
            pages[url] = Page(
                url=url,
                status=response.status_code,
                content_type=response.get("Content-Type", ""),
                text=unescape(response.content.decode()),
                found_on="admin_object_pages",
            )
    delete_pages = [url for url in pages if url.endswith("/delete/")]
    institution_deletes = [
        url for url in delete_pages if url.startswith("/admin/organisation/institution/")
    ]
    print(f"{ADMIN_LOGIN}: {len(pages)} admin pages, {len(delete_pages)} delete pages")

    assert bad_statuses(pages) == []
    assert leaks(pages, demo_children, scope=set()) == []
    assert case_content_named(pages) == []
    assert len(institution_deletes) == Institution.objects.count() >= 13
    # An institution that children hang on is retired, not deleted: its delete page is refused.
    assert {pages[url].status for url in institution_deletes} >= {403}


@pytest.mark.django_db
def test_a_freshly_granted_but_unapproved_user_finds_no_child(
    demo: DemoOrganisation, demo_children: list[DemoChild]
) -> None:
    administrator = User.objects.get(email=ADMIN_LOGIN)
    newcomer = User.objects.create_user("ny.leder@nordvig.dk", first_name="Ny", last_name="Leder")
    services.propose_membership(user=newcomer, role=Role.PPR_LEADER, by=administrator)
    services.propose_membership(
        user=newcomer,
        role=Role.INSTITUTION_LEADER,
        institution=Institution.objects.first(),
        by=administrator,
    )
    newcomer = User.objects.get(pk=newcomer.pk)
    assert children_in_scope(newcomer) == set()
    client = Client()
    client.force_login(newcomer)
    pages = crawl(client)

    assert bad_statuses(pages) == []
    assert leaks(pages, demo_children, scope=set()) == []
    assert names_shown(pages, demo_children) == set()
    assert len(pages) >= 3
