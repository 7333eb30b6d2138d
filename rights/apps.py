from django.apps import AppConfig


class RightsConfig(AppConfig):
    name = "rights"
    verbose_name = "Den registreredes rettigheder"

    def ready(self) -> None:
        from . import menu  # noqa: F401  (main-menu entry)
