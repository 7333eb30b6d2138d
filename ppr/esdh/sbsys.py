"""SBSYS's REST API as an ESDH adapter (``PPR_ESDH_BACKEND=sbsys``).

What it sends follows the public open-source SBSYS clients (INTEGRATIONS.md §5):

- a bearer token from the identity provider by OAuth2's password grant (``grant_type=password``
  with client id and secret and a service user), refreshed once on a 401;
- ``POST /api/sag/search`` with ``{"PrimaerPerson": {"CprNummer": "ddmmyy-xxxx"}}`` and paging
  (``PageNumber``, ``PageSize``), answered with ``{"Results": [...]}``; a case matches the KLE
  classification when its case number starts with ``<emnenummer>-<facet>-`` (SBSYS numbers
  cases like ``27.00.00-G01-1-24``);
- ``POST /api/person/search`` with ``{"CprNummer": ...}`` for the party id, then
  ``POST /api/v10/sag/template`` with ``SagsTitel``, ``SkabelonId``, ``SagsbehandlerID``,
  ``PrimaryPart`` and ``Parts`` to create a case from the municipality's PPR case template;
- ``POST /api/dokument/journaliser`` as multipart: the ``file`` and a ``json`` field with
  ``{"SagID", "DokumentNavn"}``; ``GET /api/sag/{id}/dokumenter`` lists a case's documents;
- ``POST /api/journalarknote/create`` with ``SagID``, ``Overskrift``, ``Note`` (HTML) and
  ``KontaktTidspunkt`` for a journal note.
"""

import html
import json
import threading
import time
import urllib.parse
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from . import http
from .adapter import EsdhCase, PermanentError, TransientError

PAGE_SIZE = 50


def sbsys_cpr(cpr: str) -> str:
    """The CPR number as SBSYS searches it: ``ddmmyy-xxxx``."""
    digits = "".join(c for c in cpr if c.isdigit())
    if len(digits) != 10:
        raise PermanentError("CPR-nummeret har ikke 10 cifre.")
    return f"{digits[:6]}-{digits[6:]}"


def multipart(
    fields: dict[str, str], file_field: str, filename: str, content: bytes
) -> tuple[bytes, str]:
    """A multipart/form-data body and its content type."""
    boundary = f"ppr-{uuid.uuid4().hex}"
    parts: list[bytes] = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
            + value.encode()
            + b"\r\n"
        )
    quoted = filename.replace('"', "")
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; '
        f'filename="{quoted}"\r\nContent-Type: application/octet-stream\r\n\r\n'.encode()
        + content
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


@dataclass
class SbsysAdapter:
    base_url: str
    token_url: str
    client_id: str
    client_secret: str
    username: str
    password: str
    template_id: int
    caseworker_id: int
    timeout: float = 30.0
    name: str = "sbsys"
    _token: str = field(default="", repr=False)
    _expires: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    # --- transport ---------------------------------------------------------------------------
    def _fetch_token(self) -> str:
        body = urllib.parse.urlencode(
            {
                "grant_type": "password",
                "client_id": self.client_id,
                "client_secret": self.client_secret,
                "username": self.username,
                "password": self.password,
            }
        ).encode()
        try:
            raw = http.call(
                "POST",
                self.token_url,
                data=body,
                headers={
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Accept": "application/json",
                },
                timeout=self.timeout,
            )
        except http.Unauthorised as exc:
            raise PermanentError(f"SBSYS afviste servicebrugeren: {exc}") from exc
        try:
            payload = json.loads(raw)
            token = str(payload["access_token"])
            expires_in = int(payload.get("expires_in", 3600))
        except (ValueError, KeyError, TypeError) as exc:
            raise TransientError("SBSYS' tokenservice svarede uden adgangstoken.") from exc
        self._token, self._expires = token, time.monotonic() + expires_in - 30
        return token

    def _bearer(self, *, renew: bool = False) -> str:
        with self._lock:
            if renew or not self._token or time.monotonic() >= self._expires:
                return self._fetch_token()
            return self._token

    def _call(
        self, method: str, path: str, *, body: bytes | None = None, content_type: str = ""
    ) -> Any:
        url = self.base_url.rstrip("/") + path
        for renew in (False, True):
            headers = {
                "Authorization": f"Bearer {self._bearer(renew=renew)}",
                "Accept": "application/json",
            }
            if content_type:
                headers["Content-Type"] = content_type
            try:
                raw = http.call(method, url, data=body, headers=headers, timeout=self.timeout)
            except http.Unauthorised:
                if renew:
                    raise
                continue
            try:
                return json.loads(raw) if raw.strip() else None
            except ValueError as exc:
                raise TransientError(f"{method} {path}: svaret var ikke JSON.") from exc
        raise TransientError(f"{method} {path}: ingen adgang")  # pragma: no cover

    def _json(self, method: str, path: str, payload: object) -> Any:
        return self._call(
            method, path, body=json.dumps(payload).encode(), content_type="application/json"
        )

    # --- the adapter -------------------------------------------------------------------------
    def find_case(self, *, cpr: str, kle: str, facet: str) -> EsdhCase | None:
        prefix = f"{kle}-{facet}-"
        page = 1
        while True:
            result = self._json(
                "POST",
                "/api/sag/search",
                {
                    "PrimaerPerson": {"CprNummer": sbsys_cpr(cpr)},
                    "PageNumber": page,
                    "PageSize": PAGE_SIZE,
                },
            )
            rows = result.get("Results", []) if isinstance(result, dict) else result or []
            for row in rows:
                number = str(row.get("Nummer") or "")
                if number.startswith(prefix):
                    return EsdhCase(id=str(row["Id"]), number=number)
            if len(rows) < PAGE_SIZE:
                return None
            page += 1

    def _party_id(self, cpr: str) -> int:
        rows = self._json("POST", "/api/person/search", {"CprNummer": sbsys_cpr(cpr)})
        if isinstance(rows, dict):
            rows = rows.get("Results", [rows])
        if not rows:
            raise PermanentError("SBSYS kender ikke barnet som part (personsøgningen var tom).")
        return int(rows[0]["Id"])

    def create_case(self, *, cpr: str, kle: str, facet: str, title: str) -> EsdhCase:
        party = {"PartId": self._party_id(cpr), "PartType": "Person"}
        created = self._json(
            "POST",
            "/api/v10/sag/template",
            {
                "SagsTitel": title,
                "SkabelonId": self.template_id,
                "SagsbehandlerID": self.caseworker_id,
                "PrimaryPart": party,
                "Parts": [party],
            },
        )
        try:
            return EsdhCase(id=str(created["Id"]), number=str(created.get("Nummer") or ""))
        except (KeyError, TypeError) as exc:
            raise TransientError("SBSYS svarede uden sags-id ved oprettelsen.") from exc

    def add_document(self, *, case_id: str, name: str, filename: str, content: bytes) -> str:
        body, content_type = multipart(
            {"json": json.dumps({"SagID": int(case_id), "DokumentNavn": name})},
            "file",
            filename,
            content,
        )
        created = self._call(
            "POST", "/api/dokument/journaliser", body=body, content_type=content_type
        )
        try:
            return str(created["Id"])
        except (KeyError, TypeError) as exc:
            raise TransientError("SBSYS svarede uden dokument-id.") from exc

    def find_document(self, *, case_id: str, name: str) -> str | None:
        rows = self._call("GET", f"/api/sag/{int(case_id)}/dokumenter")
        if isinstance(rows, dict):
            rows = rows.get("Results", [])
        for row in rows or []:
            if row.get("Navn") == name:
                return str(row["Id"])
        return None

    def journalise(self, *, case_id: str, title: str, text: str) -> str:
        note = "".join(f"<p>{html.escape(line)}</p>" for line in text.splitlines() if line.strip())
        created = self._json(
            "POST",
            "/api/journalarknote/create",
            {
                "SagID": int(case_id),
                "Overskrift": title,
                "Note": note or "<p></p>",
                "KontaktTidspunkt": timezone.localtime().isoformat(),
            },
        )
        try:
            return str(created["Id"])
        except (KeyError, TypeError) as exc:
            raise TransientError("SBSYS svarede uden id på journalnotatet.") from exc
