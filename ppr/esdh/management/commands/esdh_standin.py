"""Run the local ESDH (SBSYS REST) and SF1470 stand-in for the demo (README, "ESDH")."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from ppr.esdh.standin import StandIn


class Command(BaseCommand):
    help = "Start den lokale stand-in for SBSYS og Sags- og Dokumentindekset på 127.0.0.1."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8765)

    def handle(self, *args: Any, **options: Any) -> None:
        standin = StandIn(options["port"])
        self.stdout.write(f"Stand-in kører på {standin.url} (Ctrl-C stopper den).")
        try:
            standin.server.serve_forever()
        except KeyboardInterrupt:
            standin.server.server_close()
