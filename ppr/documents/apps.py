from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "ppr.documents"
    label = "documents"
    verbose_name = "Dokumenter"

    def ready(self) -> None:
        from . import menu, overview  # noqa: F401  (main-menu entries, the start-page panel)
