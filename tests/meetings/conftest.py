import pytest

from meetings import tuesdays
from meetings.models import Profession
from ppr.accounts.models import Role
from tests.cases.factories import ChildFactory
from tests.factories import user_with_role

from .factories import ConferenceFactory, SeriesFactory


@pytest.fixture
def series(cast):
    """Vestervang Skole's koordineringskonference with PPR, social worker, health visitor and leader."""
    return SeriesFactory(
        institution=cast.school,
        created_by=cast.school_leader,
        standing=[cast.psychologist, cast.social_worker, cast.health_visitor, cast.school_leader],
    )


@pytest.fixture
def conference(cast, series):
    return ConferenceFactory(
        series=series,
        created_by=cast.school_leader,
        participants=list(series.standing_participants.all()),
    )


@pytest.fixture
def child(cast):
    return ChildFactory(institution=cast.school, first_name="Freja", last_name="Testesen")


@pytest.fixture
def staffed(cast):
    """Vest and Øst each with three social workers, two health visitors and two psychologists."""
    for district, team in ((cast.vest, cast.team_vest), (cast.oest, cast.team_oest)):
        while len(tuesdays.pool(district, Profession.SOCIAL_WORKER)) < 3:
            user_with_role(Role.SOCIAL_WORKER, district=district)
        while len(tuesdays.pool(district, Profession.HEALTH_VISITOR)) < 2:
            user_with_role(Role.HEALTH_VISITOR, district=district)
        while len(tuesdays.pool(district, Profession.PSYCHOLOGIST)) < 2:
            user_with_role(Role.PSYCHOLOGIST, team=team)
    return cast
