"""Login, logout and failed logins are written to the audit log.

These are framework events (django.contrib.auth and allauth), not domain effects, so a
receiver is the one place that sees every login path (password, SSO, MFA).
"""

from typing import Any

from allauth.mfa.signals import authenticator_added, authenticator_removed
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .models import AuditAction
from .services import record


@receiver(user_logged_in)
def on_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    record(request, AuditAction.LOGIN, user=user, purpose="login")


@receiver(user_logged_out)
def on_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record(request, AuditAction.LOGOUT, user=user, purpose="log ud")


@receiver(user_login_failed)
def on_login_failed(
    sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
) -> None:
    # The attempted login name is kept (it may be a typo of a real account): it is what an
    # operator needs to spot a password-guessing attack.
    term = str(
        credentials.get("email") or credentials.get("username") or credentials.get("login") or ""
    )
    record(request, AuditAction.LOGIN_FAILED, term=term, purpose="login", user=None)


@receiver(authenticator_added)
def on_mfa_added(sender: Any, request: Any, authenticator: Any, **kwargs: Any) -> None:
    record(request, AuditAction.MFA, obj=authenticator, purpose="totrinsbekræftelse tilføjet")


@receiver(authenticator_removed)
def on_mfa_removed(sender: Any, request: Any, authenticator: Any, **kwargs: Any) -> None:
    record(request, AuditAction.MFA, obj=authenticator, purpose="totrinsbekræftelse fjernet")
