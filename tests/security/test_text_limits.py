"""Every free-text field has a limit that fits its use, in the form (Danish error naming the
limit) and in the model (a MaxLengthValidator on the TextField): 100,000 characters were
accepted in 14 of 15 PPV sections, 9 referral fields, the conference item description and the
tirsdagsmøde "evt." field."""

import pytest
from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models

from cases.models import Ppv, Referral
from cases.ppv.forms import PpvForm
from cases.referrals.forms import ReferralForm
from meetings.forms import AgendaItemForm, TuesdayAgendaForm
from meetings.models import AgendaItem, TuesdayMeeting
from ppr import text_limits
from tests.security.test_bidi_text import our_form_classes

OUR_APPS = {
    "cases",
    "meetings",
    "indsatser",
    "reports",
    "visitation",
    "organisation",
    "accounts",
    "audit",
}
PASTE = "x" * 100_000


def our_text_fields() -> list[models.TextField]:
    return [
        field
        for model in apps.get_models()
        if model._meta.app_label in OUR_APPS | {"deadlines", "documents"}
        for field in model._meta.get_fields()
        if isinstance(field, models.TextField) and field.editable
    ]


def test_every_editable_text_field_of_ours_has_a_max_length_validator() -> None:
    fields = our_text_fields()
    assert len(fields) > 40
    missing = [
        f"{f.model.__name__}.{f.name}"
        for f in fields
        if not any(isinstance(v, MaxLengthValidator) for v in f.validators)
    ]
    assert missing == []


def test_every_free_text_field_of_every_form_has_a_limit() -> None:
    missing = []
    for form_class in our_form_classes():
        declared = dict(form_class.base_fields)
        if form_class is PpvForm:
            declared |= PpvForm().fields  # its sections are added from the model at init
        for name, field in declared.items():
            free_text = isinstance(field, forms.CharField) and isinstance(
                field.widget, forms.Textarea
            )
            if free_text and not field.max_length:
                missing.append(f"{form_class.__name__}.{name}")
    assert missing == []


@pytest.mark.parametrize("name", sorted(PpvForm().fields.keys() - {"version"}))
def test_a_pasted_novel_in_a_ppv_section_is_refused_in_danish(name: str) -> None:
    form = PpvForm({"version": 1, name: PASTE})
    assert not form.is_valid()
    assert "højst" in str(form.errors[name])


@pytest.mark.parametrize(
    "name",
    [
        "concern",
        "strengths",
        "child_perspective",
        "parents_perspective",
        "plan_goals",
        "plan_actions",
        "plan_evaluation",
        "earlier_interventions",
        "request_details",
    ],
)
def test_a_pasted_novel_in_a_referral_field_is_refused(name: str) -> None:
    form = ReferralForm({name: PASTE})
    assert not form.is_valid()
    assert f"{text_limits.SECTION}" in str(form.errors[name]).replace(".", "")


def test_the_models_refuse_what_the_forms_would(db) -> None:
    for model, name in [
        (Ppv, "summary"),
        (Referral, "concern"),
        (AgendaItem, "description"),
        (TuesdayMeeting, "any_other_business"),
    ]:
        with pytest.raises(ValidationError):
            model._meta.get_field(name).clean(PASTE, model())


def test_conference_item_and_tuesday_evt_forms_carry_the_models_limits() -> None:
    assert AgendaItemForm.base_fields["description"].max_length == text_limits.NOTE
    assert TuesdayAgendaForm.base_fields["any_other_business"].max_length == text_limits.SHORT
