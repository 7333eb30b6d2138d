"""An id beyond the 64-bit range is an invalid choice in a form and no match in a URL, never a
500 (SQLite raised an OverflowError from Django's ``pk__in`` lookup, found by
test_fuzz_endpoints.py; /log/barn/99999999999999999999/indsigt.csv overflowed the same way)."""

from collections.abc import Iterator

import pytest
from django.core.exceptions import ValidationError
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.converters import IntConverter, get_converters

from meetings.models import ConferenceSeries
from ppr.accounts.models import User
from ppr.audit.models import AuditEvent
from ppr.converters import IdConverter
from ppr.forms import ModelMultipleChoiceField
from tests.conftest import client_for
from tests.security.matrix.meetings import series


@pytest.mark.parametrize("huge", [str(2**63), str(-(2**63) - 1), "9" * 40])
def test_an_overflowing_id_is_an_invalid_choice(db, huge: str) -> None:
    field = ModelMultipleChoiceField(queryset=User.objects.all())
    with pytest.raises(ValidationError) as refused:
        field.clean([huge])
    assert refused.value.code == "invalid_choice"


def test_series_form_with_an_overflowing_participant_is_refused(cast) -> None:
    pk = series(cast)["pk"]
    before = list(ConferenceSeries.objects.get(pk=pk).standing_participants.values_list("pk"))
    response = client_for(cast.ppr_leader).post(
        reverse("meetings:series-update", kwargs={"pk": pk}),
        {"name": "Konference", "room": "Lokale 1", "standing_participants": [str(2**63)]},
    )
    assert response.status_code == 200
    assert "standing_participants" in response.context["form"].errors
    after = list(ConferenceSeries.objects.get(pk=pk).standing_participants.values_list("pk"))
    assert after == before


# --- Ids in URLs: one converter (ppr/converters.py) for every pattern -----------------------

THIRD_PARTY_PREFIXES = ("admin:", "account_", "mfa_", "socialaccount_", "openid_connect_")
SAMPLES = {"slug": "x", "str": "x", "path": "x", "export_format": "csv", "year": "2026"}


def our_patterns(
    resolver: URLResolver | None = None, namespace: str = ""
) -> Iterator[tuple[str, URLPattern, dict[str, object]]]:
    """Every named URL pattern of ours, with the converters of its whole route."""
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            for name, leaf, converters in our_patterns(pattern, inner):
                yield name, leaf, {**pattern.pattern.converters, **converters}
        elif pattern.name and not f"{namespace}{pattern.name}".startswith(THIRD_PARTY_PREFIXES):
            yield f"{namespace}{pattern.name}", pattern, dict(pattern.pattern.converters)


def id_urls(value: str) -> list[str]:
    """Each of our URLs with an id, every id in it set to ``value``."""
    names = get_converters()
    urls = []
    for name, _pattern, converters in our_patterns():
        if not any(isinstance(c, IdConverter) for c in converters.values()):
            continue
        kwargs = {
            key: value
            if isinstance(converter, IdConverter)
            else SAMPLES[next(k for k, v in names.items() if type(converter) is type(v))]
            for key, converter in converters.items()
        }
        urls.append(reverse(name, kwargs=kwargs))
    return urls


def test_every_id_in_our_urls_goes_through_the_one_converter() -> None:
    ints = [
        name
        for name, _pattern, converters in our_patterns()
        if any(isinstance(c, IntConverter) for c in converters.values())
    ]
    assert ints == [], "use <id:…>, not <int:…>"
    assert len(id_urls("1")) > 60


@pytest.mark.parametrize("huge", [str(2**63), "9" * 20, "9" * 400])
def test_an_id_beyond_the_database_range_matches_no_url(huge: str) -> None:
    for url in id_urls(huge):
        with pytest.raises(Resolver404):
            resolve(url)


def test_the_largest_id_still_matches() -> None:
    for url in id_urls(str(2**63 - 1)):
        resolve(url)


def test_the_child_log_export_with_an_overflowing_id_is_404(cast) -> None:
    client = client_for(cast.ppr_leader)
    before = AuditEvent.objects.count()
    assert client.get("/log/barn/99999999999999999999/indsigt.csv").status_code == 404
    assert AuditEvent.objects.count() == before
