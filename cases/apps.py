from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "Indstillinger og sager"

    def ready(self) -> None:
        from ppr import generations

        # The PPR leader's Børnelineal report counts, cached until the next rating.
        generations.renew_on_change("ratings", "cases.RulerRating")
        # Start-page panels (shared file: one import per feature's overview module).
        from . import (
            menu,  # noqa: F401  (main-menu entries)
            overview_cases,  # noqa: F401
            overview_referrals,  # noqa: F401
            ppv_timeline,  # noqa: F401  (the PPV on the case timeline)
        )
