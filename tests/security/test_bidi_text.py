"""Bidirectional control characters cannot make text mislead: a name with one is refused at its
field, free text has them removed, in every form of ours (``ppr.forms.PlainTextMixin``)."""

import importlib
import pkgutil

import pytest
from django import forms
from django.urls import reverse

import cases
import indsatser
import meetings
import ppr
import reports
import visitation
from cases.journal.forms import JournalEntryForm
from cases.models import Child
from ppr.forms import BIDI_CONTROLS, PlainTextMixin
from tests.cases.test_child_views import registration
from tests.conftest import client_for

REFUSED = "usynlige tegn, der vender skriveretningen"


def our_form_classes() -> list[type[forms.BaseForm]]:
    """Every form class defined in our apps' modules (migrations and tests aside), except
    allauth's login forms as we extend them (a password is not text to show)."""
    for package in (cases, meetings, indsatser, reports, visitation, ppr):
        for module in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
            if ".migrations" not in module.name and not module.name.endswith(
                ("settings", "wsgi", "asgi", "celery")
            ):
                importlib.import_module(module.name)
    found, todo = [], [forms.BaseForm]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            if any(base.__module__.startswith("allauth") for base in sub.__mro__):
                continue
            if sub.__module__.split(".")[0] in {
                "cases",
                "meetings",
                "indsatser",
                "reports",
                "visitation",
            } or (sub.__module__.startswith("ppr.") and sub.__module__ != "ppr.forms"):
                found.append(sub)
    return found


def test_every_form_of_ours_has_the_text_rules() -> None:
    classes = our_form_classes()
    assert len(classes) > 40
    missing = [f"{c.__module__}.{c.__name__}" for c in classes if not issubclass(c, PlainTextMixin)]
    assert missing == []


@pytest.mark.parametrize("field", ["first_name", "last_name"])
def test_a_child_named_with_a_right_to_left_override_is_refused(cast, field: str) -> None:
    response = client_for(cast.teacher).post(
        reverse("cases:child-create"), registration(cast, **{field: "fil\u202egnp.exe"})
    )
    assert response.status_code == 400
    assert REFUSED in str(response.context["form"].errors[field])
    assert not Child.objects.exists()


@pytest.mark.parametrize("control", sorted(BIDI_CONTROLS))
def test_free_text_keeps_what_was_typed_without_the_control(control: str) -> None:
    form = JournalEntryForm(
        {
            "occurred_on": "2026-01-05",
            "kind": "samtale",
            "title": "Samtale",
            "text": f"Eleven sagde{control} at det går godt.",
            "client_token": "7c9e6679-7425-40de-944b-e07fc1f90ae7",
        }
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["text"] == "Eleven sagde at det går godt."


def test_a_one_line_title_with_a_control_is_refused() -> None:
    form = JournalEntryForm(
        {
            "occurred_on": "2026-01-05",
            "kind": "samtale",
            "title": "Samtale\u2066",
            "text": "Tekst.",
            "client_token": "7c9e6679-7425-40de-944b-e07fc1f90ae7",
        }
    )
    assert not form.is_valid()
    assert REFUSED in str(form.errors["title"])
