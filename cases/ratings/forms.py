"""Forms for the Børnelineal: a rating, and the period of the report."""

import uuid
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from cases.journal.forms import DateInput
from cases.models import RaterProfession, RatingContext, RulerColour
from ppr.forms import EventDateField, Form, PeriodDateField

#: What each colour means, shown beside the choice so the colour is never the only information.
COLOUR_HELP: dict[str, str] = {
    RulerColour.GROEN: "Barnet klarer sig; almene tilbud er nok.",
    RulerColour.GUL: "Barnet er i risiko; behovet er endnu ikke afklaret.",
    RulerColour.ROED: "Der er et afklaret behov for særlig støtte.",
}


class RatingForm(Form):
    """One Børnelineal rating: colour, date, context and a short rationale."""

    colour = forms.ChoiceField(
        label="Farve",
        choices=[
            (value, f"{label} – {COLOUR_HELP[value]}") for value, label in RulerColour.choices
        ],
        widget=forms.RadioSelect(attrs={"class": "form-radio"}),
        error_messages={
            "required": "Vælg grøn, gul eller rød.",
            "invalid_choice": "Vælg grøn, gul eller rød.",
        },
    )
    rated_on = EventDateField(
        happened=True,
        label="Dato",
        widget=DateInput(),
        error_messages={"required": "Angiv datoen.", "invalid": "Skriv en gyldig dato."},
    )
    context = forms.ChoiceField(
        label="Sammenhæng",
        choices=RatingContext.choices,
        widget=forms.Select(attrs={"class": "form-select"}),
        error_messages={
            "required": "Vælg sammenhængen.",
            "invalid_choice": "Vælg en sammenhæng fra listen.",
        },
    )
    rationale = forms.CharField(
        label="Begrundelse",
        max_length=500,
        widget=forms.Textarea(attrs={"class": "form-input", "rows": 3}),
        error_messages={
            "required": "Skriv en kort begrundelse.",
            "max_length": "Begrundelsen må højst være %(limit_value)d tegn.",
        },
    )
    client_token = forms.UUIDField(
        widget=forms.HiddenInput, error_messages={"required": "Formularen er udløbet. Prøv igen."}
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "rated_on": timezone.localdate(),
                "context": RatingContext.CASE,
                "client_token": uuid.uuid4(),
            },
        )
        super().__init__(*args, **kwargs)

    def clean_rationale(self) -> str:
        rationale = self.cleaned_data["rationale"].strip()
        if not rationale:
            raise ValidationError("Skriv en kort begrundelse.", code="required")
        return rationale


#: The contexts of a rating given outside a case and a henvisning (the child's Børnelineal page).
CHILD_CONTEXTS = (
    RatingContext.SCREENING,
    RatingContext.EARLY_DETECTION,
    RatingContext.PARTNER,
    RatingContext.MEETING,
    RatingContext.FOLLOW_UP,
)


class ChildRatingForm(RatingForm):
    """A rating on the child's own page, by a partner or PPR: no case, so no case context."""

    def __init__(self, *args: Any, context: str = RatingContext.PARTNER, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {"rated_on": timezone.localdate(), "context": context, "client_token": uuid.uuid4()},
        )
        super().__init__(*args, **kwargs)
        self.fields["context"].choices = [  # type: ignore[attr-defined]  # a ChoiceField
            (c.value, c.label) for c in CHILD_CONTEXTS
        ]


def profession_choices(empty: str) -> list[tuple[str, str]]:
    return [("", empty), *RaterProfession.choices]


class ProfessionFilterForm(Form):
    """Read the child's Børnelineal history by the raters' profession."""

    faggruppe = forms.ChoiceField(
        label="Faggruppe",
        required=False,
        choices=profession_choices("Alle faggrupper"),
        widget=forms.Select(attrs={"class": "form-select"}),
        error_messages={"invalid_choice": "Vælg en faggruppe fra listen."},
    )


class RatingReportForm(Form):
    """The period of the Børnelineal report (both ends optional) and the raters' profession."""

    faggruppe = forms.ChoiceField(
        label="Faggruppe",
        required=False,
        choices=profession_choices("Alle faggrupper"),
        widget=forms.Select(attrs={"class": "form-select"}),
        error_messages={"invalid_choice": "Vælg en faggruppe fra listen."},
    )

    fra = PeriodDateField(
        label="Fra dato",
        required=False,
        widget=DateInput(),
        error_messages={"invalid": "Skriv en gyldig dato."},
    )
    til = PeriodDateField(
        label="Til dato",
        required=False,
        widget=DateInput(),
        error_messages={"invalid": "Skriv en gyldig dato."},
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("fra") and data.get("til") and data["fra"] > data["til"]:
            self.add_error("til", "Til-datoen skal være samme dag som eller efter fra-datoen.")
        return data
