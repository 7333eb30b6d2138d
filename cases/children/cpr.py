"""The CPR register in the children's room: look up a child and its custody holders when it is
registered, create the custody holders from the lookup, and refresh them nightly on open cases.

The lookup itself is ``ppr.cpr`` (SF1520 on Serviceplatformen, or off). A protected person's
address (navne- og adressebeskyttelse) is neither shown nor stored: the guardian is created
with the protection flag and an empty address. No CPR number goes into a log line, an audit
row's text or a custody change's text.
"""

import logging
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from cases.models import (
    Case,
    CaseStatus,
    Child,
    CustodyChange,
    CustodyChangeKind,
    Guardian,
    GuardianRelation,
)
from ppr.accounts.models import User
from ppr.audit.models import AuditAction
from ppr.audit.services import log_action
from ppr.cpr.lookup import CprServiceDown, CustodyHolder, CustodyKind, Person, PersonNotFound
from ppr.cpr.services import get_lookup

from .services import add_guardian

logger = logging.getLogger(__name__)

PURPOSE = "forældremyndighed fra CPR"

RELATIONS = {
    CustodyKind.MOTHER: GuardianRelation.MOR,
    CustodyKind.FATHER: GuardianRelation.FAR,
    CustodyKind.OTHER: GuardianRelation.ANDEN,
}

#: What the leader reads when the lookup cannot help (Danish; no CPR number in any of them).
SERVICE_DOWN = (
    "CPR-registret svarer ikke lige nu. Udfyld navnet selv og registrér barnet; forældrene kan "
    "tilføjes på barnets side bagefter."
)
NOT_FOUND = "CPR-nummeret findes ikke i CPR-registret. Tjek nummeret, eller udfyld navnet selv."
DECEASED = "CPR-registret melder personen med dette CPR-nummer død. Tjek CPR-nummeret."
OFF = "CPR-opslag er ikke slået til. Udfyld navnet selv."


@dataclass(frozen=True)
class Holder:
    """A custody holder from the register, with what the register says about them."""

    holder: CustodyHolder
    person: Person

    @property
    def relation(self) -> str:
        return RELATIONS[self.holder.kind]

    @property
    def relation_label(self) -> str:
        return RELATIONS[self.holder.kind].label


@dataclass(frozen=True)
class Findings:
    child: Person
    holders: list[Holder] = field(default_factory=list)


def lookup_enabled() -> bool:
    return get_lookup() is not None


def look_up(number: str) -> Findings:
    """The child and each living custody holder from the CPR register. Raises
    ``PersonNotFound`` for an unknown child, ``CprServiceDown`` when the register cannot answer
    (or the lookup is off). A custody holder the register does not know is left out."""
    lookup = get_lookup()
    if lookup is None:
        raise CprServiceDown(OFF)
    child = lookup.lookup(number)
    holders = []
    for holder in child.custody:
        try:
            person = lookup.lookup(holder.cpr)
        except PersonNotFound:
            continue
        if not person.deceased:
            holders.append(Holder(holder=holder, person=person))
    return Findings(child=child, holders=holders)


def _guardian_of(child: Child, number: str, guardians: list[Guardian]) -> Guardian | None:
    hashes = set(Guardian.hashes_for(number))
    return next((g for g in guardians if g.cpr_hash and g.cpr_hash in hashes), None)


@transaction.atomic
def add_custody_holders(child: Child, findings: Findings, *, by: User) -> list[Guardian]:
    """Create the register's custody holders as the child's guardians (CPR encrypted and hashed,
    protection flag set, a protected holder's address left out); one already there is kept."""
    existing = list(child.guardians.all())
    created = []
    for found in findings.holders:
        if _guardian_of(child, found.holder.cpr, existing) is not None:
            continue
        created.append(
            add_guardian(
                child=child,
                by=by,
                name=found.person.name,
                relation=found.relation,
                has_custody=True,
                address=found.person.shown_address,
                cpr=found.holder.cpr,
                name_address_protected=found.person.protected,
            )
        )
    return created


@dataclass
class RefreshResult:
    children: int = 0
    changes: int = 0
    failed: int = 0
    not_found: int = 0


def _record(cases: list[Case], guardian: Guardian | None, name: str, kind: str) -> int:
    today = timezone.localdate()
    CustodyChange.objects.bulk_create(
        CustodyChange(
            case=case, guardian=guardian, guardian_name=name, kind=kind, occurred_on=today
        )
        for case in cases
    )
    return len(cases)


@transaction.atomic
def apply_findings(child: Child, cases: list[Case], findings: Findings) -> int:
    """Bring the child's guardians in line with the register's custody holders; each change is
    recorded on every open case of the child. Guardians without a CPR number are left alone."""
    changes = 0
    guardians = list(child.guardians.select_for_update().order_by("pk"))
    if (
        findings.child.deceased
        and not CustodyChange.objects.filter(
            case__in=cases, kind=CustodyChangeKind.DECEASED
        ).exists()
    ):
        changes += _record(cases, None, child.name, CustodyChangeKind.DECEASED)
    holders_found = []
    for found in findings.holders:
        guardian = _guardian_of(child, found.holder.cpr, guardians)
        if guardian is None:
            guardian = add_guardian(
                child=child,
                by=None,
                name=found.person.name,
                relation=found.relation,
                has_custody=True,
                address=found.person.shown_address,
                cpr=found.holder.cpr,
                name_address_protected=found.person.protected,
            )
            guardians.append(guardian)
            changes += _record(cases, guardian, guardian.name, CustodyChangeKind.GAINED)
        else:
            fields = []
            if not guardian.holds_custody:
                guardian.has_custody, guardian.custody_ended_on = True, None
                fields += ["has_custody", "custody_ended_on"]
                changes += _record(cases, guardian, guardian.name, CustodyChangeKind.GAINED)
            if found.person.protected != guardian.name_address_protected:
                guardian.name_address_protected = found.person.protected
                guardian.address = found.person.shown_address
                fields += ["name_address_protected", "address"]
                kind = (
                    CustodyChangeKind.PROTECTED
                    if found.person.protected
                    else CustodyChangeKind.UNPROTECTED
                )
                changes += _record(cases, guardian, guardian.name, kind)
            if fields:
                guardian.save(update_fields=fields)
                log_action(guardian, AuditAction.UPDATE, by=None, purpose=PURPOSE, about=child)
        holders_found.append(guardian.pk)
    today = timezone.localdate()
    for guardian in guardians:
        if guardian.has_cpr and guardian.holds_custody and guardian.pk not in holders_found:
            guardian.custody_ended_on = today
            guardian.save(update_fields=["custody_ended_on"])
            log_action(guardian, AuditAction.UPDATE, by=None, purpose=PURPOSE, about=child)
            changes += _record(cases, guardian, guardian.name, CustodyChangeKind.LOST)
    return changes


def refresh_open_cases() -> RefreshResult:
    """The nightly refresh: every child with an open case is looked up; custody changes are
    applied and recorded on the case. A child the register cannot answer for is tried next
    night (logged by the child's id only)."""
    result = RefreshResult()
    if not lookup_enabled():
        return result
    cases_by_child: dict[int, list[Case]] = {}
    for case in Case.objects.filter(status=CaseStatus.OPEN).order_by("pk"):
        cases_by_child.setdefault(case.child_id, []).append(case)
    for child in Child.objects.filter(pk__in=cases_by_child).order_by("pk"):
        result.children += 1
        try:
            findings = look_up(child.cpr.replace("-", ""))
        except PersonNotFound:
            result.not_found += 1
            logger.warning("CPR-opdatering: barn id %s findes ikke i CPR-registret", child.pk)
            continue
        except CprServiceDown:
            result.failed += 1
            logger.warning("CPR-opdatering: CPR-registret svarede ikke for barn id %s", child.pk)
            continue
        result.changes += apply_findings(child, cases_by_child[child.pk], findings)
    return result
