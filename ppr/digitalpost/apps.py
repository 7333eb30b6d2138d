from django.apps import AppConfig


class DigitalPostConfig(AppConfig):
    name = "ppr.digitalpost"
    label = "digitalpost"
    verbose_name = "Digital Post"
