from django.apps import AppConfig

from ppr import generations


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "Indstillinger og sager"

    def ready(self) -> None:
        # The PPR leader's Børnelineal report counts, cached until the next rating.
        generations.renew_on_change("ratings", "cases.RulerRating")
        # Start-page panels (shared file: one import per feature's overview module), imported in
        # ready(): these modules import models, loadable only once the app registry is.
        from . import menu  # noqa: F401  (main-menu entries)
        from .casework import (
            esdh,  # noqa: F401  (ESDH filings on the timeline, index on save)
            overview,  # noqa: F401
        )
        from .children import timeline as custody_timeline  # noqa: F401  (CPR custody changes)
        from .ppv import timeline  # noqa: F401  (the PPV on the case timeline)
        from .referrals import overview as referral_overview  # noqa: F401
