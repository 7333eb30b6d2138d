"""Forms for the case journal: a new entry (with an idempotency token) and a correction."""

import uuid
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from cases.models import JournalKind
from ppr.forms import EventDateField, Form


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(attrs={"class": "form-input"}, format="%Y-%m-%d")


class JournalEntryForm(Form):
    """A new dated, typed journal entry. ``client_token`` makes a double submit save one row."""

    occurred_on = EventDateField(
        happened=True,
        label="Dato",
        widget=DateInput(),
        error_messages={"required": "Angiv datoen.", "invalid": "Skriv en gyldig dato."},
    )
    kind = forms.ChoiceField(
        label="Type",
        choices=[("", "Vælg type"), *JournalKind.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
        error_messages={"required": "Vælg en type.", "invalid_choice": "Vælg en type fra listen."},
    )
    title = forms.CharField(
        label="Overskrift",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"class": "form-input"}),
        error_messages={"max_length": "Overskriften må højst være %(limit_value)d tegn."},
    )
    text = forms.CharField(
        label="Tekst",
        max_length=50000,
        widget=forms.Textarea(attrs={"class": "form-input", "rows": 10}),
        error_messages={"required": "Skriv notatets tekst."},
    )
    client_token = forms.UUIDField(
        widget=forms.HiddenInput, error_messages={"required": "Formularen er udløbet. Prøv igen."}
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial", {"occurred_on": timezone.localdate(), "client_token": uuid.uuid4()}
        )
        super().__init__(*args, **kwargs)

    def clean_text(self) -> str:
        text = self.cleaned_data["text"].strip()
        if not text:
            raise ValidationError("Skriv notatets tekst.", code="required")
        return text


class JournalCorrectionForm(Form):
    """Correct an entry's date, title or text. ``version`` is the version the user started from
    (optimistic lock)."""

    occurred_on = EventDateField(
        happened=True,
        label="Dato",
        widget=DateInput(),
        error_messages={"required": "Angiv datoen.", "invalid": "Skriv en gyldig dato."},
    )
    title = forms.CharField(
        label="Overskrift",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"class": "form-input"}),
        error_messages={"max_length": "Overskriften må højst være %(limit_value)d tegn."},
    )
    text = forms.CharField(
        label="Rettet tekst",
        max_length=50000,
        widget=forms.Textarea(attrs={"class": "form-input", "rows": 10}),
        error_messages={"required": "Skriv notatets tekst."},
    )
    reason = forms.CharField(
        label="Begrundelse for rettelsen",
        max_length=300,
        widget=forms.TextInput(attrs={"class": "form-input"}),
        help_text='Fx "Forkert dato for samtalen" eller "Stavefejl i navnet på skolen".',
        error_messages={
            "required": "Skriv hvorfor notatet rettes.",
            "max_length": "Begrundelsen må højst være %(limit_value)d tegn.",
        },
    )
    version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        error_messages={"required": "Formularen er udløbet. Åbn notatet igen."},
    )

    def clean_text(self) -> str:
        text = self.cleaned_data["text"].strip()
        if not text:
            raise ValidationError("Skriv notatets tekst.", code="required")
        return text

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError("Skriv hvorfor notatet rettes.", code="required")
        return reason
