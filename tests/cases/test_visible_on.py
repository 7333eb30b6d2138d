"""``visible_on(case, user)``: a case's referrals, journal and PPVs as the case page reads them.

It must give exactly the rows of ``visible_to(user).filter(case=case)`` – for every role, on
cases the user works on and on cases they don't – while deciding the case's part from the case
in hand instead of joining the case table.
"""

import pytest
from django.contrib.auth.models import AnonymousUser

from cases.models import JournalEntry, Ppv, Referral, ReferralStatus
from ppr.accounts.models import Role
from tests.cases.case_fixtures import make_case
from tests.cases.factories import JournalEntryFactory, ReferralFactory
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

MODELS = (Referral, JournalEntry, Ppv)


@pytest.fixture
def cases(cast):
    """Cases of every kind a case worker meets: their own, their team's, another team's, and
    one assigned to them on another team; each with every kind of referral, an entry and a PPV."""
    made = [
        make_case(cast, assigned=cast.psychologist),
        make_case(cast),
        make_case(
            cast, team=cast.team_oest, assigned=cast.outsider, child__institution=cast.other_school
        ),
        make_case(cast, team=cast.team_oest, assigned=cast.psychologist),
        make_case(cast, team=None),
    ]
    for case in made:
        for status, parent_request in [
            (ReferralStatus.DRAFT, False),
            (ReferralStatus.DRAFT, True),
            (ReferralStatus.ACCEPTED, False),
        ]:
            ReferralFactory(
                child=case.child,
                author=cast.teacher,
                status=status,
                case=case,
                parent_request=parent_request,
            )
        JournalEntryFactory(case=case, author=cast.psychologist)
        Ppv.objects.create(case=case, author=cast.psychologist)
    return made


def users(cast):
    """Every role of the cast, and a psychologist who also leads a school: both of their
    conditions count."""
    both = cast.colleague
    MembershipFactory(user=both, role=Role.INSTITUTION_LEADER, institution=cast.school)
    return [AnonymousUser(), *(user for user in cast.by_role().values() if user), both]


def test_visible_on_gives_the_rows_of_visible_to_for_every_role_and_case(cast, cases) -> None:
    compared = 0
    for user in users(cast):
        for case in cases:
            for model in MODELS:
                expected = set(model.objects.visible_to(user).filter(case=case))
                assert set(model.objects.visible_on(case, user)) == expected, (model, user, case)
                compared += bool(expected)
    assert compared > 20  # not only empty sets: the rows seen are compared too


def test_visible_on_does_not_join_the_case_table(cast, cases) -> None:
    case = cases[0]
    for model in MODELS:  # unordered, as the timeline reads them (a PPV is ordered by its case)
        sql = str(model.objects.visible_on(case, cast.psychologist).order_by().query)
        assert '"cases_case"' not in sql, model
        assert '"cases_case"' in str(
            model.objects.visible_to(cast.psychologist).filter(case=case).order_by().query
        )
