from django.apps import AppConfig


class LifecycleConfig(AppConfig):
    name = "lifecycle"
    verbose_name = "Sletning og opbevaring"

    def ready(self) -> None:
        from . import (  # noqa: F401  (menu entry; the registered record types)
            holds,  # noqa: F401  (the registered holds)
            menu,
            record_types,
        )
