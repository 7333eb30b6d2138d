"""The standing cast every view test uses (see STYLE.md §9).

- ``psychologist``: the case's psychologist, in Team Vest
- ``colleague``: another psychologist on Team Vest
- ``outsider``: a psychologist in Team Øst (another district)
- ``ppr_leader``, ``secretary``: PPR's leader and intake
- ``school_leader``: the leader of the child's school (Vest)
- ``other_leader``: the leader of another school (Øst)
- ``teacher``: staff at the child's school
- ``social_worker``, ``health_visitor``: partners
- ``administrator``: IT; manages the organisation, reads no case content
- ``parent``, ``other_parent``: custody holders signed in with MitID (the parents' portal);
  ``tests/parents/factories.py`` gives them custody of a child (``give_custody``)
"""

import copy
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.core.cache import caches
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connections, transaction
from django.test import Client
from whitenoise.base import WhiteNoise

from ppr import generations
from ppr.accounts.models import Role, User
from ppr.celery import app as celery_app
from ppr.organisation.models import District, Institution, InstitutionKind, Team

from .factories import InstitutionFactory, TeamFactory, user_with_role
from .parents.factories import OTHER_PARENT_CPR, PARENT_CPR, parent_user


def redis_database(url: str, number: int) -> str:
    """``url`` with Redis database ``number``."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{number}", parts.query, ""))


def redis_number(url: str) -> int:
    return int(urlsplit(url).path.strip("/") or 0)


def _own_redis_per_worker() -> None:
    """Each pytest-xdist worker gets its own Redis database for the cache, the sessions and
    Celery's broker, so workers never see (or renew) each other's keys: worker n uses database
    ``REDIS_URL``'s number XOR 2n (15 → 15, 13; 8 → 8, 10), and tests that start a separate
    worker process use the number XOR 1 beside it (14, 12; 9, 11). Without xdist it is
    REDIS_URL's own database. Runs when this file is imported: after Django read its settings,
    before anything opened the cache or configured Celery."""
    if not django_settings.REDIS_URL:
        return
    worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw"))
    url = redis_database(
        django_settings.REDIS_URL, redis_number(django_settings.REDIS_URL) ^ (2 * worker)
    )
    assert not hasattr(caches._connections, "default"), "the cache was opened before conftest"
    os.environ["REDIS_URL"] = django_settings.REDIS_URL = url
    django_settings.CACHES["default"]["LOCATION"] = url
    django_settings.CELERY_BROKER_URL = url
    celery_app.conf.broker_url = url


_own_redis_per_worker()


@dataclass
class Cast:
    vest: District
    oest: District
    team_vest: Team
    team_oest: Team
    school: Institution
    other_school: Institution
    daycare: Institution
    psychologist: User
    colleague: User
    outsider: User
    ppr_leader: User
    secretary: User
    school_leader: User
    other_leader: User
    daycare_leader: User
    teacher: User
    social_worker: User
    health_visitor: User
    administrator: User
    parent: User
    other_parent: User

    def by_role(self) -> dict[str, User | None]:
        """Every role of the access matrix, anonymous included."""
        return {
            "anonymous": None,
            "psychologist": self.psychologist,
            "colleague": self.colleague,
            "outsider": self.outsider,
            "ppr_leader": self.ppr_leader,
            "secretary": self.secretary,
            "school_leader": self.school_leader,
            "other_leader": self.other_leader,
            "teacher": self.teacher,
            "social_worker": self.social_worker,
            "administrator": self.administrator,
            "parent": self.parent,
            "other_parent": self.other_parent,
        }


#: Queries a request makes to read its session: none with Redis (cached_db sessions are read
#: from the cache), one from the database without. Query-count guards add it to the page's own.
SESSION_QUERIES = 0 if django_settings.REDIS_URL else 1


#: The cast's last names: distinct, and none that the factories' Faker (da_DK) draws. A test that
#: finds a person by name can then never find another cast member or a generated person.
CAST_LAST_NAMES = (
    "Birkholm",
    "Skovgaard",
    "Lindholm",
    "Bøgelund",
    "Thyregod",
    "Kjærsgaard",
    "Rosendahl",
    "Aagaard",
    "Munksgaard",
    "Dalsgaard",
    "Hvidberg",
    "Engholm",
    "Fjeldsted",
    "Grønbech",
)


def build_cast() -> Cast:
    """The standing cast, written to the database (about 60 writes)."""
    vest = District.objects.create(name="Vest")
    oest = District.objects.create(name="Øst")
    team_vest = TeamFactory(name="Team Vest", district=vest)
    team_oest = TeamFactory(name="Team Øst", district=oest)
    school = InstitutionFactory(name="Vestervang Skole", district=vest)
    other_school = InstitutionFactory(name="Østerbro Skole", district=oest)
    daycare = InstitutionFactory(
        name="Børnehuset Mælkebøtten",
        district=vest,
        kind=InstitutionKind.DAGTILBUD,
        min_age=0,
        max_age=5,
    )
    names = iter(CAST_LAST_NAMES)

    def member(role: str, **scope: object) -> User:
        user = user_with_role(role, **scope)
        user.last_name = next(names)
        user.save()
        return user

    admin = member(Role.ADMINISTRATOR)
    admin.is_staff = True
    admin.save()
    return Cast(
        vest=vest,
        oest=oest,
        team_vest=team_vest,
        team_oest=team_oest,
        school=school,
        other_school=other_school,
        daycare=daycare,
        psychologist=member(Role.PSYCHOLOGIST, team=team_vest),
        colleague=member(Role.PSYCHOLOGIST, team=team_vest),
        outsider=member(Role.PSYCHOLOGIST, team=team_oest),
        ppr_leader=member(Role.PPR_LEADER),
        secretary=member(Role.SECRETARY),
        school_leader=member(Role.INSTITUTION_LEADER, institution=school),
        other_leader=member(Role.INSTITUTION_LEADER, institution=other_school),
        daycare_leader=member(Role.INSTITUTION_LEADER, institution=daycare),
        teacher=member(Role.STAFF, institution=school),
        social_worker=member(Role.SOCIAL_WORKER, district=vest),
        health_visitor=member(Role.HEALTH_VISITOR, district=vest),
        administrator=admin,
        parent=parent_user(PARENT_CPR, first_name="Pia", last_name=next(names)),
        other_parent=parent_user(OTHER_PARENT_CPR, first_name="Otto", last_name=next(names)),
    )


#: The cast as built once per session (per xdist worker) into the test database; see
#: ``_standing_data``. Tests never get these objects, only copies of them.
STANDING_CAST: list[Cast] = []


@pytest.fixture
def cast(db: None) -> Cast:
    """The standing cast, built once per session and present in every test's database (each
    test's rollback, or serialized rollback for transactional tests, keeps it as built). Each
    test gets its own copies of the model instances, so what a test changes in memory never
    reaches another test."""
    assert STANDING_CAST, "the standing cast is built when the test database is set up"
    return copy.deepcopy(STANDING_CAST[0])


@pytest.fixture
def no_cast(db: None) -> None:
    """The database as the migrations left it, without the standing cast, for the tests of
    what happens in a municipality with no users yet (removed inside the test's transaction,
    so the rollback brings it back)."""
    standing = STANDING_CAST[0]
    User.objects.all().delete()
    schools = [standing.school.pk, standing.other_school.pk, standing.daycare.pk]
    Institution.objects.filter(pk__in=schools).delete()
    Team.objects.filter(pk__in=[standing.team_vest.pk, standing.team_oest.pk]).delete()
    District.objects.filter(pk__in=[standing.vest.pk, standing.oest.pk]).delete()


#: Test modules whose tests take long (crawls of the demo, hypothesis fuzzing, the browser's
#: accessibility sweep): they start first among the tests of their kind, so that pytest-xdist
#: fills the rest of the run around them and short tests even out the workers at the end.
LONG_FIRST = (
    "tests/security/test_crawler.py",
    "tests/security/test_fuzz_endpoints.py",
    "tests/security/test_fuzz_forms.py",
    "tests/e2e/test_accessibility_sweep.py",
)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests run last (after pytest-django's own ordering): Playwright's event loop
    lives until the session ends, and Django refuses database set-up inside a running loop.
    Within each kind the long modules (``LONG_FIRST``) come first (a stable sort: the rest
    keeps its order).

    Every transactional test asks for serialized rollback, so the rows the data migrations
    created (forums, the intervention catalogue, effect goals) and the standing cast are there
    in each of them."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        if (
            marker is not None
            and marker.kwargs.get("transaction")
            and not marker.kwargs.get("serialized_rollback")
            and "/tests/e2e/" not in str(item.path)
        ):
            # Without it the test starts from the empty tables an earlier transactional test
            # left, and its flush lets post_migrate re-create the content types under new ids,
            # which breaks the next test's serialized rollback (CI of stop 27).
            raise pytest.UsageError(
                f"{item.nodeid}: transaction=True needs serialized_rollback=True"
            )
    items.sort(
        key=lambda item: (
            "/tests/e2e/" in str(item.path),
            not str(item.path).endswith(LONG_FIRST),
        )
    )


#: What the data migrations created (forums, the intervention catalogue, effect goals), per
#: database alias: put back when the session ends, so a later run with --reuse-db (PostgreSQL)
#: finds the database as the migrations left it.
MIGRATION_DATA: dict[str, str] = {}

#: The same plus the standing cast: what every test starts from. Transactional tests get it
#: back by serialized rollback, browser tests by ``put_back`` (tests/e2e/conftest.py).
STANDING_DATA: dict[str, str] = {}


def _uses_the_database(item: pytest.Item) -> bool:
    fixtures = set(getattr(item, "fixturenames", ()))
    return item.get_closest_marker("django_db") is not None or bool(
        fixtures & {"db", "transactional_db", "django_db_setup"}
    )


def put_back(data: dict[str, str]) -> None:
    """Empty the tables and load ``data`` (``MIGRATION_DATA`` or ``STANDING_DATA``), with the
    id sequences after the rows."""
    for connection in connections.all():
        call_command(
            "flush",
            verbosity=0,
            interactive=False,
            database=connection.alias,
            allow_cascade=True,
            inhibit_post_migrate=True,
        )
        connection.creation.deserialize_db_from_string(data[connection.alias])
        # flush restarted the id sequences and the rows came back with their ids: move each
        # sequence past its table's highest id (PostgreSQL; SQLite needs nothing), else the
        # next new intervention or forum would get id 1 again.
        statements = connection.ops.sequence_reset_sql(no_style(), apps.get_models())
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


#: A copy of every table's rows per database alias (``take_snapshot``): for PostgreSQL each
#: table's COPY text, for SQLite its column names and raw rows.
Snapshot = dict[str, dict[str, Any]]


def take_snapshot() -> Snapshot:
    """Every table's rows as they are now, copied by the database itself (COPY on PostgreSQL;
    on SQLite a plain SELECT of each column through unary ``+``, which keeps the stored value
    and skips the driver's type converters). Unlike ``serialize_db_to_string`` it copies every
    table, and ``restore_snapshot`` brings thousands of rows back in well under a second instead
    of saving them one by one through the ORM."""
    snapshot: Snapshot = {}
    for connection in connections.all():
        tables: dict[str, Any] = {}
        with connection.cursor() as cursor:
            for table in connection.introspection.django_table_names(only_existing=True):
                quoted = connection.ops.quote_name(table)
                if connection.vendor == "postgresql":
                    with cursor.cursor.copy(f"COPY {quoted} TO STDOUT") as copy:
                        tables[table] = b"".join(bytes(block) for block in copy)
                    continue
                columns = [
                    column.name
                    for column in connection.introspection.get_table_description(cursor, table)
                ]
                selected = ", ".join(f"+{connection.ops.quote_name(c)}" for c in columns)
                cursor.execute(f"SELECT {selected} FROM {quoted}")
                tables[table] = (columns, cursor.fetchall())
        snapshot[connection.alias] = tables
    return snapshot


def restore_snapshot(snapshot: Snapshot) -> None:
    """Empty the tables and put back exactly the rows of ``snapshot`` (``take_snapshot``), with
    the id sequences after them, in one transaction: a live server's request that comes in
    meanwhile (a poll of the page before) waits for it instead of writing into empty tables.
    The foreign keys are checked when the transaction commits."""
    for connection in connections.all():
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            call_command(
                "flush",
                verbosity=0,
                interactive=False,
                database=connection.alias,
                allow_cascade=True,
                inhibit_post_migrate=True,
            )
            for table, rows in snapshot[connection.alias].items():
                quoted = connection.ops.quote_name(table)
                if connection.vendor == "postgresql":
                    if rows:
                        with cursor.cursor.copy(f"COPY {quoted} FROM STDIN") as copy:
                            copy.write(rows)
                    continue
                columns, values = rows
                if values:
                    names = ", ".join(map(connection.ops.quote_name, columns))
                    marks = ", ".join(["%s"] * len(columns))
                    cursor.executemany(f"INSERT INTO {quoted} ({names}) VALUES ({marks})", values)
            statements = connection.ops.sequence_reset_sql(no_style(), apps.get_models())
            for statement in statements:
                cursor.execute(statement)


@pytest.fixture(scope="session", autouse=True)
def _standing_data(request: pytest.FixtureRequest) -> Iterator[None]:
    """Build the standing cast once, committed in the test database (each xdist worker has its
    own), and remember what tests start from for the transactional tests' serialized rollback.
    When the session ends, put back what the migrations left."""
    if not any(_uses_the_database(item) for item in request.session.items):
        yield  # e.g. only the settings tests: no test database to read
        return
    request.getfixturevalue("django_db_setup")
    django_db_blocker = request.getfixturevalue("django_db_blocker")
    with django_db_blocker.unblock():
        if User.objects.exists():
            pytest.exit(
                "The test database holds users (an interrupted run?): run with --create-db.",
                returncode=pytest.ExitCode.USAGE_ERROR,
            )
        for connection in connections.all():
            MIGRATION_DATA[connection.alias] = connection.creation.serialize_db_to_string()
        STANDING_CAST.append(build_cast())
        for connection in connections.all():
            STANDING_DATA[connection.alias] = connection.creation.serialize_db_to_string()
            connection._test_serialized_contents = STANDING_DATA[connection.alias]
    yield
    if all(c.vendor == "sqlite" and c.is_in_memory_db() for c in connections.all()):
        return  # gone with the process
    with pytest.MonkeyPatch.context() as patch, django_db_blocker.unblock():
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # after Playwright's event loop
        put_back(MIGRATION_DATA)


@pytest.fixture(scope="session", autouse=True)
def _static_files_scanned_once() -> Iterator[None]:
    """Every test client loads the middleware afresh, and WhiteNoise's middleware then scans
    and stats all of STATIC_ROOT (≈1,300 files): about 80 % of an access-matrix test's time.
    The files do not change during a run, so each scan (per directory and per WhiteNoise
    configuration) is done once and its result shared; what WhiteNoise serves is unchanged."""
    scanned: dict[tuple[object, ...], dict[str, object]] = {}
    scan = WhiteNoise.update_files_dictionary

    def update_files_dictionary(self: WhiteNoise, root: str, prefix: str) -> None:
        key = (
            type(self),
            root,
            prefix,
            self.max_age,
            self.allow_all_origins,
            self.charset,
            self.index_file,
            self.add_headers_function,
            repr(django_settings.STORAGES.get("staticfiles")),
            django_settings.STATIC_URL,
        )
        if key not in scanned:
            before = dict(self.files)
            scan(self, root, prefix)
            scanned[key] = {url: f for url, f in self.files.items() if before.get(url) is not f}
        self.files.update(scanned[key])

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(WhiteNoise, "update_files_dictionary", update_files_dictionary)
        yield


@pytest.fixture(autouse=True)
def _tasks_in_process(request: pytest.FixtureRequest) -> Iterator[None]:
    """Tests run Celery tasks in-process even when REDIS_URL is set (as in CI), so their
    outcome is asserted in the test; tests marked ``redis`` use the real broker and worker."""
    if request.node.get_closest_marker("redis"):
        yield
        return
    was_eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = was_eager


@pytest.fixture(autouse=True)
def _fresh_cache_generations() -> None:
    """What an earlier test cached by generation (filter selects, report counts) may come from
    rows its rollback removed, and a rollback renews nothing (ppr/generations.py): each test
    builds them from its own data."""
    for name in generations.WATCHED:
        generations.renew(name)


@pytest.fixture(autouse=True)
def _no_mfa_by_default(settings: object, request: pytest.FixtureRequest) -> None:
    """Most tests are about something else than MFA; tests of MFA ask for ``mfa_required``."""
    if "mfa_required" not in request.fixturenames:
        settings.PPR_MFA_REQUIRED = False  # type: ignore[attr-defined]  # pytest-django's settings fixture is untyped here (object)


@pytest.fixture
def mfa_required(settings: object) -> None:
    settings.PPR_MFA_REQUIRED = True  # type: ignore[attr-defined]  # pytest-django's settings fixture is untyped here (object)


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def client_as():
    return client_for
