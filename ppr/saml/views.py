"""The SP's endpoints: metadata, the login redirect to the IdP and the Assertion Consumer
Service. Every one answers 404 while SAML is off (PPR_SAML_IDP_METADATA empty)."""

import logging

from django.conf import settings
from django.contrib.auth import login
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from ppr.accounts import sso
from ppr.accounts.middleware import MFA_BY_IDP

from . import config, sp

logger = logging.getLogger(__name__)

BACKEND = "ppr.accounts.backends.SsoBackend"


def _enabled() -> None:
    if not config.enabled():
        raise Http404


@require_GET
def metadata(request: HttpRequest) -> HttpResponse:
    _enabled()
    return HttpResponse(sp.metadata(), content_type="application/samlmetadata+xml")


@require_GET
def begin(request: HttpRequest) -> HttpResponse:
    """Send the browser to the IdP with a signed AuthnRequest."""
    _enabled()
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    return HttpResponseRedirect(sp.login_url(request, next_url))


def _refused(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "saml/refused.html", {"message": message}, status=403)


@csrf_exempt  # the IdP's cross-site POST; the signed assertion is what is checked
@require_POST
def acs(request: HttpRequest) -> HttpResponse:
    """The Assertion Consumer Service: a verified assertion signs the user in with the roles
    the municipality gives him now."""
    _enabled()
    try:
        identity = sp.consume(request)
    except sp.SamlError as error:
        logger.warning("SAML-svar afvist: %s", error.reason)
        return _refused(
            request,
            "Vi kunne ikke godkende svaret fra kommunens login. Prøv at logge ind igen.",
        )
    try:
        user = sso.sign_in(identity)
    except sso.SignInRefused as refusal:
        logger.info("Login med KOMBIT afvist for %s: %s", identity.subject, refusal.message)
        return _refused(request, refusal.message)
    login(request, user, backend=BACKEND)
    request.session[MFA_BY_IDP] = True
    next_url = identity.next_url
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts=set(settings.ALLOWED_HOSTS)):
        next_url = ""
    return redirect(next_url or settings.LOGIN_REDIRECT_URL)
