from ppr.accounts.models import Role

from .create_first_leader import FirstHolderCommand


class Command(FirstHolderCommand):
    help = "Opretter installationens første administrator (kun når der ingen administrator er)."

    role = Role.ADMINISTRATOR
