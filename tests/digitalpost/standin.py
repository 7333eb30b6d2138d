"""A local stand-in for Serviceplatformen's SF1601 flow on 127.0.0.1 (INTEGRATIONS.md §4).

It speaks the three REST steps: the STS issues a SAML assertion for a well-formed issue request
(CVR, the one-line certificate, the sending service's entity id), the token service exchanges
it for a holder-of-key token, and ``KombiPostAfsend_1/kombi`` accepts a ``kombi_request`` whose
MeMo message validates against the XSD and NgDP's rules, with the transaction headers and the
token. Anything else is answered 400 (or 401), as the real service would refuse it.
"""

import json
import threading
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from lxml import etree

from ppr.digitalpost import memo, transports

ASSERTION = "<saml:Assertion>stand-in</saml:Assertion>"
TOKEN = "stand-in-access-token"


@dataclass
class StandIn:
    url: str = ""
    cvr: str = ""
    use_key: str = ""
    #: Each request as (path, headers, body).
    requests: list[tuple[str, dict[str, str], bytes]] = field(default_factory=list)
    #: Messages accepted by ``kombi``, by messageUUID (a repeat is the same message).
    accepted: dict[str, bytes] = field(default_factory=dict)
    #: Answer the next N kombi posts with 503 (a Serviceplatformen outage).
    outages: int = 0


def _handler(state: StandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _answer(self, status: int, body: bytes, kind: str = "application/json") -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            state.requests.append((self.path, dict(self.headers), body))
            if self.path == "/sts/issue":
                self._issue(body)
            elif self.path == "/service/AccessTokenService_1/token":
                self._token(body)
            elif self.path == "/service/KombiPostAfsend_1/kombi":
                self._kombi(body)
            else:
                self._answer(404, b"{}")

        def _issue(self, body: bytes) -> None:
            request = json.loads(body)
            ok = (
                request.get("TokenType", "").endswith("#SAMLV2.0")
                and request.get("RequestType", "").endswith("/Issue")
                and request.get("KeyType", "").endswith("/PublicKey")
                and request.get("AnvenderKontekst", {}).get("Cvr") == state.cvr
                and request.get("UseKey") == state.use_key
                and request["AppliesTo"]["EndpointReference"]["Address"]
                == transports.KOMBI_ENTITY_ID
            )
            if not ok:
                self._answer(400, b'{"error": "invalid issue request"}')
                return
            answer = {"RequestedSecurityToken": {"Assertion": ASSERTION}, "Lifetime": "x"}
            self._answer(200, json.dumps(answer).encode())

        def _token(self, body: bytes) -> None:
            form = urllib.parse.parse_qs(body.decode())
            if form.get("saml-token") != [ASSERTION]:
                self._answer(401, b'{"error": "invalid saml token"}')
                return
            answer = {"token_type": "Holder-of-key", "access_token": TOKEN, "expires_in": 3600}
            self._answer(200, json.dumps(answer).encode())

        def _kombi(self, body: bytes) -> None:
            if self.headers.get("Authorization") != f"Holder-of-key {TOKEN}":
                self._answer(401, b'{"error": "no access token"}')
                return
            if not self.headers.get("X-TransaktionsId") or not self.headers.get(
                "X-TransaktionsTid"
            ):
                self._answer(400, b'{"error": "transaction headers missing"}')
                return
            if state.outages > 0:
                state.outages -= 1
                self._answer(503, b'{"error": "service unavailable"}')
                return
            root = etree.fromstring(body)
            if root.tag != "kombi_request" or root.findtext("KombiValgKode") != "Digital Post":
                self._answer(400, b'{"error": "not a kombi_request"}')
                return
            message = root.find(f"{{{memo.NAMESPACE}}}Message")
            try:
                memo.validate(etree.tostring(message))
            except memo.MemoError as exc:
                self._answer(400, json.dumps({"error": exc.errors}).encode())
                return
            uuid = message.findtext(
                f"{{{memo.NAMESPACE}}}MessageHeader/{{{memo.NAMESPACE}}}messageUUID"
            )
            state.accepted[uuid or ""] = etree.tostring(message)
            self._answer(200, b"{}")

    return Handler


@contextmanager
def serviceplatformen(cvr: str, use_key: str) -> Iterator[StandIn]:
    state = StandIn(cvr=cvr, use_key=use_key)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
