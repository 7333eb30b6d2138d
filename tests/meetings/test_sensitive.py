"""The CPR-shaped-text detector that keeps anonymous meetings anonymous."""

import pytest
from django.core.exceptions import ValidationError

from ppr.sensitive import contains_cpr_like, reject_cpr_like


@pytest.mark.parametrize(
    "text",
    [
        "010203-1234",
        "0102031234",
        "Pigen (310115-4321) har svært ved frikvarterer",
        "cpr 0102031234.",
        "010203 1234",
        "010203–1234",
    ],
)
def test_text_with_a_cpr_shaped_number_is_detected(text: str) -> None:
    assert contains_cpr_like(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Dreng, 3. klasse, uro i timerne",
        "Ring på 12345678",
        "Mødet varer 90 min., lokale 204",
        "1234567890",  # day 12 but month 34: no date
        "01020312345",  # eleven digits: a longer number, not a CPR number
        "Sagsnr. 2026-00042",
    ],
)
def test_ordinary_text_is_not_mistaken_for_a_cpr_number(text: str) -> None:
    assert not contains_cpr_like(text)


def test_the_validator_refuses_with_a_danish_message() -> None:
    with pytest.raises(ValidationError) as caught:
        reject_cpr_like("Barnet 010203-1234")
    assert "CPR-nummer" in caught.value.messages[0]
    assert caught.value.code == "cpr_like"
