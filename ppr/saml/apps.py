from django.apps import AppConfig


class SamlConfig(AppConfig):
    name = "ppr.saml"
    label = "saml"
    verbose_name = "KOMBIT-login (SAML)"
