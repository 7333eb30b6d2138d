"""Run the local MitID stand-in (demo/mitid.py) for the demo: parents sign in as a demo person.

    PPR_MITID_SERVER_URL=http://127.0.0.1:8765 PPR_MITID_CLIENT_ID=ppr-foraeldre \\
    PPR_MITID_CLIENT_SECRET=demo-mitid DJANGO_DEBUG=true python manage.py runserver
    DJANGO_DEBUG=true python manage.py mitid_standin   # in a second terminal

The persons to pick are the demo guardians with a CPR number (fictitious), plus one person
without custody and one MitID without a CPR number.
"""

import os
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from cases.models import Guardian
from demo.mitid import MitIDStandIn, Person


def demo_persons() -> list[Person]:
    """Each demo guardian with a CPR number once (a parent is a row on each child)."""
    persons: dict[str, Person] = {}
    guardians = (
        Guardian.objects.exclude(cpr_encrypted="")
        .filter(child__fictitious=True)
        .select_related("child")
        .order_by("child__last_name", "relation")
    )
    for guardian in guardians:
        cpr = guardian.cpr.replace("-", "")
        note = f"{guardian.get_relation_display().lower()} til {guardian.child.first_name}"
        if not guardian.holds_custody:
            note += ", uden forældremyndighed"
        persons.setdefault(cpr, Person(guardian.name, cpr, note))
    return [
        *persons.values(),
        Person("Søren Fremmed", "0101901111", "ingen børn hos PPR"),
        Person("Uden CPR", "", "MitID uden CPR-nummer"),
    ]


class Command(BaseCommand):
    help = "Kører en lokal afløser for MitID (OpenID Connect) til demoen. Ikke til produktion."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8765)

    def handle(self, *args: Any, port: int, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("MitID-afløseren er kun til demoen (DJANGO_DEBUG=true).")
        client_id = env("PPR_MITID_CLIENT_ID", "ppr-foraeldre")
        secret = env("PPR_MITID_CLIENT_SECRET", "demo-mitid")
        callback = "/konto/oidc/mitid/login/callback/"
        standin = MitIDStandIn(
            persons=demo_persons(),
            clients={client_id: secret},
            redirect_uris=[
                f"{settings.PPR_SITE_URL}{callback}",
                f"http://127.0.0.1:8000{callback}",
                f"http://localhost:8000{callback}",
            ],
            cpr_claim=settings.PPR_MITID_CPR_CLAIM,
            port=port,
        )
        self.stdout.write(
            f"MitID-afløser på http://127.0.0.1:{port} ({len(standin.persons)} personer). "
            f"Start PPR Sag med PPR_MITID_SERVER_URL=http://127.0.0.1:{port} "
            f"PPR_MITID_CLIENT_ID={client_id} PPR_MITID_CLIENT_SECRET={secret}."
        )
        try:
            standin.serve_forever()
        except KeyboardInterrupt:
            standin.stop()


def env(name: str, default: str) -> str:
    return os.environ.get(name, "") or default
