from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from ppr import overview
from ppr.audit.models import AuditAction
from ppr.audit.services import record

from .middleware import note_activity


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Mit overblik: the start page, made of the panels that apply to this user."""
    return render(request, "accounts/home.html", {"panels": overview.panels_for(request)})


@login_required
@require_POST
def keep_alive(request: HttpRequest) -> HttpResponse:
    """The idle-timeout warning's "Forbliv logget ind": the session's idle time starts again."""
    note_activity(request)
    return HttpResponse(status=204)


@login_required
@require_POST
def logout_everywhere(request: HttpRequest) -> HttpResponse:
    user = request.user
    record(request, AuditAction.LOGOUT, purpose="log ud alle steder")
    user.end_all_sessions()  # type: ignore[union-attr]
    logout(request)
    messages.success(request, "Du er logget ud på alle enheder.")
    return redirect(settings.LOGIN_URL)


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and readiness for the load balancer: database and (if configured) Redis."""
    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception:  # noqa: BLE001 - any failure means not ready
        checks["database"] = "fejl"
    if settings.REDIS_URL:
        try:
            import redis

            redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2).ping()
            checks["redis"] = "ok"
        except Exception:  # noqa: BLE001
            checks["redis"] = "fejl"
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "fejl", **checks}, status=200 if healthy else 503
    )


@login_required
def account_settings(request: HttpRequest) -> HttpResponse:
    from allauth.mfa.utils import is_mfa_enabled

    return render(request, "accounts/settings.html", {"mfa_enabled": is_mfa_enabled(request.user)})
