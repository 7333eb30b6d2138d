"""The local stand-in for SBSYS's REST API and the SF1470 index (demo and tests).

It speaks what ``sbsys.SbsysAdapter`` and ``index.HttpIndexAdapter`` send, checks the structure
of every request (a malformed one gets a 400 with the reason, as the real services refuse it),
and keeps what it receives: cases, parties, documents with their bytes, journal notes and index
items. ``fail_next`` makes the next requests to a path answer an error status (503 for the
retry tests). Start it with ``StandIn().start()`` (a thread on 127.0.0.1) or
``manage.py esdh_standin``.
"""

import json
import re
import secrets
import threading
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from email import policy
from email.parser import BytesParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

CPR_DASHED = re.compile(r"^\d{6}-\d{4}$")
KLE = re.compile(r"^\d{2}\.\d{2}\.\d{2}$")
FACET = re.compile(r"^[A-Z]\d{2}$")


class Invalid(Exception):
    """The request's structure is wrong: answered with 400 and the reason."""


def _require(condition: bool, reason: str) -> None:
    if not condition:
        raise Invalid(reason)


@dataclass
class Store:
    """What the stand-in has received."""

    template_case_prefix: str = "17.13.00-G01"
    tokens: set[str] = field(default_factory=set)
    persons: dict[str, int] = field(default_factory=dict)
    cases: dict[int, dict[str, Any]] = field(default_factory=dict)
    documents: dict[int, dict[str, Any]] = field(default_factory=dict)
    notes: dict[int, dict[str, Any]] = field(default_factory=dict)
    index: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    index_log: list[tuple[str, str, str]] = field(default_factory=list)
    failures: dict[str, list[int]] = field(default_factory=dict)
    requests: list[tuple[str, str]] = field(default_factory=list)
    next_id: int = 1000
    lock: threading.Lock = field(default_factory=threading.Lock)

    def new_id(self) -> int:
        self.next_id += 1
        return self.next_id


class Handler(BaseHTTPRequestHandler):
    server: "StandInServer"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (the stdlib's name)
        pass  # the tests' output stays clean; nothing personal is logged

    # --- plumbing ----------------------------------------------------------------------------
    def _send(self, status: int, payload: object = None) -> None:
        body = b"" if payload is None else json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _json(self) -> Any:
        _require(
            (self.headers.get("Content-Type") or "").startswith("application/json"),
            "Content-Type skal være application/json",
        )
        try:
            return json.loads(self._body())
        except ValueError as exc:
            raise Invalid("Kroppen er ikke gyldig JSON") from exc

    def _authorised(self) -> bool:
        auth = self.headers.get("Authorization") or ""
        return auth.startswith("Bearer ") and auth[7:] in self.server.store.tokens

    def _dispatch(self, method: str) -> None:
        store = self.server.store
        path = self.path.split("?", 1)[0]
        with store.lock:
            store.requests.append((method, path))
            for prefix, statuses in store.failures.items():
                if path.startswith(prefix) and statuses:
                    status = statuses.pop(0)
                    self._body()
                    self._send(status, {"Message": "Tjenesten er midlertidigt utilgængelig"})
                    return
        try:
            if path == "/token" and method == "POST":
                self._send(200, self._token())
            elif path.startswith("/api/"):
                if not self._authorised():
                    self._body()
                    self._send(401, {"Message": "Authorization has been denied"})
                    return
                self._api(method, path)
            elif path.startswith("/sf1470/"):
                self._index(method, path)
            else:
                self._send(404, {"Message": "Ukendt sti"})
        except Invalid as exc:
            self._send(400, {"Message": str(exc)})

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_PUT(self) -> None:
        self._dispatch("PUT")

    def do_DELETE(self) -> None:
        self._dispatch("DELETE")

    # --- SBSYS ---------------------------------------------------------------------------------
    def _token(self) -> dict[str, Any]:
        _require(
            self.headers.get("Content-Type", "").startswith("application/x-www-form-urlencoded"),
            "Tokenkald skal være form-kodet",
        )
        form = dict(pair.split("=", 1) for pair in self._body().decode().split("&") if "=" in pair)
        _require(form.get("grant_type") == "password", "grant_type skal være password")
        for name in ("client_id", "client_secret", "username", "password"):
            _require(bool(form.get(name)), f"{name} mangler")
        token = secrets.token_urlsafe(24)
        self.server.store.tokens.add(token)
        return {"access_token": token, "token_type": "Bearer", "expires_in": 3600}

    def _api(self, method: str, path: str) -> None:
        store = self.server.store
        if method == "POST" and path == "/api/sag/search":
            body = self._json()
            cpr = (
                (body.get("PrimaerPerson") or {}).get("CprNummer")
                if isinstance(body, dict)
                else None
            )
            _require(
                isinstance(cpr, str) and bool(CPR_DASHED.match(cpr)),
                "PrimaerPerson.CprNummer skal være ddmmåå-xxxx",
            )
            page, size = body.get("PageNumber", 1), body.get("PageSize", 50)
            _require(
                isinstance(page, int) and isinstance(size, int) and page >= 1 and size >= 1,
                "PageNumber/PageSize skal være positive heltal",
            )
            with store.lock:
                rows = [c for c in store.cases.values() if c["PrimaryPart"]["CprNummer"] == cpr]
            self._send(
                200, {"Results": rows[(page - 1) * size : page * size], "TotalCount": len(rows)}
            )
        elif method == "POST" and path == "/api/person/search":
            body = self._json()
            cpr = body.get("CprNummer") if isinstance(body, dict) else None
            _require(
                isinstance(cpr, str) and bool(CPR_DASHED.match(cpr)),
                "CprNummer skal være ddmmåå-xxxx",
            )
            with store.lock:
                person = store.persons.setdefault(str(cpr), store.new_id())
            self._send(200, [{"Id": person, "CprNummer": cpr, "PartType": "Person"}])
        elif method == "POST" and path == "/api/v10/sag/template":
            self._send(200, self._create_case(self._json()))
        elif method == "POST" and path == "/api/dokument/journaliser":
            self._send(200, self._journaliser())
        elif method == "GET" and (match := re.fullmatch(r"/api/sag/(\d+)/dokumenter", path)):
            case_id = int(match[1])
            if case_id not in store.cases:
                self._send(404, {"Message": "Sagen findes ikke"})
                return
            rows = [
                {k: v for k, v in d.items() if k != "content"}
                for d in store.documents.values()
                if d["SagID"] == case_id
            ]
            self._send(200, rows)
        elif method == "POST" and path == "/api/journalarknote/create":
            self._send(200, self._note(self._json()))
        else:
            self._send(404, {"Message": "Ukendt endpoint"})

    def _create_case(self, body: Any) -> dict[str, Any]:
        store = self.server.store
        _require(isinstance(body, dict), "Kroppen skal være et objekt")
        _require(
            isinstance(body.get("SagsTitel"), str) and body["SagsTitel"].strip() != "",
            "SagsTitel mangler",
        )
        for name in ("SkabelonId", "SagsbehandlerID"):
            _require(
                isinstance(body.get(name), int) and body[name] > 0,
                f"{name} skal være et positivt heltal",
            )
        part = body.get("PrimaryPart")
        _require(
            isinstance(part, dict)
            and isinstance(part.get("PartId"), int)
            and part.get("PartType") in {"Person", "Firma"},
            "PrimaryPart skal have PartId og PartType",
        )
        _require(
            isinstance(body.get("Parts"), list) and part in body["Parts"],
            "Parts skal indeholde den primære part",
        )
        with store.lock:
            cpr = next((c for c, pid in store.persons.items() if pid == part["PartId"]), None)
            _require(cpr is not None, "Parten findes ikke")
            case_id = store.new_id()
            number = f"{store.template_case_prefix}-{len(store.cases) + 1}-{datetime.now():%y}"
            case = {
                "Id": case_id,
                "Nummer": number,
                "SagsTitel": body["SagsTitel"],
                "SkabelonId": body["SkabelonId"],
                "PrimaryPart": {"PartId": part["PartId"], "PartType": "Person", "CprNummer": cpr},
            }
            store.cases[case_id] = case
        return case

    def _journaliser(self) -> dict[str, Any]:
        store = self.server.store
        content_type = self.headers.get("Content-Type") or ""
        _require(
            content_type.startswith("multipart/form-data"),
            "Journalisering skal være multipart/form-data",
        )
        message = BytesParser(policy=policy.HTTP).parsebytes(
            f"Content-Type: {content_type}\r\n\r\n".encode() + self._body()
        )
        fields: dict[str, Any] = {}
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            fields[str(name)] = part
        _require("file" in fields and "json" in fields, "Felterne file og json skal begge være med")
        file_part = fields["file"]
        filename = file_part.get_filename()
        content = file_part.get_payload(decode=True) or b""
        _require(bool(filename) and bool(content), "Filen mangler navn eller indhold")
        if str(filename).lower().endswith(".pdf"):
            _require(content.startswith(b"%PDF-"), "Filen er ikke en PDF")
        try:
            meta = json.loads(fields["json"].get_payload(decode=True))
        except ValueError as exc:
            raise Invalid("json-feltet er ikke gyldig JSON") from exc
        _require(
            isinstance(meta, dict) and isinstance(meta.get("SagID"), int),
            "SagID skal være et heltal",
        )
        _require(
            isinstance(meta.get("DokumentNavn"), str) and meta["DokumentNavn"].strip() != "",
            "DokumentNavn mangler",
        )
        with store.lock:
            _require(meta["SagID"] in store.cases, "Sagen findes ikke")
            document = {
                "Id": store.new_id(),
                "SagID": meta["SagID"],
                "Navn": meta["DokumentNavn"],
                "Filnavn": filename,
                "content": content,
            }
            store.documents[document["Id"]] = document
        return {k: v for k, v in document.items() if k != "content"}

    def _note(self, body: Any) -> dict[str, Any]:
        store = self.server.store
        _require(
            isinstance(body, dict) and isinstance(body.get("SagID"), int),
            "SagID skal være et heltal",
        )
        _require(
            isinstance(body.get("Overskrift"), str) and body["Overskrift"].strip() != "",
            "Overskrift mangler",
        )
        _require(isinstance(body.get("Note"), str), "Note mangler")
        try:
            datetime.fromisoformat(str(body.get("KontaktTidspunkt")))
        except ValueError as exc:
            raise Invalid("KontaktTidspunkt skal være et ISO 8601-tidspunkt") from exc
        with store.lock:
            _require(body["SagID"] in store.cases, "Sagen findes ikke")
            note = {"Id": store.new_id(), **body}
            store.notes[note["Id"]] = note
        return note

    # --- SF1470 --------------------------------------------------------------------------------
    def _index(self, method: str, path: str) -> None:
        store = self.server.store
        match = re.fullmatch(r"/sf1470/(sag|dokument)/([0-9a-f-]{36})", path)
        if match is None:
            self._send(404, {"Message": "Ukendt sti"})
            return
        kind, item_id = match[1], match[2]
        if method == "DELETE":
            with store.lock:
                found = store.index.pop((kind, item_id), None)
                store.index_log.append(("delete", kind, item_id))
            self._send(204 if found else 404)
            return
        _require(method == "PUT", "Kun PUT og DELETE")
        item = self._json()
        self._validate_item(kind, item_id, item)
        with store.lock:
            store.index[(kind, item_id)] = item
            store.index_log.append(("put", kind, item_id))
        self._send(204)

    def _validate_item(self, kind: str, item_id: str, item: Any) -> None:
        store = self.server.store
        _require(isinstance(item, dict), "Elementet skal være et objekt")
        _require(
            item.get("uuid") == item_id and item.get("type") == kind,
            "uuid og type skal svare til stien",
        )
        _require(
            bool(re.fullmatch(r"\d{8}", str(item.get("myndighed")))),
            "myndighed skal være et CVR-nummer",
        )
        _require(isinstance(item.get("titel"), str) and item["titel"] != "", "titel mangler")
        _require(bool(KLE.match(str(item.get("kle")))), "kle skal være et KLE-emnenummer")
        _require(
            bool(FACET.match(str(item.get("handlingsfacet")))), "handlingsfacet skal være fx G01"
        )
        part = item.get("part")
        _require(
            isinstance(part, dict) and bool(re.fullmatch(r"\d{10}", str(part.get("cpr")))),
            "part.cpr skal være 10 cifre",
        )
        try:
            datetime.fromisoformat(str(item.get("oprettet")))
        except ValueError as exc:
            raise Invalid("oprettet skal være et ISO 8601-tidspunkt") from exc
        if kind == "sag":
            _require(isinstance(item.get("brugervendtnoegle"), str), "brugervendtnoegle mangler")
            _require(
                item.get("tilstand") in {"aaben", "afsluttet"},
                "tilstand skal være aaben eller afsluttet",
            )
        else:
            uuid.UUID(str(item.get("sag")))
            _require(("sag", str(item["sag"])) in store.index, "Dokumentets sag er ikke indekseret")


class StandInServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], store: Store) -> None:
        super().__init__(address, Handler)
        self.store = store


class StandIn:
    """The stand-in on 127.0.0.1 in a thread: ``url`` is its base, ``store`` what it got."""

    def __init__(self, port: int = 0) -> None:
        self.store = Store()
        self.server = StandInServer(("127.0.0.1", port), self.store)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> "StandIn":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def fail_next(self, path_prefix: str, status: int = 503, times: int = 1) -> None:
        with self.store.lock:
            self.store.failures.setdefault(path_prefix, []).extend([status] * times)
