from django.conf import settings
from django.core.management.base import BaseCommand

from demo import (
    cases,
    deadlines,
    indsatser,
    meetings,
    observations,
    parents,
    reports,
    visitation,
)
from demo.organisation import DemoOrganisation, seed_organisation

#: Each domain's ``seed(organisation)``, in dependency order. ``deadlines`` comes last: it runs
#: the reminder sweep over everyone's deadlines.
STEPS = [cases, observations, meetings, indsatser, visitation, parents, reports, deadlines]


def seed_demo() -> DemoOrganisation:
    """The demo municipality, then every domain's demo data (idempotent)."""
    organisation = seed_organisation()
    for step in STEPS:
        step.seed(organisation)
    return organisation


class Command(BaseCommand):
    help = "Indlæser demokommunen (idempotent): distrikter, institutioner, brugere og sager."

    def handle(self, *args: object, **options: object) -> None:
        organisation = seed_demo()
        self.stdout.write(self.style.SUCCESS("Demokommunen er indlæst.\n"))
        self.stdout.write(f"Demo-logins (adgangskode for alle: {organisation.logins[0][2]}):")
        for role, email, _password in organisation.logins:
            self.stdout.write(f"  {role:<45} {email}")
        if not settings.PPR_MFA_REQUIRED:
            self.stdout.write("Totrinsbekræftelse er slået fra i demoen (PPR_MFA_REQUIRED=false).")
