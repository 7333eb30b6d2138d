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
import fcntl
import os
import shutil
import sqlite3
import sys
import tempfile
import threading
import time
import uuid
import zlib
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.core.cache import caches
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.backends.postgresql.operations import DatabaseOperations as PostgresOperations
from django.test import Client, TestCase, override_settings
from django.utils import timezone
from pytest_django.plugin import blocking_manager_key
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


def _commits_without_waiting_for_the_disk() -> None:
    """On PostgreSQL the test database's sessions commit asynchronously
    (``synchronous_commit=off``): a commit returns before its WAL reaches the disk. What a
    commit makes visible to other sessions (the live server's threads, a Celery worker) is the
    same; only a crash of the database server could lose the last commits, of a throwaway test
    database. Migrations, the browser tests' flushes and copies and every live-server request
    commit many times."""
    for database in django_settings.DATABASES.values():
        if database["ENGINE"] == "django.db.backends.postgresql":
            options = database.setdefault("OPTIONS", {})
            options["options"] = f"{options.get('options', '')} -c synchronous_commit=off".strip()


_commits_without_waiting_for_the_disk()


#: How a worker's test database is named: the test database's name and the worker's id.
WORKER_DATABASE = "{name}_{worker}"


def _migrated_once(connection: Any) -> bool:
    """Whether the workers' test databases for ``connection`` are copies of one migrated per
    run: on PostgreSQL, and on SQLite when the test database is in memory (Django's default;
    a test database in a named file is migrated by each worker as before)."""
    if connection.vendor == "postgresql":
        return True
    return connection.vendor == "sqlite" and connection.creation.is_in_memory_db(
        connection.creation._get_test_db_name()
    )


def _template_name(connection: Any, test_database: str, run: str) -> str:
    """What the workers' test databases are copied from (see ``django_db_modify_db_settings``):
    on PostgreSQL the database ``test_<name>_template``, on SQLite a file of run ``run`` in the
    temporary directory (removed when the run ends, ``pytest_unconfigure``)."""
    if connection.vendor == "sqlite":
        return str(Path(tempfile.gettempdir()) / f"ppr-test-{connection.alias}-{run}.sqlite3")
    return f"{test_database}_template"


def pytest_sessionstart(session: pytest.Session) -> None:
    """In the pytest-xdist controller: when the workers are to create their test databases,
    migrate their template (``_migrated_template``) beside their start-up instead of in each
    of them. The controller takes the template's lock before it starts the workers (this hook
    runs before xdist's), so a worker that is ready first waits for the template instead of
    building its own. (It does not know yet whether the tests selected use the database: a run
    of only database-free tests with ``--create-db`` migrates the template all the same.)"""
    config = session.config
    if (
        hasattr(config, "workerinput")
        or getattr(config.option, "dist", "no") == "no"  # also without xdist (-p no:xdist)
        or not getattr(config.option, "tx", None)
        or config.option.collectonly
        or config.getvalue("nomigrations")
    ):
        return
    connection = connections[DEFAULT_DB_ALIAS]
    if not _migrated_once(connection):
        return
    config.option.testrunuid = run = config.option.testrunuid or uuid.uuid4().hex
    blocker = config.stash[blocking_manager_key]
    name = connection.creation._get_test_db_name()
    template = _template_name(connection, name, run)
    if connection.vendor == "sqlite":
        config.stash[_TEMPLATE_FILE] = template
    elif config.getvalue("reuse_db") and not config.getvalue("create_db"):
        workers = [
            WORKER_DATABASE.format(name=name, worker=f"gw{n}") for n in range(len(config.option.tx))
        ]
        with blocker.unblock(), connection.creation._nodb_cursor() as cursor:
            if all(connection.creation._database_exists(cursor, db) for db in workers):
                return  # every worker reuses its database: no template needed
    locked = threading.Event()

    def build() -> None:
        with blocker.unblock():
            try:
                _migrated_template(connections[DEFAULT_DB_ALIAS], template, run=run, locked=locked)
            finally:
                locked.set()  # also when it failed: the workers then build it themselves
                connections.close_all()

    builder = threading.Thread(target=build, name="test-database-template")
    builder.start()
    locked.wait()
    config.stash[_TEMPLATE_BUILDER] = builder


_TEMPLATE_BUILDER = pytest.StashKey[threading.Thread]()
_TEMPLATE_FILE = pytest.StashKey[str]()


def pytest_unconfigure(config: pytest.Config) -> None:
    builder = config.stash.get(_TEMPLATE_BUILDER, None)
    if builder is not None:
        builder.join()
    template = config.stash.get(_TEMPLATE_FILE, None)
    if template is not None:  # SQLite: the run's file is of no use to a later run
        for suffix in ("", ".lock", ".building"):
            Path(f"{template}{suffix}").unlink(missing_ok=True)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(
    django_db_modify_db_settings_parallel_suffix: None,
    request: pytest.FixtureRequest,
    django_db_keepdb: bool,
    django_db_createdb: bool,
    django_db_use_migrations: bool,
    django_db_blocker: Any,
) -> None:
    """With pytest-xdist the migrations run once per test run, not once per worker: a template
    is migrated once – by the controller while the workers start (``pytest_sessionstart``), or
    else by the first worker that needs it while the others wait – and each worker's test
    database is made a copy of it, so Django's ``migrate`` then finds nothing to apply:

    - PostgreSQL: the template is the database ``test_<name>_template`` and each worker's
      database is created with ``CREATE DATABASE … TEMPLATE``. A worker that reuses its
      database (``--reuse-db`` without ``--create-db``) migrates it as before.
    - SQLite: the template is a file, and each worker copies it into its in-memory test
      database (``_load_into_memory``). If anything about the file or the copy fails, the
      worker migrates its database as before.

    The template is built afresh in every run that creates a database (it is marked with, or
    named by, the run's id), so ``--create-db`` still means databases made by this run's
    migrations (an in-memory SQLite database is created in every run)."""
    worker = getattr(request.config, "workerinput", None)
    if worker is None or not django_db_use_migrations:
        return
    keepdb = django_db_keepdb and not django_db_createdb
    run = worker["testrunuid"]
    for connection in connections.all():
        if not _migrated_once(connection):
            continue
        name = connection.creation._get_test_db_name()
        with django_db_blocker.unblock():
            if connection.vendor == "sqlite":
                template = _template_name(connection, name, run)
                try:
                    _migrated_template(connection, template, run=run)
                    _load_into_memory(connection, template, name)
                except Exception as error:  # noqa: BLE001 – Django's migrate is the fallback
                    sys.stderr.write(f"{template}: {error!r}; migrating {name} instead\n")
                continue
            if keepdb:
                with connection.creation._nodb_cursor() as cursor:
                    if connection.creation._database_exists(cursor, name):
                        continue
            template = _template_name(connection, name.removesuffix(f"_{worker['workerid']}"), run)
            _migrated_template(connection, template, run=run)
        connection.settings_dict["TEST"]["TEMPLATE"] = template


def _migrated_template(
    connection: Any, template: str, *, run: str, locked: threading.Event | None = None
) -> None:
    """Make sure the database ``template`` holds what this run's migrations make: built here,
    under a lock (``locked`` is set once it is taken), unless it was built in run ``run``
    already. On PostgreSQL an advisory lock, and the database carries the run's id as its
    comment; on SQLite a lock file beside the file, whose name holds the run's id, and which is
    moved into place only once it is complete."""
    if connection.vendor == "sqlite":
        with open(f"{template}.lock", "w") as lock:  # closing it releases the lock
            fcntl.flock(lock, fcntl.LOCK_EX)
            if locked is not None:
                locked.set()
            if not os.path.exists(template):
                _create_test_db_named(connection, f"{template}.building")
                os.replace(f"{template}.building", template)
        return
    quoted = connection.ops.quote_name(template)
    lock = zlib.crc32(template.encode())
    with connection.creation._nodb_cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [lock])
        if locked is not None:
            locked.set()
        try:
            cursor.execute(
                "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
                [template],
            )
            found = cursor.fetchone()
            if found is not None and found[0] == run:
                return
            _create_test_db_named(connection, template)
            cursor.execute(f"COMMENT ON DATABASE {quoted} IS %s", [run])
        finally:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [lock])


def _create_test_db_named(connection: Any, name: str) -> None:
    """Create the database ``name`` (dropping an older one) and migrate it, as Django does for a
    test database, and leave the connection's settings as they were."""
    settings_dict = connection.settings_dict
    database, test_database = settings_dict["NAME"], settings_dict["TEST"]["NAME"]
    settings_dict["TEST"]["NAME"] = name
    try:
        connection.creation.create_test_db(verbosity=0, autoclobber=True)
    finally:
        connection.close()
        settings_dict["NAME"] = django_settings.DATABASES[connection.alias]["NAME"] = database
        settings_dict["TEST"]["NAME"] = test_database


#: SQLite: per database alias, the connection that keeps the worker's in-memory test database
#: (with the migrated copy in it) alive until Django's connection has opened it; see
#: ``_load_into_memory`` and ``django_db_setup``.
IN_MEMORY_COPIES: dict[str, sqlite3.Connection] = {}


def _load_into_memory(connection: Any, template: str, test_database: str) -> None:
    """Copy the migrated file ``template`` into the worker's in-memory test database with
    SQLite's backup API. ``test_database`` is Django's own name for it
    (``file:memorydb_<alias>?mode=memory&cache=shared``; Django keeps using it, and the live
    server's threads share it); an in-memory database exists while a connection to it is open,
    so the connection made here stays open until Django's connection has opened the database
    with the copy in it (``django_db_setup``)."""
    target = sqlite3.connect(test_database, uri=True, check_same_thread=False)
    try:
        with closing(sqlite3.connect(f"file:{template}?mode=ro", uri=True)) as source:
            source.backup(target)
    except BaseException:
        target.close()
        raise
    IN_MEMORY_COPIES[connection.alias] = target


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None) -> None:
    """pytest-django's, after which the connections that kept the in-memory copies alive
    (``_load_into_memory``) are closed: Django's own connection now keeps each database open
    (it never closes an in-memory one), so the database is used as Django made it, through
    one connection per thread as ever."""
    while IN_MEMORY_COPIES:
        IN_MEMORY_COPIES.popitem()[1].close()


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
        statements = connection.ops.sequence_reset_sql(
            no_style(), apps.get_models(include_auto_created=True)
        )
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


class LiveServerGate:
    """Whether the browser tests' live server may answer a request now, and how many it is
    answering (tests/e2e/conftest.py puts every request through it).

    Between two browser tests the gate is shut: a page of the test before can still send a
    request after it ended – the autosave's keepalive ``fetch`` when the page is closed, a
    poll of the notification bell – and that request must neither write into the next test's
    data nor run beside the emptying of the tables. On PostgreSQL the live server's threads
    have their own connections, and such a request (an autosave locking its notat) and the
    flush's ``TRUNCATE`` deadlocked: "Database … couldn't be flushed" after
    test_an_unsaved_notat_or_follow_up_warns_before_the_page_is_left. On SQLite the server
    shares the test's connection, and a request beside the flush held the tables ("database
    table is locked"). A request that arrives while the gate is shut is answered 503 without
    touching the database; ``shut`` waits for those being answered."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._answering = 0
        self._open = True
        self.refused = 0

    def enter(self) -> bool:
        with self._changed:
            if self._open:
                self._answering += 1
            else:
                self.refused += 1
            return self._open

    def leave(self) -> None:
        with self._changed:
            self._answering -= 1
            self._changed.notify_all()

    def shut(self, timeout: float = 30) -> None:
        with self._changed:
            self._open = False
            if not self._changed.wait_for(lambda: self._answering == 0, timeout):
                raise TimeoutError(f"The live server still answers {self._answering} request(s).")

    def open(self) -> None:
        with self._changed:
            self._open = True


LIVE_SERVER = LiveServerGate()


def restore_snapshot(snapshot: Snapshot) -> None:
    """Empty the tables and put back exactly the rows of ``snapshot`` (``take_snapshot``), with
    the id sequences after them, in one transaction (the foreign keys are checked when it
    commits). The live server's gate is shut meanwhile
    (a request still being answered is let finish first) and opened after: the restore is the
    last step before a browser test's pages are opened."""
    LIVE_SERVER.shut()
    _restore(snapshot)
    LIVE_SERVER.open()


def _restore(snapshot: Snapshot) -> None:
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
            statements = connection.ops.sequence_reset_sql(
                no_style(), apps.get_models(include_auto_created=True)
            )
            for statement in statements:
                cursor.execute(statement)


@pytest.fixture(scope="session")
def _standing_snapshot(django_db_setup: None, django_db_blocker: Any) -> Snapshot:
    """Every table as the standing data leave it (``put_back(STANDING_DATA)``), copied once per
    session: ``restore_snapshot`` puts it back by raw rows instead of saving each object of
    ``STANDING_DATA`` through the ORM again. Measured on SQLite: 0.36 s CPU per put_back,
    0.01 s per restore."""
    with django_db_blocker.unblock():
        put_back(STANDING_DATA)
        return take_snapshot()


@dataclass(frozen=True)
class SeededDemo:
    """The demo municipality (``manage.py seed_demo``) seeded on the standing data: what seeding
    returned (its logins and users, whose ids every restore keeps), every table's rows, the
    files it stored (the PDFs its tasks rendered), and the local day it was seeded on."""

    organisation: Any  # demo.organisation.DemoOrganisation
    snapshot: Snapshot
    standing: Snapshot
    files: Path
    day: date


def seed_the_demo(private: Path, digitalpost: Path) -> Any:
    """What ``manage.py seed_demo`` does, its tasks (PDFs, e-mails) run in-process: the files it
    stores in ``private``, its Digital Post mailbox in ``digitalpost`` (never the checkout's
    private/). In a transaction (a test's, a module's) its on-commit callbacks run at once, as
    they would after seeding's commit."""
    from demo.management.commands.seed_demo import seed_demo

    was_eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    try:
        with (
            override_settings(STORAGES=storages_in(private), PPR_DIGITALPOST_DIR=str(digitalpost)),
            TestCase.captureOnCommitCallbacks(execute=True),
        ):
            return seed_demo()
    finally:
        celery_app.conf.task_always_eager = was_eager


def storages_in(location: Path) -> dict[str, Any]:
    """``STORAGES`` with the default (private) storage in ``location``."""
    return {
        **django_settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(location)},
        },
    }


@pytest.fixture(scope="session")
def seeded_demo(
    _standing_snapshot: Snapshot, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> SeededDemo:
    """The demo, seeded once per session (per xdist worker; tens of seconds) on the standing
    data and copied table by table; its stored files in a directory of their own. The database
    is left holding the standing data again. Tests start from it with ``restore_demo``."""
    files = tmp_path_factory.mktemp("demo")
    started = time.monotonic()
    with django_db_blocker.unblock():
        if any(connection.in_atomic_block for connection in connections.all()):
            raise RuntimeError("The demo is seeded outside any test's or module's transaction.")
        restore_snapshot(_standing_snapshot)
        # In one transaction, as ``manage.py seed_demo`` is not: thousands of rows, one commit.
        with transaction.atomic():
            organisation = seed_the_demo(files / "private", files / "digitalpost")
        snapshot = take_snapshot()
        restore_snapshot(_standing_snapshot)
    print(f"\nDemo seeded in {time.monotonic() - started:.0f} s")
    day = timezone.localdate()
    return SeededDemo(organisation, snapshot, _standing_snapshot, files / "private", day)


def restore_demo(demo: SeededDemo, location: Path) -> dict[str, Any]:
    """Put the seeded demo back in the database (every table, ids and all: ``restore_snapshot``,
    committed or in the current transaction) and a copy of its stored files in ``location``,
    which the test may change or delete; returns ``STORAGES`` pointing there. Seeded on an
    earlier day (a run past midnight), the demo's dates relative to today would be off: then it
    is seeded afresh on the standing data instead."""
    location.mkdir(parents=True, exist_ok=True)
    if demo.day != timezone.localdate():
        restore_snapshot(demo.standing)
        seed_the_demo(location, demo.files.parent / "digitalpost")
        return storages_in(location)
    restore_snapshot(demo.snapshot)
    if demo.files.exists():
        shutil.copytree(demo.files, location, dirs_exist_ok=True)
    return storages_in(location)


@pytest.fixture
def restored_demo(seeded_demo: SeededDemo, db: None, settings: Any, tmp_path: Path) -> Any:
    """The demo municipality as the session seeded it (``seeded_demo``), put back in the test's
    transaction, its files copied to the test's own directory (and Digital Post sent there):
    what seeding returned (``DemoOrganisation``)."""
    settings.STORAGES = restore_demo(seeded_demo, tmp_path / "private")
    settings.PPR_DIGITALPOST_DIR = str(tmp_path / "digitalpost")
    return seeded_demo.organisation


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


def _flush_by_delete(
    self: PostgresOperations,
    style: Any,
    tables: list[str],
    *,
    reset_sequences: bool = False,
    allow_cascade: bool = False,
) -> list[str]:
    """PostgreSQL's ``sql_flush`` in the tests: ``DELETE FROM`` each table instead of one
    ``TRUNCATE`` of all of them. ``flush`` runs the statements in one transaction; every
    foreign key Django makes is deferrable, so they are checked at its end, when the tables
    are empty (``allow_cascade`` changes nothing). The audit table's append-only trigger lets
    a delete through where the transaction says so, as the life cycle's purge does. The
    sequences are set back to 1 where ``TRUNCATE … RESTART IDENTITY`` would have restarted them.

    Every transactional test ends with a flush, and every browser test starts with one
    (``restore_snapshot``): ``TRUNCATE`` gives each of the 134 tables a new file, 1–4 s per
    flush on these machines whether the tables hold ten rows or none; deleting the few rows a
    test leaves takes milliseconds."""
    if not tables:
        return []
    statements = [
        "SET CONSTRAINTS ALL DEFERRED",
        "SELECT set_config('ppr.audit_purge', 'on', true)",
        *(f"{style.SQL_KEYWORD('DELETE FROM')} {self.quote_name(table)}" for table in tables),
    ]
    if reset_sequences:
        statements.append(
            "SELECT setval(sequence.oid, 1, false) FROM pg_class AS sequence "
            "JOIN pg_depend AS owned ON owned.objid = sequence.oid AND owned.deptype IN ('a', 'i') "
            "JOIN pg_class AS owner ON owner.oid = owned.refobjid "
            "WHERE sequence.relkind = 'S' AND owner.relname = ANY(ARRAY["
            + ", ".join("'{}'".format(table.replace("'", "''")) for table in tables)
            + "]::text[])"
        )
    return statements


@pytest.fixture(scope="session", autouse=True)
def _tables_emptied_by_delete() -> Iterator[None]:
    """``_flush_by_delete`` for every flush of the run (PostgreSQL's Django flush, the
    browser tests' restores)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(PostgresOperations, "sql_flush", _flush_by_delete)
        yield


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
    generations.renew(*generations.WATCHED)


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
