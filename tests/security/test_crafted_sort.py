"""A crafted ``?sort=`` on a list is ignored, not read as an accessor path (django-tables2 warns
on ``.``, and warnings are errors here). Found by test_fuzz_endpoints.py."""

import pytest
from django.urls import reverse

from tests.conftest import client_for

LISTS = [
    ("cases:case-list", {}, "psychologist"),
    ("indsatser:course-list", {}, "psychologist"),
    ("indsatser:absence-list", {}, "school_leader"),
    ("reports:report-detail", {"slug": "ventetid"}, "ppr_leader"),
    ("documents:document-list", {}, "psychologist"),
    ("deadlines:deadline-list", {}, "psychologist"),
]


@pytest.mark.parametrize(("name", "kwargs", "role"), LISTS)
@pytest.mark.parametrize("sort", [".", "x.y", "-.", "__class__"])
def test_a_crafted_sort_is_ignored(cast, name, kwargs, role, sort) -> None:
    client = client_for(cast.by_role()[role])
    response = client.get(reverse(name, kwargs=kwargs), {"sort": sort})
    assert response.status_code == 200


@pytest.mark.parametrize("sort", [".", "-."])
def test_a_crafted_sort_on_the_boernelineal_report_is_ignored(cast, sort) -> None:
    response = client_for(cast.ppr_leader).get(
        reverse("cases:rating-report"), {"i-sort": sort, "d-sort": sort}
    )
    assert response.status_code == 200
