"""The review's drill-down and the deletion log: type, internal id and dates, never content."""

import django_tables2 as tables

from .models import DeletionLogEntry, DueItem


class DueItemTable(tables.Table):
    record_type = tables.Column(verbose_name="Posttype", orderable=False)
    object_id = tables.Column(verbose_name="Intern id")
    clock_started = tables.DateColumn(verbose_name="Uret startede", format="d.m.Y")
    due_on = tables.DateColumn(verbose_name="Kan slettes fra", format="d.m.Y")
    state = tables.Column(verbose_name="Tilstand", orderable=False)

    labels: dict[str, str] = {}

    class Meta:
        model = DueItem
        fields = ("record_type", "object_id", "clock_started", "due_on", "state")
        order_by = "object_id"
        empty_text = "Ingen poster."
        attrs = {"id": "due-items"}

    def render_record_type(self, value: str) -> str:
        return self.labels.get(value, value)


class DeletionLogTable(tables.Table):
    deleted_at = tables.DateTimeColumn(verbose_name="Slettet", format="d.m.Y H:i")
    record_type = tables.Column(verbose_name="Posttype", orderable=False)
    object_id = tables.Column(verbose_name="Intern id", orderable=False)
    rule = tables.Column(verbose_name="Regel", orderable=False)
    approved_by = tables.Column(verbose_name="Godkendt af", orderable=False, default="–")

    labels: dict[str, str] = {}

    class Meta:
        model = DeletionLogEntry
        fields = ("deleted_at", "record_type", "object_id", "rule", "approved_by")
        order_by = "-deleted_at"
        empty_text = "Intet er slettet endnu."
        attrs = {"id": "deletion-log"}

    def render_record_type(self, value: str) -> str:
        return self.labels.get(value, value)

    def render_approved_by(self, record: DeletionLogEntry) -> str:
        if record.automatic:
            return "Automatisk godkendelse"
        return str(record.approved_by) if record.approved_by else "–"
