from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Rapporter"

    def ready(self) -> None:
        from . import overview  # noqa: F401  (registers the start-page panel)
