"""The browser tests' live server answers only while its gate is open (``LiveServerGate``):
between two tests a page's late request (an autosave sent as the page closed) is refused
without touching the database, so it can neither deadlock with the flush nor write into the
next test's data."""

from typing import Any
from urllib.error import HTTPError
from urllib.request import urlopen

import pytest

from tests.conftest import LIVE_SERVER


def status(url: str) -> tuple[int, bytes]:
    try:
        with urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except HTTPError as error:
        return error.code, error.read()


def test_a_request_while_the_gate_is_shut_is_refused(site: str, cast: Any) -> None:
    assert status(f"{site}/konto/login/")[0] == 200
    refused = LIVE_SERVER.refused
    LIVE_SERVER.shut()
    try:
        assert status(f"{site}/konto/login/") == (503, b"Testen er slut.")
    finally:
        LIVE_SERVER.open()
    assert LIVE_SERVER.refused == refused + 1
    assert status(f"{site}/konto/login/")[0] == 200


def test_shutting_waits_for_the_request_being_answered(site: str, cast: Any) -> None:
    """The gate counts a request until its response is closed; shut() returns only then."""
    assert LIVE_SERVER.enter()  # a request being answered
    with pytest.raises(TimeoutError):
        LIVE_SERVER.shut(timeout=0.2)
    LIVE_SERVER.leave()
    LIVE_SERVER.shut(timeout=0.2)
    LIVE_SERVER.open()
