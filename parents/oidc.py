"""Custody holders' MitID login through the municipality's identity broker (OpenID Connect).

allauth's OpenID Connect provider serves both the staff's SSO (provider id ``kommune``) and the
parents' MitID (``mitid``, ``settings.PPR_MITID_PROVIDER_ID``); this subclass (installed with
allauth's documented ``provider_class`` setting) changes nothing for the staff app. For MitID it
sends a nonce, never takes scope or parameters from the request, verifies the ID token's RS256
signature against the broker's JWKS even though it came straight from the token endpoint (allauth
skips that, as OIDC Core allows), and checks its issuer, audience, expiry and nonce. It reads the
CPR number and the assurance level from the claims named in the settings and keeps them on the
login object in memory only: the CPR claim is removed before allauth stores anything
(``SocialAccount.extra_data``), so it is never in the database, the session, a URL or a log.
"""

import secrets
from dataclasses import dataclass
from typing import Any

from allauth.socialaccount.internal import jwtkit
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.openid_connect import provider as oidc_provider
from allauth.socialaccount.providers.openid_connect import views as oidc_views
from django.conf import settings
from django.http import HttpRequest

from .models import AssuranceLevel

#: The order of NSIS assurance levels (INTEGRATIONS.md §2).
LEVELS = [AssuranceLevel.LOW, AssuranceLevel.SUBSTANTIAL, AssuranceLevel.HIGH]


def assurance_level(value: object) -> AssuranceLevel | None:
    """The NSIS level of a ``loa`` claim: ``Substantial``, ``substantial`` or NemLog-in's
    ``https://data.gov.dk/concept/core/nsis/loa/Substantial`` alike; None if unknown."""
    if not isinstance(value, str):
        return None
    word = value.rstrip("/").rsplit("/", 1)[-1].strip().lower()
    return next((level for level in LEVELS if level.value == word), None)


def sufficient(level: AssuranceLevel | None) -> bool:
    """At least the required level (``PPR_MITID_MIN_LOA``, Substantial by default)."""
    required = AssuranceLevel(settings.PPR_MITID_MIN_LOA)
    return level is not None and LEVELS.index(level) >= LEVELS.index(required)


@dataclass(frozen=True)
class MitIDIdentity:
    """What the broker said about the person, in memory for this request only."""

    cpr: str  # "" when the broker sent none (MitID without CPR, or the scope not granted)
    level: AssuranceLevel | None
    nonce: str
    first_name: str
    last_name: str


def is_mitid(provider_id: str) -> bool:
    return bool(settings.PPR_MITID_SERVER_URL) and provider_id == settings.PPR_MITID_PROVIDER_ID


def _strip(claims: dict[str, Any]) -> dict[str, Any]:
    """The claims without any CPR claim (the configured one and the brokers' known names)."""
    hidden = {settings.PPR_MITID_CPR_CLAIM, *CPR_CLAIMS}
    return {name: value for name, value in claims.items() if name not in hidden}


#: CPR claims of the brokers INTEGRATIONS.md §2 lists: removed whichever one is configured.
CPR_CLAIMS = frozenset(
    {
        "dk.cpr",
        "cprNumberIdentifier",
        "nin",
        "https://data.gov.dk/model/core/eid/cprNumber",
    }
)


class OAuth2Adapter(oidc_views.OpenIDConnectOAuth2Adapter):
    def complete_login(self, request: HttpRequest, app: Any, token: Any, **kwargs: Any) -> Any:
        if not is_mitid(app.provider_id):
            return super().complete_login(request, app, token, **kwargs)
        raw = kwargs["response"].get("id_token")
        if not raw:
            raise OAuth2Error("No id_token")
        # Always verified, though it came over TLS from the token endpoint: MitID is the only
        # proof of who a parent is.
        id_token = jwtkit.verify_and_decode(
            credential=raw,
            keys_url=self.openid_config["jwks_uri"],
            issuer=self.openid_config["issuer"],
            audience=app.client_id,
            lookup_kid=jwtkit.lookup_kid_jwk,
            verify_signature=True,
        )
        claims = dict(id_token)
        userinfo: dict[str, Any] = {}
        if self.openid_config.get("userinfo_endpoint"):
            userinfo = self._fetch_user_info(token.token)
            if userinfo.get("sub") != id_token.get("sub"):
                raise OAuth2Error("UserInfo is about another subject")
            claims |= userinfo
        cpr = claims.get(settings.PPR_MITID_CPR_CLAIM)
        identity = MitIDIdentity(
            cpr=cpr if isinstance(cpr, str) else "",
            level=assurance_level(claims.get(settings.PPR_MITID_LOA_CLAIM)),
            nonce=str(id_token.get("nonce", "")),
            first_name=str(claims.get("given_name", ""))[:150],
            last_name=str(claims.get("family_name", ""))[:150],
        )
        data = {"id_token": _strip(id_token)}
        if userinfo:
            data["userinfo"] = _strip(userinfo)
        login = self.get_provider().sociallogin_from_response(request, data)
        # Never matched to an existing (staff) user by an e-mail the broker might send.
        login.email_addresses = []
        login.mitid = identity
        return login


class Provider(oidc_provider.OpenIDConnectProvider):
    """allauth's OpenID Connect provider, with the MitID app's stricter login."""

    oauth2_adapter_class = OAuth2Adapter

    @classmethod
    def get_package(cls) -> str:
        # allauth's URLs (/konto/oidc/<provider_id>/login/…) with this module's adapter.
        return "parents.openid_connect"

    @property
    def _mitid(self) -> bool:
        return is_mitid(self.app.provider_id)

    def get_scope_from_request(self, request: HttpRequest) -> list[str]:
        return self.get_scope() if self._mitid else super().get_scope_from_request(request)

    def get_auth_params_from_request(self, request: HttpRequest, action: Any) -> dict[str, Any]:
        if self._mitid:
            return self.get_auth_params()
        return super().get_auth_params_from_request(request, action)

    def redirect(
        self,
        request: HttpRequest,
        process: Any,
        next_url: str | None = None,
        data: Any = None,
        **kwargs: Any,
    ) -> Any:
        if self._mitid:
            nonce = secrets.token_urlsafe(32)
            params = kwargs.pop("auth_params", None) or self.get_auth_params()
            kwargs["auth_params"] = {**params, "nonce": nonce}
            kwargs["nonce"] = nonce  # kept in allauth's login state, compared at the callback
        return super().redirect(request, process, next_url, data, **kwargs)
