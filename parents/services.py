"""Signing a custody holder in with MitID: the match by keyed CPR hash, and what is refused."""

import hashlib
import secrets
from typing import Any

from allauth.account import app_settings as account_settings
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.core.internal import ratelimit
from django.db import transaction
from django.http import HttpRequest
from django.shortcuts import render
from django.utils import timezone

from cases.models import Guardian
from ppr import crypto
from ppr.accounts.models import Membership, Role, User
from ppr.audit.models import AuditAction
from ppr.audit.services import record

from .models import ParentIdentity
from .oidc import MitIDIdentity, sufficient

PURPOSE = "MitID-login (forældre)"

#: Why a MitID login is refused: (Danish heading, Danish explanation, HTTP status).
REFUSALS = {
    "failed": (
        "Login med MitID mislykkedes",
        "Vi kunne ikke gennemføre dit login med MitID. Prøv igen fra forældresiden.",
        400,
    ),
    "low": (
        "Dit MitID-login er ikke sikkert nok",
        "Du skal logge ind med MitID på sikringsniveau Betydelig (fx MitID-appen), fordi "
        "siden viser personoplysninger om dit barn. Log ind igen, og brug MitID-appen eller "
        "en kodeviser.",
        403,
    ),
    "no_cpr": (
        "Vi fik ikke dit CPR-nummer fra MitID",
        "Vi bruger dit CPR-nummer til at finde de børn, du har forældremyndighed over. "
        "Log ind igen, og giv lov til, at dit CPR-nummer bliver brugt.",
        403,
    ),
    "no_custody": (
        "Vi kan ikke finde børn, du har forældremyndighed over",
        "Vi kan ikke finde børn, du har forældremyndighed over, hos PPR. Hvis du mener, det er "
        "en fejl, så kontakt dit barns skole eller dagtilbud, så de kan registrere dig som "
        "forælder med forældremyndighed.",
        403,
    ),
    "too_many": (
        "For mange forsøg",
        "Der har været for mange forsøg på at logge ind. Vent et par minutter, og prøv igen.",
        429,
    ),
}


def refuse(request: HttpRequest, reason: str) -> ImmediateHttpResponse:
    """The Danish page for a refused MitID login (allauth renders it, nothing is created)."""
    heading, text, status = REFUSALS[reason]
    record(request, AuditAction.LOGIN_FAILED, purpose=f"{PURPOSE}: {heading}")
    response = render(
        request, "parents/login_refused.html", {"heading": heading, "text": text}, status=status
    )
    return ImmediateHttpResponse(response)


def _throttle_key(cpr: str) -> str:
    """Per person without the CPR number itself in the cache key."""
    return hashlib.sha256(crypto.lookup_hash(cpr).encode()).hexdigest()[:32]


def _within_limits(request: HttpRequest, key: str | None = None) -> bool:
    """One MitID login counted against ACCOUNT_RATE_LIMITS["mitid_login"]: its per-IP rates,
    or with ``key`` its per-person ("/key") rates. The broker's callback is a GET, which
    allauth's public ``ratelimit.consume`` never counts; its limiter is asked to count GETs
    too (``limit_get``), with only the rates this call can key."""
    rates = account_settings.RATE_LIMITS.get("mitid_login") or ""
    wanted = [
        rate.strip() for rate in rates.split(",") if rate.strip().endswith("/key") == bool(key)
    ]
    usage = ratelimit.consume(
        request,
        app="allauth.account",
        action="mitid_login",
        config={"mitid_login": ",".join(wanted)},
        key=key,
        limit_get=True,
    )
    return usage is not None


def sign_in_with_mitid(request: HttpRequest, sociallogin: Any) -> None:
    """Match a MitID login to the custody holder by keyed CPR hash and connect it to the
    parent's user (created at the first login). A login that matches no custody today, a Low
    assurance level, a missing CPR claim or a wrong nonce ends on a Danish page and creates
    nothing."""
    identity: MitIDIdentity | None = getattr(sociallogin, "mitid", None)
    expected_nonce = sociallogin.state.get("nonce") if sociallogin.state else None
    if identity is None or not expected_nonce or identity.nonce != expected_nonce:
        raise refuse(request, "failed")
    if not _within_limits(request):
        raise refuse(request, "too_many")
    if not sufficient(identity.level):
        raise refuse(request, "low")
    if not identity.cpr:
        raise refuse(request, "no_cpr")
    try:
        hashes = Guardian.hashes_for(identity.cpr)
    except Exception:  # noqa: BLE001 - an unparseable CPR claim is a failed login, not a 500
        raise refuse(request, "failed") from None
    if not _within_limits(request, key=_throttle_key(identity.cpr)):
        raise refuse(request, "too_many")
    if not Guardian.objects.with_cpr_hashes(hashes).holding_custody().exists():
        raise refuse(request, "no_custody")
    user = _parent_user(identity)
    if sociallogin.is_existing:
        if sociallogin.user.pk != user.pk:
            raise refuse(request, "failed")
        return
    sociallogin.connect(request, user)


@transaction.atomic
def _parent_user(identity: MitIDIdentity) -> User:
    """The custody holder's user, found by the keyed CPR hash (any key) or made now, with
    the identity moved to the newest key and the login's level and time."""
    parent = ParentIdentity.with_cpr(identity.cpr).select_related("user").first()
    if parent is None:
        user = User.objects.create_user(
            f"mitid-{secrets.token_hex(12)}@foraeldre.invalid",
            first_name=identity.first_name,
            last_name=identity.last_name,
        )
        user.set_unusable_password()
        user.save(update_fields=["password"])
        Membership.objects.create(user=user, role=Role.PARENT, approved_at=timezone.now())
        parent = ParentIdentity(user=user)
    parent.set_cpr(identity.cpr)
    parent.assurance_level = identity.level or ""
    parent.last_mitid_login = timezone.now()
    parent.save()
    return parent.user
