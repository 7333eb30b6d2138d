from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Rapporter"

    def ready(self) -> None:
        # Imported in ready(): these modules import models, loadable only once the app registry is.
        from . import measures, menu, overview  # noqa: F401  (main-menu entries, the start-page panel)
        from .visitation import register

        measures.connect()
        register()  # the visitation reports join the operational reports' catalogue
