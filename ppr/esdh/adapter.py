"""The ESDH adapter interface: what PPR asks of the municipality's case system.

One implementation per vendor (``sbsys.SbsysAdapter``); the one in use is chosen by
``PPR_ESDH_BACKEND``. Errors are either transient (tried again with backoff) or permanent (the
ESDH refused the request itself; the filing shows why until staff fix the cause).
"""

from dataclasses import dataclass
from typing import Protocol


class TransientError(Exception):
    """A failure that may pass (network, timeout, a 5xx, a 429): try again later."""


class PermanentError(Exception):
    """The ESDH refused the request itself (a 4xx): trying again would not help."""


@dataclass(frozen=True)
class EsdhCase:
    """A case in the ESDH: its internal id and its human case number (e.g. 17.13.00-G01-1-26)."""

    id: str
    number: str


class EsdhAdapter(Protocol):
    name: str

    def find_case(self, *, cpr: str, kle: str, facet: str) -> EsdhCase | None:
        """The child's open ESDH case with this KLE number and facet, if there is one."""
        ...

    def create_case(self, *, cpr: str, kle: str, facet: str, title: str) -> EsdhCase:
        """A new ESDH case with the child as primary party."""
        ...

    def add_document(self, *, case_id: str, name: str, filename: str, content: bytes) -> str:
        """File a document on the case (journalised as a new document); its ESDH id."""
        ...

    def find_document(self, *, case_id: str, name: str) -> str | None:
        """A document of this name already on the case (a retry after a lost answer)."""
        ...

    def journalise(self, *, case_id: str, title: str, text: str) -> str:
        """Add a journal note to the case; its ESDH id."""
        ...


def find_or_create_case(
    adapter: EsdhAdapter, *, cpr: str, kle: str, facet: str, title: str
) -> EsdhCase:
    """The child's ESDH case for this KLE classification, created if there is none."""
    found = adapter.find_case(cpr=cpr, kle=kle, facet=facet)
    if found is not None:
        return found
    return adapter.create_case(cpr=cpr, kle=kle, facet=facet, title=title)
