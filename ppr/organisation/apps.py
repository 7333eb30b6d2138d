from django.apps import AppConfig
from django.urls import register_converter

from ppr import generations, options
from ppr.converters import IdConverter, YearConverter


class OrganisationConfig(AppConfig):
    name = "ppr.organisation"
    label = "organisation"
    verbose_name = "Organisation"

    def ready(self) -> None:
        # Once, before any URL module is imported (every app's patterns use <id:…>).
        register_converter(IdConverter, "id")
        register_converter(YearConverter, "year")
        options.connect()  # filter selects show institutions, districts, teams and users
        # A new row (``Municipality.current()`` makes it) has been cached by no one.
        generations.renew_on_change(
            "municipality", "organisation.Municipality", unless=lambda created=False, **_: created
        )
