"""Filtering the document list: kind, the child's name, the period it was made final."""

from typing import Any

import django_filters
from django.db.models import Q, QuerySet

from ppr.filters import PeriodDateFilter
from ppr.forms import date_input

from .models import Document, DocumentKind

#: The kinds on the "Dokumenter" page: what PPR sends to institutions and staff print (a
#: decision letter: PPR on the case and the leader of the child's institution, as the PPV).
LISTED_KINDS = (DocumentKind.PPV, DocumentKind.NOTAT, DocumentKind.AFGOERELSE)
#: A notat names the children of its meeting; the name search looks at this many of them.
SEARCHED_CHILDREN = 20


class DocumentFilter(django_filters.FilterSet):
    """Parameter names are the Danish words users see in the URL."""

    type = django_filters.ChoiceFilter(
        field_name="kind",
        label="Dokumenttype",
        choices=[(kind.value, kind.label) for kind in LISTED_KINDS],
        empty_label="Alle",
    )
    barn = django_filters.CharFilter(label="Barnets navn", method="filter_child", max_length=100)
    fra = PeriodDateFilter(
        field_name="created_at", lookup_expr="date__gte", label="Endelig fra", widget=date_input()
    )
    til = PeriodDateFilter(
        field_name="created_at", lookup_expr="date__lte", label="Endelig til", widget=date_input()
    )

    class Meta:
        model = Document
        fields: list[str] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.form.fields["type"].widget.attrs.setdefault("class", "form-select")
        self.form.fields["barn"].widget.attrs.setdefault("class", "form-input")

    def filter_child(
        self, queryset: QuerySet[Document], name: str, value: str
    ) -> QuerySet[Document]:
        """Every word in the child's name as printed: a PPV's running header (name and masked
        CPR) or a notat's list of named children."""
        for word in value.split():
            # Each name on its own: SQLite keeps the JSON array ASCII-escaped ("M\u00f8desen"),
            # so the array as text would not match; one element is compared as plain text.
            condition = Q(context__subject_line__icontains=word)
            for index in range(SEARCHED_CHILDREN):
                condition |= Q(**{f"context__children__{index}__icontains": word})
            queryset = queryset.filter(condition)
        return queryset

    def describe(self) -> str:
        """The filters as one line for the audit row ("type=ppv barn=Åse")."""
        return " ".join(
            f"{name}={self.form.data.get(name)}"
            for name in self.filters
            if self.form.data.get(name)
        )
