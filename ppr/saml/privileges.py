"""OIO Basic Privilege Profile (BPP) 1.2: the roles in ``privilegesIntermediate``.

The attribute value is a base64-encoded ``PrivilegeList``; each ``PrivilegeGroup`` has a
``Scope`` (``urn:dk:gov:saml:cvrNumberIdentifier:<cvr>``), one or more ``Privilege`` elements
(the user-system role's entity id, e.g. ``http://kommune.dk/roles/usersystemrole/psykolog/1``)
and the group's data constraints (``Constraint Name="…/orgenhed/1"``; a value may be a
comma-separated list or a wildcard such as ``25.*``). BPP 1.2 puts the list in
``http://digst.dk/oiosaml/basic_privilege_profile``; older producers (OS2faktor) use
``http://itst.dk/oiosaml/basic_privilege_profile``. Both are read; child elements are matched by
local name whatever their namespace (the schema leaves them unqualified).
"""

import base64
import binascii
from dataclasses import dataclass, field

from lxml import etree

ATTRIBUTE = "https://data.gov.dk/model/core/eid/privilegesIntermediate"
#: OIOSAML 2 (Context Handler 1) name of the same attribute.
ATTRIBUTE_OIOSAML2 = "dk:gov:saml:attribute:Privileges_intermediate"
NAMESPACES = frozenset(
    {
        "http://digst.dk/oiosaml/basic_privilege_profile",
        "http://itst.dk/oiosaml/basic_privilege_profile",
    }
)
SCOPE_PREFIX = "urn:dk:gov:saml:cvrNumberIdentifier:"
ORG_UNIT = "http://sts.kombit.dk/constraints/orgenhed/1"
#: A PrivilegeList larger than this is refused (a real one is a few kilobytes).
MAX_BYTES = 256 * 1024

_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True
)


class PrivilegeError(ValueError):
    """The attribute is not a readable PrivilegeList."""


@dataclass(frozen=True)
class Privilege:
    """One user-system role granted in one CVR scope, with the group's data constraints."""

    role: str
    cvr: str
    constraints: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def values(self, name: str) -> tuple[str, ...]:
        return self.constraints.get(name, ())

    def allows(self, name: str, value: str) -> bool:
        """Whether constraint ``name`` admits ``value``: listed, or matched by a wildcard
        (``25.*`` admits ``25.02``, ``*`` admits anything). A privilege without that
        constraint admits nothing here: a mapping that names a value wants it named."""
        for allowed in self.values(name):
            if allowed == value:
                return True
            if allowed.endswith("*") and value.startswith(allowed[:-1]):
                return True
        return False


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname


def parse(value: str) -> list[Privilege]:
    """The privileges in a base64 PrivilegeList; ``PrivilegeError`` if it cannot be read."""
    try:
        raw = base64.b64decode("".join(value.split()), validate=True)
    except (binascii.Error, ValueError) as error:
        raise PrivilegeError("privilegesIntermediate er ikke base64") from error
    if len(raw) > MAX_BYTES:
        raise PrivilegeError("PrivilegeList er for stor")
    try:
        root = etree.fromstring(raw, _PARSER)
    except etree.XMLSyntaxError as error:
        raise PrivilegeError("PrivilegeList er ikke gyldig XML") from error
    qname = etree.QName(root)
    if qname.localname != "PrivilegeList" or qname.namespace not in NAMESPACES:
        raise PrivilegeError(f"ukendt rod-element {root.tag}")
    privileges: list[Privilege] = []
    for group in root:
        if not isinstance(group.tag, str) or _local(group) != "PrivilegeGroup":
            continue
        scope = (group.get("Scope") or "").strip()
        cvr = scope.removeprefix(SCOPE_PREFIX) if scope.startswith(SCOPE_PREFIX) else ""
        constraints: dict[str, tuple[str, ...]] = {}
        roles: list[str] = []
        for child in group:
            if not isinstance(child.tag, str):
                continue
            text = (child.text or "").strip()
            if _local(child) == "Privilege" and text:
                roles.append(text)
            elif _local(child) == "Constraint":
                name = (child.get("Name") or "").strip()
                values = tuple(v.strip() for v in text.split(",") if v.strip())
                constraints[name] = constraints.get(name, ()) + values
        privileges.extend(Privilege(role, cvr, constraints) for role in roles)
    return privileges


def build(groups: list[tuple[str, list[str], dict[str, str]]], *, namespace: str) -> str:
    """A base64 PrivilegeList of ``(cvr, roles, constraints)`` groups: what the IdP stand-in
    sends (demo and tests)."""
    root = etree.Element(etree.QName(namespace, "PrivilegeList"), nsmap={"bpp": namespace})
    for cvr, roles, constraints in groups:
        group = etree.SubElement(root, "PrivilegeGroup", Scope=f"{SCOPE_PREFIX}{cvr}")
        for role in roles:
            etree.SubElement(group, "Privilege").text = role
        for name, value in constraints.items():
            etree.SubElement(group, "Constraint", Name=name).text = value
    return base64.b64encode(etree.tostring(root, xml_declaration=True, encoding="UTF-8")).decode()
