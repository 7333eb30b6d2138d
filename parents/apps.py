from django.apps import AppConfig


class ParentsConfig(AppConfig):
    name = "parents"
    label = "parents"
    verbose_name = "Forældreportal"

    def ready(self) -> None:
        # ready(): the receivers import models, loadable only once the app registry is.
        from . import receivers  # noqa: F401
