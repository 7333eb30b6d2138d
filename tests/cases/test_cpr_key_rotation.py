"""Rotating PPR_FIELD_KEY as the README describes keeps every child findable by CPR number:
with the old key still configured, and after ``rekey_cpr`` without it."""

from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from cases.children import services as child_services
from cases.children.search import ChildSearchForm, matching
from cases.models import Child
from tests.cases.case_fixtures import cpr_born, make_case

pytestmark = pytest.mark.django_db

OLD, NEW = "old-field-key-0123456789", "new-field-key-9876543210"
SEARCH = reverse("cases:case-search")


@pytest.fixture
def old_key(settings):
    settings.FIELD_ENCRYPTION_KEY = OLD
    return settings


@pytest.fixture
def cases_under_old_key(cast, old_key):
    """Five children with a case each, encrypted and hashed with the old key."""
    return [make_case(cast, child__cpr=cpr_born(date(2015, 1, 1 + n))) for n in range(5)]


def cpr_of(case) -> str:
    return Child.objects.get(pk=case.child_id).cpr


def found_by_search(client, case) -> bool:
    response = client.post(SEARCH, {"q": cpr_of(case)})
    return response.status_code == 302 and response["Location"] == case.get_absolute_url()


def rotate(settings, keys: str) -> None:
    settings.FIELD_ENCRYPTION_KEY = keys


def test_search_and_duplicate_check_find_old_key_children_while_the_old_key_is_configured(
    cast, client_as, settings, cases_under_old_key
) -> None:
    numbers = [cpr_of(case) for case in cases_under_old_key]
    rotate(settings, f"{NEW},{OLD}")
    client = client_as(cast.ppr_leader)
    assert all(found_by_search(client, case) for case in cases_under_old_key)
    assert [Child.objects.with_cpr(n).get().cpr for n in numbers] == numbers
    with pytest.raises(child_services.DuplicateChild):
        child_services.register_child(
            by=cast.school_leader,
            cpr=numbers[0],
            first_name="Samme",
            last_name="Barn",
            institution=cast.school,
        )
    assert Child.objects.count() == len(numbers)


def test_after_rekey_every_child_is_found_with_the_new_key_alone(
    cast, client_as, settings, cases_under_old_key
) -> None:
    numbers = [cpr_of(case) for case in cases_under_old_key]
    rotate(settings, f"{NEW},{OLD}")
    call_command("rekey_cpr", batch_size=2)
    call_command("rekey_cpr", check=True)  # raises CommandError while a row is behind
    rotate(settings, NEW)
    client = client_as(cast.ppr_leader)
    assert all(found_by_search(client, case) for case in cases_under_old_key)
    assert [cpr_of(case) for case in cases_under_old_key] == numbers
    with pytest.raises(child_services.DuplicateChild):
        child_services.register_child(
            by=cast.school_leader,
            cpr=numbers[-1],
            first_name="Samme",
            last_name="Barn",
            institution=cast.school,
        )


def test_without_rekey_removing_the_old_key_is_refused_by_the_check(
    settings, cases_under_old_key
) -> None:
    rotate(settings, f"{NEW},{OLD}")
    with pytest.raises(CommandError, match="gamle nøgle kan ikke fjernes"):
        call_command("rekey_cpr", check=True)


def test_rekey_resumes_after_an_id_and_reports_progress(
    settings, capsys, cases_under_old_key
) -> None:
    ids = sorted(case.child_id for case in cases_under_old_key)
    rotate(settings, f"{NEW},{OLD}")
    call_command("rekey_cpr", after=ids[2], batch_size=1)
    out = capsys.readouterr().out
    assert "1/2 børn gennemgået, 1 flyttet" in out and "Færdig: 2 af 2" in out
    with pytest.raises(CommandError):
        call_command("rekey_cpr", check=True)
    call_command("rekey_cpr")
    assert "Færdig: 3 af 5 børn flyttet" in capsys.readouterr().out
    call_command("rekey_cpr", check=True)


def test_a_duplicate_from_before_the_fix_is_reported_not_merged(
    cast, settings, cases_under_old_key
) -> None:
    number = cpr_of(cases_under_old_key[0])
    rotate(settings, NEW)  # the old way of rotating: the old key was simply replaced
    twin = child_services.register_child(
        by=cast.school_leader,
        cpr=number,
        first_name="Tvilling",
        last_name="X",
        institution=cast.school,
    )
    rotate(settings, f"{NEW},{OLD}")
    with pytest.raises(CommandError, match="1 børn mangler"):
        call_command("rekey_cpr")
    assert Child.objects.filter(pk=twin.pk).exists()
    assert Child.objects.get(pk=cases_under_old_key[0].child_id).cpr == number


def found_by_the_picker(case) -> bool:
    """The referral form's child picker (cases/children/search.py) searched by CPR number."""
    form = ChildSearchForm({"q": cpr_of(case)})
    assert form.is_valid(), form.errors
    return [child.pk for child in matching(Child.objects.all(), form)] == [case.child_id]


def test_the_child_picker_finds_every_child_by_cpr_before_and_after_rekey(
    settings, cases_under_old_key
) -> None:
    rotate(settings, f"{NEW},{OLD}")
    assert all(found_by_the_picker(case) for case in cases_under_old_key)
    call_command("rekey_cpr")
    rotate(settings, NEW)
    assert all(found_by_the_picker(case) for case in cases_under_old_key)
