from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def saml_login_name() -> str:
    """The KOMBIT login button's text, or "" when SAML is off (the login page shows none)."""
    return settings.PPR_SAML_NAME if settings.PPR_SAML_IDP_METADATA else ""
