"""The life cycle's tests are about retention and deletion; the archive's hold "afventer arkivets
kvittering" (archive/holds.py, on by default through PPR_ARCHIVE_KEEP_CASES) is tested with a
receipt in tests/archive/test_hold.py, so here the archive keeps no cases."""

from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _archive_keeps_no_cases(settings: Any) -> None:
    settings.PPR_ARCHIVE_KEEP_CASES = False
