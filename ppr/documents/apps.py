from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "ppr.documents"
    label = "documents"
    verbose_name = "Dokumenter"

    def ready(self) -> None:
        # Imported in ready(): these modules import models, loadable only once the app registry is.
        from . import menu, overview  # noqa: F401  (main-menu entries, the start-page panel)
