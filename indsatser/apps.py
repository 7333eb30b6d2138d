from django.apps import AppConfig


class IndsatserConfig(AppConfig):
    name = "indsatser"
    verbose_name = "Indsatser"

    def ready(self) -> None:
        from . import menu, overview  # noqa: F401  (main-menu entries, the start-page panel)
