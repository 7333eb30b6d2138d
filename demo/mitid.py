"""A local MitID stand-in: an OpenID Connect provider speaking the real protocol, for the demo
and the tests (issue 22). Not for production.

Discovery (``/.well-known/openid-configuration``), JWKS (``/jwks``), the authorization code flow
with PKCE (S256 only), ``state`` and ``nonce``, a token endpoint with client authentication
(``client_secret_post`` or ``client_secret_basic``) issuing RS256-signed ID tokens, and UserInfo.
Its login page lets you pick a demo person and an assurance level (Low, Substantial, High), as
the MitID test tool does. It serves on 127.0.0.1 in a thread (``MitIDStandIn.start()``; the
test suite) or in the foreground (``manage.py mitid_standin``; the demo).

Claims are those of Signaturgruppen's / Nets eID Broker's ``mitid`` and ``ssn`` scopes
(INTEGRATIONS.md §2): ``sub``, ``loa``, ``given_name``, ``family_name``, ``mitid.uuid`` and the
CPR number in ``cpr_claim`` (``dk.cpr`` by default) when the person has one.
"""

import base64
import hashlib
import html
import json
import secrets
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

LEVELS = {"low": "Lav", "substantial": "Betydelig", "high": "Høj"}
NSIS = "https://data.gov.dk/concept/core/nsis/loa/"


@dataclass(frozen=True)
class Person:
    """A demo person to sign in as: a name, and a CPR number ("" for MitID without CPR)."""

    name: str
    cpr: str
    note: str = ""

    @property
    def sub(self) -> str:
        # A stable, opaque subject per person (as the broker's mitid.uuid is).
        return str(uuid.uuid5(uuid.NAMESPACE_URL, f"ppr-demo-mitid:{self.name}:{self.cpr}"))


@dataclass
class Grant:
    client_id: str
    redirect_uri: str
    nonce: str
    challenge: str
    person: Person
    level: str
    expires: float


@dataclass
class MitIDStandIn:
    """The provider's state: its signing key, its clients, the persons, and issued codes."""

    persons: list[Person]
    clients: dict[str, str]  # client_id -> secret
    redirect_uris: list[str]
    cpr_claim: str = "dk.cpr"
    host: str = "127.0.0.1"
    port: int = 0
    #: Changes the next ID token's claims (tests: a wrong audience, an expired token …).
    token_claims: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    #: Corrupts the next ID token after signing (tests: a tampered token).
    tamper: Callable[[str], str] | None = None
    key: rsa.RSAPrivateKey = field(
        default_factory=lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048)
    )
    kid: str = field(default_factory=lambda: secrets.token_hex(8))
    grants: dict[str, Grant] = field(default_factory=dict)
    tokens: dict[str, dict[str, Any]] = field(default_factory=dict)
    server: ThreadingHTTPServer | None = None

    @property
    def issuer(self) -> str:
        assert self.server is not None, "start() the stand-in first"
        return f"http://{self.host}:{self.server.server_address[1]}"

    def start(self) -> "MitIDStandIn":
        """Serve in a daemon thread (tests); ``issuer`` is then its address."""
        self.server = ThreadingHTTPServer((self.host, self.port), self._handler())
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def serve_forever(self) -> None:
        """Serve in the foreground (manage.py mitid_standin)."""
        self.server = ThreadingHTTPServer((self.host, self.port), self._handler())
        self.server.serve_forever()

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

    # --- Protocol ----------------------------------------------------------------------

    def configuration(self) -> dict[str, Any]:
        iss = self.issuer
        return {
            "issuer": iss,
            "authorization_endpoint": f"{iss}/authorize",
            "token_endpoint": f"{iss}/token",
            "userinfo_endpoint": f"{iss}/userinfo",
            "jwks_uri": f"{iss}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
            "scopes_supported": ["openid", "mitid", "ssn"],
            "claims_supported": ["sub", "loa", "given_name", "family_name", self.cpr_claim],
        }

    def jwks(self) -> dict[str, Any]:
        public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        return {"keys": [{**public, "kid": self.kid, "use": "sig", "alg": "RS256"}]}

    def authorize_error(self, query: dict[str, str]) -> str:
        """Why an authorization request is refused ("" if it is fine)."""
        if query.get("response_type") != "code":
            return "response_type skal være code"
        if query.get("client_id") not in self.clients:
            return "ukendt client_id"
        if query.get("redirect_uri") not in self.redirect_uris:
            return "redirect_uri er ikke registreret"
        if "openid" not in query.get("scope", "").split():
            return "scope skal indeholde openid"
        if not query.get("state") or not query.get("nonce"):
            return "state og nonce skal med"
        if query.get("code_challenge_method") != "S256" or not query.get("code_challenge"):
            return "PKCE (S256) skal bruges"
        return ""

    def grant(self, query: dict[str, str], person: Person, level: str) -> str:
        """Issue a one-time code for the chosen person and level; the redirect back."""
        code = secrets.token_urlsafe(24)
        self.grants[code] = Grant(
            client_id=query["client_id"],
            redirect_uri=query["redirect_uri"],
            nonce=query["nonce"],
            challenge=query["code_challenge"],
            person=person,
            level=level,
            expires=time.time() + 60,
        )
        return f"{query['redirect_uri']}?{urlencode({'code': code, 'state': query['state']})}"

    def token(self, form: dict[str, str], authorization: str) -> tuple[int, dict[str, Any]]:
        client_id, secret = form.get("client_id", ""), form.get("client_secret", "")
        if authorization.startswith("Basic "):
            decoded = base64.b64decode(authorization[6:]).decode()
            client_id, _, secret = decoded.partition(":")
        if not client_id or not secrets.compare_digest(self.clients.get(client_id, "\0"), secret):
            return 401, {"error": "invalid_client"}
        grant = self.grants.pop(form.get("code", ""), None)
        if (
            form.get("grant_type") != "authorization_code"
            or grant is None
            or grant.expires < time.time()
            or grant.client_id != client_id
            or grant.redirect_uri != form.get("redirect_uri")
        ):
            return 400, {"error": "invalid_grant"}
        verifier = form.get("code_verifier", "")
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
        if not verifier or challenge.rstrip(b"=").decode() != grant.challenge:
            return 400, {"error": "invalid_grant", "error_description": "PKCE"}
        claims = self.claims(grant)
        now = int(time.time())
        id_claims = {
            **claims,
            "iss": self.issuer,
            "aud": client_id,
            "iat": now,
            "exp": now + 300,
            "nonce": grant.nonce,
            "jti": secrets.token_hex(8),
        }
        if self.token_claims is not None:
            id_claims = self.token_claims(id_claims)
        id_token = jwt.encode(id_claims, self.key, algorithm="RS256", headers={"kid": self.kid})
        if self.tamper is not None:
            id_token = self.tamper(id_token)
        access_token = secrets.token_urlsafe(24)
        self.tokens[access_token] = claims
        return 200, {
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": 300,
            "id_token": id_token,
        }

    def claims(self, grant: Grant) -> dict[str, Any]:
        person = grant.person
        first, _, last = person.name.rpartition(" ")
        claims: dict[str, Any] = {
            "sub": person.sub,
            "mitid.uuid": person.sub,
            "loa": f"{NSIS}{grant.level.capitalize()}",
            "given_name": first,
            "family_name": last,
            "mitid.has_cpr": bool(person.cpr),
        }
        if person.cpr:
            claims[self.cpr_claim] = person.cpr.replace("-", "")
        return claims

    # --- HTTP ----------------------------------------------------------------------------

    def login_page(self, query: dict[str, str], error: str = "") -> str:
        hidden = "".join(
            f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
            for k, v in query.items()
            if k not in {"person", "level"}
        )
        people = "".join(
            f'<li><input type="radio" name="person" id="p{i}" value="{i}"{" checked" if i == 0 else ""}>'
            f' <label for="p{i}">{html.escape(p.name)}'
            f"{' – ' + html.escape(p.note) if p.note else ''}"
            f" (CPR {html.escape(p.cpr[:6] + '-' + p.cpr[-4:]) if p.cpr else 'ingen'})</label></li>"
            for i, p in enumerate(self.persons)
        )
        levels = "".join(
            f'<option value="{k}"{" selected" if k == "substantial" else ""}>{v}</option>'
            for k, v in LEVELS.items()
        )
        problem = f'<p role="alert">{html.escape(error)}</p>' if error else ""
        return (
            '<!DOCTYPE html><html lang="da"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            "<title>MitID (lokal demo)</title></head><body><main>"
            "<h1>MitID – lokal demo</h1>"
            "<p>Dette er en lokal afløser for MitID til demo og test. Vælg, hvem du logger ind "
            "som, og sikringsniveauet.</p>"
            f'{problem}<form method="post" action="/authorize">{hidden}'
            f"<fieldset><legend>Person</legend><ul>{people}</ul></fieldset>"
            f'<p><label for="level">Sikringsniveau</label> <select name="level" id="level">{levels}'
            '</select></p><button type="submit">Log ind</button></form></main></body></html>'
        )

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                return  # the query strings hold codes; nothing is logged

            def _send(
                self,
                status: int,
                body: str | dict[str, Any],
                headers: Iterable[tuple[str, str]] = (),
            ) -> None:
                data = (json.dumps(body) if isinstance(body, dict) else body).encode()
                self.send_response(status)
                kind = "application/json" if isinstance(body, dict) else "text/html; charset=utf-8"
                self.send_header("Content-Type", kind)
                self.send_header("Cache-Control", "no-store")
                self.send_header("Content-Length", str(len(data)))
                for name, value in headers:
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            def _form(self) -> dict[str, str]:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode()
                return {k: v[0] for k, v in parse_qs(raw).items()}

            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                if parts.path == "/.well-known/openid-configuration":
                    self._send(200, standin.configuration())
                elif parts.path == "/jwks":
                    self._send(200, standin.jwks())
                elif parts.path == "/authorize":
                    error = standin.authorize_error(query)
                    self._send(
                        400 if error else 200,
                        f"<p>{html.escape(error)}</p>" if error else standin.login_page(query),
                    )
                elif parts.path == "/userinfo":
                    auth = self.headers.get("Authorization", "")
                    claims = standin.tokens.get(auth.removeprefix("Bearer ").strip())
                    if not auth.startswith("Bearer ") or claims is None:
                        self._send(401, {"error": "invalid_token"})
                    else:
                        self._send(200, claims)
                else:
                    self._send(404, {"error": "not_found"})

            def do_POST(self) -> None:
                path = urlsplit(self.path).path
                form = self._form()
                if path == "/token":
                    status, body = standin.token(form, self.headers.get("Authorization", ""))
                    self._send(status, body)
                elif path == "/authorize":
                    error = standin.authorize_error(form)
                    try:
                        person = standin.persons[int(form.get("person", ""))]
                    except (ValueError, IndexError):
                        error = error or "Vælg en person."
                    level = form.get("level", "")
                    if level not in LEVELS:
                        error = error or "Vælg et sikringsniveau."
                    if error:
                        self._send(400, standin.login_page(form, error))
                        return
                    self._send(302, "", [("Location", standin.grant(form, person, level))])
                else:
                    self._send(404, {"error": "not_found"})

        return Handler
