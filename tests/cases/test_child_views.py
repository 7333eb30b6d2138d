"""Registering a child, the child's page, the audited CPR reveal, guardians."""

import pytest
from django.urls import reverse

from cases.models import Child, Guardian
from ppr.audit.models import AuditAction, AuditEvent
from tests.cases.factories import ChildFactory, GuardianFactory
from tests.conftest import client_for

CREATE = "cases:child-create"


def child_url(name: str, child: Child) -> str:
    return reverse(f"cases:{name}", kwargs={"pk": child.pk})


def registration(cast, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "cpr": "140316-4234",
        "first_name": "Alma",
        "last_name": "Nørgaard",
        "institution": cast.school.pk,
        "group": "4.B",
    }
    data.update(changes)
    return data


def test_staff_register_a_child_of_their_institution(cast) -> None:
    response = client_for(cast.teacher).post(reverse(CREATE), registration(cast))
    child = Child.objects.get()
    assert response.status_code == 302 and response["Location"] == child_url("child-detail", child)
    assert child.institution == cast.school and child.group == "4.B"
    assert child.cpr == "140316-4234" and str(child.birth_date) == "2016-03-14"
    row = AuditEvent.objects.get(action=AuditAction.CREATE)
    assert row.child_id == child.pk and "4234" not in row.term


def test_registering_confirms_on_the_childs_page_with_the_next_step(cast) -> None:
    response = client_for(cast.teacher).post(reverse(CREATE), registration(cast), follow=True)
    child = Child.objects.get()
    assert response.redirect_chain[-1][0] == child_url("child-detail", child)
    html = response.text
    assert "Alma Nørgaard er registreret." in html and "Tilføj forældrene" in html
    assert "<h1>Alma Nørgaard</h1>" in html and child.cpr_masked in html
    assert child_url("guardian-create", child) in html and "140316-4234" not in html


@pytest.mark.parametrize("bad", ["123", "320116-1234", "14031612", "abcdef-ghij"])
def test_an_invalid_cpr_is_refused_in_danish(cast, bad: str) -> None:
    response = client_for(cast.teacher).post(reverse(CREATE), registration(cast, cpr=bad))
    assert response.status_code == 400
    assert "Ugyldigt CPR-nummer. Skriv det som ddmmåå-xxxx." in response.text
    assert not Child.objects.exists()


@pytest.mark.parametrize("missing", ["first_name", "last_name", "institution", "cpr"])
def test_missing_fields_are_refused(cast, missing: str) -> None:
    response = client_for(cast.teacher).post(reverse(CREATE), registration(cast, **{missing: ""}))
    assert response.status_code == 400 and not Child.objects.exists()


def test_a_child_cannot_be_registered_at_another_institution(cast) -> None:
    data = registration(cast, institution=cast.other_school.pk)
    response = client_for(cast.teacher).post(reverse(CREATE), data)
    assert response.status_code == 400
    assert "Vælg en af dine egne institutioner." in response.text
    assert not Child.objects.exists()


def test_an_exact_duplicate_cpr_links_to_the_existing_child(cast) -> None:
    existing = ChildFactory(institution=cast.school, cpr="140316-4234")
    response = client_for(cast.teacher).post(reverse(CREATE), registration(cast, cpr="1403164234"))
    assert response.status_code == 400
    assert "Barnet er allerede registreret" in response.text
    assert child_url("child-detail", existing) in response.text
    assert Child.objects.count() == 1
    search = AuditEvent.objects.get(action=AuditAction.SEARCH)
    assert search.term == "140316-xxxx" and search.child_id == existing.pk


def test_a_duplicate_elsewhere_is_refused_without_a_link(cast) -> None:
    existing = ChildFactory(institution=cast.other_school, cpr="140316-4234")
    response = client_for(cast.teacher).post(reverse(CREATE), registration(cast))
    assert response.status_code == 400
    assert "Barnet er allerede registreret" in response.text
    assert child_url("child-detail", existing) not in response.text


def test_ppr_intake_registers_a_child_at_any_institution(cast) -> None:
    data = registration(cast, institution=cast.other_school.pk)
    assert client_for(cast.secretary).post(reverse(CREATE), data).status_code == 302


@pytest.mark.parametrize("role", ["psychologist", "social_worker", "administrator"])
def test_others_cannot_register_children(cast, role: str) -> None:
    user = getattr(cast, role)
    assert client_for(user).get(reverse(CREATE)).status_code == 403


def test_the_childs_page_masks_the_cpr_and_is_audited(cast) -> None:
    child = ChildFactory(institution=cast.school, cpr="140316-4234")
    GuardianFactory(child=child, name="Anne Hansen")
    reads = AuditEvent.objects.exclude(action=AuditAction.LOGIN)
    before = reads.count()  # the audit log is append-only: count, never delete
    response = client_for(cast.teacher).get(child_url("child-detail", child))
    assert response.status_code == 200
    assert "140316-xxxx" in response.text and "1403164234" not in response.text
    assert "140316-4234" not in response.text
    assert "Anne Hansen" in response.text and "Vis fuldt CPR-nummer" in response.text
    assert reads.count() == before + 1
    row = reads.latest("pk")
    assert row.action == AuditAction.VIEW and row.child_id == child.pk


def test_revealing_the_cpr_is_a_post_and_is_audited(cast) -> None:
    child = ChildFactory(institution=cast.school, cpr="140316-4234")
    client = client_for(cast.school_leader)
    assert client.get(child_url("child-reveal-cpr", child)).status_code == 405
    reads = AuditEvent.objects.exclude(action=AuditAction.LOGIN)
    before = reads.count()  # the audit log is append-only: count, never delete
    response = client.post(child_url("child-reveal-cpr", child), HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "140316-4234" in response.text
    assert "<html" not in response.text
    assert response["Cache-Control"] == "no-store, private"
    assert reads.count() == before + 1
    row = reads.latest("pk")
    assert row.action == AuditAction.REVEAL_CPR and row.child_id == child.pk


def test_the_reveal_works_without_javascript(cast) -> None:
    child = ChildFactory(institution=cast.school, cpr="140316-4234")
    response = client_for(cast.school_leader).post(child_url("child-reveal-cpr", child))
    assert (
        response.status_code == 200 and "140316-4234" in response.text and "<html" in response.text
    )


@pytest.mark.parametrize("role", ["other_leader", "administrator", "psychologist", "social_worker"])
def test_the_childs_page_is_404_outside_its_scope(cast, role: str) -> None:
    child = ChildFactory(institution=cast.school)
    client = client_for(getattr(cast, role))
    assert client.get(child_url("child-detail", child)).status_code == 404
    assert client.post(child_url("child-reveal-cpr", child)).status_code == 404
    assert not AuditEvent.objects.filter(action=AuditAction.REVEAL_CPR).exists()


def test_a_guardian_is_added_with_custody(cast) -> None:
    child = ChildFactory(institution=cast.school)
    response = client_for(cast.teacher).post(
        child_url("guardian-create", child),
        {"name": "Bo Hansen", "relation": "far", "has_custody": "on", "email": "bo@example.dk"},
    )
    assert response.status_code == 302
    guardian = Guardian.objects.get()
    assert guardian.has_custody and guardian.relation == "far"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "", "relation": "mor"}, "Skriv forælderens navn."),
        ({"name": "Anne", "relation": ""}, "Vælg relationen til barnet."),
        (
            {"name": "Anne", "relation": "mor", "email": "ikke-en-mail"},
            "Skriv en gyldig e-mailadresse.",
        ),
    ],
)
def test_bad_guardian_input_is_refused(cast, data: dict, message: str) -> None:
    child = ChildFactory(institution=cast.school)
    response = client_for(cast.teacher).post(child_url("guardian-create", child), data)
    assert response.status_code == 400 and message in response.text
    assert not Guardian.objects.exists()


def test_another_institution_cannot_add_guardians(cast) -> None:
    child = ChildFactory(institution=cast.school)
    response = client_for(cast.other_leader).post(
        child_url("guardian-create", child), {"name": "X", "relation": "mor"}
    )
    assert response.status_code == 404 and not Guardian.objects.exists()


def test_the_childs_page_lists_the_childs_referrals_visible_to_the_user(cast) -> None:
    from tests.cases.referral_fixtures import submitted

    referral = submitted(cast)
    page = client_for(cast.teacher).get(child_url("child-detail", referral.child)).text
    assert f"Indstilling nr. {referral.pk}" in page and "Indsendt" in page
