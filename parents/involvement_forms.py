"""Forms of parents' involvement: the parents' perspective and the parents' own referral."""

import uuid
from typing import Any

from django import forms

from cases.models import ReferralRequest
from ppr import text_limits
from ppr.forms import Form

from .involvement import PARENT_REQUESTS


def _text(label: str, required_message: str, help_text: str = "", rows: int = 6) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        max_length=text_limits.SECTION,
        widget=forms.Textarea(attrs={"class": "form-input", "rows": rows}),
        error_messages={
            "required": required_message,
            "max_length": "Teksten må højst være %(limit_value)d tegn.",
        },
    )


class PerspectiveForm(Form):
    """The parents' perspective, as the parent writes it into the institution's draft."""

    text = _text(
        "Forældrenes perspektiv",
        "Skriv forældrenes perspektiv.",
        "Hvordan oplever I jeres barn derhjemme og i skolen eller dagtilbuddet? Hvad er jeres "
        "bekymring, og hvad håber I, PPR kan hjælpe med?",
        rows=10,
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["text"].required = False  # a draft may be empty; sending checks it


class ParentReferralForm(Form):
    """Forældreindstilling: the required content of a referral, in the parents' words."""

    concern = _text(
        "Hvad bekymrer jer?",
        "Skriv hvad I er bekymrede for.",
        "Beskriv hvad I ser hos jeres barn, hvor og hvor længe.",
    )
    strengths = _text(
        "Hvad er jeres barn god til?",
        "Skriv hvad jeres barn er god til.",
        "Barnets styrker og det, der går godt.",
    )
    child_perspective = _text(
        "Hvad siger jeres barn selv?",
        "Skriv hvad jeres barn selv siger eller viser.",
        "Barnets egne ord, eller hvad I ser, hvis barnet ikke kan sige det.",
    )
    earlier_interventions = _text(
        "Hvad er allerede prøvet?",
        "Skriv hvad der allerede er prøvet – eller at intet er prøvet endnu.",
        "Hjemme, i skolen eller dagtilbuddet, hos lægen eller andre.",
    )
    requests = forms.MultipleChoiceField(
        label="Hvad ønsker I af PPR?",
        choices=[(value, ReferralRequest(value).label) for value in PARENT_REQUESTS],
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Vælg hvad I ønsker af PPR.",
            "invalid_choice": "Vælg fra listen.",
        },
    )
    request_details = _text("Uddybning (valgfrit)", "", rows=4)
    client_token = forms.UUIDField(
        widget=forms.HiddenInput, error_messages={"required": "Formularen er udløbet. Prøv igen."}
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"client_token": uuid.uuid4()})
        super().__init__(*args, **kwargs)
        self.fields["request_details"].required = False

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name in ("concern", "strengths", "child_perspective", "earlier_interventions"):
            value = cleaned.get(name)
            if isinstance(value, str):
                cleaned[name] = value.strip()
                if not cleaned[name]:
                    self.add_error(name, self.fields[name].error_messages["required"])
        return cleaned
