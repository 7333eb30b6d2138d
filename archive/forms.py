"""The PPR leader's form for the archive's receipt (kvittering)."""

from django import forms

from ppr import text_limits
from ppr.forms import Form, date_input


class ReceiptForm(Form):
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
