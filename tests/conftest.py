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
"""

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.db import connections
from django.test import Client

from ppr import generations
from ppr.accounts.models import Role, User
from ppr.celery import app as celery_app
from ppr.organisation.models import District, Institution, InstitutionKind, Team

from .factories import InstitutionFactory, TeamFactory, user_with_role


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
        }


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
)


@pytest.fixture
def cast(db: None) -> Cast:
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
    )


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests run last (after pytest-django's own ordering): Playwright's event loop
    lives until the session ends, and Django refuses database set-up inside a running loop.

    Every transactional test asks for serialized rollback, so the rows the data migrations
    created (forums, the intervention catalogue, effect goals) are there in each of them."""
    items.sort(key=lambda item: "/tests/e2e/" in str(item.path))


#: What the data migrations created (forums, the intervention catalogue, effect goals), per
#: database alias, for the transactional tests' serialized rollback (see tests/e2e/conftest.py).
MIGRATION_DATA: dict[str, str] = {}


def _uses_the_database(item: pytest.Item) -> bool:
    fixtures = set(getattr(item, "fixturenames", ()))
    return item.get_closest_marker("django_db") is not None or bool(
        fixtures & {"db", "transactional_db", "django_db_setup"}
    )


@pytest.fixture(scope="session", autouse=True)
def _migration_data_for_serialized_rollback(request: pytest.FixtureRequest) -> None:
    if not any(_uses_the_database(item) for item in request.session.items):
        return  # e.g. only the settings tests: no test database to read
    request.getfixturevalue("django_db_setup")
    django_db_blocker = request.getfixturevalue("django_db_blocker")
    with django_db_blocker.unblock():
        for connection in connections.all():
            contents = getattr(connection, "_test_serialized_contents", None)
            MIGRATION_DATA[connection.alias] = (
                contents or connection.creation.serialize_db_to_string()
            )
            connection._test_serialized_contents = MIGRATION_DATA[connection.alias]


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
        settings.PPR_MFA_REQUIRED = False  # type: ignore[attr-defined]


@pytest.fixture
def mfa_required(settings: object) -> None:
    settings.PPR_MFA_REQUIRED = True  # type: ignore[attr-defined]


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def client_as():  # type: ignore[no-untyped-def]
    return client_for
