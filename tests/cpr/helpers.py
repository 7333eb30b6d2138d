"""The SF1520 stand-in (ppr/cpr/standin.py) on 127.0.0.1, and settings that point at it."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from ppr.cpr.standin import StandIn

UUIDS = {
    "PPR_CPR_SERVICE_AGREEMENT_UUID": "11111111-1111-4111-8111-111111111111",
    "PPR_CPR_USER_SYSTEM_UUID": "22222222-2222-4222-8222-222222222222",
    "PPR_CPR_USER_UUID": "33333333-3333-4333-8333-333333333333",
    "PPR_CPR_SERVICE_UUID": "44444444-4444-4444-8444-444444444444",
}


@contextmanager
def register_on(settings: Any, **options: Any) -> Iterator[StandIn]:
    """Start the stand-in and switch the lookup on (SF1520 at the stand-in's URL)."""
    stand_in = StandIn(**options).start()
    settings.PPR_CPR_LOOKUP = "sf1520"
    settings.PPR_CPR_URL = stand_in.url
    settings.PPR_CPR_MUNICIPALITY_CVR = "29189846"
    settings.PPR_CPR_TIMEOUT = 2
    for name, value in UUIDS.items():
        setattr(settings, name, value)
    try:
        yield stand_in
    finally:
        stand_in.stop()
