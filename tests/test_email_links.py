"""Every link in an e-mail is absolute, on the site's address (PPR_SITE_URL): a mail client has no
page to resolve "/sager/…" against, and the request's Host header may be the proxy's."""

import re
from datetime import date
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from ppr.deadlines import services
from tests.deadlines.factories import deadline

pytestmark = pytest.mark.django_db

SITE = "https://ppr.kommune.example"
#: A path that does not follow a scheme and host: "/sager/…" alone.
RELATIVE_LINK = re.compile(r"(?<![\w.:/-])/[\w-]+/")


@pytest.fixture(autouse=True)
def site_address(settings: Any) -> None:
    settings.PPR_SITE_URL = SITE


def only_absolute_links(body: str) -> bool:
    return not RELATIVE_LINK.search(body)


def test_a_reminder_links_to_the_task_on_the_sites_address(
    cast: Any, django_capture_on_commit_callbacks: Any
) -> None:
    deadline(responsible=cast.psychologist, due=date(2026, 4, 7), link="/sager/henvisninger/9/")
    with (
        time_machine.travel(date(2026, 4, 1), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.sweep()
    body = mail.outbox[0].body
    assert body.endswith(f"Se mere i PPR Sag: {SITE}/sager/henvisninger/9/")
    assert only_absolute_links(body)


def test_a_notification_email_links_on_the_sites_address(
    cast: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(
            recipients=[cast.psychologist],
            message="Ny indstilling til visitation.",
            link="/sager/indstillinger/38/",
        )
    body = mail.outbox[0].body
    assert f"Se mere i PPR Sag: {SITE}/" in body
    assert only_absolute_links(body)


def test_the_password_reset_link_is_on_the_sites_address_not_the_requests_host(
    cast: Any, client: Any
) -> None:
    response = client.post(
        reverse("account_reset_password"), {"email": cast.psychologist.email}, HTTP_HOST="localhost"
    )
    assert response.status_code == 302
    body = mail.outbox[0].body
    assert f"{SITE}/konto/password/reset/key/" in body
    assert "localhost" not in body
    assert only_absolute_links(body)


def test_an_unknown_address_asking_for_a_reset_gets_no_email_and_the_same_answer(
    cast: Any, client: Any
) -> None:
    known = client.post(reverse("account_reset_password"), {"email": cast.psychologist.email})
    mail.outbox.clear()
    unknown = client.post(reverse("account_reset_password"), {"email": "ukendt@example.org"})
    assert (unknown.status_code, unknown["Location"]) == (known.status_code, known["Location"])
    assert mail.outbox == []
