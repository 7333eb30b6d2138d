"""Issue 18: decisions act. PPR's redirect and a koordineringskonference's decisions create the
henvisning, forløb or indstilling they decide (a draft for a person to finish, linked both ways),
once, audited and within the consent rules."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cases.models import Referral, ReferralStatus
from indsatser.models import Course, CourseStatus
from meetings import services
from meetings.models import Decision, ForumReferral, ForumReferralStatus
from ppr.audit.models import AuditEvent
from ppr.deadlines import calendar
from ppr.deadlines.models import Deadline, DeadlineKind
from tests.cases.factories import CaseFactory
from tests.cases.referral_fixtures import received
from tests.indsatser.factories import InterventionFactory

from .factories import AgendaItemFactory, at, forum, give_meeting_consent, own_response_data

pytestmark = pytest.mark.django_db


def _visitate_redirect(client, referral, forum_code="sparring_ppr"):
    return client.post(
        reverse("cases:referral-visitate", args=[referral.pk]),
        {"decision": "redirect", "redirect-forum": forum_code, "redirect-note": "Prøv sparring."},
    )


# --- PPR's redirect ---------------------------------------------------------------------------


def test_pprs_redirect_drafts_the_henvisning_linked_to_the_referral(cast, client_as) -> None:
    referral = received(cast)
    leader = client_as(cast.ppr_leader)
    assert _visitate_redirect(leader, referral).status_code == 302

    henvisning = ForumReferral.objects.get()
    assert henvisning.referral == referral and henvisning.is_draft
    assert henvisning.forum == forum("sparring_ppr")
    assert henvisning.institution == cast.school
    assert henvisning.ruler_colour == referral.ruler_colour
    assert "Prøv sparring." in henvisning.rationale
    # No consent to the forum: the draft is anonymous and copies nothing that names the child.
    assert henvisning.child is None and referral.child.first_name not in henvisning.rationale
    assert AuditEvent.objects.filter(object_type="meetings.ForumReferral", action="create").exists()
    # Not followed up until someone at the school finishes it.
    assert not Deadline.objects.for_subject(henvisning).exists()

    school = client_as(cast.school_leader)
    page = school.get(referral.get_absolute_url()).content.decode()
    finish = reverse("meetings:forumreferral-finish", args=[henvisning.pk])
    assert henvisning.get_absolute_url() in page and finish in page
    detail = school.get(henvisning.get_absolute_url()).content.decode()
    assert reverse("cases:referral-detail", args=[referral.pk]) in detail
    assert "Kladde" in detail and "Book møde" not in detail


def test_a_double_submitted_redirect_drafts_one_henvisning(cast, client_as) -> None:
    referral = received(cast)
    leader = client_as(cast.ppr_leader)
    _visitate_redirect(leader, referral)
    _visitate_redirect(leader, referral)
    assert ForumReferral.objects.count() == 1


def test_the_redirect_names_the_child_when_the_parents_consented_to_the_forum(cast) -> None:
    referral = received(cast)
    for guardian in referral.child.guardians.all():
        guardian.consents.create(
            scope="moede",
            meeting_name="Sparring og vejledning v/PPR",
            given_on=calendar.today(),
            form="skriftligt",
            recorded_by=cast.school_leader,
        )
    henvisning = services.redirect_referral(referral, by=cast.ppr_leader, forum="sparring_ppr")
    assert henvisning.child == referral.child


def test_a_redirect_to_a_forum_the_institution_does_not_have_is_refused(cast) -> None:
    referral = received(cast)
    with pytest.raises(ValidationError, match="Forummet findes ikke"):
        services.redirect_referral(
            referral, by=cast.ppr_leader, forum="tvaerfagligt_smaaboernsteam"
        )
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.RECEIVED and not ForumReferral.objects.exists()


def test_the_school_finishes_the_draft_and_it_is_then_followed_up(cast, client_as) -> None:
    referral = received(cast)
    henvisning = services.redirect_referral(referral, by=cast.ppr_leader, forum="sparring_ppr")
    url = reverse("meetings:forumreferral-finish", args=[henvisning.pk])
    client = client_as(cast.school_leader)
    form = client.get(url).context["form"]
    assert form.initial["forum"] == henvisning.forum_id
    follow_up = calendar.today() + timedelta(days=14)
    data = {
        "forum": henvisning.forum_id,
        "child": "",
        "anonymous_description": "",
        "referred_on": calendar.today().isoformat(),
        "rationale": henvisning.rationale,
        "ruler_colour": "",
        "follow_up_on": follow_up.isoformat(),
        **own_response_data(),
    }
    refused = client.post(url, data)
    assert refused.status_code == 200 and "ruler_colour" in refused.context["form"].errors
    assert client.post(url, {**data, "ruler_colour": "gul"}).status_code == 302
    henvisning.refresh_from_db()
    assert henvisning.status == ForumReferralStatus.REFERRED
    assert henvisning.created_by == cast.school_leader
    deadline = Deadline.objects.for_subject(henvisning).get()
    assert deadline.kind == DeadlineKind.OPFOELGNING and deadline.due == follow_up
    # A second submit changes nothing and opens no second deadline.
    assert client.post(url, {**data, "ruler_colour": "roed"}).status_code == 302
    henvisning.refresh_from_db()
    assert henvisning.ruler_colour == "gul"
    assert Deadline.objects.for_subject(henvisning).count() == 1


def test_another_school_cannot_finish_the_draft(cast, client_as) -> None:
    henvisning = services.redirect_referral(
        received(cast), by=cast.ppr_leader, forum="sparring_ppr"
    )
    url = reverse("meetings:forumreferral-finish", args=[henvisning.pk])
    assert client_as(cast.other_leader).get(url).status_code == 404


def test_a_draft_henvisning_cannot_be_booked(cast) -> None:
    henvisning = services.redirect_referral(
        received(cast), by=cast.ppr_leader, forum="sparring_ppr"
    )
    with pytest.raises(ValidationError, match="kladde"):
        services.book_forum_meeting(
            forum=henvisning.forum,
            institution=cast.school,
            forum_referral=henvisning,
            starts_at=at(3, 9),
            ends_at=at(3, 10),
            location="Lokale 2",
            chair=cast.school_leader,
            participants=[],
            by=cast.ppr_leader,
        )


# --- The koordineringskonference's decisions ----------------------------------------------------


def _decide(item, decision, *, by, version=None, **kwargs):
    item.refresh_from_db()
    return services.decide_item(
        item=item,
        decision=decision,
        responsible=kwargs.pop("responsible", by),
        follow_up_on=kwargs.pop("follow_up_on", calendar.today() + timedelta(days=14)),
        version=item.version if version is None else version,
        by=by,
        **kwargs,
    )


def test_refer_to_a_forum_drafts_an_anonymous_henvisning_for_an_anonymous_item(
    cast, conference
) -> None:
    item = AgendaItemFactory(meeting=conference, submitted_by=cast.teacher)
    target = forum("tvaerfagligt_skoleteam")
    item = _decide(item, Decision.REFER_FORUM, forum=target, by=cast.school_leader)
    henvisning = item.forum_referral
    assert henvisning is not None and henvisning.is_draft
    assert henvisning.forum == target and henvisning.child is None
    assert henvisning.anonymous_description == item.anonymous_description
    assert henvisning.follow_up_on == item.follow_up_on
    assert conference.series.name in henvisning.rationale
    # Deciding again (e.g. correcting the note) makes no second henvisning.
    _decide(item, Decision.REFER_FORUM, forum=target, by=cast.school_leader, decision_note="Ok")
    assert ForumReferral.objects.count() == 1


def test_refer_to_a_forum_names_the_child_only_with_consent_to_that_forum(
    cast, conference, child
) -> None:
    give_meeting_consent(child, conference.series.name, recorded_by=cast.teacher)
    item = services.add_agenda_item(
        meeting=conference, title="Trivsel", child=child, by=cast.teacher
    )
    item = _decide(
        item, Decision.REFER_FORUM, forum=forum("tvaerfagligt_skoleteam"), by=cast.school_leader
    )
    assert item.forum_referral.child is None  # consent to the konference, not to the skoleteam


def test_the_conference_page_shows_what_the_decision_created_and_it_links_back(
    cast, conference, client_as
) -> None:
    item = AgendaItemFactory(meeting=conference, submitted_by=cast.teacher)
    item = _decide(
        item, Decision.REFER_FORUM, forum=forum("tvaerfagligt_skoleteam"), by=cast.school_leader
    )
    client = client_as(cast.school_leader)
    page = client.get(conference.get_absolute_url()).content.decode()
    assert "Oprettet af beslutningen" in page and item.forum_referral.get_absolute_url() in page
    detail = client.get(item.forum_referral.get_absolute_url()).content.decode()
    assert f"{conference.get_absolute_url()}#punkt-{item.pk}" in detail


def test_start_an_intervention_drafts_a_course_on_the_childs_case(cast, conference, child) -> None:
    give_meeting_consent(child, conference.series.name, recorded_by=cast.teacher)
    case = CaseFactory(child=child, assigned=cast.psychologist)
    item = services.add_agenda_item(meeting=conference, title="Angst", child=child, by=cast.teacher)
    intervention = InterventionFactory()
    item = _decide(
        item,
        Decision.START_INTERVENTION,
        intervention=intervention,
        responsible=cast.school_leader,
        by=cast.school_leader,
    )
    course = item.course
    assert course.status == CourseStatus.DRAFT and course.case == case
    # The school leader cannot run a PPR course: the case's psychologist is responsible.
    assert course.responsible == cast.psychologist and course.intervention == intervention
    assert course.goals.get().text == "Angst"
    _decide(item, Decision.START_INTERVENTION, intervention=intervention, by=cast.school_leader)
    assert Course.objects.count() == 1


def test_the_psychologist_starts_the_drafted_course(cast, conference, child, client_as) -> None:
    give_meeting_consent(child, conference.series.name, recorded_by=cast.teacher)
    CaseFactory(child=child, assigned=cast.psychologist)
    item = services.add_agenda_item(meeting=conference, title="Angst", child=child, by=cast.teacher)
    item = _decide(
        item, Decision.START_INTERVENTION, intervention=InterventionFactory(), by=cast.psychologist
    )
    client = client_as(cast.psychologist)
    page = client.get(item.course.get_absolute_url()).content.decode()
    assert "Start forløbet" in page and f"#punkt-{item.pk}" in page
    url = reverse("indsatser:course-start", args=[item.course.pk])
    assert client_as(cast.school_leader).post(url).status_code in (403, 404)
    assert client.post(url).status_code == 302
    item.course.refresh_from_db()
    assert item.course.status == CourseStatus.ACTIVE


def test_start_an_intervention_without_an_open_case_says_why_at_the_field(
    cast, conference, child
) -> None:
    give_meeting_consent(child, conference.series.name, recorded_by=cast.teacher)
    item = services.add_agenda_item(meeting=conference, title="Angst", child=child, by=cast.teacher)
    with pytest.raises(ValidationError) as refused:
        _decide(
            item,
            Decision.START_INTERVENTION,
            intervention=InterventionFactory(),
            by=cast.school_leader,
        )
    assert "ingen åben sag" in refused.value.message_dict["intervention"][0]
    item.refresh_from_db()
    assert item.decision == "" and not Course.objects.exists()


def test_refer_to_ppr_drafts_the_referral_for_the_school_to_finish(cast, conference, child) -> None:
    give_meeting_consent(child, conference.series.name, recorded_by=cast.teacher)
    item = services.add_agenda_item(
        meeting=conference,
        title="Læsevanskeligheder",
        description="Trods ekstra læsetimer.",
        child=child,
        by=cast.teacher,
    )
    item = _decide(item, Decision.REFER_PPR, responsible=cast.teacher, by=cast.psychologist)
    referral = item.referral
    assert referral.status == ReferralStatus.DRAFT and referral.child == child
    assert referral.author == cast.teacher
    assert "Trods ekstra læsetimer." in referral.concern
    assert referral.events.get().note == f"Kladde oprettet fra {conference.series.name}"
    _decide(item, Decision.REFER_PPR, responsible=cast.teacher, by=cast.psychologist)
    assert Referral.objects.count() == 1


def test_refer_to_ppr_needs_someone_from_the_school_to_write_it(cast, conference, child) -> None:
    give_meeting_consent(child, conference.series.name, recorded_by=cast.teacher)
    item = services.add_agenda_item(
        meeting=conference, title="Læsning", child=child, by=cast.teacher
    )
    with pytest.raises(ValidationError) as refused:
        _decide(item, Decision.REFER_PPR, responsible=cast.psychologist, by=cast.psychologist)
    assert "fra institutionen" in refused.value.message_dict["responsible"][0]
    assert not Referral.objects.exists()


def test_the_drafted_referral_links_back_to_the_conference(
    cast, conference, child, client_as
) -> None:
    give_meeting_consent(child, conference.series.name, recorded_by=cast.teacher)
    item = services.add_agenda_item(
        meeting=conference, title="Læsning", child=child, by=cast.teacher
    )
    item = _decide(item, Decision.REFER_PPR, by=cast.school_leader)
    page = client_as(cast.school_leader).get(item.referral.get_absolute_url()).content.decode()
    assert f"{conference.get_absolute_url()}#punkt-{item.pk}" in page
