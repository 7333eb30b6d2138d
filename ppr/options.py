"""The option lists of the filter selects (districts, institutions, case workers, users), kept in
the cache between requests.

A storkommune's case list offers 236 institutions and 196 case workers; building those options
from model instances on every request cost 5–7 ms of a 30 ms page (bench/NOTES.md). The lists are
the same for every user, so each is cached until a district, institution, team, user or
membership is saved or deleted (the receivers below, connected when the organisation app is
ready), and for at most ``OPTIONS_SECONDS`` in any case: a bulk update sends no signal.

Only what the select shows comes from the cache. The field still validates the submitted value
against its own queryset, so an option that has gone stale is refused with the field's usual
message; it can never widen what a user sees.
"""

import uuid
from typing import Any

from django import forms
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save

OPTIONS_SECONDS = 600
GENERATION = "ppr:options:generation"
#: The models whose rows or names appear in an option list.
SOURCES = (
    "organisation.District",
    "organisation.Institution",
    "organisation.Team",
    "accounts.User",
    "accounts.Membership",
)


def _generation() -> str:
    return cache.get_or_set(GENERATION, lambda: uuid.uuid4().hex, timeout=None)


def cached_options(field: forms.ModelChoiceField, name: str) -> None:
    """Let ``field``'s select show its queryset's options from the cache, under ``name``."""
    key = f"ppr:options:{name}:{_generation()}"
    options = cache.get(key)
    if options is None:
        options = [(obj.pk, field.label_from_instance(obj)) for obj in field.queryset]
        cache.set(key, options, OPTIONS_SECONDS)
    leading: list[tuple[Any, str]] = []
    if field.empty_label is not None:
        leading.append(("", field.empty_label))
    if getattr(field, "null_label", None) is not None:  # django-filter: "Ikke tildelt" and the like
        leading.append((field.null_value, field.null_label))  # type: ignore[attr-defined]
    field.widget.choices = [*leading, *options]  # type: ignore[attr-defined]


def forget_options(update_fields: frozenset[str] | None = None, **kwargs: object) -> None:
    """Every option list is rebuilt on its next use – except after a login, which saves only the
    user's ``last_login``."""
    if update_fields == {"last_login"}:
        return
    cache.set(GENERATION, uuid.uuid4().hex, timeout=None)


def connect() -> None:
    for model in SOURCES:
        post_save.connect(forget_options, sender=model, dispatch_uid=f"options-{model}-save")
        post_delete.connect(forget_options, sender=model, dispatch_uid=f"options-{model}-delete")
