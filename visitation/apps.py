from django.apps import AppConfig


class VisitationConfig(AppConfig):
    name = "visitation"
    verbose_name = "Visitation"

    def ready(self) -> None:
        from . import menu  # noqa: F401  (main-menu entries)
