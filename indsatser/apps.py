from django.apps import AppConfig


class IndsatserConfig(AppConfig):
    name = "indsatser"
    verbose_name = "Indsatser"

    def ready(self) -> None:
        from . import overview  # noqa: F401  (registers the start-page panel)
