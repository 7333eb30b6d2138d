"""Tables of the visitation app: the applications."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from cases.models import Child

from .models import SupportApplication


def number_link(pk: int) -> SafeString:
    """The application's number as a link to it."""
    url = reverse("visitation:application-detail", args=[pk])
    return format_html('<a href="{}">Nr. {}</a>', url, pk)


class ApplicationTable(tables.Table):
    """Applications for special support with their status."""

    number = tables.Column(verbose_name="Nr.", accessor="pk", order_by=("pk",))
    child = tables.Column(
        verbose_name="Barn", accessor="child", order_by=("child__last_name", "child__first_name")
    )
    institution = tables.Column(
        verbose_name="Institution", accessor="institution__name", order_by=("institution__name",)
    )
    requested_kind = tables.Column(verbose_name="Der søges om", default="–")
    status = tables.Column(verbose_name="Status")
    updated_at = tables.DateTimeColumn(verbose_name="Senest ændret", format="d.m.Y H:i")
    submitted_at = tables.DateTimeColumn(verbose_name="Indsendt", format="d.m.Y", default="–")

    class Meta:
        order_by = "-updated_at"
        empty_text = "Der er ingen ansøgninger."
        attrs = {"id": "application-table"}
        sequence = (
            "number",
            "child",
            "institution",
            "requested_kind",
            "status",
            "updated_at",
            "submitted_at",
        )

    def render_number(self, record: SupportApplication) -> SafeString:
        return number_link(record.pk)

    def render_child(self, value: Child) -> str:
        return value.name
