"""The document list as a django-tables2 table: only the document's own row, no joins."""

import django_tables2 as tables

from .models import Document


def child_label(document: Document) -> str:
    """The child as the document prints it: name and masked CPR (PPV), or names (notat)."""
    context = document.context if isinstance(document.context, dict) else {}
    subject = context.get("subject_line")
    if isinstance(subject, str) and subject.strip():
        return subject
    children = context.get("children")
    if isinstance(children, list):
        return ", ".join(str(name) for name in children)
    return ""


class DocumentTable(tables.Table):
    title = tables.Column(verbose_name="Titel")
    kind = tables.Column(verbose_name="Type")
    child = tables.Column(verbose_name="Barn", accessor="pk", empty_values=(), default="–")
    created_at = tables.DateColumn(verbose_name="Gjort endelig", format="j. N Y")
    pdf = tables.TemplateColumn(
        verbose_name="PDF",
        template_code='{% include "documents/_status.html" with document=record %}',
        accessor="pk",
    )

    class Meta:
        model = Document
        fields = ("title", "kind", "child", "created_at", "pdf")
        empty_text = "Ingen dokumenter matcher."
        attrs = {"id": "document-table"}
        orderable = False

    def render_title(self, record: Document) -> str:
        return f"{record.title} (version {record.version})" if record.version > 1 else record.title

    def render_kind(self, record: Document) -> str:
        return record.get_kind_display()

    def render_child(self, record: Document) -> str:
        return child_label(record) or "–"
