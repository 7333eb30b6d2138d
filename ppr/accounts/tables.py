import django_tables2 as tables

from .models import DormantAccount, Membership, SsoRoleMapping

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


RETIRE = """
{% if not record.retired_at %}<a href="{% url 'accounts:sso-mapping-edit' record.pk %}">Ret<span class="sr-only"> {{ record }}</span></a>
<form method="post" action="{% url 'accounts:sso-mapping-retire' record.pk %}" class="ppr-inline-form">{% csrf_token %}
<button type="submit" class="button button-secondary">Udgå<span class="sr-only"> {{ record }}</span></button></form>{% else %}Udgået {{ record.retired_at|date:"d.m.Y" }}{% endif %}
"""


class SsoRoleMappingTable(tables.Table):
    """The PPR leader's mappings from KOMBIT user-system roles to roles in PPR Sag."""

    privilege = tables.Column(
        verbose_name="Brugersystemrolle (KOMBIT)", order_by=("privilege", "pk")
    )
    org_unit = tables.Column(verbose_name="Organisationsenhed", default="Alle", orderable=False)
    target = tables.Column(verbose_name="Rolle i PPR Sag", accessor="role", order_by=("role", "pk"))
    approved_by = tables.Column(verbose_name="Godkendt af", orderable=False, default="–")
    approved_at = tables.DateTimeColumn(verbose_name="Godkendt", format="d.m.Y", default="–")
    actions = tables.TemplateColumn(RETIRE, verbose_name="Handling", orderable=False)

    class Meta:
        model = SsoRoleMapping
        fields = ("privilege", "org_unit", "target", "approved_by", "approved_at", "actions")
        order_by = ("privilege",)
        empty_text = "Ingen roller fra KOMBIT er oversat endnu."
        attrs = {"id": "sso-mapping-table"}

    def render_target(self, record: SsoRoleMapping) -> str:
        scope = record.institution or record.team or record.district
        return f"{record.get_role_display()}" + (f" – {scope}" if scope else "")


class DormantAccountTable(tables.Table):
    """Active users nobody has signed in to for 90 days (the nightly list)."""

    user = tables.Column(
        verbose_name="Bruger", order_by=("user__first_name", "user__last_name", "pk")
    )
    last_seen = tables.DateTimeColumn(
        verbose_name="Sidst logget ind", format="d.m.Y", default="Aldrig"
    )

    class Meta:
        model = DormantAccount
        fields = ("user", "last_seen")
        order_by = ("last_seen",)
        empty_text = "Ingen brugere har været væk i 90 dage."
        attrs = {"id": "dormant-table"}

    def render_user(self, record: DormantAccount) -> str:
        return f"{record.user} ({record.user.email})"
