"""Issue 18: consent to a named meeting is a choice of the forums and konferencer (not free text
that "TSM" missed), and a refusal names the parent who has not consented."""

from importlib import import_module

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.children import services as child_services
from cases.models import Consent
from meetings import services
from tests.cases.factories import ChildFactory, ConsentFactory, GuardianFactory
from tests.conftest import client_for

from .factories import AgendaItemFactory, forum, give_meeting_consent

pytestmark = pytest.mark.django_db


def _consent_url(guardian) -> str:
    return reverse("cases:consent-create", kwargs={"pk": guardian.pk})


def test_the_consent_form_offers_the_forums_and_the_konference_as_a_choice(cast, series) -> None:
    guardian = GuardianFactory(child=ChildFactory(institution=cast.school))
    page = client_for(cast.teacher).get(_consent_url(guardian)).content.decode()
    assert '<select name="meeting_name"' in page
    assert f'<option value="{forum("tvaerfagligt_skoleteam").name}">' in page
    assert f'<option value="{series.name}">' in page
    # A daycare forum is not offered to a school child.
    assert forum("tvaerfagligt_smaaboernsteam").name not in page


def test_a_chosen_forum_counts_for_that_forum(cast) -> None:
    child = ChildFactory(institution=cast.school)
    guardian = GuardianFactory(child=child, has_custody=True)
    target = forum("tvaerfagligt_skoleteam")
    response = client_for(cast.teacher).post(
        _consent_url(guardian),
        {
            "scope": "moede",
            "meeting_name": target.name,
            "given_on": "2026-01-10",
            "form": "skriftligt",
        },
    )
    assert response.status_code == 302
    assert services.has_meeting_consent(child, target.name)


def test_free_text_is_no_longer_accepted_as_a_meeting(cast) -> None:
    guardian = GuardianFactory(child=ChildFactory(institution=cast.school))
    response = client_for(cast.teacher).post(
        _consent_url(guardian),
        {"scope": "moede", "meeting_name": "TSM", "given_on": "2026-01-10", "form": "skriftligt"},
    )
    assert response.status_code == 400 and "Vælg et møde fra listen." in response.text
    assert not Consent.objects.exists()


def test_the_refusal_names_the_parent_who_has_not_consented(cast) -> None:
    child = ChildFactory(institution=cast.school)
    target = forum("tvaerfagligt_skoleteam")
    mother = GuardianFactory(child=child, name="Karen Holm", relation="mor")
    GuardianFactory(child=child, name="Peter Holm", relation="far")
    ConsentFactory(
        guardian=mother, scope="moede", meeting_name=target.name, recorded_by=cast.teacher
    )
    message = services.meeting_consent_error(child, target.name)
    assert message is not None and "Mangler fra: Peter Holm." in message
    assert "Karen Holm" not in message


def test_existing_free_text_is_matched_to_a_forum_where_it_can_be() -> None:
    migration = import_module("cases.migrations.0009_consent_meeting_names_matched")
    names = ["Tværfagligt skoleteam", "Tværfagligt småbørnsteam", "Sparring og vejledning v/PPR"]
    assert migration._match("tværfagligt  Skoleteam", names) == "Tværfagligt skoleteam"
    assert migration._match("Tværfagligt skoleteam (TSM)", names) == "Tværfagligt skoleteam"
    assert migration._match("sparring og vejledning v. PPR", names) == names[2]
    # Ambiguous or unknown text is left alone rather than guessed.
    assert migration._match("tværfagligt", names) is None
    assert migration._match("TSM", names) is None


def test_the_konference_stops_naming_a_child_whose_consent_is_withdrawn(
    cast, conference, client_as
) -> None:
    """Issue 22: a custody holder withdraws (in the parents' portal or through staff); the
    konference's page no longer names the child on its agenda, and says why."""
    child = ChildFactory(institution=cast.school, first_name="Nanna", last_name="Navnløs")
    give_meeting_consent(child, conference.series.name, recorded_by=cast.school_leader)
    item = AgendaItemFactory(meeting=conference, child=child, submitted_by=cast.school_leader)
    AgendaItemFactory(meeting=conference, submitted_by=cast.school_leader)  # anonymous
    client = client_as(cast.school_leader)

    def agenda() -> str:
        page = client.get(conference.get_absolute_url()).content.decode()
        start = page.index(f'id="punkt-{item.pk}"')
        return page[start : page.index("</article>", start)]

    assert "Nanna Navnløs" in agenda() and "Samtykket er trukket tilbage" not in agenda()

    consent = Consent.objects.filter(guardian__child=child).first()
    child_services.withdraw_consent(consent=consent, by=cast.school_leader)
    page = agenda()
    assert "Nanna Navnløs" not in page
    assert page.count("Samtykket er trukket tilbage") == 1
    assert services.children_without_meeting_consent({child.pk}, conference.series.name) == {
        child.pk
    }

    # The decision's htmx answer says the same.
    response = client.post(
        reverse("meetings:item-decide", args=[item.pk]),
        {f"punkt-{item.pk}-decision": "", f"punkt-{item.pk}-version": item.version},
        headers={"HX-Request": "true"},
    )
    assert "Nanna Navnløs" not in response.content.decode()
    assert "Samtykket er trukket tilbage" in response.content.decode()


def test_a_parent_whose_custody_ended_neither_gives_nor_blocks_the_naming(cast) -> None:
    """Custody as recorded today (``Guardian.holding_custody``): a former custody holder's consent
    is not asked for, and a remaining holder's consent names the child."""
    child = ChildFactory(institution=cast.school)
    name = forum("tvaerfagligt_skoleteam").name
    mother, father = give_meeting_consent(child, name, recorded_by=cast.teacher)
    assert services.has_meeting_consent(child, name)

    Consent.objects.filter(guardian=father).delete()
    assert not services.has_meeting_consent(child, name)
    assert services.children_without_meeting_consent({child.pk}, name) == {child.pk}

    father.custody_ended_on = timezone.localdate()
    father.save()
    assert services.has_meeting_consent(child, name)
    assert services.children_without_meeting_consent({child.pk}, name) == set()

    mother.custody_ended_on = timezone.localdate()
    mother.save()
    assert not services.has_meeting_consent(child, name)  # no custody holder recorded today
