from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "ppr.accounts"
    label = "accounts"
    verbose_name = "Brugere og roller"

    def ready(self) -> None:
        # Imported in ready(): these modules import models, loadable only once the app registry is.
        from . import menu, overview  # noqa: F401  (main-menu entry, start-page panels)
