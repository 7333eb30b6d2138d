"""Start-page panels for referrals: the leader's own institution, PPR's intake, one's own drafts."""

from datetime import timedelta

from django.db.models import Count, Min, Q
from django.utils import timezone

from cases.models import WAITING_STATUSES, Referral, ReferralStatus, institutions_own
from ppr.accounts.models import Role
from ppr.http import AuthenticatedHttpRequest
from ppr.organisation.models import Municipality
from ppr.overview import Panel, register

DRAFT_ROWS = 5


@register(order=10)
def institution_referrals(request: AuthenticatedHttpRequest) -> Panel | None:
    """The institution leader: the own institution's referrals, counted by status."""
    institutions = request.user.institution_ids(Role.INSTITUTION_LEADER)
    if not institutions:
        return None
    counts = dict(
        Referral.objects.filter(institutions_own(institutions))
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    rows = [(s.value, s.label, counts[s.value]) for s in ReferralStatus if counts.get(s.value)]
    return Panel(
        "cases/referral_panel_institution.html",
        {"counts": rows, "can_draft": request.user.has_perm("cases.draft_referral")},
    )


@register(order=11)
def intake_queue(request: AuthenticatedHttpRequest) -> Panel | None:
    """PPR's leader and secretary: how many referrals wait, and since when."""
    if not request.user.has_perm("cases.view_referral_queue"):
        return None
    summary = Referral.objects.filter(status__in=WAITING_STATUSES).aggregate(
        waiting=Count("pk"),
        unreceived=Count("pk", filter=Q(status=ReferralStatus.SUBMITTED)),
        oldest=Min("submitted_at"),
    )
    oldest = summary["oldest"]
    days = (timezone.localdate() - timezone.localtime(oldest).date()).days if oldest else None
    return Panel("cases/referral_panel_intake.html", {**summary, "oldest_days": days})


@register(order=12)
def my_drafts(request: AuthenticatedHttpRequest) -> Panel | None:
    """Drafts the user started, with the date each will be deleted unless touched."""
    if not request.user.has_perm("cases.draft_referral"):
        return None
    drafts = list(
        Referral.objects.visible_to(request.user)
        .filter(author=request.user, status=ReferralStatus.DRAFT)
        .select_related("child")
        .order_by("updated_at")[:DRAFT_ROWS]
    )
    if not drafts:
        return None
    days = Municipality.current().referral_draft_expiry_days
    for draft in drafts:
        draft.expires_on = timezone.localtime(draft.updated_at + timedelta(days=days)).date()  # type: ignore[attr-defined]  # for the template
    return Panel("cases/referral_panel_drafts.html", {"drafts": drafts})
