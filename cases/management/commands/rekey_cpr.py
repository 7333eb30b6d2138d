"""Move every child's (and guardian's) CPR number to the newest ``PPR_FIELD_KEY`` (step 2 of a
key rotation).

Re-encrypts and re-hashes in batches by id, each batch in its own transaction with its rows
locked, so the app keeps running. A row already on the newest key is skipped, which makes the
command safe to stop and run again; ``--after`` resumes after the last id it printed.
Digital Post messages still waiting to be sent hold their recipient's CPR number encrypted
too; they are moved last (a sent message holds none).
``--check`` only counts the rows still on an older key: 0 means the old key can be removed.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import IntegrityError, transaction

from cases.models import Child, Guardian
from ppr import crypto
from ppr.digitalpost import services as digitalpost


class Command(BaseCommand):
    help = "Krypterer og hasher alle CPR-numre med den nyeste PPR_FIELD_KEY (nøglerotation)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument("--after", type=int, default=0, help="Fortsæt efter dette barn-id.")
        parser.add_argument(
            "--check", action="store_true", help="Tæl kun børn der mangler at blive flyttet."
        )

    def handle(self, *args: Any, batch_size: int, after: int, check: bool, **options: Any) -> None:
        if batch_size < 1:
            raise CommandError("--batch-size skal være mindst 1.")
        if check:
            self._check()
            return
        total = Child.objects.filter(pk__gt=after).count()
        done = moved = 0
        duplicates: list[tuple[int, int]] = []
        last = after
        while True:
            ids = list(
                Child.objects.filter(pk__gt=last)
                .order_by("pk")
                .values_list("pk", flat=True)[:batch_size]
            )
            if not ids:
                break
            batch_moved, batch_duplicates = self._rekey(ids)
            moved += batch_moved
            duplicates += batch_duplicates
            done += len(ids)
            last = ids[-1]
            self.stdout.write(f"{done}/{total} børn gennemgået, {moved} flyttet (til id {last})")
        for child_id, other_id in duplicates:
            self.stderr.write(
                f"Barn-id {child_id} har samme CPR-nummer som barn-id {other_id} og er ikke "
                "flyttet: læg de to sammen, og kør kommandoen igen."
            )
        self.stdout.write(f"Færdig: {moved} af {done} børn flyttet til den nyeste nøgle.")
        guardians = self._rekey_guardians(batch_size)
        self.stdout.write(f"{guardians} forældres CPR-numre flyttet til den nyeste nøgle.")
        messages = digitalpost.rekey_waiting(batch_size)
        self.stdout.write(
            f"{messages} ventende Digital Post-meddelelsers CPR-numre flyttet til den nyeste nøgle."
        )
        if duplicates:
            raise CommandError(f"{len(duplicates)} børn mangler (dubletter, se ovenfor).")

    def _rekey(self, ids: list[int]) -> tuple[int, list[tuple[int, int]]]:
        moved, duplicates = 0, []
        with transaction.atomic():
            for child in Child.objects.select_for_update().filter(pk__in=ids).order_by("pk"):
                if not child.rekey():
                    continue
                try:
                    # A savepoint: two rows with one CPR number (registered on both sides of
                    # a rotation) collide on the unique hash; the rest of the batch goes on.
                    with transaction.atomic():
                        child.save(update_fields=["cpr_encrypted", "cpr_hash"])
                except IntegrityError:
                    other = Child.objects.only("pk").get(cpr_hash=child.cpr_hash)
                    duplicates.append((child.pk, other.pk))
                    continue
                moved += 1
        return moved, duplicates

    def _rekey_guardians(self, batch_size: int) -> int:
        """Guardians' CPR numbers (not unique: a parent is a row on each child) in batches."""
        moved, last = 0, 0
        while True:
            with transaction.atomic():
                batch = list(
                    Guardian.objects.select_for_update()
                    .exclude(cpr_encrypted="")
                    .filter(pk__gt=last)
                    .order_by("pk")[:batch_size]
                )
                for guardian in batch:
                    if guardian.rekey():
                        guardian.save(update_fields=["cpr_encrypted", "cpr_hash"])
                        moved += 1
            if not batch:
                return moved
            last = batch[-1].pk

    def _check(self) -> None:
        behind = sum(
            not crypto.is_current(token)
            for token in Child.objects.values_list("cpr_encrypted", flat=True).iterator(2000)
        )
        self.stdout.write(f"{behind} børn er krypteret med en ældre nøgle.")
        guardians = sum(
            not crypto.is_current(token)
            for token in Guardian.objects.exclude(cpr_encrypted="")
            .values_list("cpr_encrypted", flat=True)
            .iterator(2000)
        )
        self.stdout.write(f"{guardians} forældre er krypteret med en ældre nøgle.")
        messages = digitalpost.waiting_on_old_key()
        self.stdout.write(
            f"{messages} ventende Digital Post-meddelelser er krypteret med en ældre nøgle."
        )
        behind += guardians + messages
        if behind:
            raise CommandError("Den gamle nøgle kan ikke fjernes endnu: kør rekey_cpr.")
