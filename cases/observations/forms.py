"""Forms of tidlig opsporing: the child of a new observation, a new observation, the TRIO
henvisning's forum."""

import uuid
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone

from cases.journal.forms import DateInput
from cases.models import Child, ObservationFinding, ObservationKind
from cases.referrals.forms import ChildChoiceField
from ppr import text_limits
from ppr.forms import EventDateField, Form, form_field, model_choice_field

#: What each result means, beside the choice.
FINDING_HELP: dict[str, str] = {
    ObservationFinding.NONE: "Barnet trives og udvikler sig som forventet.",
    ObservationFinding.ATTENTION: "Noget skal holdes øje med; de almene tilbud er nok indtil videre.",
    ObservationFinding.CONCERN: "Barnet kan være i risiko; der bør handles (vurdering, sparring eller indstilling).",
}


class ObservationForm(Form):
    """One dated observation: kind, result and a short description."""

    observed_on = EventDateField(
        happened=True,
        label="Dato",
        widget=DateInput(),
        error_messages={"required": "Angiv datoen.", "invalid": "Skriv en gyldig dato."},
    )
    kind = forms.ChoiceField(
        label="Type",
        choices=ObservationKind.choices,
        widget=forms.Select(attrs={"class": "form-select"}),
        error_messages={
            "required": "Vælg en type observation.",
            "invalid_choice": "Vælg en type observation fra listen.",
        },
    )
    finding = forms.ChoiceField(
        label="Resultat",
        choices=[
            (value, f"{label} – {FINDING_HELP[value]}")
            for value, label in ObservationFinding.choices
        ],
        widget=forms.RadioSelect(attrs={"class": "form-radio"}),
        error_messages={
            "required": "Vælg et resultat: ingen bekymring, opmærksomhed eller bekymring.",
            "invalid_choice": "Vælg et resultat fra listen.",
        },
    )
    text = forms.CharField(
        label="Fund og beskrivelse",
        max_length=text_limits.NOTE,
        help_text="Hvad så I? Skriv kort og konkret, fx hvilke områder i skemaet der gav anledning til opmærksomhed.",
        widget=forms.Textarea(attrs={"class": "form-input", "rows": 5}),
        error_messages={
            "required": "Beskriv kort, hvad I har set.",
            "max_length": "Beskrivelsen må højst være %(limit_value)d tegn.",
        },
    )
    client_token = forms.UUIDField(
        widget=forms.HiddenInput, error_messages={"required": "Formularen er udløbet. Prøv igen."}
    )

    def __init__(self, *args: Any, kinds: list[str], **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "observed_on": timezone.localdate(),
                "kind": kinds[0] if len(kinds) == 1 else "",
                "client_token": uuid.uuid4(),
            },
        )
        super().__init__(*args, **kwargs)
        choices = [(k.value, k.label) for k in ObservationKind if k.value in kinds]
        kind = form_field(self, "kind", forms.ChoiceField)
        kind.choices = choices if len(choices) == 1 else [("", "Vælg type"), *choices]

    def clean_text(self) -> str:
        text = self.cleaned_data["text"].strip()
        if not text:
            raise ValidationError("Beskriv kort, hvad I har set.", code="required")
        return text


class ObservationChildForm(Form):
    """Which child the new observation is about: one the picker found among the children the
    user may record observations on (``views.recordable_children``)."""

    child = ChildChoiceField(
        label="Barn",
        queryset=Child.objects.none(),
        error_messages={
            "required": "Find barnet, og vælg det på listen.",
            "invalid_choice": "Vælg et barn fra listen.",
        },
    )

    def __init__(self, *args: Any, children: QuerySet[Child], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "child").queryset = children
