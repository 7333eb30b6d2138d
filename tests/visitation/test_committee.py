"""The visitation committee: the PPR leader seats its members and plans its meetings; the
agenda is built from the applications that are ready; each application gets a case
presentation, the documents and the committee's recommendation; members see only what is on
their agenda. A recommendation against the parents' wish needs a partshøring, and no decision
can be made before the parents' deadline or their answer."""

from datetime import date, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ppr.deadlines import calendar
from tests.cases.case_fixtures import cpr_born, make_case
from tests.cases.ppv_fixtures import draft, finalise
from visitation import services
from visitation.models import AgendaEntry, ApplicationStatus, Committee, Hearing

from .factories import filled_application, offer, submitted_application

pytestmark = pytest.mark.django_db


def _committee(cast):
    committee = services.save_committee(
        committee=Committee(name="Visitationsudvalget"), by=cast.ppr_leader
    )
    services.add_member(
        committee=committee, user=cast.social_worker, function="medlem", by=cast.ppr_leader
    )
    meeting = services.plan_meeting(
        committee=committee, held_on=date.today(), place="Rådhuset", by=cast.ppr_leader
    )
    return committee, meeting


def _another_submitted(cast):
    case = make_case(cast, assigned=cast.psychologist, child__cpr=cpr_born(date(2016, 5, 2)))
    finalise(draft(cast, case), cast.psychologist)
    return services.submit_application(filled_application(cast, case), by=cast.school_leader)


def test_the_leader_builds_the_agenda_from_the_ready_applications_once(cast, client_as):
    application = submitted_application(cast)
    _committee_, meeting = _committee(cast)
    client = client_as(cast.ppr_leader)
    page = client.get(reverse("visitation:meeting-detail", args=[meeting.pk])).content.decode()
    assert "Ansøgninger klar til dagsordenen" in page and "Åse Ørsted Kjær" in page
    url = reverse("visitation:meeting-build-agenda", args=[meeting.pk])
    client.post(url)
    client.post(url)
    assert AgendaEntry.objects.filter(meeting=meeting, application=application).count() == 1
    application.refresh_from_db()
    assert application.status == ApplicationStatus.ON_AGENDA


def test_members_see_only_what_is_on_their_agenda(cast, client_as):
    on_agenda = submitted_application(cast)
    waiting = _another_submitted(cast)
    _c, meeting = _committee(cast)
    entry = services.add_to_agenda(meeting=meeting, application=on_agenda, by=cast.ppr_leader)
    member = client_as(cast.social_worker)
    listed = member.get(reverse("visitation:meeting-list")).content.decode()
    assert "Visitationsudvalget" in listed
    page = member.get(reverse("visitation:entry-detail", args=[entry.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Sammenfatning og vurdering" in html and "Institutionens evaluerede handleplan" in html
    assert member.get(on_agenda.get_absolute_url()).status_code == 200
    assert member.get(waiting.get_absolute_url()).status_code == 404
    # Another partner, on no committee, sees no meeting at all.
    outsider = client_as(cast.health_visitor)
    assert (
        "Visitationsudvalget"
        not in outsider.get(reverse("visitation:meeting-list")).content.decode()
    )
    assert outsider.get(reverse("visitation:entry-detail", args=[entry.pk])).status_code == 404
    # The member reads; only the PPR leader records.
    present = reverse("visitation:entry-present", args=[entry.pk])
    assert member.post(present, {"presentation": "Tekst"}).status_code == 403


def test_granting_without_an_offer_is_refused_at_the_field_and_nothing_is_saved(cast, client_as):
    application = submitted_application(cast)
    _c, meeting = _committee(cast)
    entry = services.add_to_agenda(meeting=meeting, application=application, by=cast.ppr_leader)
    response = client_as(cast.ppr_leader).post(
        reverse("visitation:entry-recommend", args=[entry.pk]),
        {"recommendation": "bevilg", "recommended_offer": "", "note": "Behovet er dokumenteret."},
    )
    assert response.status_code == 400
    assert "Vælg det tilbud, udvalget anbefaler." in response.content.decode()
    entry.refresh_from_db()
    assert entry.recommendation == ""


def test_a_recommendation_in_line_with_the_parents_needs_no_hearing(cast):
    application = submitted_application(cast)
    _c, meeting = _committee(cast)
    entry = services.add_to_agenda(meeting=meeting, application=application, by=cast.ppr_leader)
    services.recommend(
        entry=entry,
        recommendation="bevilg",
        offer=offer(cast),
        note="Behovet er dokumenteret i PPV'en.",
        by=cast.ppr_leader,
    )
    assert not services.hearing_required(entry)
    assert services.decision_blocked_by(application) == ""


def test_a_refusal_against_the_parents_wish_waits_for_the_hearing(cast, client_as):
    application = submitted_application(cast)
    _c, meeting = _committee(cast)
    entry = services.add_to_agenda(meeting=meeting, application=application, by=cast.ppr_leader)
    client = client_as(cast.ppr_leader)
    client.post(
        reverse("visitation:entry-recommend", args=[entry.pk]),
        {"recommendation": "afslaa", "note": "Den almene støtte kan udvides."},
    )
    entry.refresh_from_db()
    assert services.hearing_required(entry)
    assert "skal partshøres" in services.decision_blocked_by(application)

    today = calendar.today()
    start = reverse("visitation:hearing-start", args=[entry.pk])
    client.post(start, {"material": "PPV, ansøgning og forventet afslag."})
    client.post(start, {"material": "PPV, ansøgning og forventet afslag."})  # twice: one
    hearing = Hearing.objects.get()
    assert hearing.deadline == calendar.add_working_days(today, 10)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.HEARING
    assert "frist til" in services.decision_blocked_by(application)
    # The last day of the deadline still blocks; the day after does not.
    assert services.decision_blocked_by(application, today=hearing.deadline)
    assert (
        services.decision_blocked_by(application, today=hearing.deadline + timedelta(days=1)) == ""
    )


def test_the_parents_answer_ends_the_hearing_before_the_deadline(cast, client_as):
    application = submitted_application(cast)
    _c, meeting = _committee(cast)
    entry = services.add_to_agenda(meeting=meeting, application=application, by=cast.ppr_leader)
    services.recommend(
        entry=entry, recommendation="afslaa", offer=None, note="Almen støtte.", by=cast.ppr_leader
    )
    services.start_hearing(application=application, material="Materiale", by=cast.ppr_leader)
    client = client_as(cast.ppr_leader)
    url = reverse("visitation:hearing-answer", args=[entry.pk])
    bad = client.post(url, {"answered_on": "", "answer": ""})
    assert bad.status_code == 400
    assert "Skriv forældrenes bemærkninger." in bad.content.decode()
    client.post(url, {"answered_on": date.today().isoformat(), "answer": "Vi er uenige."})
    assert services.decision_blocked_by(application) == ""


def test_the_hearing_deadline_counts_working_days_over_easter(cast):
    application = submitted_application(cast)
    _c, meeting = _committee(cast)
    entry = services.add_to_agenda(meeting=meeting, application=application, by=cast.ppr_leader)
    services.recommend(
        entry=entry, recommendation="afslaa", offer=None, note="Almen støtte.", by=cast.ppr_leader
    )
    with time_machine.travel(date(2027, 3, 24)):
        hearing = services.start_hearing(
            application=application, material="Materiale", by=cast.ppr_leader
        )
    # 10 working days from Wednesday 24 March 2027 skip Skærtorsdag, Langfredag and 2. påskedag.
    assert hearing.deadline == date(2027, 4, 12)


def test_the_agenda_costs_the_same_queries_for_one_item_or_many(
    cast, client_as, django_assert_num_queries
):
    _c, meeting = _committee(cast)
    services.add_to_agenda(
        meeting=meeting, application=submitted_application(cast), by=cast.ppr_leader
    )
    client = client_as(cast.social_worker)
    url = reverse("visitation:meeting-detail", args=[meeting.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _ in range(3):
        services.add_to_agenda(
            meeting=meeting, application=_another_submitted(cast), by=cast.ppr_leader
        )
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count("/visitation/punkt/") == 4
