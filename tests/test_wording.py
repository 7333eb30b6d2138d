"""One word for one thing: one "Glemt adgangskode" link, "Annuller" everywhere, a deadline's link
that says what it leads to."""

from pathlib import Path
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from indsatser.models import AbsenceStepRecord
from ppr.deadlines.models import Deadline
from ppr.deadlines.tables import DeadlineTable

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


@pytest.mark.django_db
def test_the_login_page_links_once_to_the_password_reset(client: Any) -> None:
    page = client.get(reverse("account_login")).content.decode()
    assert page.count(f'href="{reverse("account_reset_password")}"') == 1
    assert "Glemt din adgangskode" not in page


def test_cancel_is_spelt_annuller_everywhere() -> None:
    assert [path.name for path in TEMPLATES.rglob("*.html") if "Annullér" in path.read_text()] == []


@pytest.mark.django_db
def test_a_deadline_for_an_open_absence_step_is_not_called_a_done_step() -> None:
    deadline = Deadline(
        content_type=ContentType.objects.get_for_model(AbsenceStepRecord), link="/indsatser/1/"
    )
    link = DeadlineTable([]).render_link(deadline)
    assert "Gå til trin i fraværsproceduren" in link and "udført" not in link
