"""The life cycle's hold "afventer arkivets kvittering": a closed case the archive must keep
(PPR_ARCHIVE_KEEP_CASES) is not deleted before the archive has receipted a delivery holding it.
The case's clock still runs; the deletion waits for the receipt (lifecycle/registry.py)."""

from collections.abc import Sequence
from datetime import date

from lifecycle.record_types import CLOSED_CASE
from lifecycle.registry import Candidate, hold

from . import services


@hold("archive_receipt", label="Afventer arkivets kvittering")
def awaiting_archive_receipt(candidates: Sequence[Candidate], today: date) -> set[tuple[str, int]]:
    cases = [c for c in candidates if c.record_type == CLOSED_CASE]
    waiting = services.awaiting_receipt(c.object_id for c in cases)
    return {c.key for c in cases if c.object_id in waiting}
