"""The option lists of the filter selects (districts, institutions, case workers, users), kept in
the cache between requests.

A storkommune's case list offers 236 institutions and 196 case workers; building those options
from model instances on every request cost 5–7 ms of a 30 ms page (bench/NOTES.md). The lists are
the same for every user, so each is cached until a district, institution, team, user or
membership is saved or deleted (``ppr.generations``, connected when the organisation app is
ready), and for at most ``OPTIONS_SECONDS`` in any case: a bulk update sends no signal.

Rendering a select of 236 options through Django's widget templates (a template per option) cost
more than the rest of the page (bench/NOTES.md, 6 Dec 2026, evening), so the rendered field is
kept too: includes/option_field.html wraps includes/field.html in ``{% cache %}``, keyed by the
form, the option lists' generation read here (``OptionsForm.options_key``), the field, its value
and the language. A new generation is a new key, so a saved institution shows at once.

Only what the select shows comes from the cache. The field still validates the submitted value
against its own queryset, so an option that has gone stale is refused with the field's usual
message; it can never widen what a user sees.
"""

import functools
from typing import Any, cast

from django import forms
from django.utils.functional import Promise
from django_filters.fields import ChoiceIteratorMixin

from ppr import generations
from ppr.forms import Form

OPTIONS_SECONDS = 600
#: The models whose rows or names appear in an option list.
SOURCES = (
    "organisation.District",
    "organisation.Institution",
    "organisation.Team",
    "accounts.User",
    "accounts.Membership",
)


class OptionsForm(Form):
    """A filter form with cached options (the filter set's ``Meta.form``): ``cached_options``
    records here what includes/option_field.html keys the rendered selects by."""

    #: "<form class>:<generation of the option lists>", set by ``cached_options``.
    options_key = ""
    #: The fields whose options come from the cache (the others are rendered afresh).
    options_fields: frozenset[str] = frozenset()
    #: How long a rendered select is kept: as long as the option lists.
    options_seconds = OPTIONS_SECONDS


def cached_options(form: forms.Form, names: dict[str, str]) -> None:
    """Let the form's selects show their querysets' options from the cache. ``names`` maps a
    field to the name its options are kept under; they are read in one round trip, with the
    generation that keys the rendered selects (the form must be an ``OptionsForm``)."""
    if not isinstance(form, OptionsForm):
        raise TypeError(f"{type(form).__name__} is no OptionsForm: set the filter's Meta.form")
    # ``names`` names model choice fields only (Django's or django-filter's).
    fields = {
        name: cast("forms.ModelChoiceField[Any]", form.fields[field_name])
        for field_name, name in names.items()
    }
    generation, options = generations.cached_many_at(
        "options",
        {name: functools.partial(_options, field) for name, field in fields.items()},
        OPTIONS_SECONDS,
    )
    form.options_key = f"{type(form).__name__}:{generation}"
    form.options_fields = frozenset(names)
    for name, field in fields.items():
        _show(field, options[name])


def _options(field: "forms.ModelChoiceField[Any]") -> list[tuple[Any, str]]:
    if field.queryset is None:
        return []
    return [(obj.pk, field.label_from_instance(obj)) for obj in field.queryset]


def _show(field: "forms.ModelChoiceField[Any]", options: list[tuple[Any, str]]) -> None:
    leading: list[tuple[Any, str | Promise]] = []
    if field.empty_label is not None:
        leading.append(("", field.empty_label))
    # django-filter's fields: "Ikke tildelt" and the like.
    if isinstance(field, ChoiceIteratorMixin) and field.null_label is not None:
        leading.append((field.null_value, field.null_label))
    field.widget.choices = [*leading, *options]


def _login_only(update_fields: frozenset[str] | None = None, **kwargs: object) -> bool:
    """A login saves only the user's ``last_login``, which no option shows."""
    return update_fields == {"last_login"}


def connect() -> None:
    generations.renew_on_change("options", *SOURCES, unless=_login_only)
