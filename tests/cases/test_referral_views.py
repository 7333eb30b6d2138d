"""The referral pages: list, form with autosave, submit, PPR's queue and visitation."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, Child, Referral, ReferralStatus
from ppr.audit.models import AuditAction, AuditEvent
from tests.cases.factories import ChildFactory, ReferralFactory
from tests.cases.referral_fixtures import draft, in_status, received, submitted
from tests.conftest import SESSION_QUERIES, client_for
from tests.factories import InstitutionFactory


def url(name: str, referral: Referral | None = None) -> str:
    return reverse(f"cases:{name}", kwargs={"pk": referral.pk} if referral else None)


def form_data(referral: Referral, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "concern": referral.concern,
        "strengths": referral.strengths,
        "child_perspective": referral.child_perspective,
        "parents_perspective": referral.parents_perspective,
        "plan_goals": referral.plan_goals,
        "plan_actions": referral.plan_actions,
        "plan_period": referral.plan_period,
        "plan_evaluation": referral.plan_evaluation,
        "plan_evaluated_with": referral.plan_evaluated_with,
        "earlier_interventions": referral.earlier_interventions,
        "requests": referral.requests,
        "request_details": referral.request_details,
        "ruler_colour": referral.ruler_colour,
        "version": referral.version,
    }
    data.update(changes)
    return data


# --- Access ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["referral-detail", "referral-update"])
def test_anonymous_is_sent_to_login(cast, name: str) -> None:
    response = client_for(None).get(url(name, draft(cast)))
    assert response.status_code == 302 and "/konto/login/" in response["Location"]


def test_a_leader_never_sees_another_institutions_referral(cast) -> None:
    referral = submitted(cast)
    client = client_for(cast.other_leader)
    assert client.get(url("referral-detail", referral)).status_code == 404
    assert client.get(url("referral-update", referral)).status_code == 404
    assert client.post(url("referral-submit", referral)).status_code == 404
    listing = client.get(url("referral-list"))
    assert listing.status_code == 200
    # The child's full name and the referral's address: a last name alone (Jensen) may be anyone's.
    assert referral.child.name not in listing.text
    assert url("referral-detail", referral) not in listing.text


def test_the_administrator_sees_no_referral(cast) -> None:
    referral = submitted(cast)
    client = client_for(cast.administrator)
    assert client.get(url("referral-detail", referral)).status_code == 404
    assert client.get(url("referral-list")).status_code == 403
    assert client.get(url("referral-queue")).status_code == 403


def test_ppr_does_not_see_an_institutions_draft(cast) -> None:
    referral = draft(cast)
    for user in (cast.ppr_leader, cast.secretary, cast.psychologist):
        assert client_for(user).get(url("referral-detail", referral)).status_code == 404


def test_the_referral_page_is_audited_with_the_child(cast) -> None:
    referral = submitted(cast)
    reads = AuditEvent.objects.exclude(action=AuditAction.LOGIN)
    before = reads.count()  # the audit log is append-only: count, never delete
    response = client_for(cast.teacher).get(url("referral-detail", referral))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store, private"
    assert reads.count() == before + 1
    row = reads.latest("pk")
    assert row.action == AuditAction.VIEW and row.child_id == referral.child_id
    assert row.actor == cast.teacher


def test_the_institution_sees_the_timeline_and_the_reason_for_a_rejection(cast) -> None:
    referral = in_status(cast, "afvist")
    page = client_for(cast.school_leader).get(url("referral-detail", referral)).text
    for label in ("Indsendt", "Modtaget", "Afvist"):
        assert label in page
    assert "Ikke PPR&#x27;s opgave." in page or "Ikke PPR's opgave." in page


# --- Institution list ------------------------------------------------------------------------


def test_the_leaders_list_shows_own_institution_only_with_status(cast) -> None:
    own = submitted(cast)
    other = ReferralFactory(
        child=ChildFactory(institution=cast.other_school), author=cast.other_leader
    )
    page = client_for(cast.school_leader).get(url("referral-list")).text
    assert f"Nr. {own.pk}<" in page and "Indsendt" in page
    assert f"Nr. {other.pk}<" not in page


def test_the_list_filters_by_status_and_answers_htmx_with_the_table(cast) -> None:
    waiting = submitted(cast)
    drafted = draft(cast)
    response = client_for(cast.school_leader).get(
        url("referral-list") + "?status=kladde", HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert "<html" not in response.text
    assert f"Nr. {drafted.pk}<" in response.text and f"Nr. {waiting.pk}<" not in response.text


def test_the_list_search_is_audited(cast) -> None:
    client_for(cast.school_leader).get(url("referral-list") + "?status=indsendt")
    row = AuditEvent.objects.get(action=AuditAction.SEARCH)
    assert row.term == "status=indsendt"


def test_the_leaders_list_has_a_constant_number_of_queries(cast, django_assert_num_queries) -> None:
    client = client_for(cast.school_leader)
    for _ in range(3):
        ReferralFactory(child=ChildFactory(institution=cast.school), author=cast.teacher)
    client.get(url("referral-list"))
    with django_assert_num_queries(6 + SESSION_QUERIES) as few:
        client.get(url("referral-list"))
    for _ in range(30):
        ReferralFactory(child=ChildFactory(institution=cast.school), author=cast.teacher)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(url("referral-list"))
    assert response.text.count("Nr. ") == 25


# --- Starting a draft ------------------------------------------------------------------------


def test_staff_start_a_draft_for_their_own_child(cast) -> None:
    child = ChildFactory(institution=cast.school)
    response = client_for(cast.teacher).post(url("referral-create"), {"child": child.pk})
    referral = Referral.objects.get()
    assert response.status_code == 302 and response["Location"] == url("referral-update", referral)
    assert referral.author == cast.teacher and referral.status == ReferralStatus.DRAFT


def test_a_child_of_another_institution_cannot_be_chosen(cast) -> None:
    child = ChildFactory(institution=cast.other_school)
    response = client_for(cast.teacher).post(url("referral-create"), {"child": child.pk})
    assert response.status_code == 400
    assert "Vælg et barn fra listen." in response.text
    assert not Referral.objects.exists()


def test_no_child_chosen_gives_a_danish_message(cast) -> None:
    response = client_for(cast.teacher).post(url("referral-create"), {})
    assert response.status_code == 400
    assert "Vælg hvilket barn indstillingen handler om." in response.text


def test_the_secretary_records_a_parents_own_request_from_the_childs_page(cast) -> None:
    child = ChildFactory(institution=cast.school)
    client = client_for(cast.secretary)
    missing = client.post(url("referral-create"), {"child": child.pk})
    assert missing.status_code == 400 and not Referral.objects.exists()
    response = client.post(
        url("referral-create"), {"child": child.pk, "parent_request_note": "Far ringede 2. feb."}
    )
    referral = Referral.objects.get()
    assert response.status_code == 302
    assert referral.parent_request and referral.parent_request_note == "Far ringede 2. feb."


def test_a_parent_request_needs_no_consent_and_ppr_submits_it(cast) -> None:
    child = ChildFactory(institution=cast.school)  # no guardians, no consent
    client = client_for(cast.secretary)
    client.post(url("referral-create"), {"child": child.pk, "parent_request_note": "Mor ringede."})
    referral = Referral.objects.get()
    data = form_data(
        ReferralFactory.build(),
        version=referral.version,
        parent_request="on",
        parent_request_note="Mor ringede.",
        action="submit",
    )
    response = client.post(url("referral-update", referral), data)
    assert response.status_code == 302, response.text
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SUBMITTED and referral.parent_request


# --- The form --------------------------------------------------------------------------------


def test_the_form_shows_the_sections_and_no_submit_button_to_staff(cast) -> None:
    referral = draft(cast)
    page = client_for(cast.teacher).get(url("referral-update", referral)).text
    for label in (
        "Bekymringen",
        "Barnets eget perspektiv",
        "Forældrenes perspektiv",
        "Evalueret med",
        "Børnelineal",
    ):
        assert label in page
    assert 'value="submit"' not in page
    assert 'hx-post="' + url("referral-autosave", referral) + '"' in page
    leader_page = client_for(cast.school_leader).get(url("referral-update", referral)).text
    assert 'value="submit"' in leader_page


def test_saving_without_javascript_stores_the_draft(cast) -> None:
    referral = draft(cast)
    response = client_for(cast.teacher).post(
        url("referral-update", referral), form_data(referral, concern="Ny bekymring", action="save")
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.concern == "Ny bekymring" and referral.version == 2


def test_a_too_long_period_is_refused_in_danish_and_nothing_is_saved(cast) -> None:
    referral = draft(cast)
    response = client_for(cast.teacher).post(
        url("referral-update", referral),
        form_data(referral, plan_period="x" * 101, concern="Ændret", action="save"),
    )
    assert response.status_code == 400
    assert "Perioden må højst være 100 tegn." in response.text
    referral.refresh_from_db()
    assert referral.concern != "Ændret" and referral.version == 1


def test_an_unknown_request_choice_is_refused(cast) -> None:
    referral = draft(cast)
    response = client_for(cast.teacher).post(
        url("referral-update", referral), form_data(referral, requests=["hacking"], action="save")
    )
    assert response.status_code == 400
    assert "Vælg blandt de viste ønsker." in response.text


def test_saving_from_a_stale_page_is_a_conflict_and_not_a_lost_update(cast) -> None:
    referral = draft(cast)
    client = client_for(cast.teacher)
    client.post(
        url("referral-update", referral), form_data(referral, concern="Først", action="save")
    )
    response = client.post(
        url("referral-update", referral), form_data(referral, concern="Senere", action="save")
    )
    assert response.status_code == 409
    assert "er ikke gemt, så intet bliver overskrevet" in response.text
    referral.refresh_from_db()
    assert referral.concern == "Først"


def test_staff_get_403_when_submitting_and_nothing_is_saved(cast) -> None:
    referral = draft(cast)
    response = client_for(cast.teacher).post(
        url("referral-update", referral), form_data(referral, concern="Ændret", action="submit")
    )
    assert response.status_code == 403
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DRAFT and referral.concern != "Ændret"
    assert client_for(cast.teacher).post(url("referral-submit", referral)).status_code == 403


def test_the_handleplan_gate_stops_the_leader_with_a_danish_message(cast) -> None:
    referral = draft(cast, plan_evaluation="", plan_evaluated_with=[])
    data = form_data(referral, requests=["specialpaedagogisk_bistand"], action="submit")
    response = client_for(cast.school_leader).post(url("referral-update", referral), data)
    assert response.status_code == 400
    assert (
        "En skole kan ikke søge om specialpædagogisk bistand uden en evalueret handleplan"
        in response.text
    )
    assert "Angiv hvem handleplanen er evalueret med." in response.text
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DRAFT
    # The draft itself is kept (no lost work); the page carries the new version.
    assert referral.requests == ["specialpaedagogisk_bistand"]
    assert f'value="{referral.version}"' in response.text


def test_the_consent_gate_names_whose_consent_is_missing(cast) -> None:
    from tests.cases.referral_fixtures import child_with_consent

    child = child_with_consent(cast, consent=False)
    referral = draft(cast, child=child)
    response = client_for(cast.school_leader).post(
        url("referral-update", referral), form_data(referral, action="submit")
    )
    assert response.status_code == 400
    assert "Der mangler samtykke" in response.text and "Anne Hansen" in response.text
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DRAFT


def test_the_leader_submits_from_the_form(cast) -> None:
    referral = draft(cast)
    response = client_for(cast.school_leader).post(
        url("referral-update", referral), form_data(referral, action="submit")
    )
    assert response.status_code == 302 and response["Location"] == url("referral-detail", referral)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SUBMITTED


def test_submitting_twice_gives_one_submission_and_a_friendly_message(cast) -> None:
    referral = draft(cast)
    client = client_for(cast.school_leader)
    data = form_data(referral, action="submit")
    first = client.post(url("referral-update", referral), data)
    second = client.post(url("referral-update", referral), data)
    third = client.post(url("referral-submit", referral), follow=True)
    assert first.status_code == second.status_code == 302
    assert second["Location"] == url("referral-detail", referral)
    assert "allerede indsendt" in third.text
    assert referral.events.filter(status="indsendt").count() == 1


def test_the_submit_button_on_the_page_reports_gates_on_the_form(cast) -> None:
    referral = draft(cast, concern="")
    response = client_for(cast.school_leader).post(url("referral-submit", referral), follow=True)
    assert response.redirect_chain[-1][0] == url("referral-update", referral)
    assert "Beskriv bekymringen." in response.text


def test_a_submitted_referral_cannot_be_edited(cast) -> None:
    referral = submitted(cast)
    response = client_for(cast.school_leader).get(url("referral-update", referral))
    assert response.status_code == 302 and response["Location"] == url("referral-detail", referral)


# --- Autosave --------------------------------------------------------------------------------


def test_autosave_answers_with_the_time_and_the_new_version(cast) -> None:
    referral = draft(cast)
    with time_machine.travel(
        timezone.make_aware(timezone.datetime(2026, 3, 2, 13, 45)), tick=False
    ):
        response = client_for(cast.teacher).post(
            url("referral-autosave", referral),
            form_data(referral, concern="Skrevet"),
            HTTP_HX_REQUEST="true",
        )
    assert response.status_code == 200
    assert "Gemt kl. 13:45" in response.text
    assert 'name="version" value="2"' in response.text and 'hx-swap-oob="true"' in response.text
    referral.refresh_from_db()
    assert referral.concern == "Skrevet"


def test_autosave_from_an_older_version_reports_a_conflict(cast) -> None:
    referral = draft(cast)
    client = client_for(cast.teacher)
    client.post(url("referral-autosave", referral), form_data(referral, concern="Vindue 1"))
    response = client.post(
        url("referral-autosave", referral), form_data(referral, concern="Vindue 2")
    )
    assert response.status_code == 200
    assert 'role="alert"' in response.text and "ikke gemt" in response.text
    referral.refresh_from_db()
    assert referral.concern == "Vindue 1"


def test_autosave_after_submission_saves_nothing(cast) -> None:
    referral = submitted(cast)
    response = client_for(cast.teacher).post(
        url("referral-autosave", referral), form_data(referral, concern="Sent")
    )
    assert "kan ikke længere ændres" in response.text
    referral.refresh_from_db()
    assert referral.concern != "Sent"


def test_autosave_of_another_institutions_draft_is_404(cast) -> None:
    referral = draft(cast)
    response = client_for(cast.other_leader).post(
        url("referral-autosave", referral), form_data(referral)
    )
    assert response.status_code == 404


def test_a_draft_survives_logout(cast) -> None:
    referral = draft(cast)
    client = client_for(cast.teacher)
    client.post(url("referral-autosave", referral), form_data(referral, concern="Før logud"))
    client.logout()
    page = client_for(cast.teacher).get(url("referral-update", referral)).text
    assert "Før logud" in page


# --- PPR intake ------------------------------------------------------------------------------


def test_the_queue_is_for_ppr_intake_only(cast) -> None:
    submitted(cast)
    assert client_for(cast.secretary).get(url("referral-queue")).status_code == 200
    assert client_for(cast.ppr_leader).get(url("referral-queue")).status_code == 200
    for user in (cast.school_leader, cast.teacher, cast.psychologist, cast.administrator):
        assert client_for(user).get(url("referral-queue")).status_code == 403


def test_the_queue_lists_waiting_referrals_oldest_first(cast) -> None:
    newer = submitted(cast)
    older = received(cast)
    Referral.objects.filter(pk=older.pk).update(submitted_at=timezone.now() - timedelta(days=20))
    # Seven years old tomorrow (or the day after, rather than on a 29 February): six today.
    birthday = timezone.localdate() + timedelta(days=1)
    if (birthday.month, birthday.day) == (2, 29):
        birthday += timedelta(days=1)
    born = birthday.replace(year=birthday.year - 7)
    Child.objects.filter(pk=older.child_id).update(birth_date=born)
    in_status(cast, "afvist")
    draft(cast)
    page = client_for(cast.secretary).get(url("referral-queue")).text
    assert page.index(f"Nr. {older.pk}<") < page.index(f"Nr. {newer.pk}<")
    assert page.count("Nr. ") == 2
    assert "20 dage" in page
    assert ">6 år<" in page and ">7 år<" not in page


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("distrikt={oest}", "oest"),
        ("institution={other_school}", "oest"),
        ("farve=roed", "oest"),
        ("oensker=observation", "oest"),
        ("ventetid=30", "vest"),
        ("alder=3-5", "oest"),
        ("status=modtaget", "oest"),
    ],
)
def test_the_queue_filters(cast, query: str, expected: str) -> None:
    from tests.cases.referral_fixtures import child_with_consent

    vest = submitted(cast)
    Referral.objects.filter(pk=vest.pk).update(submitted_at=timezone.now() - timedelta(days=40))
    young = child_with_consent(cast, institution=cast.other_school)
    young.birth_date = timezone.localdate() - timedelta(days=4 * 365)
    young.save()
    oest = (
        received(
            cast,
            child=young,
            author=cast.other_leader,
            ruler_colour="roed",
            requests=["observation"],
        )
        if False
        else None
    )
    oest = ReferralFactory(
        child=young, author=cast.other_leader, ruler_colour="roed", requests=["observation", "ppv"]
    )
    from cases.referrals import services as referral_services

    referral_services.submit_referral(oest, by=cast.other_leader)
    referral_services.receive_referral(oest, by=cast.secretary)
    query = query.format(oest=cast.oest.pk, other_school=cast.other_school.pk)
    page = client_for(cast.ppr_leader).get(url("referral-queue") + "?" + query).text
    wanted, unwanted = (oest, vest) if expected == "oest" else (vest, oest)
    assert f"Nr. {wanted.pk}<" in page
    assert f"Nr. {unwanted.pk}<" not in page


def test_the_queue_sorts_by_colour_and_answers_htmx_with_the_table(cast) -> None:
    submitted(cast)
    response = client_for(cast.secretary).get(
        url("referral-queue") + "?sort=ruler_colour", HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200 and "<html" not in response.text
    assert 'id="queue-results"' in response.text


def test_the_queue_pages_by_25_with_a_constant_number_of_queries(
    cast, django_assert_num_queries
) -> None:
    client = client_for(cast.secretary)
    institutions = [cast.school, cast.other_school, InstitutionFactory(district=cast.oest)]
    for i in range(3):
        ReferralFactory(
            child=ChildFactory(institution=institutions[i % 3]),
            status="indsendt",
            submitted_at=timezone.now(),
            author=cast.teacher,
        )
    client.get(url("referral-queue"))
    with django_assert_num_queries(5 + SESSION_QUERIES) as few:
        client.get(url("referral-queue") + "?farve=gul")
    for i in range(40):
        ReferralFactory(
            child=ChildFactory(institution=institutions[i % 3]),
            status="indsendt",
            submitted_at=timezone.now(),
            author=cast.teacher,
        )
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(url("referral-queue") + "?farve=gul")
    assert response.text.count("Nr. ") == 25
    assert "43 indstillinger" in response.text


def test_the_secretary_receives_a_referral(cast) -> None:
    referral = submitted(cast)
    response = client_for(cast.secretary).post(url("referral-receive", referral))
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.RECEIVED


def test_a_school_leader_cannot_receive(cast) -> None:
    referral = submitted(cast)
    assert client_for(cast.school_leader).post(url("referral-receive", referral)).status_code == 403


def test_the_secretary_cannot_visitate(cast) -> None:
    referral = received(cast)
    client = client_for(cast.secretary)
    assert client.get(url("referral-visitate", referral)).status_code == 403
    response = client.post(
        url("referral-visitate", referral),
        {"decision": "accept", "accept-assignee": cast.psychologist.pk},
    )
    assert response.status_code == 403
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.RECEIVED


def test_the_ppr_leader_accepts_and_assigns(cast) -> None:
    referral = received(cast)
    client = client_for(cast.ppr_leader)
    page = client.get(url("referral-visitate", referral))
    assert page.status_code == 200 and str(cast.psychologist) in page.text
    assert str(cast.secretary) not in page.text.split("accept-assignee")[1].split("</select>")[0]
    response = client.post(
        url("referral-visitate", referral),
        {"decision": "accept", "accept-assignee": cast.psychologist.pk},
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED
    assert Case.objects.get().assigned == cast.psychologist


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"decision": "accept"}, "Vælg hvem sagen skal tildeles."),
        ({"decision": "accept", "accept-assignee": "999999"}, "Vælg en PPR-psykolog"),
        ({"decision": "reject", "reject-reason": ""}, "Skriv en begrundelse for afvisningen."),
        (
            {"decision": "redirect", "redirect-forum": ""},
            "Vælg det forum, indstillingen henvises til.",
        ),
        ({"decision": "redirect", "redirect-forum": "bup"}, "Vælg et forum fra listen."),
    ],
)
def test_visitation_refuses_bad_input_in_danish(cast, data: dict, message: str) -> None:
    referral = received(cast)
    response = client_for(cast.ppr_leader).post(url("referral-visitate", referral), data)
    assert response.status_code == 400
    assert message in response.text
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.RECEIVED


def test_the_ppr_leader_rejects_and_redirects(cast) -> None:
    client = client_for(cast.ppr_leader)
    rejected = received(cast)
    client.post(url("referral-visitate", rejected), {"decision": "reject", "reject-reason": "Nej."})
    redirected = received(cast)
    client.post(
        url("referral-visitate", redirected),
        {"decision": "redirect", "redirect-forum": "koordinerende_netvaerksmoede"},
    )
    rejected.refresh_from_db()
    redirected.refresh_from_db()
    assert rejected.status == "afvist" and redirected.status == "henvist"


def test_a_decided_referral_sends_the_leader_back_to_its_page(cast) -> None:
    referral = in_status(cast, "afvist")
    response = client_for(cast.ppr_leader).get(url("referral-visitate", referral))
    assert response.status_code == 302


def test_intake_closes_a_visitated_referral(cast) -> None:
    referral = in_status(cast, "henvist")
    assert client_for(cast.school_leader).post(url("referral-close", referral)).status_code == 403
    assert client_for(cast.secretary).post(url("referral-close", referral)).status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.CLOSED


def test_the_leader_sees_status_accepteret(cast) -> None:
    referral = in_status(cast, "accepteret")
    page = client_for(cast.school_leader).get(url("referral-detail", referral)).text
    assert "Accepteret" in page
    # The institution follows the status, not PPR's case file.
    assert reverse("cases:case-detail", kwargs={"pk": referral.case_id}) not in page


def test_the_assigned_psychologist_sees_the_referral_of_their_case(cast) -> None:
    referral = in_status(cast, "accepteret")
    assert client_for(cast.psychologist).get(url("referral-detail", referral)).status_code == 200
    assert client_for(cast.outsider).get(url("referral-detail", referral)).status_code == 404


def test_the_queues_institution_select_shows_its_cached_options(cast) -> None:
    """Django's Select over the cached option list: the empty choice and the chosen one."""
    content = (
        client_for(cast.secretary)
        .get(url("referral-queue"), {"institution": cast.school.pk})
        .content.decode()
    )
    assert '<option value="">Alle institutioner</option>' in content
    assert f'<option value="{cast.school.pk}" selected>{cast.school.name}</option>' in content
    assert f'<option value="{cast.other_school.pk}">{cast.other_school.name}</option>' in content
