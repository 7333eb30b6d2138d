"""The application for special support: started by the leader of the child's school for a child
with an open case, prefilled from the referral's handleplan, autosaved as a draft, submitted
only with a final PPV no older than the configured age and every required section; submitted
once however often the button is pressed. Every read is audited with its purpose."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import Ppv
from ppr.audit.models import AuditEvent
from tests.cases.case_fixtures import cpr_born, make_case
from tests.cases.ppv_fixtures import ppv_case
from visitation import services
from visitation.models import ApplicationStatus, SupportApplication

from .factories import FILLED, case_with_final_ppv, filled_application, offer

pytestmark = pytest.mark.django_db


def _post_data(application: SupportApplication, **overrides: object) -> dict[str, object]:
    data = {**FILLED, "version": application.version}
    data.update(overrides)
    return data


def test_the_school_leader_starts_an_application_prefilled_from_the_referral(cast, client_as):
    case = case_with_final_ppv(cast)
    case.referrals.update(plan_goals="Mål fra indstillingen: læse 20 minutter dagligt.")
    client = client_as(cast.school_leader)
    start = client.get(reverse("visitation:application-create"))
    assert "Åse Ørsted Kjær (140315-xxxx)" in start.content.decode()
    response = client.post(reverse("visitation:application-create"), {"child": case.child.pk})
    application = SupportApplication.objects.get()
    assert response["Location"] == reverse("visitation:application-update", args=[application.pk])
    assert application.plan_goals == "Mål fra indstillingen: læse 20 minutter dagligt."
    assert application.ppv == Ppv.objects.get(case=case)
    assert not application.on_parent_request
    page = client.get(response["Location"]).content.decode()
    assert "Mål fra indstillingen" in page
    assert "Endelig PPV version 1" in page


def test_starting_twice_gives_one_application(cast, client_as):
    case = case_with_final_ppv(cast)
    client = client_as(cast.school_leader)
    first = client.post(reverse("visitation:application-create"), {"child": case.child.pk})
    second = client.post(reverse("visitation:application-create"), {"child": case.child.pk})
    assert first["Location"] == second["Location"]
    assert SupportApplication.objects.count() == 1


def test_another_schools_leader_cannot_apply_for_the_child(cast, client_as):
    case = case_with_final_ppv(cast)
    response = client_as(cast.other_leader).post(
        reverse("visitation:application-create"), {"child": case.child.pk}
    )
    assert response.status_code == 400
    assert "Vælg et barn fra listen." in response.content.decode()
    assert not SupportApplication.objects.exists()


def test_a_child_without_an_open_case_is_not_offered(cast, client_as):
    case = case_with_final_ppv(cast)
    case.status = "lukket"
    case.outcome = "afsluttet_uden_videre"
    case.save()
    page = client_as(cast.school_leader).get(reverse("visitation:application-create"))
    assert "Åse" not in page.content.decode()


def test_the_autosave_saves_the_draft_and_detects_a_stale_version(cast, client_as):
    application = filled_application(cast)
    client = client_as(cast.school_leader)
    url = reverse("visitation:application-autosave", args=[application.pk])
    saved = client.post(url, _post_data(application, parents_view="Forældrene er enige."))
    assert "Gemt kl." in saved.content.decode()
    application.refresh_from_db()
    assert application.parents_view == "Forældrene er enige."
    stale = client.post(url, _post_data(application, version=1, parents_view="Overskrevet"))
    assert "er blevet gemt et andet sted" in stale.content.decode()
    application.refresh_from_db()
    assert application.parents_view == "Forældrene er enige."


def test_submitting_without_the_required_sections_names_them_at_their_fields(cast, client_as):
    case = case_with_final_ppv(cast)
    application = services.start_application(child=case.child, by=cast.school_leader)
    empty = dict.fromkeys(FILLED, "")
    empty["plan_evaluated_with"] = []
    data = {**empty, "version": application.version, "action": "submit"}
    response = client_as(cast.school_leader).post(
        reverse("visitation:application-update", args=[application.pk]), data
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Angiv forældrenes holdning til ansøgningen." in html
    assert 'id="id_parents_position_error"' in html
    assert "Beskriv, hvordan handleplanen er evalueret." in html
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT
    assert application.submitted_at is None


def test_a_bad_date_is_refused_at_its_field_and_nothing_is_saved(cast, client_as):
    application = filled_application(cast)
    data = _post_data(application, requested_from="31.02.2026", parents_view="Ændret")
    response = client_as(cast.school_leader).post(
        reverse("visitation:application-update", args=[application.pk]), data
    )
    assert response.status_code == 400
    assert "Skriv datoen som dd.mm.åååå." in response.content.decode()
    application.refresh_from_db()
    assert application.parents_view == FILLED["parents_view"]


def test_the_leader_submits_once_however_often_the_button_is_pressed(cast, client_as):
    application = filled_application(cast)
    client = client_as(cast.school_leader)
    url = reverse("visitation:application-submit", args=[application.pk])
    first = client.post(url)
    second = client.post(url)
    assert first.status_code == second.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.submitted_by == cast.school_leader
    submissions = AuditEvent.objects.filter(
        object_type="visitation.SupportApplication", action="update", purpose="visitation"
    )
    assert submissions.count() == 2  # the draft's save and the one submission
    # Submitted, it is locked: the form sends the leader back to the application.
    edit = client.get(reverse("visitation:application-update", args=[application.pk]))
    assert edit.status_code == 302


def test_an_application_cannot_rest_on_a_ppv_older_than_the_configured_age(
    cast, client_as, settings
):
    settings.PPR_VISITATION_PPV_MAX_AGE_MONTHS = 6
    application = filled_application(cast)
    Ppv.objects.filter(case=application.case).update(signed_on=date.today() - timedelta(days=200))
    response = client_as(cast.school_leader).post(
        reverse("visitation:application-submit", args=[application.pk]), follow=True
    )
    assert "er dermed ældre end 6 måneder" in response.content.decode()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT


def test_an_application_without_a_final_ppv_cannot_be_submitted(cast):
    case = ppv_case(cast)  # open case, no PPV
    application = services.start_application(child=case.child, by=cast.school_leader)
    application = services.save_draft(
        application, by=cast.school_leader, data={**FILLED, "requested_from": None}, version=1
    )
    with pytest.raises(services.SubmissionBlocked) as blocked:
        services.submit_application(application, by=cast.school_leader)
    assert "skal bygge på en endelig PPV" in " ".join(blocked.value.messages)


def test_a_retired_offer_blocks_submission_at_its_field(cast):
    chosen = offer(cast)
    application = filled_application(cast, requested_offer=chosen)
    chosen.retired_on = date.today()
    chosen.save()
    with pytest.raises(services.SubmissionBlocked) as blocked:
        services.submit_application(application, by=cast.school_leader)
    assert blocked.value.error_dict["requested_offer"][0].messages == [
        "Tilbuddet er udfaset. Vælg et andet."
    ]


def test_the_teacher_and_another_leader_do_not_see_the_application(cast, client_as):
    application = filled_application(cast)
    url = reverse("visitation:application-detail", args=[application.pk])
    assert client_as(cast.other_leader).get(url).status_code == 404
    assert client_as(cast.teacher).get(url).status_code == 404
    # PPR sees it only once it is submitted.
    assert client_as(cast.psychologist).get(url).status_code == 404
    services.submit_application(application, by=cast.school_leader)
    assert client_as(cast.psychologist).get(url).status_code == 200
    assert client_as(cast.outsider).get(url).status_code == 404


def test_every_read_of_an_application_is_audited_with_its_purpose(cast, client_as):
    application = filled_application(cast)
    client_as(cast.school_leader).get(
        reverse("visitation:application-detail", args=[application.pk])
    )
    event = AuditEvent.objects.filter(action="view").latest("id")
    assert (event.object_type, event.purpose, event.child_id) == (
        "visitation.SupportApplication",
        "visitation",
        application.child_id,
    )


def test_the_application_page_shows_no_full_cpr_and_the_url_no_cpr(cast, client_as):
    application = filled_application(cast)
    url = reverse("visitation:application-detail", args=[application.pk])
    html = client_as(cast.school_leader).get(url).content.decode()
    assert "140315-xxxx" in html
    assert application.child.cpr not in html and application.child.cpr.replace("-", "") not in html
    assert "140315" not in url


def test_the_application_list_costs_the_same_queries_for_one_row_or_many(
    cast, client_as, django_assert_num_queries
):
    client = client_as(cast.ppr_leader)
    services.submit_application(filled_application(cast), by=cast.school_leader)
    client.get(reverse("visitation:application-list"))
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("visitation:application-list"))
    for _ in range(3):
        case = make_case(cast, assigned=cast.psychologist, child__cpr=cpr_born(date(2016, 5, 2)))
        from tests.cases.ppv_fixtures import draft, finalise

        finalise(draft(cast, case), cast.psychologist)
        services.submit_application(filled_application(cast, case), by=cast.school_leader)
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(reverse("visitation:application-list"))
    assert response.content.decode().count("Nr. ") >= 4
