from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Rapporter"

    def ready(self) -> None:
        from . import measures, menu, overview  # noqa: F401  (main-menu entries, the start-page panel)

        measures.connect()
