"""Filtering the list of henvisninger."""

from typing import Any, cast

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q

from cases.models import Child, RatingContext, RulerColour, RulerRating
from ppr.filters import PeriodDateFilter
from ppr.forms import date_input, model_choice_field
from ppr.organisation.models import District, Institution, InstitutionKind

from .models import (
    ConsultationTalk,
    ForumReferral,
    SupportForum,
    TalkWith,
    TransitionKind,
    TransitionRequest,
    TransitionRequestStatus,
    Trio,
)
from .querysets import side_condition
from .schoolyears import current_school_year, school_year_label


class ForumReferralFilter(django_filters.FilterSet):
    """The parameter names are the Danish words users see in the URL."""

    institution = django_filters.ModelChoiceFilter(
        field_name="institution",
        label="Institution",
        queryset=Institution.objects.none(),
        empty_label="Alle institutioner",
    )
    forum = django_filters.ModelChoiceFilter(
        field_name="forum",
        label="Forum",
        queryset=SupportForum.objects.all(),
        empty_label="Alle fora",
    )
    farve = django_filters.ChoiceFilter(
        label="Børnelineal",
        choices=RulerColour.choices,
        empty_label="Alle farver",
        method="filter_colour",
    )
    anonym = django_filters.BooleanFilter(field_name="child", lookup_expr="isnull", label="Anonym")

    def filter_colour(self, queryset: Any, name: str, value: str) -> Any:
        """An anonymous henvisning's own colour, or the TRIO's rating given on a named one."""
        if not value:
            return queryset
        rated = RulerRating.objects.filter(
            forum_referral__isnull=False, context=RatingContext.TRIO_REFERRAL, colour=value
        ).values("forum_referral_id")
        return queryset.filter(Q(child__isnull=True, ruler_colour=value) | Q(pk__in=rated))

    class Meta:
        model = ForumReferral
        fields: list[str] = []

    def __init__(self, *args: Any, institutions: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if institutions is not None:
            institution = cast(django_filters.ModelChoiceFilter, self.filters["institution"])
            institution.queryset = institutions
            model_choice_field(self.form, "institution").queryset = institutions
        self.form.fields["anonym"].widget.choices = [
            ("", "Alle"),
            ("true", "Kun anonyme"),
            ("false", "Kun navngivne"),
        ]
        for field in self.form.fields.values():
            field.widget.attrs.setdefault("class", "form-select")


class TrioFilter(django_filters.FilterSet):
    """Institutions and their TRIO: by district, kind, and those still without one."""

    distrikt = django_filters.ModelChoiceFilter(
        field_name="district",
        label="Distrikt",
        queryset=District.objects.all(),
        empty_label="Alle distrikter",
    )
    type = django_filters.ChoiceFilter(
        field_name="kind", label="Type", choices=InstitutionKind.choices, empty_label="Alle typer"
    )
    mangler = django_filters.BooleanFilter(label="TRIO", method="filter_missing")

    class Meta:
        model = Institution
        fields: list[str] = []

    def __init__(self, *args: Any, school_year: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.school_year = school_year
        self.form.fields["mangler"].widget = forms.Select(
            choices=[("", "Alle"), ("true", "Mangler TRIO"), ("false", "Har TRIO")]
        )
        for field in self.form.fields.values():
            field.widget.attrs.setdefault("class", "form-select")

    def filter_missing(self, queryset: Any, name: str, value: bool | None) -> Any:
        if value is None:
            return queryset
        has = Trio.objects.filter(school_year=self.school_year).values("institution_id")
        return queryset.exclude(pk__in=has) if value else queryset.filter(pk__in=has)


class ConsultationTalkFilter(django_filters.FilterSet):
    skole = django_filters.ModelChoiceFilter(
        field_name="slot__institution",
        label="Skole",
        queryset=Institution.objects.none(),
        empty_label="Alle skoler",
    )
    med = django_filters.ChoiceFilter(
        field_name="talk_with", label="Samtale med", choices=TalkWith.choices, empty_label="Alle"
    )
    fra = PeriodDateFilter(field_name="held_on", lookup_expr="gte", label="Fra dato")
    til = PeriodDateFilter(field_name="held_on", lookup_expr="lte", label="Til dato")
    aflyste = django_filters.BooleanFilter(
        field_name="cancelled_at", lookup_expr="isnull", exclude=True, label="Status"
    )

    class Meta:
        model = ConsultationTalk
        fields: list[str] = []

    def __init__(self, *args: Any, schools: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        skole = cast(django_filters.ModelChoiceFilter, self.filters["skole"])
        skole.queryset = schools
        model_choice_field(self.form, "skole").queryset = schools
        self.form.fields["aflyste"].widget = forms.Select(
            choices=[("", "Alle"), ("false", "Kun bookede"), ("true", "Kun aflyste")]
        )
        for name, field in self.form.fields.items():
            if name in ("fra", "til"):
                field.widget = date_input()
                field.widget.attrs.setdefault("class", "form-input")
            else:
                field.widget.attrs.setdefault("class", "form-select")


# --- Overgange (transitions) -------------------------------------------------------------------

FLAGGED_CHOICES = [(RulerColour.GUL.value, "Gul"), (RulerColour.ROED.value, "Rød")]


class TransitionFilter(django_filters.FilterSet):
    """The sending list: by institution, kind of transition, colour and whether asked."""

    institution = django_filters.ModelChoiceFilter(
        field_name="institution",
        label="Institution",
        queryset=Institution.objects.none(),
        empty_label="Alle mine institutioner",
    )
    overgang = django_filters.ChoiceFilter(
        field_name="transition",
        label="Overgang",
        choices=TransitionKind.choices,
        empty_label="Alle overgange",
    )
    farve = django_filters.ChoiceFilter(
        field_name="latest_colour",
        label="Børnelineal",
        choices=FLAGGED_CHOICES,
        empty_label="Gul og rød",
    )
    anmodet = django_filters.BooleanFilter(label="Modtagende TRIO", method="filter_asked")

    class Meta:
        model = Child
        fields: list[str] = []

    def __init__(self, *args: Any, institutions: Any, school_year: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.school_year = school_year
        institution = cast(django_filters.ModelChoiceFilter, self.filters["institution"])
        institution.queryset = institutions
        choice = model_choice_field(self.form, "institution")
        choice.queryset = institutions
        choice.error_messages["invalid_choice"] = "Vælg en af dine institutioner."
        self.form.fields["anmodet"].widget = forms.Select(
            choices=[
                ("", "Alle"),
                ("false", "Ikke bedt om at handle"),
                ("true", "Bedt om at handle"),
            ]
        )
        for field in self.form.fields.values():
            field.widget.attrs.setdefault("class", "form-select")

    def filter_asked(self, queryset: Any, name: str, value: bool | None) -> Any:
        if value is None:
            return queryset
        asked = Exists(
            TransitionRequest.objects.filter(child=OuterRef("pk"), school_year=self.school_year)
        )
        return queryset.filter(asked if value else ~asked)


class TransitionRequestFilter(django_filters.FilterSet):
    """Requests at a transition: received or sent, by status and school year."""

    retning = django_filters.ChoiceFilter(
        label="Retning",
        choices=[
            ("modtaget", "Modtaget af min institution"),
            ("sendt", "Sendt af min institution"),
        ],
        empty_label="Modtaget og sendt",
        method="filter_direction",
    )
    status = django_filters.ChoiceFilter(
        label="Status", choices=TransitionRequestStatus.choices, empty_label="Alle"
    )
    skoleaar = django_filters.ChoiceFilter(
        field_name="school_year",
        label="Skoleår",
        choices=lambda: [
            (year, school_year_label(year))
            for year in range(current_school_year() + 1, current_school_year() - 3, -1)
        ],
        empty_label="Alle skoleår",
    )

    class Meta:
        model = TransitionRequest
        fields: list[str] = []

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        for field in self.form.fields.values():
            field.widget.attrs.setdefault("class", "form-select")

    def filter_direction(self, queryset: Any, name: str, value: str) -> Any:
        if value == "modtaget":
            return queryset.filter(side_condition(self.user, "receiving"))
        if value == "sendt":
            return queryset.filter(side_condition(self.user, "sending"))
        return queryset
