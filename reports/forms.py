"""Forms of the reports app: a manual measurement, a goal's baseline and target, a plan step."""

import re
import uuid
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone

from ppr.accounts.models import PPR_ROLES, User
from ppr.forms import EventDateField, ModelForm, model_choice_field

from .measures import measure_choices
from .models import (
    EffectGoal,
    GoalMeasurement,
    GoalUnit,
    Measurement,
    PlanActivity,
    PlanInitiative,
    PreventionSpending,
    unit_range_error,
)

INPUT = {"class": "form-input"}
SELECT = {"class": "form-select"}
# A text input: type="number" refuses the Danish "48,5" in some browsers and reads "90,8" as 908
# in others.
DECIMAL_INPUT = {**INPUT, "inputmode": "decimal"}

#: What the PPR leader types for a goal of each unit (the limits are models.UNIT_RANGES).
UNIT_HINTS: dict[str, str] = {
    GoalUnit.PERCENT: "I procent, mellem 0 og 100. Decimaler med komma, fx 90,8.",
    GoalUnit.COUNT: "Et antal, 0 eller derover.",
    GoalUnit.MIO_DKK: "I mio. kr. Decimaler med komma, fx 48,5.",
}

#: "1.100" or "12.500.000": points as Danish thousands separators, no decimals.
THOUSANDS = re.compile(r"\d{1,3}(\.\d{3})+")


class DanishDecimalField(forms.DecimalField):
    """A number written the Danish way: "48,5", "1.100", "1.100,5" – or "48.5".

    A comma is the decimal mark, and then points group thousands. Without a comma, points in
    groups of three ("1.100") group thousands, as a Danish leader writes 1100 children;
    any other point ("48.5") is a decimal point.
    """

    def prepare_value(self, value: Any) -> Any:
        # A stored Decimal("90.80") is shown as the user would type it: "90,8".
        if isinstance(value, Decimal):
            return f"{value.normalize():f}".replace(".", ",")
        return value

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            # A typographic minus ("−20", as the reports print it) is a minus.
            text = value.strip().replace(" ", "").replace("\u00a0", "").replace("\u2212", "-")
            if "," in text:
                text = text.replace(".", "").replace(",", ".")
            elif THOUSANDS.fullmatch(text):
                text = text.replace(".", "")
            value = text
        return super().to_python(value)


class MeasurementForm(ModelForm):
    class Meta:
        model = GoalMeasurement
        fields = ["year", "value", "note"]
        field_classes = {"value": DanishDecimalField}
        labels = {"year": "År", "value": "Målt værdi", "note": "Kilde eller bemærkning"}
        help_texts = {"note": "Fx “Økonomiafdelingen, regnskab 2025”."}
        widgets = {
            "year": forms.NumberInput(attrs={**INPUT, "inputmode": "numeric"}),
            "value": forms.TextInput(attrs=DECIMAL_INPUT),
            "note": forms.TextInput(attrs=INPUT),
        }
        error_messages = {
            "year": {"required": "Angiv året.", "invalid": "Angiv året som et tal, fx 2025."},
            "value": {"required": "Angiv den målte værdi.", "invalid": "Angiv værdien som et tal."},
        }

    def __init__(self, *args: Any, goal: EffectGoal, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.goal = goal
        # The goal's unit decides which values are possible (GoalMeasurement.clean).
        self.instance.goal = goal
        self.fields["value"].help_text = UNIT_HINTS.get(goal.unit, "")
        self.fields["year"].initial = timezone.localdate().year - 1

    def clean_year(self) -> int:
        year = self.cleaned_data["year"]
        this_year = timezone.localdate().year
        if not 2000 <= year <= this_year:
            raise forms.ValidationError(f"Året skal ligge mellem 2000 og {this_year}.")
        return year

    def validate_unique(self) -> None:
        # Entering a year again corrects its value (the service updates it): not an error.
        return


class GoalForm(ModelForm):
    class Meta:
        model = EffectGoal
        fields = [
            "name",
            "direction",
            "baseline_value",
            "baseline_year",
            "target_value",
            "target_year",
        ]
        labels = {
            "name": "Effektmål",
            "direction": "Retning",
            "baseline_value": "Baseline",
            "baseline_year": "Baselineår",
            "target_value": "Måltal",
            "target_year": "Målår",
        }
        field_classes = {"baseline_value": DanishDecimalField, "target_value": DanishDecimalField}
        widgets = {
            "name": forms.TextInput(attrs=INPUT),
            "direction": forms.Select(attrs=SELECT),
            "baseline_value": forms.TextInput(attrs=DECIMAL_INPUT),
            "baseline_year": forms.NumberInput(attrs={**INPUT, "inputmode": "numeric"}),
            "target_value": forms.TextInput(attrs=DECIMAL_INPUT),
            "target_year": forms.NumberInput(attrs={**INPUT, "inputmode": "numeric"}),
        }
        error_messages = {
            "baseline_value": {"invalid": "Angiv baseline som et tal, fx 90,8."},
            "target_value": {"invalid": "Angiv måltallet som et tal, fx 95."},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        hint = UNIT_HINTS.get(self.instance.unit, "")
        for name in ("baseline_value", "target_value"):
            self.fields[name].help_text = hint

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for value, year, label in (
            ("baseline_value", "baseline_year", "baseline"),
            ("target_value", "target_year", "måltal"),
        ):
            if (data.get(value) is None) != (data.get(year) is None):
                self.add_error(year, f"Angiv både {label} og år – eller ingen af dem.")
        if (
            data.get("baseline_year")
            and data.get("target_year")
            and data["target_year"] < data["baseline_year"]
        ):
            self.add_error("target_year", "Målåret skal ligge på eller efter baselineåret.")
        return data


def _token_field() -> forms.UUIDField:
    return forms.UUIDField(
        widget=forms.HiddenInput,
        error_messages={
            "required": "Formularen er udløbet. Prøv igen.",
            "invalid": "Formularen er udløbet. Prøv igen.",
        },
    )


class NewGoalForm(GoalForm):
    """A new effect goal: GoalForm's fields plus what it measures and how (fixed afterwards)."""

    client_token = _token_field()
    measure_key = forms.ChoiceField(
        label="Automatisk måling",
        required=False,
        widget=forms.Select(attrs=SELECT),
        help_text="Kun for automatiske mål: hvilken af systemets målinger målet følger.",
    )

    class Meta(GoalForm.Meta):
        fields = [
            "name",
            "description",
            "unit",
            "direction",
            "baseline_value",
            "baseline_year",
            "target_value",
            "target_year",
            "measurement",
            "beacons",
        ]
        labels = {
            **GoalForm.Meta.labels,
            "description": "Sådan måles det",
            "unit": "Enhed",
            "measurement": "Måling",
            "beacons": "Pejlemærker",
        }
        widgets = {
            **GoalForm.Meta.widgets,
            "description": forms.Textarea(attrs={"class": "form-input", "rows": 3}),
            "unit": forms.Select(attrs=SELECT),
            "measurement": forms.RadioSelect(),
            "beacons": forms.CheckboxSelectMultiple(),
        }
        error_messages = {
            **GoalForm.Meta.error_messages,
            "name": {"required": "Giv målet et navn."},
            "unit": {"required": "Vælg en enhed."},
            "direction": {"required": "Vælg om lavere eller højere er bedre."},
            "measurement": {"required": "Vælg hvordan målet måles."},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"client_token": uuid.uuid4()})
        super().__init__(*args, **kwargs)
        measure_key = self.fields["measure_key"]
        assert isinstance(measure_key, forms.ChoiceField)
        measure_key.choices = [("", "Vælg en måling"), *measure_choices()]
        measurement = self.fields["measurement"]
        assert isinstance(measurement, forms.ChoiceField)
        measurement.choices = list(Measurement.choices)  # radio buttons without a blank one
        unit = self.data.get("unit") if self.is_bound else None
        for name in ("baseline_value", "target_value"):
            self.fields[name].help_text = UNIT_HINTS.get(unit or "", "")
        self.fields["beacons"].required = False

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        measurement, key = data.get("measurement"), data.get("measure_key")
        if measurement == Measurement.AUTOMATIC and not key:
            self.add_error("measure_key", "Vælg hvilken måling et automatisk mål følger.")
        if measurement == Measurement.MANUAL:
            data["measure_key"] = ""
        if (unit := data.get("unit")) and not self.errors:
            for name in ("baseline_value", "target_value"):
                if message := unit_range_error(unit, data.get(name)):
                    self.add_error(name, message)
        return data

    def _post_clean(self) -> None:
        # The service builds and validates the goal (key, order, measure); nothing half-made.
        return


class PreventionSpendingForm(ModelForm):
    class Meta:
        model = PreventionSpending
        fields = ["year", "amount", "note"]
        field_classes = {"amount": DanishDecimalField}
        labels = {"year": "År", "amount": "Udgift til forebyggelse (kr.)", "note": "Kilde"}
        help_texts = {
            "amount": "Hele kroner eller med øre, fx 21.500.000 eller 21.500.000,50.",
            "note": "Fx “Økonomiafdelingen, regnskab 2025”.",
        }
        widgets = {
            "year": forms.NumberInput(attrs={**INPUT, "inputmode": "numeric"}),
            "amount": forms.TextInput(attrs=DECIMAL_INPUT),
            "note": forms.TextInput(attrs=INPUT),
        }
        error_messages = {
            "year": {"required": "Angiv året.", "invalid": "Angiv året som et tal, fx 2025."},
            "amount": {
                "required": "Angiv udgiften til forebyggelse.",
                "invalid": "Angiv beløbet som et tal, fx 21.500.000.",
                "max_digits": "Beløbet er for stort.",
                "max_decimal_places": "Angiv højst to decimaler (øre).",
            },
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year - 1

    def clean_year(self) -> int:
        year = self.cleaned_data["year"]
        this_year = timezone.localdate().year
        if not 2000 <= year <= this_year:
            raise forms.ValidationError(f"Året skal ligge mellem 2000 og {this_year}.")
        return year

    def clean_amount(self) -> Decimal:
        amount = self.cleaned_data["amount"]
        if amount < 0:
            raise forms.ValidationError("Et beløb kan ikke være negativt.")
        return amount

    def validate_unique(self) -> None:
        # Entering a year again corrects it (the service updates it): not an error.
        return


class InitiativeForm(ModelForm):
    class Meta:
        model = PlanInitiative
        fields = ["number", "title", "description", "owner_text"]
        labels = {
            "number": "Nummer",
            "title": "Titel",
            "description": "Beskrivelse",
            "owner_text": "Tovholder",
        }
        help_texts = {"number": "Fx “3.10”.", "owner_text": "Fx “Hanne / Michael”."}
        widgets = {
            "number": forms.TextInput(attrs=INPUT),
            "title": forms.TextInput(attrs=INPUT),
            "description": forms.Textarea(attrs={"class": "form-input", "rows": 4}),
            "owner_text": forms.TextInput(attrs=INPUT),
        }
        error_messages = {
            "number": {"required": "Angiv indsatsens nummer."},
            "title": {"required": "Angiv indsatsens titel."},
        }

    def __init__(self, *args: Any, plan: Any, new: bool = False, **kwargs: Any) -> None:
        if new:
            kwargs.setdefault("initial", {"client_token": uuid.uuid4()})
        super().__init__(*args, **kwargs)
        self.instance.plan = plan
        if new:
            self.fields["client_token"] = _token_field()
        self.fields["owner_text"].required = True
        self.fields["owner_text"].error_messages["required"] = "Angiv indsatsens tovholder."


class ActivityForm(ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = PlanActivity
        fields = [
            "kind",
            "group",
            "number",
            "title",
            "due_on",
            "due_label",
            "status",
            "status_note",
            "owner",
            "owner_text",
            "notes",
        ]
        labels = {
            "kind": "Type",
            "group": "Arbejdsgruppe",
            "number": "Nummer",
            "title": "Titel",
            "due_label": "Dato som skrevet i planen",
            "status": "Status",
            "status_note": "Statusbemærkning",
            "due_on": "Dato",
            "owner": "Ansvarlig (bruger i PPR Sag)",
            "owner_text": "Ansvarlig (navn)",
            "notes": "Noter",
        }
        help_texts = {
            "owner_text": "Bruges når den ansvarlige ikke er bruger i PPR Sag, fx en arbejdsgruppe.",
            "group": "Kun når indsatsen har flere arbejdsgrupper med hver sine trin.",
            "due_label": "Valgfri, fx “Ult. sept. 2026”.",
        }
        widgets = {
            "kind": forms.Select(attrs=SELECT),
            "group": forms.TextInput(attrs=INPUT),
            "number": forms.NumberInput(attrs={**INPUT, "inputmode": "numeric"}),
            "title": forms.TextInput(attrs=INPUT),
            "due_label": forms.TextInput(attrs=INPUT),
            "status": forms.Select(attrs=SELECT),
            "status_note": forms.TextInput(attrs=INPUT),
            "due_on": forms.DateInput(attrs={**INPUT, "type": "date"}, format="%Y-%m-%d"),
            "owner": forms.Select(attrs=SELECT),
            "owner_text": forms.TextInput(attrs=INPUT),
            "notes": forms.Textarea(attrs={"class": "form-input", "rows": 4}),
        }
        error_messages = {
            "due_on": {"required": "Angiv en dato.", "invalid": "Angiv en gyldig dato."},
            "kind": {"required": "Vælg om det er en aktivitet, en milepæl eller et delmål."},
            "number": {
                "required": "Angiv nummeret.",
                "invalid": "Angiv nummeret som et helt tal.",
                "min_value": "Nummeret skal være 0 eller derover.",
            },
            "title": {"required": "Angiv en titel."},
        }
        field_classes = {"due_on": EventDateField}

    def __init__(self, *args: Any, initiative: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if initiative is not None:
            self.instance.initiative = initiative
        model_choice_field(self, "owner").queryset = User.objects.filter(
            is_active=True, memberships__active=True, memberships__role__in=list(PPR_ROLES)
        ).distinct()
        model_choice_field(self, "owner").empty_label = "Ingen bruger valgt"
        if self.instance.pk and not self.is_bound:
            self.fields["version"].initial = self.instance.version

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("owner") and not (data.get("owner_text") or "").strip():
            self.add_error("owner_text", "Angiv hvem der er ansvarlig.")
        return data


class NewActivityForm(ActivityForm):
    """A new activity, milestone or sub-goal of an initiative (no version yet)."""

    client_token = _token_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"client_token": uuid.uuid4()})
        super().__init__(*args, **kwargs)
        del self.fields["version"]
