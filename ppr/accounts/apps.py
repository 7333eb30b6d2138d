from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "ppr.accounts"
    label = "accounts"
    verbose_name = "Brugere og roller"

    def ready(self) -> None:
        from . import menu, overview  # noqa: F401  (main-menu entry, start-page panels)
