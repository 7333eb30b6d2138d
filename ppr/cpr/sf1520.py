"""SF1520 "CPR replika opslag" (PersonBaseDataExtended) on Serviceplatformen, over SOAP 1.1.

What is sent and read follows INTEGRATIONS.md §3 and the service contract's element names
(``PersonLookupRequest``: ``AuthorityContext/MunicipalityCVR``, ``InvocationContext`` and
``PNR``; ``PersonLookupResponse``: ``persondata``, ``adresse/aktuelAdresse``, ``relationer``).
The municipality's certificate authenticates the call (mutual TLS), with the service agreement's
UUIDs in the ``InvocationContext`` – the certificate variant of the service (version 4). The
token variant (OIO IDWS via the STS, version 5) is not built; the answer is read by local names,
so a version 5 answer reads the same.

No WSDL or XSD is used or shipped: the request is a few lines of XML built here, and the answer
is read element by element. No CPR number goes into a log line or an exception's text.
"""

import ssl
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import date

from django.utils import timezone
from lxml import etree

from .lookup import Address, CprServiceDown, CustodyHolder, CustodyKind, Person, PersonNotFound

SOAP_NS = "http://schemas.xmlsoap.org/soap/envelope/"
SERVICE_NS = "http://serviceplatformen.dk/xml/wsdl/soap11/CPR/PersonBaseDataExtended/4/"
PNR_NS = "http://serviceplatformen.dk/xml/schemas/cpr/PNR/1/"
INVOCATION_NS = "http://serviceplatformen.dk/xml/schemas/InvocationContext/1/"
AUTHORITY_NS = "http://serviceplatformen.dk/xml/schemas/AuthorityContext/1/"
SOAP_ACTION = SERVICE_NS + "PersonLookup"

#: ``persondata/status/status``: 90 = dead (the contract's status list).
STATUS_DEAD = "90"
#: ``foraeldremyndighedtype``: 3 = mother, 4 = father, 5 and 6 = another holder.
CUSTODY_KINDS = {
    "3": CustodyKind.MOTHER,
    "4": CustodyKind.FATHER,
    "5": CustodyKind.OTHER,
    "6": CustodyKind.OTHER,
}
#: A SOAP fault whose text says one of these means "no such person" (B: not in a public source;
#: every other fault means the service could not answer).
NOT_FOUND_WORDS = ("not found", "ikke fundet", "findes ikke", "ukendt personnummer")


def request_xml(
    cpr: str,
    *,
    municipality_cvr: str,
    service_agreement: str,
    user_system: str,
    user: str,
    service: str,
) -> bytes:
    """The SOAP envelope of one ``PersonLookup``."""
    envelope = etree.Element(f"{{{SOAP_NS}}}Envelope", nsmap={"soap": SOAP_NS})
    body = etree.SubElement(envelope, f"{{{SOAP_NS}}}Body")
    request = etree.SubElement(
        body,
        f"{{{SERVICE_NS}}}PersonLookupRequest",
        nsmap={"ns": SERVICE_NS, "pnr": PNR_NS, "inv": INVOCATION_NS, "aut": AUTHORITY_NS},
    )
    if municipality_cvr:
        authority = etree.SubElement(request, f"{{{AUTHORITY_NS}}}AuthorityContext")
        etree.SubElement(authority, f"{{{AUTHORITY_NS}}}MunicipalityCVR").text = municipality_cvr
    invocation = etree.SubElement(request, f"{{{INVOCATION_NS}}}InvocationContext")
    for name, value in (
        ("ServiceAgreementUUID", service_agreement),
        ("UserSystemUUID", user_system),
        ("UserUUID", user),
        ("ServiceUUID", service),
    ):
        etree.SubElement(invocation, f"{{{INVOCATION_NS}}}{name}").text = value
    etree.SubElement(request, f"{{{PNR_NS}}}PNR").text = cpr
    return etree.tostring(envelope, xml_declaration=True, encoding="UTF-8")


def _text(element: etree._Element | None, path: str) -> str:
    if element is None:
        return ""
    found = element.find(path)
    return (found.text or "").strip() if found is not None else ""


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def _protected(persondata: etree._Element, today: date) -> bool:
    """``adressebeskyttelse`` in force today: ``beskyttet`` true, started, not yet ended."""
    protection = persondata.find("{*}adressebeskyttelse")
    if protection is None or _text(protection, "{*}beskyttet").lower() not in {"true", "1"}:
        return False
    start = _date(_text(protection, "{*}startdato"))
    end = _date(_text(protection, "{*}slutdato"))
    return (start is None or start <= today) and (end is None or end > today)


def _address(response: etree._Element) -> Address | None:
    current = response.find("{*}adresse/{*}aktuelAdresse")
    if current is None:
        return None
    street = _text(current, "{*}vejadresseringsnavn") or _text(current, "{*}vejnavn")
    number = " ".join(part for part in (_text(current, "{*}husnummer"),) if part)
    floor = ", ".join(
        part for part in (_text(current, "{*}etage"), _text(current, "{*}sidedoer")) if part
    )
    line = " ".join(part for part in (street, number) if part)
    if floor:
        line = f"{line}, {floor}" if line else floor
    return Address(
        street=line or _text(current, "{*}standardadresse"),
        postcode=_text(current, "{*}postnummer"),
        district=_text(current, "{*}postdistrikt"),
        co_name=_text(current, "{*}conavn"),
    )


def _custody(relations: etree._Element | None, today: date) -> list[CustodyHolder]:
    if relations is None:
        return []
    parents = {
        CustodyKind.MOTHER: _text(relations, "{*}mor/{*}personnummer"),
        CustodyKind.FATHER: _text(relations, "{*}far/{*}personnummer"),
    }
    holders: list[CustodyHolder] = []
    for custody in relations.findall("{*}foraeldremyndighed"):
        kind = CUSTODY_KINDS.get(_text(custody, "{*}foraeldremyndighedtype"))
        if kind is None:
            continue
        ended = _date(_text(custody, "{*}foraeldremyndighedSletdato"))
        if ended is not None and ended <= today:
            continue
        number = _text(custody, "{*}relationPersonnummer") or parents.get(kind, "")
        if len(number) == 10 and number.isdigit() and number not in {h.cpr for h in holders}:
            holders.append(CustodyHolder(cpr=number, kind=kind))
    return holders


def parse_response(xml: bytes, cpr: str, today: date | None = None) -> Person:
    """The person in a ``PersonLookupResponse`` (inside its SOAP envelope, or bare)."""
    today = today or timezone.localdate()
    try:
        root = etree.fromstring(
            xml, parser=etree.XMLParser(resolve_entities=False, no_network=True)
        )
    except etree.XMLSyntaxError as exc:
        raise CprServiceDown("CPR-servicen svarede med noget, der ikke er XML.") from exc
    fault = root.find(f".//{{{SOAP_NS}}}Fault")
    if fault is not None:
        text = " ".join(str(part) for part in fault.itertext()).lower()
        if any(word in text for word in NOT_FOUND_WORDS):
            raise PersonNotFound()
        raise CprServiceDown("CPR-servicen svarede med en fejl.")
    response = (
        root
        if etree.QName(root).localname == "PersonLookupResponse"
        else root.find(".//{*}PersonLookupResponse")
    )
    if response is None:
        raise CprServiceDown("CPR-servicens svar har ingen PersonLookupResponse.")
    persondata = response.find("{*}persondata")
    if persondata is None:
        raise PersonNotFound()
    first = " ".join(
        part
        for part in (
            _text(persondata, "{*}navn/{*}fornavn"),
            _text(persondata, "{*}navn/{*}mellemnavn"),
        )
        if part
    )
    last = _text(persondata, "{*}navn/{*}efternavn")
    if not (first or last):
        # "Efternavn,Fornavn Mellemnavn" when the name parts are left out.
        addressing = _text(persondata, "{*}navn/{*}personadresseringsnavn")
        last, _, first = (part.strip() for part in addressing.partition(","))
    return Person(
        cpr=_text(persondata, "{*}personnummer") or cpr,
        first_name=first,
        last_name=last,
        birth_date=_date(_text(persondata, "{*}foedselsdato/{*}dato")),
        address=_address(response),
        protected=_protected(persondata, today),
        deceased=_text(persondata, "{*}status/{*}status") == STATUS_DEAD,
        custody=_custody(response.find("{*}relationer"), today),
    )


@dataclass(frozen=True)
class Sf1520Lookup:
    """PersonLookup on Serviceplatformen with the municipality's certificate (mutual TLS)."""

    url: str
    municipality_cvr: str = ""
    service_agreement: str = ""
    user_system: str = ""
    user: str = ""
    service: str = ""
    cert_path: str = ""
    key_path: str = ""
    ca_path: str = ""
    timeout: float = 10.0
    name: str = "sf1520"

    def _context(self) -> ssl.SSLContext | None:
        if not self.url.startswith("https:"):
            return None
        context = ssl.create_default_context(cafile=self.ca_path or None)
        if self.cert_path:
            context.load_cert_chain(self.cert_path, self.key_path or None)
        return context

    def lookup(self, cpr: str) -> Person:
        body = request_xml(
            cpr,
            municipality_cvr=self.municipality_cvr,
            service_agreement=self.service_agreement,
            user_system=self.user_system,
            user=self.user,
            service=self.service,
        )
        request = urllib.request.Request(
            self.url,
            data=body,
            method="POST",
            headers={"Content-Type": "text/xml; charset=utf-8", "SOAPAction": f'"{SOAP_ACTION}"'},
        )
        try:
            context = self._context()
            with urllib.request.urlopen(request, timeout=self.timeout, context=context) as answer:
                xml = answer.read()
        except urllib.error.HTTPError as exc:
            # A SOAP fault comes with HTTP 500: read it (not found), else the service is down.
            xml = exc.read() if exc.code == 500 else b""
            exc.close()
            if not xml:
                raise CprServiceDown(f"CPR-servicen svarede HTTP {exc.code}.") from exc
        except (urllib.error.URLError, TimeoutError, ssl.SSLError, OSError) as exc:
            raise CprServiceDown("CPR-servicen kunne ikke nås.") from exc
        return parse_response(xml, cpr)
