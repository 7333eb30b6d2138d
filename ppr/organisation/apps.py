from django.apps import AppConfig


class OrganisationConfig(AppConfig):
    name = "ppr.organisation"
    label = "organisation"
    verbose_name = "Organisation"
