from django.apps import AppConfig


class VisitationConfig(AppConfig):
    name = "visitation"
    verbose_name = "Visitation"

    def ready(self) -> None:
        # Imported in ready(): these modules import models, loadable only once the app registry is.
        # The main-menu entries, and the decision on the case page's timeline (cases, the
        # lower layer, shows what is registered with it without importing visitation).
        from . import menu, timeline  # noqa: F401
