"""The Sags- og Dokumentindeks (SF1470) as an adapter: metadata in, deleted items out.

SF1470 (v3.0, on Serviceplatformen as "DokumentIndeks" 5.0) takes metadata of cases and
documents from fagsystemer, modelled on OIO Sag/Dokument, within minutes of a change, and wants
deleted items physically removed (INTEGRATIONS.md §5). Its SOAP binding with OIOIDWS is not
public in reach of this project, so the adapter speaks a small JSON form of the same content to
``PPR_SF1470_URL`` — the local stand-in, or the municipality's integration platform that
relays it: ``PUT <url>/<sag|dokument>/<uuid>`` with the item, ``DELETE`` to remove it.
"""

import json
import uuid
from dataclasses import dataclass
from typing import Any, Protocol

from django.conf import settings

from . import http

KINDS = ("sag", "dokument")


class IndexAdapter(Protocol):
    def upsert(self, kind: str, item_id: uuid.UUID, item: dict[str, Any]) -> None: ...

    def remove(self, kind: str, item_id: uuid.UUID) -> None: ...


@dataclass(frozen=True)
class HttpIndexAdapter:
    base_url: str
    timeout: float = 30.0

    def _url(self, kind: str, item_id: uuid.UUID) -> str:
        if kind not in KINDS:
            raise ValueError(kind)
        return f"{self.base_url.rstrip('/')}/{kind}/{item_id}"

    def upsert(self, kind: str, item_id: uuid.UUID, item: dict[str, Any]) -> None:
        http.call(
            "PUT",
            self._url(kind, item_id),
            data=json.dumps(item).encode(),
            headers={"Content-Type": "application/json"},
            timeout=self.timeout,
        )

    def remove(self, kind: str, item_id: uuid.UUID) -> None:
        # Already gone (404) is as good as removed: removal is idempotent.
        http.call("DELETE", self._url(kind, item_id), timeout=self.timeout, not_found_ok=True)


def enabled() -> bool:
    return bool(settings.PPR_SF1470_URL)


def configured() -> IndexAdapter:
    return HttpIndexAdapter(settings.PPR_SF1470_URL)
