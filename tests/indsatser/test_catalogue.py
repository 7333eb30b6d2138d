"""The intervention catalogue (indsatsvifte): seeded, browsable by all staff, edited and retired
by the PPR leader; a retired entry stays on the courses that used it."""

import pytest
from django.urls import reverse

from indsatser import services
from indsatser.models import Beacon, Intervention, PreventionLevel
from ppr.audit.models import AuditEvent
from tests.conftest import SESSION_QUERIES

from .factories import DIVORCE_GROUP, CourseFactory, seeded

pytestmark = pytest.mark.django_db


def test_the_five_pejlemaerker_are_seeded_in_order() -> None:
    assert list(Beacon.objects.values_list("number", flat=True)) == [1, 2, 3, 4, 5]
    assert Beacon.objects.get(number=3).title.startswith(
        "Målrettede og helhedsorienterede interventioner"
    )


def test_the_catalogue_from_the_domain_is_seeded_at_all_three_levels() -> None:
    by_level = {
        level: set(Intervention.objects.filter(level=level).values_list("name", flat=True))
        for level in PreventionLevel.values
    }
    assert "Årlige besøg i Dagplejens legestuer" in by_level["groen"]
    assert "Forløb ved bekymrende fravær og skolevægring" in by_level["gul"]
    assert "Støttende indsatser til anbragte børn" in by_level["roed"]
    assert Intervention.objects.count() == 11
    assert seeded(DIVORCE_GROUP).form == "gruppe"
    assert set(seeded(DIVORCE_GROUP).beacons.values_list("number", flat=True)) == {1, 3}


def test_prevention_levels_use_the_boernelineal_colours() -> None:
    from cases.models import RulerColour

    assert PreventionLevel.values == RulerColour.values


@pytest.mark.parametrize(
    "role", ["teacher", "school_leader", "daycare_leader", "psychologist", "social_worker"]
)
def test_every_member_of_staff_browses_the_catalogue_grouped_by_level(
    cast, client_as, role
) -> None:
    response = client_as(getattr(cast, role)).get(reverse("indsatser:intervention-list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert (
        html.index("Primær forebyggelse (grøn)")
        < html.index("Sekundær forebyggelse (gul)")
        < html.index("Tertiær forebyggelse (rød)")
    )
    assert "Skilsmissegrupper i hvert skoledistrikt" in html


def test_the_administrator_does_not_browse_the_catalogue(cast, client_as) -> None:
    assert (
        client_as(cast.administrator).get(reverse("indsatser:intervention-list")).status_code == 403
    )


def test_the_catalogue_page_costs_a_fixed_number_of_queries(
    cast, client_as, django_assert_num_queries
) -> None:
    from .factories import InterventionFactory

    for _ in range(10):
        InterventionFactory().beacons.set(Beacon.objects.all())
    client = client_as(cast.teacher)
    # User, memberships, municipality and permission look-ups are the first request's frame (ten
    # besides the session); the catalogue itself is two queries however many entries and
    # pejlemærker it has.
    with django_assert_num_queries(12 + SESSION_QUERIES):
        assert client.get(reverse("indsatser:intervention-list")).status_code == 200


def test_the_leader_adds_an_intervention_with_pejlemaerker(cast, client_as) -> None:
    response = client_as(cast.ppr_leader).post(
        reverse("indsatser:intervention-create"),
        {
            "name": "Cool Kids",
            "level": "gul",
            "form": "gruppe",
            "description": "Gruppeforløb for børn med angst.",
            "target_group": "Børn 8–12 år med angst",
            "typical_length": "10 gange",
            "owner": cast.psychologist.pk,
            "beacons": [Beacon.objects.get(number=3).pk],
        },
    )
    intervention = Intervention.objects.get(name="Cool Kids")
    assert response.status_code == 302
    assert response["Location"] == intervention.get_absolute_url()
    assert intervention.owner == cast.psychologist
    assert list(intervention.beacons.values_list("number", flat=True)) == [3]
    assert AuditEvent.objects.filter(
        object_type="indsatser.Intervention", object_id=str(intervention.pk)
    ).exists()


def test_a_duplicate_name_is_refused_in_danish_and_nothing_is_saved(cast, client_as) -> None:
    response = client_as(cast.ppr_leader).post(
        reverse("indsatser:intervention-create"),
        {
            "name": DIVORCE_GROUP,
            "level": "gul",
            "form": "gruppe",
            "description": "x",
            "target_group": "y",
        },
    )
    assert response.status_code == 200
    assert "Der findes allerede en indsats med dette navn." in response.content.decode()
    assert Intervention.objects.filter(name=DIVORCE_GROUP).count() == 1


def test_a_psychologist_cannot_edit_the_catalogue(cast, client_as) -> None:
    intervention = seeded(DIVORCE_GROUP)
    response = client_as(cast.psychologist).post(
        reverse("indsatser:intervention-update", args=[intervention.pk]), {"name": "Ændret"}
    )
    assert response.status_code == 403
    intervention.refresh_from_db()
    assert intervention.name == DIVORCE_GROUP


def test_retiring_keeps_the_intervention_on_old_courses_and_hides_it_from_new_ones(
    cast, client_as
) -> None:
    intervention = seeded(DIVORCE_GROUP)
    old_course = CourseFactory(
        intervention=intervention, responsible=cast.psychologist, institution=cast.school
    )

    response = client_as(cast.ppr_leader).post(
        reverse("indsatser:intervention-retire", args=[intervention.pk])
    )

    assert response.status_code == 302
    intervention.refresh_from_db()
    assert intervention.is_retired
    old_course.refresh_from_db()
    assert old_course.intervention == intervention
    detail = client_as(cast.psychologist).get(old_course.get_absolute_url()).content.decode()
    assert DIVORCE_GROUP in detail and "udfaset" in detail
    catalogue = client_as(cast.teacher).get(reverse("indsatser:intervention-list")).content.decode()
    assert DIVORCE_GROUP not in catalogue
    form = client_as(cast.psychologist).get(reverse("indsatser:course-create")).content.decode()
    assert DIVORCE_GROUP not in form
    history = (
        client_as(cast.ppr_leader)
        .get(reverse("indsatser:intervention-list") + "?udfasede=1")
        .content.decode()
    )
    assert DIVORCE_GROUP in history


def test_a_new_course_cannot_use_a_retired_intervention(cast) -> None:
    from django.core.exceptions import ValidationError

    intervention = services.retire_intervention(
        intervention=seeded(DIVORCE_GROUP), by=cast.ppr_leader
    )
    with pytest.raises(ValidationError, match="udfaset"):
        services.start_course(
            by=cast.psychologist,
            intervention=intervention,
            title="Hold",
            responsible=cast.psychologist,
            starts_on=intervention.created_at.date(),
        )


def test_retiring_twice_keeps_the_first_date_and_reinstating_brings_it_back(cast) -> None:
    from datetime import date

    intervention = services.retire_intervention(
        intervention=seeded(DIVORCE_GROUP), by=cast.ppr_leader, on=date(2026, 1, 5)
    )
    intervention = services.retire_intervention(
        intervention=intervention, by=cast.ppr_leader, on=date(2026, 2, 5)
    )
    assert intervention.retired_on == date(2026, 1, 5)
    intervention = services.reinstate_intervention(intervention=intervention, by=cast.ppr_leader)
    assert not intervention.is_retired
