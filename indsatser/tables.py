"""django-tables2 tables: the course list and the school's absence cases."""

import django_tables2 as tables
from django.utils.html import format_html

from cases.colours import colour_badge

from .models import AbsenceCase, Course


class CourseTable(tables.Table):
    title = tables.Column(verbose_name="Forløb", linkify=True)
    intervention = tables.Column(verbose_name="Indsats", accessor="intervention__name")
    level = tables.Column(verbose_name="Niveau", accessor="intervention__level", orderable=True)
    kind = tables.Column(verbose_name="Type")
    institution = tables.Column(verbose_name="Institution", default="–")
    responsible = tables.Column(
        verbose_name="Ansvarlig", order_by=("responsible__first_name", "responsible__last_name")
    )
    participant_count = tables.Column(verbose_name="Deltagere", orderable=True)
    starts_on = tables.DateColumn(verbose_name="Start", format="d.m.Y")
    status = tables.Column(verbose_name="Status")

    class Meta:
        model = Course
        fields = (
            "title",
            "intervention",
            "level",
            "kind",
            "institution",
            "responsible",
            "participant_count",
            "starts_on",
            "status",
        )
        order_by = "-starts_on"
        empty_text = "Ingen forløb matcher."
        attrs = {"id": "course-table"}

    def render_level(self, record: Course) -> str:
        return colour_badge(record.intervention.level, record.intervention.get_level_display())


class AbsenceCaseTable(tables.Table):
    child = tables.Column(
        verbose_name="Elev",
        linkify=lambda record: record.get_absolute_url(),
        order_by=("child__last_name", "child__first_name"),
    )
    group = tables.Column(verbose_name="Klasse", accessor="child__group", default="–")
    period = tables.Column(verbose_name="Periode", accessor="year", order_by=("year", "quarter"))
    absence_percent = tables.Column(verbose_name="Ulovligt fravær")
    current_step = tables.Column(
        verbose_name="Nuværende trin", default="Intet trin endnu", order_by=("current_step__order",)
    )
    overdue_steps = tables.Column(verbose_name="Overskredne trin")
    status = tables.Column(verbose_name="Status")

    class Meta:
        model = AbsenceCase
        fields = (
            "child",
            "group",
            "period",
            "absence_percent",
            "current_step",
            "overdue_steps",
            "status",
        )
        order_by = ("-overdue_steps", "-period")
        empty_text = "Ingen fraværssager matcher."
        attrs = {"id": "absence-table"}

    def render_period(self, record: AbsenceCase) -> str:
        return record.period_label

    def render_absence_percent(self, value: object) -> str:
        return f"{value} %".replace(".", ",")

    def render_overdue_steps(self, value: int) -> str:
        if value:
            return format_html('<span class="ppr-overdue">{} overskredet</span>', value)
        return "Ingen"
