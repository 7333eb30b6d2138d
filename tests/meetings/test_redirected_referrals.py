"""Issue 6: PPR's "henvist til et forum" becomes a link to the TRIO's henvisning in that forum."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cases.models import ConsentForm, ConsentScope
from meetings import services
from meetings.models import ForumReferral
from ppr.deadlines import calendar
from tests.cases.factories import ConsentFactory
from tests.cases.referral_fixtures import in_status

from .factories import cast_trio, forum, own_response, own_response_data

pytestmark = pytest.mark.django_db


def _redirected(cast):
    """Indstilling from the cast's school that PPR redirected to "Sparring og vejledning v/PPR"."""
    return in_status(cast, "henvist")


def _post_data(referral, **overrides):
    today = calendar.today()
    return {
        "forum": forum("sparring_ppr").pk,
        "child": "",
        "anonymous_description": "pige, 2. klasse",
        "referred_on": today.isoformat(),
        "rationale": "Sparring om trivsel i klassen.",
        "ruler_colour": "gul",
        "follow_up_on": (today + timedelta(days=21)).isoformat(),
        **own_response_data(),
        **overrides,
    }


def test_the_redirected_referral_offers_to_record_the_henvisning(cast, client_as) -> None:
    referral = _redirected(cast)
    page = client_as(cast.school_leader).get(referral.get_absolute_url()).content.decode()
    assert f"{reverse('meetings:forumreferral-create')}?indstilling={referral.pk}" in page
    assert "registrér henvisningen" in page


def test_the_form_starts_from_pprs_decision_and_the_henvisning_links_both_ways(
    cast, client_as
) -> None:
    referral = _redirected(cast)
    target = forum("sparring_ppr")
    for guardian in referral.child.guardians.filter(has_custody=True):
        ConsentFactory(
            guardian=guardian,
            scope=ConsentScope.MEETING,
            meeting_name=target.name,
            form=ConsentForm.WRITTEN,
            recorded_by=cast.school_leader,
        )
    client = client_as(cast.school_leader)
    url = f"{reverse('meetings:forumreferral-create')}?indstilling={referral.pk}"
    form = client.get(url).context["form"]
    assert form.initial["forum"] == target.pk
    assert form.initial["child"] == referral.child_id
    assert form.initial["ruler_colour"] == referral.ruler_colour

    response = client.post(
        url, _post_data(referral, child=referral.child_id, anonymous_description="")
    )
    assert response.status_code == 302
    henvisning = ForumReferral.objects.get()
    assert henvisning.referral == referral and henvisning.child == referral.child

    detail = client.get(henvisning.get_absolute_url()).content.decode()
    assert reverse("cases:referral-detail", args=[referral.pk]) in detail
    page = client.get(referral.get_absolute_url()).content.decode()
    assert henvisning.get_absolute_url() in page
    assert "registrér henvisningen" not in page
    # Recorded once: the offer is gone and a second attempt finds no such referral.
    assert client.get(url).status_code == 404


def test_an_anonymous_henvisning_may_still_be_linked(cast, client_as) -> None:
    referral = _redirected(cast)
    url = f"{reverse('meetings:forumreferral-create')}?indstilling={referral.pk}"
    cast_trio(cast)  # the teacher sits in the school's TRIO
    assert client_as(cast.teacher).post(url, _post_data(referral)).status_code == 302
    assert ForumReferral.objects.get().referral == referral


def test_only_a_redirected_referral_of_the_institution_can_be_linked(cast, client_as) -> None:
    accepted = in_status(cast, "accepteret")
    url = f"{reverse('meetings:forumreferral-create')}?indstilling={accepted.pk}"
    assert client_as(cast.school_leader).get(url).status_code == 404
    redirected = _redirected(cast)
    other_url = f"{reverse('meetings:forumreferral-create')}?indstilling={redirected.pk}"
    assert client_as(cast.other_leader).get(other_url).status_code in (403, 404)


def test_the_service_refuses_a_second_link_and_another_child(cast) -> None:
    from tests.cases.factories import ChildFactory

    referral = _redirected(cast)
    kwargs = {
        "institution": cast.school,
        "forum": forum("sparring_ppr"),
        "anonymous_description": "pige",
        "referred_on": calendar.today(),
        "rationale": "Sparring.",
        "ruler_colour": "gul",
        "follow_up_on": calendar.today() + timedelta(days=7),
        "by": cast.school_leader,
        "own": own_response(),
        "referral": referral,
    }
    with pytest.raises(ValidationError, match="barnet fra indstillingen"):
        services.refer_to_forum(child=ChildFactory(institution=cast.school), **kwargs)
    services.refer_to_forum(child=None, **kwargs)
    with pytest.raises(ValidationError, match="allerede knyttet"):
        services.refer_to_forum(child=None, **kwargs)


def _linked_henvisning(cast):
    referral = _redirected(cast)
    return referral, services.refer_to_forum(
        institution=cast.school,
        forum=forum("sparring_ppr"),
        child=None,
        anonymous_description="pige",
        referred_on=calendar.today(),
        rationale="Sparring.",
        ruler_colour="gul",
        follow_up_on=calendar.today() + timedelta(days=7),
        by=cast.school_leader,
        own=own_response(),
        referral=referral,
    )


def test_the_henvisning_links_the_indstilling_only_for_who_may_open_it(cast, client_as) -> None:
    """A psychologist sees the henvisning but not the indstilling (no case of theirs): plain text,
    not a link to a 404. The school leader, who may open it, gets the link."""
    referral, henvisning = _linked_henvisning(cast)
    link = f'href="{reverse("cases:referral-detail", args=[referral.pk])}"'
    label = f"Indstilling nr. {referral.pk}"

    psychologist = client_as(cast.psychologist)
    page = psychologist.get(henvisning.get_absolute_url()).content.decode()
    assert label in page and link not in page
    assert psychologist.get(referral.get_absolute_url()).status_code == 404

    leader = client_as(cast.school_leader)
    page = leader.get(henvisning.get_absolute_url()).content.decode()
    assert label in page and link in page
    assert leader.get(referral.get_absolute_url()).status_code == 200
