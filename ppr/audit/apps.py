from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "ppr.audit"
    label = "audit"
    verbose_name = "Adgangslog"

    def ready(self) -> None:
        from . import receivers  # noqa: F401  (login events from django.contrib.auth and allauth)
