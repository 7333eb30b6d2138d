import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _no_earlier_failed_logins() -> None:
    """allauth's login rate limits (ACCOUNT_RATE_LIMITS, 5 failures per account in 5 minutes) are
    kept in the cache, which outlives a test: another test's failed logins for the same account
    on this worker would refuse these tests' attempts before django-axes counts them."""
    cache.clear()
