from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "ppr.audit"
    label = "audit"
    verbose_name = "Adgangslog"

    def ready(self) -> None:
        # Imported in ready(): these modules import models, loadable only once the app registry is.
        from . import menu, receivers  # noqa: F401  (main-menu entry; login events from auth and allauth)
