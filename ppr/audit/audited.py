"""How a record tells the audit log whose personal data it holds.

Every audit row names the child and the institution a read or change concerns. An audited
model says where to find them by mixing in ``Audited`` and declaring two attribute paths::

    class JournalEntry(Audited, models.Model):
        audit_child = "case.child_id"
        audit_institution = "case.child.institution_id"

``ppr.audit.services.log_action`` reads them through the ``AuditSubject`` protocol
(``audit_child_id`` / ``audit_institution_id``), so any object with those two properties can
be logged, not only these models. What a person calls the record in the log is a separate,
optional ``audit_label`` property (ppr/audit/labels.py).
"""

from typing import Any, ClassVar, Protocol, runtime_checkable


@runtime_checkable
class AuditSubject(Protocol):
    """What the audit log reads from a record: the child and the institution it concerns."""

    @property
    def audit_child_id(self) -> int | None: ...

    @property
    def audit_institution_id(self) -> int | None: ...


def _follow(obj: object, path: str) -> Any:
    """The value at a dotted attribute path ("case.child.institution_id"); None if the path is
    empty or passes through an empty relation (a group course has no case)."""
    value: Any = obj
    for name in path.split(".") if path else ():
        if value is None:
            return None
        value = getattr(value, name)
    return value if path else None


class Audited:
    """Mixin for a model whose reads and changes are logged: it says whose child it concerns.

    ``audit_child`` and ``audit_institution`` are attribute paths from the record (empty: the
    record concerns no one child, e.g. a conference series). A path may pass through another
    audited record's ``audit_child_id`` to take its answer.
    """

    audit_child: ClassVar[str] = ""
    audit_institution: ClassVar[str] = ""

    @property
    def audit_child_id(self) -> int | None:
        child_id: int | None = _follow(self, self.audit_child)
        return child_id

    @property
    def audit_institution_id(self) -> int | None:
        institution_id: int | None = _follow(self, self.audit_institution)
        return institution_id
