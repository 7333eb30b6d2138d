"""The PPR leader's forms for the data subject's rights: each asks why."""

from django import forms

from ppr import text_limits
from ppr.forms import Form


def _reason(label: str, help_text: str, required_message: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=text_limits.NOTE,
        help_text=help_text,
        error_messages={"required": required_message},
        widget=forms.Textarea(attrs={"class": "form-input", "rows": 4}),
    )


class RestrictForm(Form):
    reason = _reason(
        "Begrundelse",
        "Fx at forældrene har bestridt oplysningernes rigtighed, og hvornår anmodningen kom.",
        "Skriv hvorfor barnets oplysninger begrænses.",
    )


class LiftForm(Form):
    reason = _reason(
        "Begrundelse for ophævelse",
        "Fx at rigtigheden er afklaret; forældrene skal have besked, før begrænsningen ophæves.",
        "Skriv hvorfor begrænsningen ophæves.",
    )


class PurposeForm(Form):
    purpose = forms.CharField(
        label="Formål",
        max_length=150,
        help_text="Hvorfor du skal se eller udlevere oplysningerne, fx „anmodning om indsigt fra mor, modtaget 3.12.“.",
        error_messages={"required": "Skriv formålet. Det logges."},
        widget=forms.TextInput(attrs={"class": "form-input"}),
    )
