"""The access matrix's parent rows once more, for a parent whose custody has ended (issue 22).

Every route the matrix lets the cast's parent use is built as in the matrix (its ``kwargs``
give her custody of the route's child), then her custody is recorded as ended today on every
guardian row with her CPR number, and she asks again: she must now get what the other parent
(custody of no child there) gets – 404 on the child's pages, her own empty start page and inbox
– and no page she is shown may name any child.
"""

from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Child, Guardian
from tests.conftest import client_for
from tests.security.routes import Route
from tests.security.test_access_matrix import all_routes

pytestmark = pytest.mark.django_db

#: What the matrix lets a custody holder do: a page, a redirect, or a form answered 400.
ALLOWED = {200, 204, 302, 400}


def parent_routes() -> list[Route]:
    return [route for route in all_routes() if route.expect.get("parent") in ALLOWED]


@pytest.mark.parametrize("route", parent_routes(), ids=str)
def test_a_parent_whose_custody_ended_gets_what_a_stranger_gets(route: Route, cast: Any) -> None:
    url = reverse(route.name, kwargs=route.kwargs(cast)) + route.query
    hashes = cast.parent.parent_identity.lookup_hashes()
    ended = Guardian.objects.with_cpr_hashes(hashes).update(custody_ended_on=timezone.localdate())
    names = [child.name for child in Child.objects.all()]

    response = getattr(client_for(cast.parent), route.method)(url, data=route.data(cast))
    body = b"".join(response.streaming_content) if response.streaming else response.content

    expected = route.expected("other_parent")
    assert response.status_code == expected, f"{route}: got {response.status_code}"
    text = body.decode(errors="replace")
    assert [name for name in names if name in text] == []
    # Routes with a child of their own gave her custody first (a start page needs none).
    assert ended >= 1 or expected != 404
