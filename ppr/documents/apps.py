from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "ppr.documents"
    label = "documents"
    verbose_name = "Dokumenter"

    def ready(self) -> None:
        from . import overview  # noqa: F401  (registers the start-page panel)
