"""Helpers for the PPV tests: a case with a referral and guardians, a filled-in PPV, storage."""

from datetime import date
from typing import Any

import pytest

from cases.models import PPV_SECTION_FIELDS, Case, Ppv, ReferralStatus
from cases.ppv import services as ppv_services
from tests.cases.case_fixtures import make_case
from tests.cases.factories import GuardianFactory, ReferralFactory

#: A fictitious full CPR number for the test child (born 14.03.2015); never in a PDF.
CPR = "1403154321"

TEXT = (
    "Åse er en glad og nysgerrig pige, som trives bedst i overskuelige rammer med faste voksne. "
    "Hun går på Vestervang Skole og søger kontakt til de jævnaldrende, men har svært ved at "
    "fastholde legen. Ærligt talt er hun glad for skolen."
)


def filled(**overrides: str) -> dict[str, str]:
    """Every section filled with Danish text (æøå)."""
    data = {name: f"{TEXT} ({name})" for name in PPV_SECTION_FIELDS}
    data["examination_period"] = "3. februar – 14. marts 2026"
    data.update(overrides)
    return data


@pytest.fixture
def private_storage(settings: Any, tmp_path: Any) -> Any:
    """Documents land in a throwaway private directory, never in the checkout."""
    location = tmp_path / "private"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(location)},
        },
    }
    return location


def ppv_case(cast: Any) -> Case:
    """An open case for Åse at the cast's school, assigned to the psychologist, with an
    accepted referral from the school leader and two custody holders."""
    case = make_case(
        cast,
        assigned=cast.psychologist,
        child__first_name="Åse",
        child__last_name="Ørsted Kjær",
        child__cpr=CPR,
        child__group="3.b",
    )
    ReferralFactory(
        child=case.child,
        author=cast.school_leader,
        submitted_by=cast.school_leader,
        status=ReferralStatus.ACCEPTED,
        case=case,
        request_details="Vurdér behovet for specialpædagogisk bistand.",
    )
    GuardianFactory(child=case.child, name="Mette Ørsted", relation="mor")
    GuardianFactory(child=case.child, name="Søren Kjær", relation="far")
    GuardianFactory(child=case.child, name="Bodil Kjær", relation="anden", has_custody=False)
    return case


def draft(cast: Any, case: Case | None = None, **sections: str) -> Ppv:
    """A started and fully written draft."""
    case = case or ppv_case(cast)
    ppv = ppv_services.start_ppv(case=case, by=cast.psychologist)
    return ppv_services.save_ppv(
        ppv, by=cast.psychologist, data=filled(**sections), version=ppv.version
    )


def finalise(ppv: Ppv, user: Any) -> Ppv:
    return ppv_services.finalise_ppv(
        ppv,
        by=user,
        version=ppv.version,
        signed_name="Maja Løvstrøm",
        signed_title="Autoriseret psykolog",
        signed_on=date.today(),
    )
