"""The PPR leader's forms: a rule's years, a legal hold."""

from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from cases.models import Child
from ppr.forms import EventDateField, Form

INPUT = {"class": "form-input"}


class RuleForm(Form):
    years = forms.IntegerField(
        label="Opbevaring (år)",
        min_value=1,
        max_value=100,
        widget=forms.NumberInput(attrs={**INPUT, "inputmode": "numeric"}),
        error_messages={
            "required": "Skriv, hvor mange år posterne skal opbevares.",
            "invalid": "Skriv et helt antal år, fx 5.",
            "min_value": "Opbevaringen skal være mindst ét år.",
            "max_value": "Opbevaringen kan højst være 100 år.",
        },
    )

    def __init__(self, *args: Any, min_years: int, label: str, **kwargs: Any) -> None:
        self.min_years = min_years
        self.kind_label = label
        super().__init__(*args, **kwargs)
        self.fields["years"].help_text = f"Mindst {min_years} år."

    def clean_years(self) -> int:
        years: int = self.cleaned_data["years"]
        if years < self.min_years:
            raise ValidationError(f"{self.kind_label} skal opbevares i mindst {self.min_years} år.")
        return years


class LegalHoldForm(Form):
    child = forms.IntegerField(
        label="Barn (intern id)",
        min_value=1,
        widget=forms.NumberInput(attrs={**INPUT, "inputmode": "numeric"}),
        help_text="Barnets interne id, som det står i adgangsloggen og på barnets side.",
        error_messages={
            "required": "Skriv barnets interne id.",
            "invalid": "Barnets id er et helt tal.",
            "min_value": "Barnets id er et helt tal over 0.",
        },
    )
    reason = forms.CharField(
        label="Begrundelse",
        max_length=500,
        widget=forms.Textarea(attrs={**INPUT, "rows": 3}),
        error_messages={
            "required": "Skriv, hvorfor barnets oplysninger ikke må slettes.",
            "max_length": "Begrundelsen må højst være 500 tegn.",
        },
    )
    until = EventDateField(
        label="Gælder til og med",
        widget=forms.DateInput(attrs={**INPUT, "type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": "Vælg, hvornår tilbageholdet udløber."},
    )

    def clean_child(self) -> Child:
        pk = self.cleaned_data["child"]
        child = Child.objects.filter(pk=pk).first()
        if child is None:
            raise ValidationError("Der findes intet barn med det id.")
        return child

    def clean_until(self) -> date:
        until: date = self.cleaned_data["until"]
        if until < timezone.localdate():
            raise ValidationError("Datoen er passeret. Vælg i dag eller en senere dato.")
        return until
