"""The leader's Tidlig opsporing overview: recent observations, sorted and paged."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from cases.models import EarlyObservation, ObservationFinding


def led_to(record: EarlyObservation) -> list[str]:
    """What the observation led to, in words."""
    steps = []
    if record.rating_id:
        steps.append("Børnelineal-vurdering")
    if record.referral_id:
        steps.append("Indstilling til PPR")
    if record.forum_referral_id:
        steps.append("TRIO-henvisning")
    return steps


class ObservationTable(tables.Table):
    """Observations: when, which child, where, what kind, the result and what it led to."""

    observed_on = tables.DateColumn(verbose_name="Dato", format="d.m.Y")
    child = tables.Column(
        verbose_name="Barn", order_by=("child__last_name", "child__first_name", "pk")
    )
    institution = tables.Column(verbose_name="Institution", order_by=("institution__name", "pk"))
    kind = tables.Column(verbose_name="Type")
    finding = tables.Column(verbose_name="Resultat")
    profession = tables.Column(verbose_name="Registreret af")
    result = tables.Column(verbose_name="Førte til", accessor="pk", orderable=False)

    class Meta:
        model = EarlyObservation
        fields = (
            "observed_on",
            "child",
            "institution",
            "kind",
            "finding",
            "profession",
            "result",
        )
        order_by = "-observed_on"
        empty_text = "Ingen observationer matcher."
        attrs = {"id": "observation-table"}

    def render_child(self, record: EarlyObservation) -> str:
        url = reverse("cases:child-observations", kwargs={"pk": record.child_id})
        return format_html('<a href="{}#observation-{}">{}</a>', url, record.pk, record.child.name)

    def render_finding(self, record: EarlyObservation) -> str:
        label = record.get_finding_display()
        if record.finding == ObservationFinding.CONCERN:
            return format_html("<strong>{}</strong>", label)
        return label

    def render_profession(self, record: EarlyObservation) -> str:
        return format_html("{} ({})", record.recorded_by, record.get_profession_display())

    def render_result(self, record: EarlyObservation) -> str:
        steps = led_to(record)
        if not steps:
            return "–"
        return format_html_join(", ", "{}", ((step,) for step in steps))
