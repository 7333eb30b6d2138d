from importlib import import_module
from importlib.util import find_spec

from django.conf import settings
from django.core.management.base import BaseCommand

from ppr.demo import seed_organisation

#: Domain apps whose ``demo.seed(organisation)`` adds their demo data, in dependency order.
#: ``ppr.deadlines`` comes last: its demo runs the reminder sweep over everyone's deadlines.
DEMO_APPS = ["cases", "ppr.documents", "meetings", "indsatser", "reports", "ppr.deadlines"]


class Command(BaseCommand):
    help = "Indlæser demokommunen (idempotent): distrikter, institutioner, brugere og sager."

    def handle(self, *args: object, **options: object) -> None:
        organisation = seed_organisation()
        for app in DEMO_APPS:
            if find_spec(f"{app}.demo") is not None:
                import_module(f"{app}.demo").seed(organisation)
        self.stdout.write(self.style.SUCCESS("Demokommunen er indlæst.\n"))
        self.stdout.write(f"Demo-logins (adgangskode for alle: {organisation.logins[0][2]}):")
        for role, email, _password in organisation.logins:
            self.stdout.write(f"  {role:<45} {email}")
        if not settings.PPR_MFA_REQUIRED:
            self.stdout.write("Totrinsbekræftelse er slået fra i demoen (PPR_MFA_REQUIRED=false).")
