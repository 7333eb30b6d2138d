from django.apps import AppConfig


class ArchiveConfig(AppConfig):
    name = "archive"
    verbose_name = "Arkivaflevering"

    def ready(self) -> None:
        from . import (
            holds,  # noqa: F401  (the life cycle's hold "afventer arkivets kvittering")
            menu,  # noqa: F401  (main-menu entry)
        )
