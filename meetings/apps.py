from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = "Møder"

    def ready(self) -> None:
        # Imported in ready(): these modules import models, loadable only once the app registry is.
        # What cases, the lower layer, offers from here without importing it: the named
        # meetings of its consent form, and the henvisning drafted when visitation redirects.
        from . import consent, menu, overview, services  # noqa: F401  (main-menu entries, the start-page panel)
