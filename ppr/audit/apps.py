from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "ppr.audit"
    label = "audit"
    verbose_name = "Adgangslog"

    def ready(self) -> None:
        from . import menu, receivers  # noqa: F401  (main-menu entry; login events from auth and allauth)
