import django_tables2 as tables

from .labels import Key, object_labels
from .models import AuditEvent


class AuditEventTable(tables.Table):
    """The audit log as the PPR leader sees it: who did what, to which child, when and why.

    Only the time is sortable: it is the order of every index on the table, so sorting a
    log of millions of rows never needs a full sort.
    """

    at = tables.DateTimeColumn(verbose_name="Tidspunkt", format="d.m.Y H:i:s")
    actor_name = tables.Column(verbose_name="Bruger", orderable=False, default="–")
    role = tables.Column(verbose_name="Rolle", orderable=False, default="–")
    action = tables.Column(verbose_name="Handling", orderable=False)
    object = tables.Column(
        verbose_name="Objekt", accessor="object_id", orderable=False, default="–"
    )
    child_id = tables.Column(verbose_name="Barn (id)", orderable=False, default="–")
    term = tables.Column(verbose_name="Søgning", orderable=False, default="–")
    purpose = tables.Column(verbose_name="Formål", orderable=False, default="–")
    ip = tables.Column(verbose_name="IP-adresse", orderable=False, default="–")
    request_id = tables.Column(verbose_name="Request-id", orderable=False, default="–")

    object_labels: dict[Key, str] | None = None

    class Meta:
        model = AuditEvent
        fields = (
            "at",
            "actor_name",
            "role",
            "action",
            "object",
            "child_id",
            "term",
            "purpose",
            "ip",
            "request_id",
        )
        order_by = "-at"
        empty_text = "Ingen loghændelser matcher søgningen."
        attrs = {"id": "audit-table"}

    def render_object(self, record: AuditEvent) -> str:
        if self.object_labels is None:  # read once for the page, on its first row
            self.object_labels = object_labels(row.record for row in self.paginated_rows)
        return self.object_labels.get((record.object_type, record.object_id), "–")
