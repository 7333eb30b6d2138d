"""The parents' portal: a custody holder's own children, reached with MitID."""

from django.conf import settings
from django.db.models import Count, OuterRef, Q, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from cases.models import ReferralStatus
from ppr.audit.services import log_reads

from .access import children_of, guardianships, is_parent, parent_required

PURPOSE = "forældreportal"
MITID = settings.PPR_MITID_PROVIDER_ID

#: Referrals a parent sees as open: sent to PPR and not yet finished (a draft is the
#: institution's own until it is submitted).
OPEN_REFERRAL_STATUSES = [
    ReferralStatus.SUBMITTED,
    ReferralStatus.RECEIVED,
    ReferralStatus.ACCEPTED,
]


@require_GET
@parent_required
def home(request: HttpRequest) -> HttpResponse:
    """Mine børn: the children the parent holds custody of, with their open referrals."""
    children = list(
        children_of(request.user)
        .select_related("institution")
        .annotate(
            # The parent's own guardianship of the child: the child's page is reached through it.
            guardianship_id=Subquery(
                guardianships(request.user).filter(child_id=OuterRef("pk")).values("pk")[:1]
            ),
            open_referrals=Count(
                "referrals", filter=Q(referrals__status__in=OPEN_REFERRAL_STATUSES)
            ),
        )
        .order_by("first_name", "last_name", "pk")
    )
    log_reads(request, children, purpose=f"{PURPOSE}: mine børn")
    return render(request, "parents/home.html", {"children": children})


@require_GET
def login(request: HttpRequest) -> HttpResponse:
    """Log ind: the parents' entry point (MitID through the municipality's identity broker)."""
    if is_parent(request.user):
        return redirect("parents:home")
    mitid_login_url = ""
    if settings.PPR_MITID_SERVER_URL:
        start = reverse("openid_connect_login", kwargs={"provider_id": MITID})
        mitid_login_url = f"{start}?{urlencode({'next': reverse('parents:home')})}"
    return render(request, "parents/login.html", {"mitid_login_url": mitid_login_url})
