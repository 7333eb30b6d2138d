"""Run the deadline sweep once: for cron-style operation and for the demo."""

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from ppr.deadlines import outbox, services


class Command(BaseCommand):
    help = "Marker overskredne frister, opret påmindelser og send dem (én gang)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reap",
            action="store_true",
            help="Sæt også påmindelser i kø igen, som en stoppet worker havde taget.",
        )
        parser.add_argument(
            "--reap-after",
            type=int,
            default=int(outbox.CLAIM_TIMEOUT.total_seconds()),
            metavar="SEKUNDER",
            help="Hvor gammel en påmindelse under afsendelse skal være, før den sættes i kø igen.",
        )

    def handle(self, *args: object, **options: Any) -> None:
        requeued = 0
        if options["reap"]:
            older_than = timedelta(seconds=int(options["reap_after"]))
            while batch := services.requeue_stale_claims(older_than=older_than):
                requeued += len(batch)
                if older_than.total_seconds() <= 0:
                    break  # every claim is "stale" at once: one pass, or it would loop forever
        result = services.sweep()
        self.stdout.write(
            f"Frister: {result['near']} påmindelser før frist, {result['overdue']} for overskredne, "
            f"{result['claimed']} sat i kø"
            + (f", {requeued} sat i kø igen" if options["reap"] else "")
            + "."
        )
