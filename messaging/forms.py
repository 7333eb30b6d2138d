"""Forms for secure messages: a reply, a new thread (the staff choose the custody holder)."""

import uuid
from typing import Any

from django import forms
from django.db.models import QuerySet

from cases.models import Guardian
from cases.referrals.uploads import ALLOWED_LABEL, validate_attachment
from ppr import text_limits
from ppr.forms import Form


class MessageForm(Form):
    """A message with an optional attachment; ``client_token`` makes a double submit send one."""

    body = forms.CharField(
        label="Besked",
        max_length=text_limits.NOTE,
        widget=forms.Textarea(attrs={"class": "form-input", "rows": 6}),
        error_messages={
            "required": "Skriv en besked.",
            "max_length": "Beskeden må højst være %(limit_value)d tegn.",
        },
    )
    file = forms.FileField(
        label="Vedhæft en fil (valgfrit)",
        required=False,
        help_text=f"{ALLOWED_LABEL}, højst 20 MB.",
        widget=forms.ClearableFileInput(
            attrs={"class": "form-input", "accept": ".pdf,.docx,.jpg,.jpeg,.png"}
        ),
        error_messages={"empty": "Filen er tom.", "invalid": "Filen kunne ikke læses."},
    )
    client_token = forms.UUIDField(
        widget=forms.HiddenInput, error_messages={"required": "Formularen er udløbet. Prøv igen."}
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"client_token": uuid.uuid4()})
        super().__init__(*args, **kwargs)

    def clean_body(self) -> str:
        body = str(self.cleaned_data["body"]).strip()
        if not body:
            raise forms.ValidationError("Skriv en besked.", code="required")
        return body

    def clean_file(self) -> object:
        file = self.cleaned_data.get("file")
        if file:
            validate_attachment(file)
        return file

    @property
    def files_to_send(self) -> list[Any]:
        file = self.cleaned_data.get("file")
        return [file] if file else []


class ThreadForm(MessageForm):
    """A new thread: a subject and its first message."""

    subject = forms.CharField(
        label="Emne",
        max_length=150,
        widget=forms.TextInput(attrs={"class": "form-input"}),
        error_messages={
            "required": "Skriv et emne.",
            "max_length": "Emnet må højst være %(limit_value)d tegn.",
        },
    )
    field_order = ["subject", "body", "file", "client_token"]


class StaffThreadForm(ThreadForm):
    """The staff write to one custody holder of the case's child."""

    guardian = forms.ModelChoiceField(
        label="Til",
        queryset=Guardian.objects.none(),
        empty_label="Vælg forælder",
        widget=forms.Select(attrs={"class": "form-select"}),
        error_messages={
            "required": "Vælg hvem beskeden er til.",
            "invalid_choice": "Vælg en forælder med forældremyndighed fra listen.",
        },
    )
    field_order = ["guardian", "subject", "body", "file", "client_token"]

    def __init__(self, *args: Any, guardians: QuerySet[Guardian], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["guardian"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = guardians
