"""Filtering the list of henvisninger."""

from typing import Any, cast

import django_filters

from cases.models import RulerColour
from ppr.forms import model_choice_field
from ppr.organisation.models import Institution

from .models import ForumReferral, SupportForum


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
        field_name="ruler_colour",
        label="Børnelineal",
        choices=RulerColour.choices,
        empty_label="Alle farver",
    )
    anonym = django_filters.BooleanFilter(field_name="child", lookup_expr="isnull", label="Anonym")

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
