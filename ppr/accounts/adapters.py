"""allauth adapters: no self-signup; users are created by the administrator (or SSO with a match)."""

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.http import HttpRequest


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False


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
