"""Property-based fuzzing (hypothesis) of key forms and filter endpoints.

For any input – valid, malformed, huge, NUL bytes, far-off dates, unknown ids – a form answers
with a page, an error or a redirect, never a 500 (the test client re-raises a view's exception),
and it either saves exactly one row (a redirect) or nothing (no partial writes).

Deterministic (derandomize) and small, so CI time stays low.
"""

from datetime import date

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases.models import JournalEntry, JournalKind, RatingContext, RulerColour, RulerRating
from ppr.audit.models import AuditAction
from tests.cases.factories import CaseFactory, ChildFactory
from tests.conftest import client_for

FUZZ = settings(
    max_examples=15,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

#: Text a browser (or an attacker) can send: any unicode incl. NUL and control characters.
nasty_text = st.one_of(
    st.text(max_size=60),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=20).map(lambda s: s * 400),
    st.sampled_from(["", " ", "\x00", "<script>alert(1)</script>", "' OR 1=1 --", "9" * 40, "-1"]),
)
any_date = st.one_of(
    st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)).map(date.isoformat),
    st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)).map(date.isoformat),
    nasty_text,
)
uuid_text = st.one_of(st.uuids().map(str), nasty_text)


def optional(strategy: st.SearchStrategy) -> st.SearchStrategy:
    return st.one_of(st.none(), strategy)


def post_data(fields: dict[str, object]) -> dict[str, object]:
    return {name: value for name, value in fields.items() if value is not None}


def assert_no_500_and_all_or_nothing(response, before: int, after: int) -> None:
    assert response.status_code in (200, 302, 400, 403, 404), response.status_code
    if response.status_code == 302:
        assert after in (before, before + 1)  # a repeated client token saves nothing new
    else:
        assert after == before


@pytest.fixture
def psychologist(cast):
    return client_for(cast.psychologist)


@pytest.fixture
def leader(cast):
    return client_for(cast.ppr_leader)


@pytest.fixture
def open_case(cast):
    child = ChildFactory(institution=cast.school)
    return CaseFactory(child=child, assigned=cast.psychologist, team=cast.team_vest)


@given(
    data=st.fixed_dictionaries(
        {
            "occurred_on": optional(any_date),
            "kind": optional(st.one_of(st.sampled_from(JournalKind.values), nasty_text)),
            "title": optional(nasty_text),
            "text": optional(nasty_text),
            "client_token": optional(uuid_text),
        }
    )
)
@FUZZ
def test_journal_form(psychologist, open_case, data) -> None:
    before = JournalEntry.objects.count()
    response = psychologist.post(
        reverse("cases:journal-create", kwargs={"pk": open_case.pk}), post_data(data)
    )
    assert_no_500_and_all_or_nothing(response, before, JournalEntry.objects.count())


@given(
    data=st.fixed_dictionaries(
        {
            "colour": optional(st.one_of(st.sampled_from(RulerColour.values), nasty_text)),
            "rated_on": optional(any_date),
            "context": optional(st.one_of(st.sampled_from(RatingContext.values), nasty_text)),
            "rationale": optional(nasty_text),
            "client_token": optional(uuid_text),
        }
    )
)
@FUZZ
def test_rating_form(psychologist, open_case, data) -> None:
    before = RulerRating.objects.count()
    response = psychologist.post(
        reverse("cases:rating-create", kwargs={"pk": open_case.pk}), post_data(data)
    )
    assert_no_500_and_all_or_nothing(response, before, RulerRating.objects.count())


ids = st.one_of(st.integers(min_value=-(2**63), max_value=2**63).map(str), nasty_text)


@given(
    params=st.fixed_dictionaries(
        {},
        optional={
            "visning": nasty_text,
            "status": nasty_text,
            "distrikt": ids,
            "institution": ids,
            "sagsbehandler": ids,
            "farve": st.one_of(st.sampled_from(["ingen", *RulerColour.values]), nasty_text),
            "alder": nasty_text,
            "ventetid": nasty_text,
            "fra": any_date,
            "til": any_date,
            "sort": st.one_of(st.sampled_from(["child", "-age", "district", "x__y"]), nasty_text),
            "page": ids,
        },
    ),
    htmx=st.booleans(),
)
@FUZZ
def test_case_list_filters(leader, params, htmx) -> None:
    headers = {"HX-Request": "true"} if htmx else {}
    response = leader.get(reverse("cases:case-list"), params, headers=headers)
    assert response.status_code in (200, 400, 404)


@given(
    params=st.fixed_dictionaries(
        {},
        optional={
            "bruger": ids,
            "barn": ids,
            "handling": st.one_of(st.sampled_from(AuditAction.values), nasty_text),
            "fra": any_date,
            "til": any_date,
            "page": ids,
            "sort": st.one_of(st.sampled_from(["at", "-at", ".", "x.y"]), nasty_text),
        },
    ),
    htmx=st.booleans(),
)
@FUZZ
def test_audit_log_filters(leader, params, htmx) -> None:
    headers = {"HX-Request": "true"} if htmx else {}
    response = leader.get(reverse("audit:event-list"), params, headers=headers)
    assert response.status_code in (200, 400, 404)


@given(q=nasty_text)
@FUZZ
def test_case_search(psychologist, open_case, q) -> None:
    response = psychologist.post(reverse("cases:case-search"), {"q": q})
    assert response.status_code in (200, 302, 400)
