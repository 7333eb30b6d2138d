from django.apps import AppConfig


class EsdhConfig(AppConfig):
    name = "ppr.esdh"
    label = "esdh"
    verbose_name = "ESDH og sagsindeks"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (a deleted document leaves the index)
