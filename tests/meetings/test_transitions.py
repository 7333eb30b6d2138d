"""Issue 25, early detection: overgange. The sending institution's list of children with a
yellow or red latest Børnelineal rating who change institution or stage (seed 004, pejlemærke
2: "særligt ved overgange og skift"), "Bed modtagende TRIO handle", and the receiving TRIO's
acknowledgement, with the child named to the receiving side only with consent."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.children.forms import named_meeting_choices
from cases.models import Child, RulerColour
from lifecycle.erasure import anonymise_children
from meetings import transitions
from meetings.models import TransitionKind, TransitionRequest, TransitionRequestStatus
from meetings.schoolyears import current_school_year
from ppr.accounts.models import Role
from ppr.audit.models import AuditEvent
from tests.cases.factories import RulerRatingFactory
from tests.conftest import SESSION_QUERIES
from tests.factories import user_with_role

from .factories import (
    cast_trio,
    child_born,
    flagged_child,
    give_meeting_consent,
    make_trio,
    transition_request,
)

pytestmark = pytest.mark.django_db

NOW = current_school_year()
NEXT = NOW + 1
CONSENT = transitions.TRANSITION_CONSENT


def starts_school_next_year() -> date:
    """A birth date that makes a child start børnehaveklasse in August of NEXT (turns 6)."""
    return date(NEXT - 6, 3, 14)


def in_grade(grade: int) -> date:
    """A birth date that puts a pupil (without a class name) in ``grade`` this school year."""
    return date(NOW - 6 - grade, 5, 2)


def daycare_trio(cast):
    return make_trio(
        cast.daycare,
        leader=cast.daycare_leader,
        psychologist=cast.colleague,
        resource_person=user_with_role(Role.STAFF, institution=cast.daycare),
    )


def list_url(**query) -> str:
    url = reverse("meetings:transition-list")
    return f"{url}?{'&'.join(f'{k}={v}' for k, v in query.items())}" if query else url


def rows(response) -> list[Child]:
    return [row.record for row in response.context["table"].page.object_list]


# --- How a transition is known ----------------------------------------------------------------


def test_the_grade_is_read_from_the_class_name() -> None:
    assert [
        transitions.grade_from_group(g)
        for g in ("3.A", " 6 b", "10.x", "0. klasse", "Børnehaveklasse", "Sommerfuglene", "")
    ] == [3, 6, 10, 0, 0, None, None]


def test_the_database_reads_the_grade_as_python_does_and_else_uses_the_birth_year(cast) -> None:
    # Every pupil is born to be in 5th grade; a class name that says a grade decides.
    groups = ["3.A", " 6 b", "10.x", "0.B", "Børnehaveklasse", "Gruppe 3", ""]
    for group in groups:
        child_born(in_grade(5), institution=cast.school, group=group)
    annotated = transitions.annotate_transitions(
        Child.objects.filter(institution=cast.school), NEXT
    )
    found = {c.group: c.grade_before for c in annotated}
    assert found == {
        g: g_grade if (g_grade := transitions.grade_from_group(g)) is not None else 5
        for g in groups
    }
    kinds = {c.group: c.transition for c in annotated}
    assert kinds == {g: {"3.A": "mellemtrin", " 6 b": "overskoling"}.get(g, "") for g in groups}
    # Into this school year (last August's move) the grade before was one lower.
    assert {
        c.group: c.grade_before
        for c in transitions.annotate_transitions(
            Child.objects.filter(institution=cast.school, group="3.A"), NOW
        )
    } == {"3.A": 2}


def test_a_dagtilbud_child_starts_school_in_august_of_the_year_it_turns_six(cast) -> None:
    starting = flagged_child(cast.daycare, born=starts_school_next_year(), colour="roed")
    late = flagged_child(cast.daycare, born=date(NEXT - 7, 11, 30))  # udsat skolestart
    flagged_child(cast.daycare, born=date(NEXT - 5, 1, 1))  # turns 6 the year after
    found = {
        c.pk: (c.transition, c.latest_colour, c.grade_before)
        for c in transitions.flagged_children(Child.objects.all(), NEXT)
    }
    assert found == {
        starting.pk: (TransitionKind.SCHOOL_START, "roed", None),
        late.pk: (TransitionKind.SCHOOL_START, "gul", None),
    }


def test_only_the_latest_rating_counts_and_green_is_not_listed(cast) -> None:
    born = starts_school_next_year()
    recovered = flagged_child(cast.daycare, born=born, colour="roed")
    RulerRatingFactory(child=recovered, colour="groen", rated_on=timezone.localdate())
    worse = flagged_child(cast.daycare, born=born, colour="groen")
    RulerRatingFactory(child=worse, colour="gul", rated_on=timezone.localdate())
    RulerRatingFactory(child=worse, colour="roed", rated_on=timezone.localdate() - timedelta(1))
    child_born(born, institution=cast.daycare)  # never rated
    listed = transitions.flagged_children(Child.objects.all(), NEXT)
    assert [(c.pk, c.latest_colour) for c in listed] == [(worse.pk, "gul")]


def test_a_pupil_without_a_grade_in_the_class_name_is_placed_by_the_birth_year(cast) -> None:
    third = flagged_child(cast.school, born=in_grade(3), group="Bjørnene")
    flagged_child(cast.school, born=in_grade(4), group="Bjørnene")
    sixth = flagged_child(cast.other_school, born=in_grade(6), group="", colour="roed")
    found = {c.pk: c.transition for c in transitions.flagged_children(Child.objects.all(), NEXT)}
    assert found == {third.pk: "mellemtrin", sixth.pk: "overskoling"}


# --- The sending list ----------------------------------------------------------------------------


def test_the_leader_sees_the_institutions_list_with_an_exact_query_count_and_reads_audited(
    cast, client_as, django_assert_num_queries
) -> None:
    cast_trio(cast)
    children = [flagged_child(cast.school, born=in_grade(3), group="3.A") for _ in range(3)]
    flagged_child(cast.school, born=in_grade(2), group="2.A")  # no transition
    flagged_child(cast.other_school, born=in_grade(3), group="3.B")  # another school
    client = client_as(cast.school_leader)
    client.get(reverse("home"))  # the per-process caches (municipality, menu) warmed
    with django_assert_num_queries(10 + SESSION_QUERIES):
        response = client.get(list_url())
    assert response.status_code == 200
    assert {c.pk for c in rows(response)} == {c.pk for c in children}
    page = response.content.decode()
    assert "Indskoling → mellemtrin" in page and "Bed modtagende TRIO handle" in page
    assert children[0].name in page
    read = AuditEvent.objects.filter(action="view", purpose="overgang", actor=cast.school_leader)
    assert set(read.values_list("child_id", flat=True)) == {c.pk for c in children}
    # More rows, same number of queries (one page).
    for _ in range(4):
        flagged_child(cast.school, born=in_grade(6), group="6.C", colour="roed")
    with django_assert_num_queries(10 + SESSION_QUERIES):
        assert client.get(list_url()).status_code == 200


def test_the_list_filters_and_sorts(cast, client_as) -> None:
    cast_trio(cast)
    third = flagged_child(cast.school, born=in_grade(3), group="3.A", last_name="Aagesen")
    sixth = flagged_child(cast.school, born=in_grade(6), group="6.A", colour="roed")
    client = client_as(cast.school_leader)
    assert [c.pk for c in rows(client.get(list_url(overgang="overskoling")))] == [sixth.pk]
    assert [c.pk for c in rows(client.get(list_url(farve="gul")))] == [third.pk]
    assert [c.pk for c in rows(client.get(list_url(sort="-colour")))] == [sixth.pk, third.pk]
    transition_request(third, receiving=cast.school, sent_by=cast.school_leader, kind="mellemtrin")
    assert [c.pk for c in rows(client.get(list_url(anmodet="true")))] == [third.pk]
    assert [c.pk for c in rows(client.get(list_url(anmodet="false")))] == [sixth.pk]
    # This school year's moves (last August): none of them.
    assert rows(client.get(list_url(skoleaar=NOW))) == []
    # An institution that is not one's own is refused by the filter in Danish, with no rows.
    response = client.get(list_url(institution=cast.other_school.pk))
    assert rows(response) == [] and "Vælg en af dine institutioner" in response.content.decode()


def test_the_trio_sees_its_list_and_others_are_refused(cast, client_as) -> None:
    flagged_child(cast.school, born=in_grade(3), group="3.A")
    # The teacher sees it only as the TRIO's resource person.
    assert client_as(cast.teacher).get(list_url()).status_code == 403
    cast_trio(cast)
    assert client_as(cast.teacher).get(list_url()).status_code == 200
    for user in (cast.secretary, cast.social_worker, cast.outsider, cast.administrator):
        assert client_as(user).get(list_url()).status_code == 403, user
    # The other school's leader sees their own list: not this school's child.
    assert rows(client_as(cast.other_leader).get(list_url())) == []
    assert client_as(cast.ppr_leader).get(list_url()).status_code == 200


# --- Bed modtagende TRIO handle -----------------------------------------------------------------


def ask_url(child) -> str:
    return reverse("meetings:transition-request-create", args=[child.pk])


def ask_data(cast, **overrides) -> dict:
    return {
        "receiving_institution": cast.school.pk,
        "message": "Har brug for en fast voksen og god tid til at lære klassen at kende.",
        "skoleaar": NEXT,
        **overrides,
    }


def test_the_daycare_asks_the_school_once_even_when_submitted_twice(cast, client_as) -> None:
    daycare_trio(cast)
    child = flagged_child(cast.daycare, born=starts_school_next_year(), colour="roed")
    client = client_as(cast.daycare_leader)
    page = client.get(ask_url(child), {"skoleaar": NEXT}).content.decode()
    assert "Anmodningen er anonym" in page and "Skolestart" in page
    first = client.post(ask_url(child), ask_data(cast))
    second = client.post(ask_url(child), ask_data(cast))
    request = TransitionRequest.objects.get()
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == request.get_absolute_url()
    assert (request.kind, request.colour, request.sending_institution, request.school_year) == (
        TransitionKind.SCHOOL_START,
        "roed",
        cast.daycare,
        NEXT,
    )
    assert request.status == TransitionRequestStatus.SENT and request.grade_before is None
    assert (
        AuditEvent.objects.filter(
            object_type="meetings.TransitionRequest", action="create", child_id=child.pk
        ).count()
        == 1
    )


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"receiving_institution": ""}, "receiving_institution", "Vælg den skole"),
        ({"message": "  "}, "message", "Skriv hvad den modtagende TRIO"),
        ({"message": "Ring til 010203-1234."}, "message", "CPR"),
        ({"message": "{first} er urolig."}, "message", "uden barnets navn"),
    ],
)
def test_bad_input_is_refused_in_danish_and_nothing_is_saved(
    cast, client_as, overrides, field, message
) -> None:
    daycare_trio(cast)
    child = flagged_child(cast.daycare, born=starts_school_next_year(), first_name="Ingolf")
    if "message" in overrides:
        overrides = {"message": overrides["message"].format(first=child.first_name)}
    response = client_as(cast.daycare_leader).post(ask_url(child), ask_data(cast, **overrides))
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert not TransitionRequest.objects.exists()


def test_a_child_not_at_a_transition_or_green_cannot_be_sent(cast, client_as) -> None:
    daycare_trio(cast)
    green = flagged_child(cast.daycare, born=starts_school_next_year(), colour="groen")
    young = flagged_child(cast.daycare, born=date(NEXT - 4, 1, 1))
    client = client_as(cast.daycare_leader)
    for child in (green, young):
        response = client.post(ask_url(child), ask_data(cast))
        assert response.status_code == 400
        assert "ikke på listen over overgange" in response.content.decode()
    # A daycare is not a school: not offered as the receiver.
    child = flagged_child(cast.daycare, born=starts_school_next_year())
    response = client.post(ask_url(child), ask_data(cast, receiving_institution=cast.daycare.pk))
    assert "Vælg en skole fra listen" in " ".join(
        response.context["form"].errors["receiving_institution"]
    )
    assert not TransitionRequest.objects.exists()


def test_only_the_sending_trio_or_leader_asks(cast, client_as) -> None:
    cast_trio(cast)
    child = flagged_child(cast.school, born=in_grade(3), group="3.A")
    assert client_as(cast.ppr_leader).post(ask_url(child), ask_data(cast)).status_code == 403
    assert client_as(cast.secretary).get(ask_url(child)).status_code == 403
    for user in (cast.other_leader, cast.outsider, cast.social_worker):
        assert client_as(user).post(ask_url(child), ask_data(cast)).status_code == 404, user
    assert not TransitionRequest.objects.exists()
    assert client_as(cast.teacher).post(ask_url(child), ask_data(cast)).status_code == 302


# --- The receiving side: named only with consent -------------------------------------------------


def sent(cast, **kwargs):
    child = flagged_child(
        cast.daycare,
        born=starts_school_next_year(),
        first_name="Rigmor",
        last_name="Overgaard",
        **kwargs,
    )
    return child, transition_request(child, receiving=cast.school, sent_by=cast.daycare_leader)


def test_without_consent_the_receiving_school_sees_an_anonymous_request(cast, client_as) -> None:
    child, request = sent(cast)
    client = client_as(cast.school_leader)
    listing = client.get(reverse("meetings:transition-request-list")).content.decode()
    detail = client.get(request.get_absolute_url()).content.decode()
    for page in (listing, detail):
        assert "Rigmor" not in page and "Overgaard" not in page
        assert f"Barn på {child.age} år" in page
    assert "Har brug for tydelige rammer" in detail and "Gul" in detail
    assert "Børnehuset Mælkebøtten" in detail
    # The read is still logged: the request is about the child.
    assert AuditEvent.objects.filter(actor=cast.school_leader, child_id=child.pk).exists()
    # The sending side knows the child.
    assert (
        "Rigmor Overgaard"
        in client_as(cast.daycare_leader).get(request.get_absolute_url()).content.decode()
    )


def test_with_consent_the_child_is_named_and_not_after_it_is_withdrawn(cast, client_as) -> None:
    child, request = sent(cast)
    give_meeting_consent(child, CONSENT, recorded_by=cast.daycare_leader)
    client = client_as(cast.school_leader)
    assert "Rigmor Overgaard" in client.get(request.get_absolute_url()).content.decode()
    assert (
        "Rigmor Overgaard"
        in client.get(reverse("meetings:transition-request-list")).content.decode()
    )
    # One parent withdraws: anonymous again, at once.
    consent = child.guardians.first().consents.get()
    consent.withdrawn_on = timezone.localdate()
    consent.save()
    assert "Rigmor" not in client.get(request.get_absolute_url()).content.decode()
    assert not TransitionRequest.objects.naming_child_to(cast.school_leader).exists()


def test_one_parents_consent_is_not_enough_with_joint_custody(cast, client_as) -> None:
    child, request = sent(cast)
    give_meeting_consent(child, CONSENT, recorded_by=cast.daycare_leader, guardians=1)
    from tests.cases.factories import GuardianFactory

    GuardianFactory(child=child, relation="far")
    assert (
        "Rigmor"
        not in client_as(cast.school_leader).get(request.get_absolute_url()).content.decode()
    )


def test_the_consent_form_offers_the_handover_as_a_named_purpose(cast) -> None:
    child = flagged_child(cast.daycare, born=starts_school_next_year())
    offered = [value for _group, options in named_meeting_choices(child) for value, _ in options]
    assert CONSENT in offered


def test_outsiders_get_404_and_leak_nothing(cast, client_as) -> None:
    _child, request = sent(cast)
    for user in (cast.other_leader, cast.teacher, cast.outsider, cast.social_worker):
        response = client_as(user).get(request.get_absolute_url())
        assert response.status_code == 404, user
        assert "Rigmor" not in response.content.decode()
        listing = client_as(user).get(reverse("meetings:transition-request-list"))
        assert listing.context["table"].paginator.count == 0
    assert client_as(cast.administrator).get(request.get_absolute_url()).status_code == 403


def test_the_request_list_keeps_its_query_count(cast, client_as, django_assert_num_queries) -> None:
    for _ in range(3):
        sent_child = flagged_child(cast.daycare, born=starts_school_next_year())
        transition_request(sent_child, receiving=cast.school, sent_by=cast.daycare_leader)
    client = client_as(cast.school_leader)
    client.get(reverse("home"))  # the per-process caches (municipality, menu) warmed
    with django_assert_num_queries(7 + SESSION_QUERIES):
        response = client.get(reverse("meetings:transition-request-list"))
    assert response.context["table"].paginator.count == 3
    more = flagged_child(cast.daycare, born=starts_school_next_year())
    transition_request(more, receiving=cast.school, sent_by=cast.daycare_leader)
    with django_assert_num_queries(7 + SESSION_QUERIES):
        response = client.get(reverse("meetings:transition-request-list"), {"retning": "modtaget"})
    assert response.context["table"].paginator.count == 4
    sending = client_as(cast.daycare_leader).get(
        reverse("meetings:transition-request-list"), {"retning": "modtaget"}
    )
    assert sending.context["table"].paginator.count == 0


# --- The receiving TRIO acknowledges -------------------------------------------------------------


def test_the_receiving_trio_records_what_it_will_do_once(cast, client_as) -> None:
    cast_trio(cast)
    _child, request = sent(cast)
    client = client_as(cast.psychologist)  # in the school's TRIO
    data = {"response": "Vi holder møde med forældrene og dagtilbuddet i maj."}
    assert client.post(request.get_absolute_url(), data).status_code == 302
    assert client.post(request.get_absolute_url(), data).status_code == 302
    request.refresh_from_db()
    assert request.status == TransitionRequestStatus.ACKNOWLEDGED
    assert (request.response, request.responded_by) == (data["response"], cast.psychologist)
    assert (
        AuditEvent.objects.filter(object_type="meetings.TransitionRequest", action="update").count()
        == 1
    )
    page = client_as(cast.daycare_leader).get(request.get_absolute_url()).content.decode()
    assert "Vi holder møde med forældrene" in page and "Modtagende TRIO handler" in page


def test_an_empty_acknowledgement_is_refused_and_the_sender_cannot_answer(cast, client_as) -> None:
    _child, request = sent(cast)
    response = client_as(cast.school_leader).post(request.get_absolute_url(), {"response": " "})
    assert response.status_code == 400
    assert response.context["form"].errors["response"] == ["Skriv hvad TRIO'en vil gøre."]
    daycare = client_as(cast.daycare_leader)
    assert daycare.post(request.get_absolute_url(), {"response": "Ok"}).status_code == 403
    assert (
        client_as(cast.ppr_leader).post(request.get_absolute_url(), {"response": "Ok"}).status_code
        == 403
    )
    request.refresh_from_db()
    assert request.status == TransitionRequestStatus.SENT and request.response == ""


def test_the_start_page_tells_the_receiving_leader(cast, client_as) -> None:
    sent(cast)
    page = client_as(cast.school_leader).get(reverse("home")).content.decode()
    assert "1 anmodning ved overgang venter på jeres TRIO" in page
    assert (
        "ved overgang venter"
        not in client_as(cast.other_leader).get(reverse("home")).content.decode()
    )


# --- Life cycle --------------------------------------------------------------------------------


def test_erasing_the_child_keeps_the_request_as_an_anonymous_fact(cast) -> None:
    child, request = sent(cast)
    TransitionRequest.objects.filter(pk=request.pk).update(
        status=TransitionRequestStatus.ACKNOWLEDGED,
        response="Rigmor får en fast voksen.",
        responded_by=cast.school_leader,
    )
    anonymise_children([child.pk])
    request.refresh_from_db()
    assert (request.message, request.response) == ("–", "–")
    assert (request.colour, request.kind, request.receiving_institution) == (
        RulerColour.GUL,
        TransitionKind.SCHOOL_START,
        cast.school,
    )
