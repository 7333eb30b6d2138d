from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = "Møder"

    def ready(self) -> None:
        from . import menu, overview  # noqa: F401  (main-menu entries, the start-page panel)
