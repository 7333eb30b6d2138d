"""Tables for meeting lists."""

from typing import Any

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from cases.colours import colour_badge
from cases.models import Child, RulerColour
from ppr.organisation.models import Institution

from .models import (
    TALKS_BEFORE_HENVISNING,
    ConsultationTalk,
    ForumReferral,
    TransitionKind,
    TransitionRequest,
    Trio,
)
from .transitions import subject_label


class ForumReferralTable(tables.Table):
    """Henvisninger: when, from where, to which forum, about whom (or anonymous), colour."""

    referred_on = tables.DateColumn(verbose_name="Dato", format="d.m.Y")
    institution = tables.Column(verbose_name="Institution", order_by=("institution__name",))
    forum = tables.Column(verbose_name="Forum", order_by=("forum__position",))
    subject = tables.Column(verbose_name="Barn", accessor="pk", orderable=False)
    # The TRIO's colour: the named child's rating on the henvisning, or an anonymous one's own.
    ruler_colour = tables.Column(verbose_name="Børnelineal", accessor="colour", orderable=False)
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
        return colour_badge(record.colour, record.colour_label)


class TrioTable(tables.Table):
    """Every institution with its koordinerende TRIO for the chosen school year."""

    name = tables.Column(verbose_name="Institution", linkify=False)
    district = tables.Column(verbose_name="Distrikt", order_by=("district__name",))
    kind = tables.Column(verbose_name="Type")
    leader = tables.Column(verbose_name="Leder", accessor="pk", orderable=False)
    psychologist = tables.Column(verbose_name="PPR-psykolog", accessor="pk", orderable=False)
    resource_person = tables.Column(verbose_name="Ressourceperson", accessor="pk", orderable=False)

    class Meta:
        model = Institution
        fields = ("name", "district", "kind", "leader", "psychologist", "resource_person")
        order_by = "name"
        empty_text = "Ingen institutioner matcher."
        attrs = {"id": "trio-table"}

    @staticmethod
    def _trio(record: Institution) -> Trio | None:
        found: list[Trio] = getattr(record, "year_trios", [])
        return found[0] if found else None

    def render_name(self, record: Institution) -> str:
        return format_html(
            '<a href="{}">{}</a>', reverse("meetings:trio-detail", args=[record.pk]), record.name
        )

    def render_leader(self, record: Institution) -> str:
        trio = self._trio(record)
        return str(trio.leader) if trio else "Ikke sat sammen"

    def render_psychologist(self, record: Institution) -> str:
        trio = self._trio(record)
        return str(trio.psychologist) if trio else "–"

    def render_resource_person(self, record: Institution) -> str:
        trio = self._trio(record)
        if trio is None:
            return "–"
        title = f" ({trio.resource_title})" if trio.resource_title else ""
        return f"{trio.resource_person}{title}"


class ConsultationTalkTable(tables.Table):
    """Skolesocialrådgivning's talks: when, where, with whom, about whom, and the count."""

    held_on = tables.DateColumn(verbose_name="Dato", format="d.m.Y")
    school = tables.Column(
        verbose_name="Skole",
        accessor="slot__institution__name",
        order_by=("slot__institution__name",),
    )
    social_worker = tables.Column(
        verbose_name="Socialrådgiver", accessor="slot__social_worker", orderable=False
    )
    talk_with = tables.Column(verbose_name="Samtale med")
    subject = tables.Column(verbose_name="Barn", accessor="pk", orderable=False)
    counted = tables.Column(verbose_name="Samtaler", accessor="pk", orderable=False)
    # Rendered for every row: an empty cancelled_at means the talk is booked.
    state = tables.Column(verbose_name="Status", accessor="cancelled_at", empty_values=())
    action = tables.TemplateColumn(
        template_name="meetings/_talk_cancel.html", verbose_name="Handling", orderable=False
    )

    class Meta:
        model = ConsultationTalk
        fields = (
            "held_on",
            "school",
            "social_worker",
            "talk_with",
            "subject",
            "counted",
            "state",
            "action",
        )
        order_by = "-held_on"
        empty_text = "Ingen samtaler matcher."
        attrs = {"id": "talk-table"}

    def __init__(self, *args: Any, counts: dict[tuple[int, int], int] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.counts = counts or {}

    def render_subject(self, record: ConsultationTalk) -> str:
        return record.subject_label

    def render_counted(self, record: ConsultationTalk) -> str:
        if not record.counts:
            return "–"
        count = self.counts.get((record.child_id or 0, record.slot.institution_id), 0)
        return f"{count} af {TALKS_BEFORE_HENVISNING}"

    def render_state(self, record: ConsultationTalk) -> str:
        return "Aflyst" if record.is_cancelled else "Booket"


def _colour(colour: str) -> str:
    return colour_badge(colour, str(RulerColour(colour).label) if colour else "")


class TransitionTable(tables.Table):
    """The sending list: children with a yellow or red rating at a transition, and whether the
    receiving TRIO has been asked to act."""

    name = tables.Column(verbose_name="Barn", accessor="pk", order_by=("last_name", "first_name"))
    institution = tables.Column(verbose_name="Institution", order_by=("institution__name",))
    group = tables.Column(verbose_name="Klasse/gruppe")
    birth_date = tables.DateColumn(verbose_name="Født", format="d.m.Y")
    transition = tables.Column(verbose_name="Overgang", accessor="transition")
    colour = tables.Column(
        verbose_name="Børnelineal", accessor="latest_colour", order_by=("latest_colour",)
    )
    rated_on = tables.DateColumn(
        verbose_name="Vurderet", accessor="latest_rated_on", format="d.m.Y"
    )
    request = tables.Column(verbose_name="Modtagende TRIO", accessor="pk", orderable=False)

    class Meta:
        model = Child
        fields = (
            "name",
            "institution",
            "group",
            "birth_date",
            "transition",
            "colour",
            "rated_on",
            "request",
        )
        order_by = ("transition", "name")
        empty_text = "Ingen børn med gul eller rød vurdering skifter institution eller trin."
        attrs = {"id": "transition-table"}

    def __init__(self, *args: Any, school_year: int, can_ask: set[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.school_year = school_year
        self.can_ask = can_ask

    def render_name(self, record: Child) -> str:
        return format_html(
            '<a href="{}">{}</a>', reverse("cases:child-detail", args=[record.pk]), record.name
        )

    def render_transition(self, value: str) -> str:
        return str(TransitionKind(value).label)

    def render_colour(self, value: str) -> str:
        return _colour(value)

    def render_request(self, record: Child) -> str:
        sent: list[TransitionRequest] = getattr(record, "year_requests", [])
        parts = [
            format_html(
                '<a href="{}">{} ({})</a>',
                request.get_absolute_url(),
                request.receiving_institution.name,
                request.get_status_display().lower(),
            )
            for request in sent
        ]
        if record.institution_id in self.can_ask:
            url = reverse("meetings:transition-request-create", args=[record.pk])
            parts.append(
                format_html(
                    '<a href="{}?skoleaar={}">Bed modtagende TRIO handle'
                    '<span class="sr-only"> om {}</span></a>',
                    url,
                    self.school_year,
                    record.name,
                )
            )
        # Each part is format_html's (escaped); the join adds only the line breaks.
        return mark_safe("<br>".join(parts)) if parts else "–"


class TransitionRequestTable(tables.Table):
    """Requests at a transition, received and sent: the child named only where allowed."""

    sent_at = tables.DateTimeColumn(verbose_name="Sendt", format="d.m.Y")
    subject = tables.Column(verbose_name="Barn", accessor="pk", orderable=False)
    kind = tables.Column(verbose_name="Overgang")
    colour = tables.Column(verbose_name="Børnelineal")
    sending_institution = tables.Column(verbose_name="Fra", order_by=("sending_institution__name",))
    receiving_institution = tables.Column(
        verbose_name="Til", order_by=("receiving_institution__name",)
    )
    school_year = tables.Column(verbose_name="Skoleår")
    status = tables.Column(verbose_name="Status")

    class Meta:
        model = TransitionRequest
        fields = (
            "sent_at",
            "subject",
            "kind",
            "colour",
            "sending_institution",
            "receiving_institution",
            "school_year",
            "status",
        )
        order_by = "-sent_at"
        empty_text = "Ingen anmodninger ved overgang matcher."
        attrs = {"id": "transition-request-table"}

    def render_subject(self, record: TransitionRequest) -> str:
        return format_html('<a href="{}">{}</a>', record.get_absolute_url(), subject_label(record))

    def render_colour(self, record: TransitionRequest) -> str:
        # The record's value: django-tables2 hands a choices field's label to ``value``.
        return _colour(record.colour)

    def render_school_year(self, record: TransitionRequest) -> str:
        return record.school_year_label
