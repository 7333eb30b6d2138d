from django.apps import AppConfig


class ParentsConfig(AppConfig):
    name = "parents"
    label = "parents"
    verbose_name = "Forældreportal"
