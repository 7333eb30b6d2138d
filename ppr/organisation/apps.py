from django.apps import AppConfig


class OrganisationConfig(AppConfig):
    name = "ppr.organisation"
    label = "organisation"
    verbose_name = "Organisation"

    def ready(self) -> None:
        from ppr import options

        options.connect()  # filter selects show institutions, districts, teams and users
