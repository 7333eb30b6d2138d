"""Writing and purging the audit log.

``log_action`` logs an action on a record (a read, a change, a print): the record says whose
child it concerns (ppr/audit/audited.py). ``record`` writes a row that is about no one record:
a search with its term, a login, an export of a list.
"""

import csv
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Protocol

from django.apps import apps
from django.conf import settings
from django.db import connection, models, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.formats import date_format

from ppr.client_ip import client_ip

from .audited import AuditSubject
from .middleware import current_request_id
from .models import AuditAction, AuditEvent

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from ppr.accounts.models import User


def _clean(text: str, length: int) -> str:
    """Log text as PostgreSQL stores it: no NUL bytes (a search term comes from the URL)."""
    return text.replace("\x00", "\ufffd")[:length]


def record(
    request: HttpRequest | None,
    action: AuditAction,
    *,
    obj: models.Model | None = None,
    child_id: int | None = None,
    term: str = "",
    purpose: str = "",
    institution_id: int | None = None,
    user: "User | AnonymousUser | None" = None,
) -> AuditEvent:
    """Append one audit row. Pass the request when there is one; tasks pass ``user``."""
    event = _event(
        request,
        action,
        obj=obj,
        child_id=child_id,
        term=term,
        purpose=purpose,
        institution_id=institution_id,
        user=user,
    )
    event.save(force_insert=True)
    return event


def _event(
    request: HttpRequest | None,
    action: AuditAction,
    *,
    obj: models.Model | None = None,
    child_id: int | None = None,
    term: str = "",
    purpose: str = "",
    institution_id: int | None = None,
    user: "User | AnonymousUser | None" = None,
) -> AuditEvent:
    actor = user if user is not None else (request.user if request is not None else None)
    if actor is not None and not actor.is_authenticated:
        actor = None
    return AuditEvent(
        actor=actor,
        actor_name=str(actor) if actor else "",
        role=getattr(actor, "primary_role_label", "") if actor else "",
        action=action,
        object_type=obj._meta.label if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        child_id=child_id,
        term=_clean(term, 200),
        purpose=_clean(purpose, 200),
        institution_id=institution_id,
        ip=client_ip(request) if request is not None else None,
        request_id=getattr(request, "request_id", "") or current_request_id.get().strip("-"),
    )


def log_action(
    obj: models.Model | None,
    action: AuditAction,
    *,
    by: "User | AnonymousUser | None",
    purpose: str,
    about: AuditSubject | models.Model | None = None,
    request: HttpRequest | None = None,
) -> AuditEvent:
    """Log that ``by`` did ``action`` to ``obj`` and why.

    The child and institution come from ``about`` (default: ``obj`` itself): a journal entry
    filed from a PPV is about the PPV's case. A record that is not an ``AuditSubject`` (a
    deadline, a membership) is logged without a child. Views pass the ``request`` (its IP and
    request id go into the row); services and tasks run without one.
    """
    subject = obj if about is None else about
    return record(
        request,
        action,
        obj=obj,
        child_id=getattr(subject, "audit_child_id", None),
        institution_id=getattr(subject, "audit_institution_id", None),
        purpose=purpose,
        user=by,
    )


def log_reads(request: HttpRequest, objs: Iterable[AuditSubject], *, purpose: str) -> None:
    """Log the user's read of each of ``objs`` (the children a page lists), one row each, in
    one INSERT whatever their number."""
    AuditEvent.objects.bulk_create(
        _event(
            request,
            AuditAction.VIEW,
            obj=obj if isinstance(obj, models.Model) else None,
            child_id=obj.audit_child_id,
            institution_id=obj.audit_institution_id,
            purpose=purpose,
        )
        for obj in objs
    )


PURGE_FLAG = "ppr.audit_purge"


def purge_expired(*, now: datetime | None = None) -> int:
    """Delete audit rows older than the retention period; the only path allowed to delete."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.AUDIT_RETENTION_DAYS)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config(%s, 'on', true)", [PURGE_FLAG])
        deleted, _ = AuditEvent.objects.filter(at__lt=cutoff).delete()
    return deleted


SCRUB_FLAG = "ppr.audit_scrub"
SCRUBBED_TERM = "[søgning efter et slettet barn]"


def scrub_terms(*, names: list[tuple[str, str]]) -> int:
    """Blank the search terms that name a deleted child (first and last name both in the term):
    the only change the log allows besides its retention purge. Returns how many rows."""
    condition = models.Q(pk__in=[])
    for first, last in names:
        condition |= models.Q(term__icontains=first) & models.Q(term__icontains=last)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config(%s, 'on', true)", [SCRUB_FLAG])
        return AuditEvent.objects.filter(condition).update(term=SCRUBBED_TERM)


#: Columns of the GDPR art. 15 export. No employee name, id, IP or request id: the data subject
#: is entitled to dates and purposes of the consultations, not the identity of the employees
#: (EU Court, C-579/21, Pankki S).
CHILD_EXPORT_HEADER = ("Tidspunkt", "Handling", "Formål", "Oplysning")


def _object_label(object_type: str) -> str:
    """A Danish name for the kind of record ("sag", "journalnotat"), not the model's code name."""
    if not object_type:
        return ""
    try:
        return str(apps.get_model(object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return object_type


def child_access_rows(*, child_id: int) -> list[tuple[str, str, str, str]]:
    """The child's access log for the family: when, what was done, why, to which kind of record."""
    labels = dict(AuditAction.choices)
    events = (
        AuditEvent.objects.filter(child_id=child_id)
        .order_by("at", "id")
        .values_list("at", "action", "purpose", "object_type")
    )
    return [
        (
            date_format(timezone.localtime(at), "SHORT_DATETIME_FORMAT"),
            str(labels.get(action, action)),
            purpose,
            _object_label(object_type),
        )
        for at, action, purpose, object_type in events.iterator(chunk_size=2000)
    ]


#: A spreadsheet treats a cell starting with one of these as a formula (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value: str) -> str:
    return f"'{value}" if value.startswith(FORMULA_PREFIXES) else value


class Writable(Protocol):
    def write(self, text: str, /) -> object: ...


def write_child_access_csv(out: Writable, *, child_id: int) -> None:
    """The child's access log as the family's CSV (semicolons, a BOM: Excel opens it as UTF-8
    with Danish letters intact), for the download and for the art. 15 export's zip."""
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";")
    writer.writerow(CHILD_EXPORT_HEADER)
    writer.writerows(
        [_csv_cell(cell) for cell in row] for row in child_access_rows(child_id=child_id)
    )
