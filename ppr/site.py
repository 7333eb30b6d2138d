"""The site's own address (``PPR_SITE_URL``): links that leave the site, as in e-mails, are
absolute, because a mail client has no page to resolve ``/sager/…`` against."""

from django.conf import settings


def absolute_url(path: str = "/") -> str:
    """``path`` (``/sager/38/``) on the site's address: ``https://ppr.kommune.example/sager/38/``."""
    return f"{settings.PPR_SITE_URL}/{path.lstrip('/')}"
