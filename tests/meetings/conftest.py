import pytest

from tests.cases.factories import ChildFactory

from .factories import ConferenceFactory, SeriesFactory


@pytest.fixture
def series(cast):  # type: ignore[no-untyped-def]
    """Vestervang Skole's koordineringskonference with PPR, social worker, health visitor and leader."""
    return SeriesFactory(
        institution=cast.school,
        created_by=cast.school_leader,
        standing=[cast.psychologist, cast.social_worker, cast.health_visitor, cast.school_leader],
    )


@pytest.fixture
def conference(cast, series):  # type: ignore[no-untyped-def]
    return ConferenceFactory(
        series=series,
        created_by=cast.school_leader,
        participants=list(series.standing_participants.all()),
    )


@pytest.fixture
def child(cast):  # type: ignore[no-untyped-def]
    return ChildFactory(institution=cast.school, first_name="Freja", last_name="Testesen")
