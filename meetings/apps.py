from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = "Møder"

    def ready(self) -> None:
        from . import overview  # noqa: F401  (registers the start-page panel)
