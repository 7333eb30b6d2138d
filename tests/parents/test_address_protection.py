"""Name and address protection in the parents' portal: one custody holder never sees the other's
address (protected or not), on the child's page or in the documents they receive."""

import pytest
from django.urls import reverse

from cases.models import Guardian

pytestmark = pytest.mark.django_db


def test_the_other_custody_holders_protected_address_never_reaches_a_parent(
    cast, family, client_as
) -> None:
    Guardian.objects.filter(pk=family.father.pk).update(
        address="Skjultvej 7, 9000 Aalborg", name_address_protected=True
    )
    client = client_as(cast.parent)
    pages = [
        reverse("parents:child", kwargs={"pk": family.pia.pk}),
        reverse("parents:child-ppv", kwargs={"pk": family.pia.pk, "ppv": family.ppv.pk}),
        reverse("parents:child-note", kwargs={"pk": family.pia.pk, "note": family.note.pk}),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert b"Skjultvej" not in body and b"Aalborg" not in body, url
