"""Deadline tables: overdue rows are marked in words and style, never by colour alone."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html

from .models import Deadline, Reminder


def _row_class(record: Deadline) -> str:
    return "ppr-overdue" if record.is_overdue else ""


class DeadlineTable(tables.Table):
    """A user's own deadlines: when, what, where, state. The order is the queryset's (overdue first)."""

    due = tables.DateColumn(verbose_name="Frist", format="d.m.Y", orderable=False)
    title = tables.Column(verbose_name="Opgave", orderable=False)
    kind = tables.Column(verbose_name="Type", orderable=False)
    link = tables.Column(verbose_name="Hvor", orderable=False, empty_values=())
    state = tables.Column(verbose_name="Status", orderable=False, empty_values=())
    done = tables.Column(verbose_name="Udført", orderable=False, empty_values=())

    class Meta:
        model = Deadline
        fields: tuple[str, ...] = ("due", "title", "kind", "link", "state", "done")
        empty_text = "Ingen frister matcher."
        attrs = {"id": "deadline-table"}
        row_attrs = {"class": _row_class}

    def render_link(self, record: Deadline) -> str:
        if not record.link:
            return "–"
        return format_html('<a href="{}">Gå til {}</a>', record.link, _subject_noun(record))

    def render_state(self, record: Deadline) -> str:
        if record.is_overdue:
            return format_html('<span class="ppr-badge">{}</span>', record.display_state)
        return record.display_state

    def render_done(self, record: Deadline) -> str:
        # Follow-ups nothing else records are closed by hand; the rest close themselves.
        if not (
            record.is_outstanding
            and getattr(record.content_type.model_class(), "deadline_met_by_hand", False)
        ):
            return "–"
        url = reverse("deadlines:deadline-complete", kwargs={"pk": record.pk})
        return format_html(
            '<a href="{}">Markér som udført<span class="sr-only">: {}</span></a>',
            url,
            record.title,
        )


def _subject_noun(record: Deadline) -> str:
    verbose = record.content_type.model_class()
    return str(verbose._meta.verbose_name) if verbose is not None else "emnet"


class AllDeadlinesTable(DeadlineTable):
    """The PPR leader's overview: also who is responsible, failed e-mails, and reassignment."""

    responsible = tables.Column(
        verbose_name="Ansvarlig", orderable=False, default="Ingen (PPR-ledelse/sekretariat)"
    )
    reminder_failed = tables.Column(verbose_name="Påmindelse", orderable=False, empty_values=())
    actions = tables.Column(verbose_name="Handling", orderable=False, empty_values=())

    class Meta(DeadlineTable.Meta):
        fields = (
            "due",
            "title",
            "kind",
            "responsible",
            "link",
            "state",
            "reminder_failed",
            "actions",
        )
        exclude = ("done",)
        attrs = {"id": "all-deadlines-table"}

    def render_reminder_failed(self, record: Deadline) -> str:
        return "E-mail fejlede" if getattr(record, "reminder_failed", False) else "–"

    def render_actions(self, record: Deadline) -> str:
        if not record.is_outstanding:
            return "–"
        url = reverse("deadlines:deadline-reassign", kwargs={"pk": record.pk})
        return format_html(
            '<a href="{}">Giv videre<span class="sr-only">: {}</span></a>', url, record.title
        )


class FailedReminderTable(tables.Table):
    """Reminders whose e-mail failed after the last retry (the in-app notification was shown)."""

    deadline = tables.Column(verbose_name="Frist", accessor="deadline__title", orderable=False)
    due = tables.DateColumn(
        verbose_name="Forfald", accessor="deadline__due", format="d.m.Y", orderable=False
    )
    responsible = tables.Column(
        verbose_name="Ansvarlig", accessor="deadline__responsible", orderable=False, default="Ingen"
    )
    kind = tables.Column(verbose_name="Påmindelse", orderable=False)
    attempts = tables.Column(verbose_name="Forsøg", orderable=False)
    last_error = tables.Column(verbose_name="Fejl", orderable=False, default="–")
    created_at = tables.DateTimeColumn(verbose_name="Oprettet", format="d.m.Y H:i", orderable=False)

    class Meta:
        model = Reminder
        fields = ("deadline", "due", "responsible", "kind", "attempts", "last_error", "created_at")
        empty_text = "Ingen påmindelser er fejlet."
        attrs = {"id": "failed-reminder-table"}
