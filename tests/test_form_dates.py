"""Every date a form of ours takes is checked for plausibility (issue 18): an EventDateField
(25 years back, 5 ahead; not after today for what happened) or a filter's PeriodDateField."""

import importlib
import importlib.util
import pkgutil

from django import forms
from django.apps import apps

from ppr.forms import EventDateField, PeriodDateField

OURS = ("cases", "indsatser", "meetings", "reports", "visitation", "ppr")


def _our_forms() -> list[type[forms.BaseForm]]:
    for config in apps.get_app_configs():
        if not config.name.startswith(OURS):
            continue
        for module in pkgutil.walk_packages([config.path], f"{config.name}."):
            if "forms" in module.name.rsplit(".", 1)[-1] and ".migrations" not in module.name:
                importlib.import_module(module.name)
        forms_module = f"{config.name}.forms"
        if importlib.util.find_spec(forms_module) is not None:
            importlib.import_module(forms_module)

    def subclasses(cls: type) -> list[type]:
        found = []
        for sub in cls.__subclasses__():
            found.append(sub)
            found.extend(subclasses(sub))
        return found

    return [
        form
        for form in subclasses(forms.BaseForm)
        if form.__module__.startswith(OURS) and hasattr(form, "base_fields")
    ]


def test_our_forms_are_found() -> None:
    names = {form.__name__ for form in _our_forms()}
    assert {"SchoolHolidayForm", "JournalEntryForm", "SessionForm"} <= names


def test_every_date_field_of_our_forms_checks_the_date_is_plausible() -> None:
    unchecked = sorted(
        f"{form.__module__}.{form.__name__}.{name}"
        for form in _our_forms()
        for name, field in form.base_fields.items()
        if isinstance(field, forms.DateField)
        and not isinstance(field, EventDateField | PeriodDateField)
    )
    assert unchecked == []
