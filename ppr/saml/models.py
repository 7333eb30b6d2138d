"""The replay cache: every assertion id the ACS accepted, until its NotOnOrAfter has passed."""

from django.db import models


class SeenAssertion(models.Model):
    """An assertion id used once; a second Response with it is a replay (unique, so two
    simultaneous posts of one assertion cannot both pass: the database refuses the second)."""

    assertion_id = models.CharField("assertion-id", max_length=200, unique=True)
    issuer = models.CharField("udsteder", max_length=500)
    expires_at = models.DateTimeField("udløber", db_index=True)

    class Meta:
        verbose_name = "brugt SAML-assertion"
        verbose_name_plural = "brugte SAML-assertions"

    def __str__(self) -> str:
        return self.assertion_id


class OutstandingRequest(models.Model):
    """An AuthnRequest sent and not yet answered. Kept on the server, not in the session: the
    IdP's POST to the ACS is cross-site, so the browser does not send the (SameSite=Lax)
    session cookie with it. A Response must answer one of these (InResponseTo), once."""

    request_id = models.CharField("forespørgsels-id", max_length=200, unique=True)
    next_url = models.CharField("videre til", max_length=500, blank=True)
    expires_at = models.DateTimeField("udløber", db_index=True)

    class Meta:
        verbose_name = "udestående SAML-forespørgsel"
        verbose_name_plural = "udestående SAML-forespørgsler"

    def __str__(self) -> str:
        return self.request_id
