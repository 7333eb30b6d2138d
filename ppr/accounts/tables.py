import django_tables2 as tables

from .models import Membership

DECIDE = """
{% if record.user_id == user.pk %}<span>Din egen rolle – en anden PPR-leder godkender</span>{% else %}
<form method="post" action="{% url 'accounts:membership-approve' record.pk %}" class="ppr-inline-form">{% csrf_token %}
<button type="submit" class="button button-primary">Godkend</button></form>
<form method="post" action="{% url 'accounts:membership-refuse' record.pk %}" class="ppr-inline-form">{% csrf_token %}
<button type="submit" class="button button-secondary">Afvis</button></form>{% endif %}
"""

REMOVE = """
{% if record.user_id != user.pk %}<form method="post" action="{% url 'accounts:membership-remove' record.pk %}" class="ppr-inline-form">{% csrf_token %}
<button type="submit" class="button button-secondary">Fjern<span class="sr-only"> {{ record }} for {{ record.user }}</span></button></form>{% endif %}
"""


class ProposalTable(tables.Table):
    """Grants waiting for a PPR leader: who proposed what, when."""

    user = tables.Column(verbose_name="Bruger", orderable=False)
    grant = tables.Column(verbose_name="Rolle", accessor="pk", orderable=False)
    proposed_by = tables.Column(verbose_name="Foreslået af", orderable=False, default="–")
    proposed_at = tables.DateTimeColumn(
        verbose_name="Foreslået", format="d.m.Y H:i", orderable=False
    )
    decide = tables.TemplateColumn(DECIDE, verbose_name="Beslutning", orderable=False)

    class Meta:
        model = Membership
        fields = ("user", "grant", "proposed_by", "proposed_at", "decide")
        empty_text = "Ingen roller venter på godkendelse."
        attrs = {"id": "proposal-table"}

    def render_user(self, record: Membership) -> str:
        return f"{record.user} ({record.user.email})"

    def render_grant(self, record: Membership) -> str:
        return str(record)


class GrantTable(tables.Table):
    """Who holds which role, since when, proposed and approved by whom."""

    user = tables.Column(
        verbose_name="Bruger", order_by=("user__first_name", "user__last_name", "pk")
    )
    grant = tables.Column(verbose_name="Rolle", accessor="role", order_by=("role", "pk"))
    approved_at = tables.DateTimeColumn(verbose_name="Siden", format="d.m.Y")
    proposed_by = tables.Column(verbose_name="Tildelt af", orderable=False, default="–")
    approved_by = tables.Column(verbose_name="Godkendt af", orderable=False, default="–")
    reviewed_at = tables.DateTimeColumn(
        verbose_name="Sidst gennemgået", format="d.m.Y", default="–"
    )
    remove = tables.TemplateColumn(REMOVE, verbose_name="Fjern", orderable=False)

    class Meta:
        model = Membership
        fields = (
            "user",
            "grant",
            "approved_at",
            "proposed_by",
            "approved_by",
            "reviewed_at",
            "remove",
        )
        order_by = ("user",)
        empty_text = "Ingen har roller."
        attrs = {"id": "grant-table"}

    def render_user(self, record: Membership) -> str:
        return f"{record.user} ({record.user.email})"

    def render_grant(self, record: Membership) -> str:
        return str(record)
