from datetime import timedelta

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from ppr.audit.models import AuditAction, AuditEvent
from ppr.audit.services import purge_expired, record

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="database trigger is PostgreSQL's"
)


@postgres_only
def test_audit_rows_cannot_be_updated_or_deleted(cast) -> None:
    event = record(
        None, AuditAction.VIEW, user=cast.psychologist, child_id=1, purpose="sagsbehandling"
    )
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(purpose="ændret")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).purpose == "sagsbehandling"


def test_retention_purge_deletes_only_rows_older_than_the_retention(cast, settings) -> None:
    settings.AUDIT_RETENTION_DAYS = 183
    old = record(None, AuditAction.VIEW, user=cast.psychologist, child_id=1)
    new = record(None, AuditAction.VIEW, user=cast.psychologist, child_id=1)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only")
            cursor.execute(
                "UPDATE audit_auditevent SET at = %s WHERE id = %s",
                [timezone.now() - timedelta(days=200), old.pk],
            )
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_event_append_only")
    else:
        AuditEvent.objects.filter(pk=old.pk).update(at=timezone.now() - timedelta(days=200))
    assert purge_expired() == 1
    assert list(AuditEvent.objects.values_list("pk", flat=True)) == [new.pk]
