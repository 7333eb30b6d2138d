from django.apps import AppConfig


class DeadlinesConfig(AppConfig):
    name = "ppr.deadlines"
    label = "deadlines"
    verbose_name = "Frister"

    def ready(self) -> None:
        # Imported in ready(): these modules import models, loadable only once the app registry is.
        from . import menu, overview  # noqa: F401  (main-menu entries, the start-page panel)
