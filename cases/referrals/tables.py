"""Tables of referrals: PPR's intake queue and the institutions' list."""

from datetime import date, datetime, timedelta
from typing import Any

import django_tables2 as tables
from django.db.models import F, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from cases.colours import colour_badge
from cases.models import Child, Referral, ReferralRequest, ReferralStatus

REQUEST_LABELS = dict(ReferralRequest.choices)


def number_link(pk: int) -> SafeString:
    """The referral's number as a link to it."""
    return format_html('<a href="{}">Nr. {}</a>', reverse("cases:referral-detail", args=[pk]), pk)


def waiting_days(submitted_at: datetime | None, today: date) -> int | None:
    if submitted_at is None:
        return None
    return (today - timezone.localtime(submitted_at).date()).days


class ReferralQueueTable(tables.Table):
    """PPR's intake: what waits, from where, how urgent, for how long."""

    number = tables.Column(verbose_name="Nr.", accessor="pk", order_by=("pk",))
    child = tables.Column(
        verbose_name="Barn", accessor="child", order_by=("child__last_name", "child__first_name")
    )
    age = tables.Column(
        verbose_name="Alder", accessor="child__birth_date", order_by=("-child__birth_date",)
    )
    institution = tables.Column(
        verbose_name="Institution", accessor="institution__name", order_by=("institution__name",)
    )
    district = tables.Column(
        verbose_name="Distrikt",
        accessor="institution__district__name",
        order_by=("institution__district__name",),
    )
    requests = tables.Column(verbose_name="Ønsker", orderable=False)
    ruler_colour = tables.Column(verbose_name="Børnelineal")
    status = tables.Column(verbose_name="Status")
    submitted_at = tables.DateTimeColumn(verbose_name="Indsendt", format="d.m.Y")
    waiting = tables.Column(
        verbose_name="Ventetid",
        accessor="submitted_at",
        order_by=("submitted_at",),
    )

    class Meta:
        order_by = "waiting"
        empty_text = "Ingen indstillinger venter."
        attrs = {"id": "referral-queue-table"}
        sequence = (
            "number",
            "child",
            "age",
            "institution",
            "district",
            "requests",
            "ruler_colour",
            "status",
            "submitted_at",
            "waiting",
        )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = timezone.localdate()  # once, not for each row's age and waiting time

    def render_number(self, record: Referral) -> str:
        return number_link(record.pk)

    def render_child(self, value: Child) -> str:
        return value.name

    def render_age(self, record: Referral) -> str:
        return f"{record.child.age_on(self.today)} år"

    def render_institution(self, value: str, record: Referral) -> str:
        # The parents' own referrals are marked: PPR answers the parents, not the institution.
        if record.parent_request:
            return format_html('{} <span class="ppr-badge">Forældreindstilling</span>', value)
        return value

    def render_requests(self, value: list[str]) -> str:
        return format_html_join(", ", "{}", ((REQUEST_LABELS.get(v, v),) for v in value)) or "–"

    def render_ruler_colour(self, record: Referral) -> str:
        # The stored value, not ``value``: django-tables2 passes a choice field's display text.
        return colour_badge(record.ruler_colour)

    def render_waiting(self, value: datetime | None) -> str:
        days = waiting_days(value, self.today)
        return "–" if days is None else f"{days} dag{'e' if days != 1 else ''}"

    def order_waiting(self, queryset: QuerySet, is_descending: bool) -> tuple[QuerySet, bool]:
        # Longest waiting first when "ascending": the oldest submission.
        field = F("submitted_at")
        ordered = queryset.order_by(
            field.desc(nulls_last=True) if is_descending else field.asc(nulls_last=True), "pk"
        )
        return ordered, True


class ReferralTable(tables.Table):
    """An institution's referrals with their status (PPR: every referral it can see)."""

    number = tables.Column(verbose_name="Nr.", accessor="pk", order_by=("pk",))
    child = tables.Column(
        verbose_name="Barn", accessor="child", order_by=("child__last_name", "child__first_name")
    )
    institution = tables.Column(
        verbose_name="Institution", accessor="institution__name", order_by=("institution__name",)
    )
    status = tables.Column(verbose_name="Status")
    author = tables.Column(verbose_name="Oprettet af", order_by=("author__first_name",))
    updated_at = tables.DateTimeColumn(verbose_name="Senest ændret", format="d.m.Y H:i")
    submitted_at = tables.DateTimeColumn(verbose_name="Indsendt", format="d.m.Y", default="–")

    class Meta:
        order_by = "-updated_at"
        empty_text = "Der er ingen indstillinger."
        attrs = {"id": "referral-table"}
        sequence = (
            "number",
            "child",
            "institution",
            "status",
            "author",
            "updated_at",
            "submitted_at",
        )

    def __init__(self, *args: Any, expiry_days: int = 30, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.expiry_days = expiry_days

    def render_number(self, record: Referral) -> str:
        return number_link(record.pk)

    def render_child(self, value: Child) -> str:
        return value.name

    def render_status(self, record: Referral) -> str:
        label = record.get_status_display()
        if record.status == ReferralStatus.DRAFT:
            expires = timezone.localtime(record.updated_at + timedelta(days=self.expiry_days))
            return format_html("{} <small>(slettes {})</small>", label, f"{expires:%d.%m.%Y}")
        return label
