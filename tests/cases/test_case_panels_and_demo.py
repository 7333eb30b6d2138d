"""Start-page panels for cases, and the case side of the demo data."""

from typing import Any

import pytest
from django.urls import reverse

from cases.models import Case, CaseStatus, Child, JournalEntry, RaterProfession, RulerRating
from demo.casework import seed_cases
from tests.cases.case_fixtures import make_case

pytestmark = pytest.mark.django_db

HOME = reverse("home")


def test_a_psychologist_sees_their_open_cases_with_the_latest_colour(cast, client_as):
    make_case(cast, assigned=cast.psychologist, child__first_name="Alma", latest_colour="roed")
    make_case(cast, assigned=cast.colleague, child__first_name="Kollegas")
    make_case(
        cast,
        assigned=cast.psychologist,
        child__first_name="Lukket",
        status=CaseStatus.CLOSED,
        outcome="flyttet",
    )
    content = client_as(cast.psychologist).get(HOME).content.decode()
    assert "Mine åbne sager" in content
    assert "Alma" in content and "Rød" in content
    assert "Kollegas" not in content and "Lukket" not in content


def test_the_leader_sees_open_cases_per_team_and_the_unassigned(cast, client_as):
    make_case(cast, assigned=cast.psychologist)
    make_case(cast, assigned=None)
    make_case(cast, assigned=cast.outsider, team=cast.team_oest)
    response = client_as(cast.ppr_leader).get(HOME)
    content = response.content.decode()
    assert "Åbne sager pr. team" in content
    assert "Team Vest" in content and "Team Øst" in content
    assert "1 åben sag uden sagsbehandler" in content
    assert "sagsbehandler=null" in content


@pytest.mark.parametrize("role", ["school_leader", "secretary", "administrator"])
def test_others_get_no_case_panels(cast, client_as, role):
    content = client_as(getattr(cast, role)).get(HOME).content.decode()
    assert "Mine åbne sager" not in content and "Åbne sager pr. team" not in content


def test_the_demo_seed_adds_open_and_closed_cases_with_journals_and_ratings_and_is_idempotent(
    restored_demo: Any,
) -> None:
    """On the demo as seeded (tests/conftest.py ``restored_demo``); its cases seeded again."""
    organisation = restored_demo
    counts = (Case.objects.count(), JournalEntry.objects.count(), RulerRating.objects.count())
    assert Case.objects.filter(status=CaseStatus.OPEN).exists()
    assert Case.objects.filter(status=CaseStatus.CLOSED).exclude(outcome="").exists()
    assert JournalEntry.objects.filter(version__gt=1).exists()
    assert (
        not Case.objects.filter(status=CaseStatus.OPEN, latest_colour="")
        .exclude(child__ratings=None)
        .exists()
    )
    assert all(child.fictitious for child in Child.objects.all())
    # The Børnelineal across professions (issue 25): the social worker and the health visitor
    # have rated children of their district too.
    professions = set(RulerRating.objects.values_list("profession", flat=True))
    assert {RaterProfession.SOCIAL_WORKER, RaterProfession.HEALTH_VISITOR} <= professions
    seed_cases(organisation)
    assert (
        Case.objects.count(),
        JournalEntry.objects.count(),
        RulerRating.objects.count(),
    ) == counts
