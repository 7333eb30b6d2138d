"""allauth adapters: no self-signup; users are created by the administrator (or SSO with a match)."""

from types import SimpleNamespace
from typing import Any
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.http import HttpRequest

from ppr.site import absolute_url


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """allauth's e-mails name the site by its address (PPR_SITE_URL), not the request's host."""
        site = SimpleNamespace(name="PPR Sag", domain=settings.PPR_SITE_URL)
        super().send_mail(template_prefix, email, {"current_site": site, **context})

    def get_reset_password_from_key_url(self, key: str) -> str:
        """The reset link on the site's address: the request's Host header may be the proxy's."""
        return absolute_url(urlsplit(super().get_reset_password_from_key_url(key)).path)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """SSO logs in existing users only: the municipality's IdP proves who, PPR Sag decides what."""

    def is_open_for_signup(self, request: HttpRequest, sociallogin: object) -> bool:
        return False

    def is_auto_signup_allowed(self, request: HttpRequest, sociallogin: object) -> bool:
        return False

    def authenticate_by_email(self, sociallogin: Any) -> tuple[Any, str] | None:
        """Match the IdP's user to an existing user by e-mail.

        The municipality's own identity provider is the authority on its employees' addresses,
        but many (Entra ID, AD FS) send no ``email_verified`` claim; without this, nobody could
        log in through it. Only the provider configured in settings is ever asked.
        """
        for address in sociallogin.email_addresses:
            address.verified = True
        return super().authenticate_by_email(sociallogin)
