"""A local SF1520 PersonLookup service: the demo's and the tests' CPR register.

It answers SOAP 1.1 ``PersonLookupRequest`` posts on 127.0.0.1 in the structure the service
contract documents (INTEGRATIONS.md §3): ``persondata`` (name, birth date, status,
``adressebeskyttelse``), ``adresse/aktuelAdresse`` and ``relationer`` (``mor``, ``far``,
``foraeldremyndighed``). It checks the request (a ``PNR`` of 10 digits and an
``InvocationContext`` with its four UUIDs) and answers a SOAP fault when something is missing.

The register holds fictitious people only (``PEOPLE``): a child with two custody holders, the
father with name and address protection; a protected child; a deceased child; an unknown
number gets the "not found" fault; ``DOWN_CPR`` gets a server fault, as does every number while
``down`` is set, and ``delay`` makes every answer slow (a timeout). With ``certfile`` and
``client_ca`` it speaks TLS and requires the caller's certificate, like Serviceplatformen.

Run it for the demo: ``uv run python -m ppr.cpr.standin --port 8089`` (README, "Environment
variables", ``PPR_CPR_LOOKUP``).
"""

import argparse
import ssl
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from lxml import etree

SOAP_NS = "http://schemas.xmlsoap.org/soap/envelope/"
SERVICE_NS = "http://serviceplatformen.dk/xml/wsdl/soap11/CPR/PersonBaseDataExtended/4/"
PNR_NS = "http://serviceplatformen.dk/xml/schemas/cpr/PNR/1/"
INVOCATION_NS = "http://serviceplatformen.dk/xml/schemas/InvocationContext/1/"
INVOCATION_FIELDS = ("ServiceAgreementUUID", "UserSystemUUID", "UserUUID", "ServiceUUID")


@dataclass
class Entry:
    """One fictitious person of the stand-in's register."""

    first: str
    last: str
    born: str
    street: str = "Skolevej 1"
    postcode: str = "8000"
    district: str = "Aarhus C"
    protected: bool = False
    status: str = "1"
    mother: str = ""
    father: str = ""
    #: (foraeldremyndighedtype, CPR number) pairs; 3 = mother, 4 = father, 5/6 = another.
    custody: list[tuple[str, str]] = field(default_factory=list)


CHILD = "1505154001"
MOTHER = "0203851002"
FATHER = "1107831003"
PROTECTED_CHILD = "2008164002"
DECEASED_CHILD = "0303124003"
DOWN_CPR = "0101164999"

PEOPLE: dict[str, Entry] = {
    CHILD: Entry(
        "Freja Marie",
        "Standin",
        "2015-05-15",
        mother=MOTHER,
        father=FATHER,
        custody=[("3", ""), ("4", "")],
    ),
    MOTHER: Entry("Mette", "Standin", "1985-03-02", street="Skolevej 1"),
    FATHER: Entry(
        "Jonas",
        "Hemmelig",
        "1983-07-11",
        street="Skjultvej 7",
        postcode="9000",
        district="Aalborg",
        protected=True,
    ),
    PROTECTED_CHILD: Entry(
        "Alma",
        "Beskyttet",
        "2016-08-20",
        street="Lukketvej 3",
        protected=True,
        mother=MOTHER,
        custody=[("3", "")],
    ),
    DECEASED_CHILD: Entry("Ida", "Afdød", "2012-03-03", status="90"),
}


def _sub(parent: etree._Element, name: str, text: str | None = None) -> etree._Element:
    element = etree.SubElement(parent, f"{{{SERVICE_NS}}}{name}")
    if text is not None:
        element.text = text
    return element


def person_xml(cpr: str, entry: Entry) -> bytes:
    """A ``PersonLookupResponse`` in a SOAP envelope, for one person of the register."""
    envelope = etree.Element(f"{{{SOAP_NS}}}Envelope", nsmap={"soap": SOAP_NS})
    body = etree.SubElement(envelope, f"{{{SOAP_NS}}}Body")
    response = etree.SubElement(
        body, f"{{{SERVICE_NS}}}PersonLookupResponse", nsmap={"ns": SERVICE_NS}
    )
    data = _sub(response, "persondata")
    _sub(data, "personnummer", cpr)
    name = _sub(data, "navn")
    _sub(name, "personadresseringsnavn", f"{entry.last},{entry.first}")
    first, _, middle = entry.first.partition(" ")
    _sub(name, "fornavn", first)
    if middle:
        _sub(name, "mellemnavn", middle)
    _sub(name, "efternavn", entry.last)
    _sub(_sub(data, "foedselsdato"), "dato", entry.born)
    _sub(data, "antalBoernUnder18", "0")
    _sub(_sub(data, "status"), "status", entry.status)
    if entry.protected:
        protection = _sub(data, "adressebeskyttelse")
        _sub(protection, "startdato", "2020-01-01")
        _sub(protection, "beskyttet", "true")
    address = _sub(response, "adresse")
    current = _sub(address, "aktuelAdresse")
    street, _, number = entry.street.rpartition(" ")
    _sub(current, "kommunekode", "751")
    _sub(current, "husnummer", number)
    _sub(current, "postnummer", entry.postcode)
    _sub(current, "postdistrikt", entry.district)
    _sub(current, "vejnavn", street)
    if entry.mother or entry.father or entry.custody:
        relations = _sub(response, "relationer")
        if entry.mother:
            _sub(_sub(relations, "mor"), "personnummer", entry.mother)
        if entry.father:
            _sub(_sub(relations, "far"), "personnummer", entry.father)
        for kind, number in entry.custody:
            custody = _sub(relations, "foraeldremyndighed")
            _sub(custody, "foraeldremyndighedtype", kind)
            if number:
                _sub(custody, "relationPersonnummer", number)
    return etree.tostring(envelope, xml_declaration=True, encoding="UTF-8")


def fault_xml(code: str, text: str) -> bytes:
    envelope = etree.Element(f"{{{SOAP_NS}}}Envelope", nsmap={"soap": SOAP_NS})
    fault = etree.SubElement(
        etree.SubElement(envelope, f"{{{SOAP_NS}}}Body"), f"{{{SOAP_NS}}}Fault"
    )
    etree.SubElement(fault, "faultcode").text = f"soap:{code}"
    etree.SubElement(fault, "faultstring").text = text
    return etree.tostring(envelope, xml_declaration=True, encoding="UTF-8")


def answer(body: bytes, register: dict[str, Entry]) -> tuple[int, bytes]:
    """The HTTP status and SOAP answer to one posted request."""
    try:
        root = etree.fromstring(
            body, parser=etree.XMLParser(resolve_entities=False, no_network=True)
        )
    except etree.XMLSyntaxError:
        return 500, fault_xml("Client", "Forespørgslen er ikke XML.")
    request = root.find(f"{{{SOAP_NS}}}Body/{{{SERVICE_NS}}}PersonLookupRequest")
    if request is None:
        return 500, fault_xml("Client", "Ingen PersonLookupRequest i SOAP Body.")
    invocation = request.find(f"{{{INVOCATION_NS}}}InvocationContext")
    if invocation is None or any(
        not (invocation.findtext(f"{{{INVOCATION_NS}}}{name}") or "").strip()
        for name in INVOCATION_FIELDS
    ):
        return 500, fault_xml("Client", "InvocationContext mangler eller er ufuldstændig.")
    cpr = (request.findtext(f"{{{PNR_NS}}}PNR") or "").strip()
    if len(cpr) != 10 or not cpr.isdigit():
        return 500, fault_xml("Client", "PNR skal være 10 cifre.")
    if cpr == DOWN_CPR:
        return 500, fault_xml("Server", "Intern fejl i CPR-replikaen.")
    entry = register.get(cpr)
    if entry is None:
        return 500, fault_xml("Client", "Person not found (ukendt personnummer).")
    return 200, person_xml(cpr, entry)


class StandIn:
    """The service on 127.0.0.1 (port 0: a free one) in a thread; ``url`` is its endpoint."""

    path = "/service/CPR/PersonBaseDataExtended/4"

    def __init__(
        self,
        port: int = 0,
        *,
        certfile: str = "",
        keyfile: str = "",
        client_ca: str = "",
        register: dict[str, Entry] | None = None,
    ) -> None:
        self.register = dict(PEOPLE if register is None else register)
        self.down = False
        self.delay = 0.0
        self.requests: list[bytes] = []
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                stand_in.requests.append(body)
                if stand_in.delay:
                    time.sleep(stand_in.delay)
                if stand_in.down:
                    status, xml = 503, b"Service Unavailable"
                elif self.path != stand_in.path:
                    status, xml = 404, b"Not Found"
                else:
                    status, xml = answer(body, stand_in.register)
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "text/xml; charset=utf-8")
                    self.send_header("Content-Length", str(len(xml)))
                    self.end_headers()
                    self.wfile.write(xml)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the caller gave up waiting (a timeout test): nothing to answer

            def log_message(self, format: str, *args: object) -> None:
                """Quiet: a request line would carry nothing, but keep the output clean."""

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        scheme = "http"
        if certfile:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(certfile, keyfile or None)
            if client_ca:
                context.verify_mode = ssl.CERT_REQUIRED
                context.load_verify_locations(client_ca)
            self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
            scheme = "https"
        host, bound = self.server.server_address[:2]
        self.url = f"{scheme}://127.0.0.1:{bound}{self.path}"
        self._thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def start(self) -> "StandIn":
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(timeout=5)


def main() -> None:
    parser = argparse.ArgumentParser(description="Lokal SF1520-stand-in (CPR-opslag) til demoen.")
    parser.add_argument("--port", type=int, default=8089)
    arguments = parser.parse_args()
    stand_in = StandIn(arguments.port).start()
    print(f"CPR-stand-in lytter på {stand_in.url}")  # noqa: T201
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        stand_in.stop()


if __name__ == "__main__":
    main()
