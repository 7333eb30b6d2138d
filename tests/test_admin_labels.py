"""/admin/ speaks Danish for the packages' models too: django-axes ships no Danish catalogue and
allauth's keeps "MFA", so the project's own (locale/da) translates them; allauth's authenticator
fields have no verbose names at all, so its admin names the columns."""

import re
from pathlib import Path
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from axes.models import AccessAttempt
from django.urls import reverse
from django.utils import translation

PO = Path(__file__).resolve().parent.parent / "locale" / "da" / "LC_MESSAGES" / "django.po"

pytestmark = pytest.mark.django_db


def catalogue() -> dict[str, str]:
    pairs = re.findall(r'^msgid "(.+)"\nmsgstr "(.*)"$', PO.read_text(), re.M)
    return dict(pairs)


def test_the_compiled_catalogue_holds_every_translation_of_the_po_file() -> None:
    """The .mo is committed: it must not lag behind the .po (compile with msgfmt, see the .po)."""
    entries = catalogue()
    assert len(entries) >= 25
    with translation.override("da"):
        assert {msgid: translation.gettext(msgid) for msgid in entries} == entries


def test_the_admin_index_names_the_login_logs_and_second_factors_in_danish(
    cast: Any, client_as: Any
) -> None:
    page = client_as(cast.administrator).get(reverse("admin:index")).content.decode()
    for danish in ("Loginforsøg", "Mislykkede logins", "Loginlogge", "Totrinsbekræftelse"):
        assert danish in page
    for english in ("Access attempts", "Access failures", "Access logs", ">MFA<"):
        assert english not in page


def test_the_login_attempt_list_has_danish_columns(cast: Any, client_as: Any) -> None:
    AccessAttempt.objects.create(
        username="nogen@example.org", ip_address="10.0.0.1", user_agent="x", failures_since_start=2
    )
    page = (
        client_as(cast.administrator)
        .get(reverse("admin:axes_accessattempt_changelist"))
        .content.decode()
    )
    assert "Tidspunkt" in page and "Mislykkede logins" in page
    assert "Attempt Time" not in page and "Failed Logins" not in page


def test_the_second_factor_list_has_danish_columns(cast: Any, client_as: Any) -> None:
    Authenticator.objects.create(
        user=cast.psychologist, type=Authenticator.Type.RECOVERY_CODES, data={}
    )
    page = (
        client_as(cast.administrator)
        .get(reverse("admin:mfa_authenticator_changelist"))
        .content.decode()
    )
    for danish in ("Bruger", "Oprettet", "Senest brugt", "Gendannelseskoder"):
        assert danish in page
    for english in ("Created at", "Last used at", ">User<"):
        assert english not in page
