"""The parents' portal's start page and its one door (parents/access.py)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Child, ReferralStatus
from parents.access import children_of, guardianships, is_parent
from ppr.audit.models import AuditAction, AuditEvent
from tests.cases.factories import ChildFactory, ReferralFactory
from tests.conftest import SESSION_QUERIES
from tests.parents.factories import give_custody, parent_user

pytestmark = pytest.mark.django_db

HOME = reverse("parents:home")


@pytest.fixture
def families(cast):
    """The cast's parent has custody of Asta (the school) and Bo (the daycare); the other parent
    of Carl at another school; Dina's guardian row has Pia's CPR but no custody."""
    asta = ChildFactory(institution=cast.school, first_name="Asta", last_name="Fjordby")
    bo = ChildFactory(institution=cast.daycare, first_name="Bo", last_name="Fjordby")
    carl = ChildFactory(institution=cast.other_school, first_name="Carl", last_name="Vangsø")
    dina = ChildFactory(institution=cast.school, first_name="Dina", last_name="Lyngby")
    give_custody(cast.parent, asta)
    give_custody(cast.parent, bo, relation="far")
    give_custody(cast.other_parent, carl)
    give_custody(cast.parent, dina, has_custody=False)
    ReferralFactory(child=asta, author=cast.teacher, status=ReferralStatus.SUBMITTED)
    ReferralFactory(child=asta, author=cast.teacher, status=ReferralStatus.ACCEPTED)
    ReferralFactory(child=asta, author=cast.teacher, status=ReferralStatus.DRAFT)
    ReferralFactory(child=asta, author=cast.teacher, status=ReferralStatus.CLOSED)
    return {"asta": asta, "bo": bo, "carl": carl, "dina": dina}


def test_a_parent_sees_only_their_own_children(cast, families, client_as) -> None:
    response = client_as(cast.parent).get(HOME)

    assert response.status_code == 200
    shown = [child.name for child in response.context["children"]]
    assert shown == ["Asta Fjordby", "Bo Fjordby"]
    text = response.content.decode()
    assert "Vestervang Skole" in text and "Børnehuset Mælkebøtten" in text
    assert "Carl" not in text and "Dina" not in text
    assert {c.name: c.open_referrals for c in response.context["children"]} == {
        "Asta Fjordby": 2,  # submitted and accepted; the draft and the closed one are not open
        "Bo Fjordby": 0,
    }


def test_the_start_page_is_an_audited_read_of_each_child(cast, families, client_as) -> None:
    client_as(cast.parent).get(HOME)

    events = AuditEvent.objects.filter(actor=cast.parent, action=AuditAction.VIEW)
    assert sorted(events.values_list("child_id", flat=True)) == sorted(
        [families["asta"].pk, families["bo"].pk]
    )
    assert {e.purpose for e in events} == {"forældreportal: mine børn"}
    assert {e.role for e in events} == {"Forælder"}


def test_the_start_page_makes_the_same_queries_for_one_child_or_many(
    cast, families, client_as, django_assert_num_queries
) -> None:
    client = client_as(cast.parent)
    client.get(HOME)  # warm: the municipality is cached after the first page
    # user, memberships, identity, children with their open referrals, the audit rows' INSERT,
    # the open invitations to write the parents' perspective (parents/templatetags/involvement.py)
    with django_assert_num_queries(6 + SESSION_QUERIES):
        client.get(HOME)
    for n in range(3):
        give_custody(cast.parent, ChildFactory(institution=cast.school, first_name=f"Ekstra{n}"))
    with django_assert_num_queries(6 + SESSION_QUERIES):
        response = client.get(HOME)
    assert len(response.context["children"]) == 5


def test_a_parent_of_another_child_sees_nothing_of_it(cast, families, client_as) -> None:
    response = client_as(cast.other_parent).get(HOME)

    assert [c.name for c in response.context["children"]] == ["Carl Vangsø"]
    assert "Asta" not in response.content.decode()
    assert families["asta"] not in children_of(cast.other_parent)


def test_a_parent_whose_custody_ended_sees_nothing_from_that_day(cast, families, client_as):
    today = timezone.localdate()
    cast.parent.parent_identity  # noqa: B018 - loaded for the guardian rows below
    families["asta"].guardians.update(custody_ended_on=today)
    families["bo"].guardians.update(custody_ended_on=today + timedelta(days=1))

    assert [c.first_name for c in children_of(cast.parent)] == ["Bo"]
    response = client_as(cast.parent).get(HOME)
    assert "Asta" not in response.content.decode()

    families["bo"].guardians.update(custody_ended_on=today - timedelta(days=30))
    response = client_as(cast.parent).get(HOME)
    assert list(response.context["children"]) == []
    assert "Vi kan ikke finde børn, du har forældremyndighed over" in response.content.decode()


def test_a_parent_without_any_guardian_row_sees_no_child(cast, families, client_as) -> None:
    stranger = parent_user("0101901111", first_name="Søren", last_name="Fremmed")

    assert list(guardianships(stranger)) == []
    response = client_as(stranger).get(HOME)
    assert response.status_code == 200
    assert list(response.context["children"]) == []


def test_staff_get_403_on_the_portal_and_see_no_child_through_it(cast, families, client_as):
    for user in (cast.ppr_leader, cast.school_leader, cast.administrator, cast.psychologist):
        assert client_as(user).get(HOME).status_code == 403
        assert not is_parent(user)
        assert list(children_of(user)) == []


def test_anonymous_visitors_are_sent_to_the_parents_login(client) -> None:
    response = client.get(HOME)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("parents:login"))
    assert client.get(reverse("parents:login")).status_code == 200


def test_a_parent_gets_403_on_staff_pages_and_the_portal_from_the_start_page(
    cast, families, client_as
) -> None:
    client = client_as(cast.parent)
    asta = families["asta"]
    for url in (
        reverse("cases:child-detail", kwargs={"pk": asta.pk}),
        reverse("cases:case-list"),
        reverse("account-settings"),
        reverse("deadlines:notification-list"),
        "/admin/",
        "/findes-ikke/",
    ):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "Asta" not in response.content.decode()
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == HOME


def test_a_parent_is_found_by_any_configured_key(cast, families, client_as, settings) -> None:
    """After a key rotation the guardian rows still carry the old key's hash until rekey_cpr."""
    settings.FIELD_ENCRYPTION_KEY = f"a-new-key-for-rotation,{settings.FIELD_ENCRYPTION_KEY}"

    assert {c.first_name for c in children_of(cast.parent)} == {"Asta", "Bo"}
    assert Child.objects.filter(pk=families["asta"].pk).exists()
