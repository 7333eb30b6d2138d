"""Fixtures of the parents' portal tests: the family (tests/parents/portal_fixtures.py) and a
throwaway private storage for the stored PDFs and attachments."""

from typing import Any

import pytest

from tests.parents.mitid_fixtures import mitid, standin  # noqa: F401 - fixtures for tests/parents
from tests.parents.portal_fixtures import Family, build_family


@pytest.fixture
def family(cast: Any) -> Family:
    return build_family(cast)


@pytest.fixture(autouse=True)
def private_storage(settings: Any, tmp_path: Any) -> Any:
    """Documents land in a throwaway private directory, never in the checkout."""
    location = tmp_path / "private"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(location)},
        },
    }
    return location
