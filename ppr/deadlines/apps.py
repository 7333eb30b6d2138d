from django.apps import AppConfig


class DeadlinesConfig(AppConfig):
    name = "ppr.deadlines"
    label = "deadlines"
    verbose_name = "Frister"

    def ready(self) -> None:
        from . import overview  # noqa: F401  (registers the start-page panel)
