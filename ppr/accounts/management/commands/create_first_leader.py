import getpass
from argparse import ArgumentParser

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from ppr.accounts import services
from ppr.accounts.models import Role


class FirstHolderCommand(BaseCommand):
    """Create the installation's first holder of ``role``; logs who ran it in the audit log."""

    role = Role.PPR_LEADER

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("email", help="Brugerens e-mailadresse (login)")
        parser.add_argument("--first-name", default="", help="Fornavn")
        parser.add_argument("--last-name", default="", help="Efternavn")
        parser.add_argument(
            "--ran-by",
            default="",
            help="Hvem kører kommandoen (navn); standard: styresystemets bruger",
        )

    def handle(self, *args: object, **options: str) -> None:
        ran_by = options["ran_by"] or f"styresystemets bruger {getpass.getuser()}"
        try:
            user = services.create_first(
                role=self.role,
                email=options["email"],
                first_name=options["first_name"],
                last_name=options["last_name"],
                ran_by=ran_by,
            )
        except ValidationError as error:
            raise CommandError(error.messages[0]) from error
        self.stdout.write(
            self.style.SUCCESS(f"{user.email} er oprettet som {Role(self.role).label}.")
        )
        self.stdout.write(
            "Brugeren vælger selv sin adgangskode med 'Glemt adgangskode' på login-siden "
            "(linket sendes til hans e-mail) eller logger ind med kommunens login."
        )


class Command(FirstHolderCommand):
    help = "Opretter installationens første PPR-leder (kun når der ingen PPR-leder er)."
