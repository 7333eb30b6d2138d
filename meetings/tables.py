"""Tables for meeting lists."""

import django_tables2 as tables
from django.utils.html import format_html

from cases.colours import colour_badge

from .models import ForumReferral


class ForumReferralTable(tables.Table):
    """Henvisninger: when, from where, to which forum, about whom (or anonymous), colour."""

    referred_on = tables.DateColumn(verbose_name="Dato", format="d.m.Y")
    institution = tables.Column(verbose_name="Institution", order_by=("institution__name",))
    forum = tables.Column(verbose_name="Forum", order_by=("forum__position",))
    subject = tables.Column(verbose_name="Barn", accessor="pk", orderable=False)
    ruler_colour = tables.Column(verbose_name="Børnelineal")
    follow_up_on = tables.DateColumn(verbose_name="Opfølgning", format="d.m.Y")

    class Meta:
        model = ForumReferral
        fields = ("referred_on", "institution", "forum", "subject", "ruler_colour", "follow_up_on")
        order_by = "-referred_on"
        empty_text = "Ingen henvisninger matcher."
        attrs = {"id": "forumreferral-table"}

    def render_subject(self, record: ForumReferral) -> str:
        draft = " (kladde)" if record.is_draft else ""
        return format_html(
            '<a href="{}">{}</a>{}', record.get_absolute_url(), record.subject_label, draft
        )

    def render_ruler_colour(self, record: ForumReferral) -> str:
        return colour_badge(record.ruler_colour, record.get_ruler_colour_display())
