"""The configured CPR lookup (``PPR_CPR_LOOKUP``): SF1520 on Serviceplatformen, or none."""

from django.conf import settings

from .lookup import CprLookup
from .sf1520 import Sf1520Lookup


def get_lookup() -> CprLookup | None:
    """The CPR lookup the settings configure, or ``None`` when it is off (type by hand)."""
    if settings.PPR_CPR_LOOKUP != "sf1520":
        return None
    return Sf1520Lookup(
        url=settings.PPR_CPR_URL,
        municipality_cvr=settings.PPR_CPR_MUNICIPALITY_CVR,
        service_agreement=settings.PPR_CPR_SERVICE_AGREEMENT_UUID,
        user_system=settings.PPR_CPR_USER_SYSTEM_UUID,
        user=settings.PPR_CPR_USER_UUID,
        service=settings.PPR_CPR_SERVICE_UUID,
        cert_path=settings.PPR_CPR_CERT,
        key_path=settings.PPR_CPR_KEY,
        ca_path=settings.PPR_CPR_CA,
        timeout=settings.PPR_CPR_TIMEOUT,
    )
