"""A date far outside any plausible period in a filter is a Danish error at the field, not a 500
(``/rapporter/drift/ventetid/?til=9999-12-31`` overflowed when the end became the next midnight)."""

import pytest
from django.urls import reverse

from reports.operational import REPORTS
from tests.conftest import client_for

FAR = ["9999-12-31", "0001-01-01"]


def filtered_pages() -> list[str]:
    """Every page with a period filter (fra/til)."""
    return [
        *(reverse("reports:report-detail", kwargs={"slug": slug}) for slug in REPORTS),
        reverse("reports:report-export", kwargs={"slug": "ventetid", "fmt": "csv"}),
        reverse("cases:case-list"),
        reverse("cases:rating-report"),
        reverse("audit:event-list"),
        reverse("documents:document-list"),
    ]


@pytest.mark.parametrize("url", filtered_pages())
@pytest.mark.parametrize("field", ["fra", "til"])
@pytest.mark.parametrize("day", FAR)
def test_a_far_date_is_refused_in_danish(cast, url: str, field: str, day: str) -> None:
    response = client_for(cast.ppr_leader).get(url, {field: day})
    assert response.status_code in (200, 302, 400), response.status_code
    if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
        assert "Vælg en dato mellem 1. januar 2000 og 31. december" in response.text


def test_a_plausible_period_is_accepted(cast) -> None:
    url = reverse("reports:report-detail", kwargs={"slug": "ventetid"})
    response = client_for(cast.ppr_leader).get(url, {"fra": "2000-01-01", "til": "2030-12-31"})
    assert response.status_code == 200
    assert "Vælg en dato mellem" not in response.text
