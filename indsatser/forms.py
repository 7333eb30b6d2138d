"""Forms of the indsatser app. Danish labels and messages; DKFDS classes on every widget."""

import uuid
from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet

from cases.models import Child, RulerColour
from ppr import text_limits
from ppr.accounts.models import CASEWORKER_ROLES, Role, User
from ppr.deadlines import calendar
from ppr.forms import (
    EventDateField,
    Form,
    ModelForm,
    ModelMultipleChoiceField,
    date_input,
    dkfds_style,
    model_choice_field,
)
from ppr.organisation.models import Institution

from .models import (
    AbsenceProcedureStep,
    Course,
    CourseOutcome,
    GoalStatus,
    Intervention,
    PreventionLevel,
)


def ppr_runners() -> QuerySet[User]:
    """Who may be responsible for a course: PPR's case workers and leader."""
    return (
        User.objects.filter(
            is_active=True,
            memberships__active=True,
            memberships__role__in=[*CASEWORKER_ROLES, Role.PPR_LEADER],
        )
        .distinct()
        .order_by("first_name", "last_name")
    )


class InterventionForm(ModelForm):
    class Meta:
        model = Intervention
        fields = [
            "name",
            "level",
            "form",
            "description",
            "target_group",
            "typical_length",
            "owner",
            "beacons",
        ]
        widgets = {
            "beacons": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 4}),
            "target_group": forms.Textarea(attrs={"rows": 2}),
        }
        error_messages = {"name": {"unique": "Der findes allerede en indsats med dette navn."}}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "owner").queryset = ppr_runners()
        model_choice_field(self, "owner").empty_label = "Ingen tovholder"
        self.fields["beacons"].label = "Pejlemærker, indsatsen understøtter"
        dkfds_style(self)


class GoalLinesField(forms.CharField):
    """One goal per line."""

    def clean(self, value: Any) -> list[str]:
        text = super().clean(value) or ""
        goals = [line.strip() for line in text.splitlines() if line.strip()]
        short = [g for g in goals if len(g) < 10]
        if short:
            raise forms.ValidationError(
                "Beskriv hvert mål, så det kan vurderes (mindst 10 tegn pr. linje)."
            )
        return goals


class CourseStartForm(Form):
    """Start a course: for a group (hold) or, with a case, for one child."""

    token = forms.UUIDField(widget=forms.HiddenInput)
    intervention = forms.ModelChoiceField(
        label="Indsats",
        queryset=Intervention.objects.none(),
        empty_label="Vælg en indsats",
        error_messages={
            "required": "Vælg en indsats fra indsatsviften.",
            "invalid_choice": "Vælg en indsats, der ikke er udfaset.",
        },
    )
    title = forms.CharField(
        label="Navn på forløbet",
        max_length=200,
        required=False,
        help_text="Fx “Skilsmissegruppe Vest, forår 2026”. Tomt: indsatsens navn.",
    )
    responsible = forms.ModelChoiceField(
        label="Ansvarlig",
        queryset=User.objects.none(),
        empty_label="Vælg ansvarlig",
        error_messages={"required": "Vælg den ansvarlige."},
    )
    co_leaders = ModelMultipleChoiceField(
        label="Medansvarlige",
        queryset=User.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )
    institution: "forms.ModelChoiceField[Any]" = forms.ModelChoiceField(
        label="Institution (hvor holdet mødes)",
        queryset=None,
        required=False,
        empty_label="Ingen bestemt institution",
    )
    starts_on = EventDateField(
        label="Start",
        widget=date_input(),
        error_messages={"required": "Angiv startdatoen.", "invalid": "Skriv en gyldig dato."},
    )
    ends_on = EventDateField(
        label="Forventet slut",
        required=False,
        widget=date_input(),
        error_messages={"invalid": "Skriv en gyldig dato."},
    )
    goals = GoalLinesField(
        label="Mål (ét pr. linje)",
        max_length=text_limits.NOTE,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Skriv målene, så de kan vurderes: hvad er anderledes, og hvordan ses det?",
    )
    follow_up_1 = EventDateField(
        label="Første opfølgning",
        required=False,
        widget=date_input(),
        error_messages={"invalid": "Skriv en gyldig dato."},
    )
    follow_up_2 = EventDateField(
        label="Anden opfølgning",
        required=False,
        widget=date_input(),
        error_messages={"invalid": "Skriv en gyldig dato."},
    )

    def __init__(
        self, *args: Any, for_child: bool = False, user: User | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)

        self.fields["token"].initial = uuid.uuid4()
        model_choice_field(
            self, "intervention"
        ).queryset = Intervention.objects.available().order_by("level", "name")
        model_choice_field(self, "responsible").queryset = ppr_runners()
        model_choice_field(self, "co_leaders").queryset = ppr_runners()
        model_choice_field(self, "institution").queryset = Institution.objects.filter(
            active=True
        ).order_by("name")
        if user is not None and user.pk:
            self.fields["responsible"].initial = user.pk
        self.fields["starts_on"].initial = calendar.today()
        if for_child:
            del self.fields["institution"]
            self.fields["title"].help_text = "Tomt: indsatsens navn."
        dkfds_style(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", "Slutdatoen skal ligge på eller efter startdatoen.")
        today = calendar.today()
        for name in ("follow_up_1", "follow_up_2"):
            day = data.get(name)
            if day and day < today:
                self.add_error(name, "En opfølgning kan ikke planlægges i fortiden.")
            elif day and starts_on and day < starts_on:
                self.add_error(name, "Opfølgningen ligger før forløbets start.")
        return data

    @property
    def follow_up_dates(self) -> list[date]:
        return [
            d
            for d in (self.cleaned_data.get("follow_up_1"), self.cleaned_data.get("follow_up_2"))
            if d
        ]


class CourseUpdateForm(ModelForm):
    co_leaders = ModelMultipleChoiceField(
        label="Medansvarlige",
        queryset=User.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )

    class Meta:
        model = Course
        fields = ["title", "responsible", "ends_on"]
        widgets = {"ends_on": date_input()}
        field_classes = {"ends_on": EventDateField}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "responsible").queryset = ppr_runners()
        model_choice_field(self, "co_leaders").queryset = ppr_runners()
        self.fields["co_leaders"].initial = list(
            self.instance.co_leaders.values_list("pk", flat=True)
        )
        dkfds_style(self)


class GoalForm(Form):
    text = forms.CharField(
        label="Nyt mål",
        max_length=500,
        min_length=10,
        error_messages={
            "required": "Skriv målet.",
            "min_length": "Beskriv målet, så det kan vurderes (mindst 10 tegn).",
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        dkfds_style(self)


class SessionForm(Form):
    held_on = EventDateField(
        label="Dato for gangen",
        widget=date_input(),
        error_messages={"required": "Angiv datoen.", "invalid": "Skriv en gyldig dato."},
    )
    topic = forms.CharField(label="Emne", max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        dkfds_style(self)


class FollowUpPlanForm(Form):
    planned_on = EventDateField(
        label="Dato for opfølgning",
        widget=date_input(),
        error_messages={"required": "Angiv datoen.", "invalid": "Skriv en gyldig dato."},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        dkfds_style(self)

    def clean_planned_on(self) -> date:
        day = self.cleaned_data["planned_on"]
        if day < calendar.today():
            raise forms.ValidationError("En opfølgning kan ikke planlægges i fortiden.")
        return day


COLOUR_CHOICES = [("", "Ingen vurdering"), *RulerColour.choices]


class FollowUpRecordForm(Form):
    """The follow-up: date, note, a status per goal and a Børnelineal rating per child."""

    held_on = EventDateField(
        happened=True,
        label="Afholdt den",
        widget=date_input(),
        error_messages={"required": "Angiv datoen.", "invalid": "Skriv en gyldig dato."},
    )
    note = forms.CharField(
        max_length=text_limits.NOTE,
        label="Notat fra opfølgningen",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Skriv et notat fra opfølgningen."},
    )

    def __init__(
        self,
        *args: Any,
        goals: list[Any],
        participants: list[Any],
        rating_required: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["held_on"].initial = calendar.today()
        self.goal_fields: list[tuple[Any, str]] = []
        self.rating_fields: list[tuple[Any, str, str]] = []
        for goal in goals:
            name = f"goal_{goal.pk}"
            self.fields[name] = forms.ChoiceField(
                label=goal.text,
                choices=GoalStatus.choices,
                widget=forms.RadioSelect,
                error_messages={"required": "Vurdér målet."},
            )
            self.goal_fields.append((goal, name))
        for participant in participants:
            colour, rationale = (
                f"colour_{participant.child_id}",
                f"rationale_{participant.child_id}",
            )
            self.fields[colour] = forms.ChoiceField(
                label=f"Børnelineal: {participant.child.name}",
                choices=RulerColour.choices if rating_required else COLOUR_CHOICES,
                required=rating_required,
                error_messages={"required": "Vælg grøn, gul eller rød."},
            )
            self.fields[rationale] = forms.CharField(
                label=f"Begrundelse for {participant.child.name}", max_length=500, required=False
            )
            self.rating_fields.append((participant, colour, rationale))
        dkfds_style(self)

    def clean_held_on(self) -> date:
        day = self.cleaned_data["held_on"]
        if day > calendar.today():
            raise forms.ValidationError("Datoen kan ikke ligge i fremtiden.")
        return day

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for _participant, colour, rationale in self.rating_fields:
            if data.get(colour) and not (data.get(rationale) or "").strip():
                self.add_error(rationale, "Skriv en kort begrundelse for vurderingen.")
        return data

    @property
    def goal_statuses(self) -> dict[int, str]:
        return {goal.pk: self.cleaned_data[name] for goal, name in self.goal_fields}

    @property
    def ratings(self) -> dict[int, tuple[str, str]]:
        return {
            participant.child_id: (self.cleaned_data[colour], self.cleaned_data[rationale])
            for participant, colour, rationale in self.rating_fields
            if self.cleaned_data.get(colour)
        }

    def goal_bound_fields(self) -> list[tuple[Any, Any]]:
        return [(goal, self[name]) for goal, name in self.goal_fields]

    def rating_bound_fields(self) -> list[tuple[Any, Any, Any]]:
        return [(p, self[c], self[r]) for p, c, r in self.rating_fields]


class EnrolForm(Form):
    """Enrol a child: pick one you can see, or look the child up by CPR number (posted only)."""

    child = forms.ModelChoiceField(
        label="Vælg barn", queryset=Child.objects.none(), required=False, empty_label="Vælg et barn"
    )
    cpr = forms.CharField(
        label="Eller CPR-nummer",
        max_length=11,
        required=False,
        help_text="ddmmåå-xxxx",
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )

    def __init__(self, *args: Any, candidates: QuerySet[Child], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "child").queryset = candidates
        dkfds_style(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        child, cpr = data.get("child"), (data.get("cpr") or "").strip()
        if child is None and not cpr:
            raise forms.ValidationError("Vælg et barn eller skriv barnets CPR-nummer.")
        if child is None:
            try:
                found = Child.objects.with_cpr(cpr).select_related("institution").first()
            except forms.ValidationError as exc:
                self.add_error("cpr", exc)
                return data
            if found is None:
                self.add_error(
                    "cpr",
                    "Der er ikke registreret et barn med dette CPR-nummer. Barnet skal registreres først.",
                )
            data["child"] = found
        return data


class RemoveParticipantForm(Form):
    reason = forms.CharField(
        label="Årsag til udmeldelse",
        max_length=300,
        error_messages={"required": "Angiv en årsag til udmeldelsen."},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        dkfds_style(self)


class EndCourseForm(Form):
    outcome = forms.ChoiceField(
        label="Udfald",
        choices=[("", "Vælg udfald"), *CourseOutcome.choices],
        error_messages={"required": "Vælg forløbets udfald."},
    )
    note = forms.CharField(
        max_length=text_limits.NOTE,
        label="Afslutningsnotat",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        dkfds_style(self)


GRADE_CHOICES = [(0, "0. klasse (børnehaveklasse)")] + [(g, f"{g}. klasse") for g in range(1, 11)]

PERCENT_FIELD: dict[str, Any] = {
    "label": "Ulovligt fravær i kvartalet (%)",
    "min_value": Decimal(0),
    "max_value": Decimal(100),
    "max_digits": 4,
    "decimal_places": 1,
    # Danish input: "12,5".
    "localize": True,
    "error_messages": {
        "required": "Angiv det ulovlige fravær i procent.",
        "invalid": "Skriv et tal, fx 12,5.",
        # Validator messages are %-formatted: a literal per cent sign is doubled.
        "min_value": "Fraværet skal være mellem 0 og 100 %%.",
        "max_value": "Fraværet skal være mellem 0 og 100 %%.",
        "max_decimal_places": "Brug højst én decimal.",
        "max_digits": "Fraværet skal være mellem 0 og 100 %%.",
    },
}


class AbsenceCaseForm(Form):
    child = forms.ModelChoiceField(
        label="Elev",
        queryset=Child.objects.none(),
        empty_label="Vælg elev",
        error_messages={"required": "Vælg eleven."},
    )
    year = forms.IntegerField(
        label="År", min_value=2000, max_value=2100, error_messages={"required": "Angiv året."}
    )
    quarter = forms.TypedChoiceField(
        label="Kvartal", coerce=int, choices=[(q, f"{q}. kvartal") for q in (1, 2, 3, 4)]
    )
    grade = forms.TypedChoiceField(
        label="Klassetrin",
        coerce=int,
        choices=[("", "Vælg klassetrin"), *GRADE_CHOICES],
        error_messages={"required": "Vælg elevens klassetrin."},
    )
    percent = forms.DecimalField(**PERCENT_FIELD)

    def __init__(self, *args: Any, pupils: QuerySet[Child], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "child").queryset = pupils
        today = calendar.today()
        self.fields["year"].initial = today.year
        self.fields["quarter"].initial = (today.month - 1) // 3 + 1
        self.fields["percent"].widget.attrs.update({"inputmode": "decimal"})
        dkfds_style(self)


class AbsenceImportForm(Form):
    """A quarter's absence percentages from the school's administrative system (CSV)."""

    year = forms.IntegerField(
        label="År",
        min_value=2000,
        max_value=2100,
        error_messages={
            "required": "Angiv året.",
            "invalid": "Angiv året som et tal, fx 2026.",
            "min_value": "Året skal ligge fra 2000.",
            "max_value": "Året skal ligge til og med 2100.",
        },
    )
    quarter = forms.TypedChoiceField(
        label="Kvartal",
        coerce=int,
        choices=[(q, f"{q}. kvartal") for q in (1, 2, 3, 4)],
        error_messages={"required": "Vælg kvartalet."},
    )
    file = forms.FileField(
        label="CSV-fil",
        help_text="Udtrækket fra skolens administrative system, højst 2 MB.",
        error_messages={"required": "Vælg filen.", "empty": "Filen er tom."},
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        today = calendar.today()
        self.fields["year"].initial = today.year
        self.fields["quarter"].initial = (today.month - 1) // 3 + 1
        dkfds_style(self)


class AbsenceRecordForm(Form):
    percent = forms.DecimalField(**PERCENT_FIELD)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["percent"].widget.attrs.update({"inputmode": "decimal"})
        dkfds_style(self)


class StepCompleteForm(Form):
    note = forms.CharField(
        max_length=text_limits.NOTE,
        label="Hvad er gjort",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Skriv kort, hvad der er gjort."},
    )
    done_on = EventDateField(
        happened=True,
        label="Udført den",
        widget=date_input(),
        error_messages={"required": "Angiv datoen.", "invalid": "Skriv en gyldig dato."},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["done_on"].initial = calendar.today()
        dkfds_style(self)

    def clean_done_on(self) -> date:
        day = self.cleaned_data["done_on"]
        if day > calendar.today():
            raise forms.ValidationError("Datoen kan ikke ligge i fremtiden.")
        return day


class ProcedureStepForm(ModelForm):
    class Meta:
        model = AbsenceProcedureStep
        fields = [
            "order",
            "title",
            "description",
            "responsible_role",
            "threshold_percent",
            "deadline_working_days",
            "refer_to_forum",
            "active",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        error_messages = {"order": {"unique": "Der findes allerede et trin med dette nummer."}}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        dkfds_style(self)


def level_choices() -> list[tuple[str, str]]:
    return list(PreventionLevel.choices)


def child_candidates(user: User, institution_id: int | None) -> QuerySet[Child]:
    """Children a course leader may pick from a list: those they can see at the course's
    institution, or (no institution) the children of their own cases. Others by CPR number."""
    qs = Child.objects.visible_to(user)
    if institution_id:
        qs = qs.filter(institution_id=institution_id)
    else:
        qs = qs.filter(cases__assigned=user).distinct()
    return qs.select_related("institution").order_by("last_name", "first_name")
