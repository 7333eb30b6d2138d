"""allauth's social login: the staff's SSO as before, the parents' MitID through parents.services."""

from typing import Any

from django.http import HttpRequest

from ppr.accounts.adapters import SocialAccountAdapter as StaffSocialAccountAdapter

from . import oidc, services


class SocialAccountAdapter(StaffSocialAccountAdapter):
    def pre_social_login(self, request: HttpRequest, sociallogin: Any) -> None:
        """A MitID login signs in the custody holder it matches, or ends on a Danish page."""
        if oidc.is_mitid(sociallogin.account.provider):
            services.sign_in_with_mitid(request, sociallogin)
            return
        super().pre_social_login(request, sociallogin)
