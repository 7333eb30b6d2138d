"""The PPR leader's form for the archive's receipt (kvittering)."""

from django import forms

from ppr import text_limits
from ppr.forms import Form, date_input

APPROVED = "godkendt"
REJECTED = "afvist"


class ReceiptForm(Form):
    outcome = forms.ChoiceField(
        label="Arkivets svar",
        choices=[
            (APPROVED, "Arkivet har godkendt afleveringen"),
            (REJECTED, "Arkivet har afvist afleveringen"),
        ],
        initial=APPROVED,
        required=False,  # no answer: approved, as the form shows it
        widget=forms.RadioSelect,
        error_messages={"required": "Vælg, om arkivet har godkendt eller afvist afleveringen."},
    )
    archive_reference = forms.CharField(
        label="Arkivets journalnummer",
        max_length=100,
        help_text="Som det står i arkivets kvittering for modtagelsen.",
        error_messages={"required": "Skriv arkivets journalnummer fra kvitteringen."},
        widget=forms.TextInput(attrs={"class": "form-input"}),
    )
    received_on = forms.DateField(
        label="Kvitteret den",
        widget=date_input(),
        error_messages={
            "required": "Skriv datoen på arkivets kvittering.",
            "invalid": "Skriv en gyldig dato.",
        },
    )
    note = forms.CharField(
        label="Bemærkning",
        required=False,
        max_length=text_limits.NOTE,
        widget=forms.Textarea(attrs={"class": "form-input", "rows": 3}),
    )
    reason = forms.CharField(
        label="Arkivets begrundelse for afvisningen",
        required=False,
        max_length=text_limits.NOTE,
        help_text="Kun ved afvisning: som det står i arkivets kvittering.",
        widget=forms.Textarea(attrs={"class": "form-input", "rows": 3}),
    )

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        if cleaned.get("outcome") == REJECTED and not str(cleaned.get("reason") or "").strip():
            self.add_error("reason", "Skriv arkivets begrundelse for afvisningen.")
        return cleaned
