"""Load every case into the Sags- og Dokumentindeks (SF1470), as a source system must when it
connects (INTEGRATIONS.md §5). Safe to run again: an unchanged case is not sent twice."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from cases.casework.esdh import case_info
from cases.models import Case
from ppr.esdh import index
from ppr.esdh import services as esdh


class Command(BaseCommand):
    help = "Indlæs alle sager i Sags- og Dokumentindekset (SF1470)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not index.enabled():
            raise CommandError("PPR_SF1470_URL er ikke sat; indekset er slået fra.")
        count = 0
        cases = Case.objects.select_related("child").exclude(child__cpr_encrypted="")
        for case in cases.order_by("pk").iterator(500):
            esdh.index_case(case_info(case))
            count += 1
        self.stdout.write(f"{count} sager sendt til indekset.")
