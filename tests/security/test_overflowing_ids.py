"""An id beyond the 64-bit range in a multiple choice is an invalid choice, not a 500 (SQLite
raised an OverflowError from Django's ``pk__in`` lookup). Found by test_fuzz_endpoints.py."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from meetings.models import ConferenceSeries
from ppr.accounts.models import User
from ppr.forms import ModelMultipleChoiceField
from tests.conftest import client_for
from tests.security.matrix.meetings import series


@pytest.mark.parametrize("huge", [str(2**63), str(-(2**63) - 1), "9" * 40])
def test_an_overflowing_id_is_an_invalid_choice(db, huge: str) -> None:  # type: ignore[no-untyped-def]
    field = ModelMultipleChoiceField(queryset=User.objects.all())
    with pytest.raises(ValidationError) as refused:
        field.clean([huge])
    assert refused.value.code == "invalid_choice"


def test_series_form_with_an_overflowing_participant_is_refused(cast) -> None:  # type: ignore[no-untyped-def]
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
