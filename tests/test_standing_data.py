"""The test harness's own promise: after the tables are put back from a copy (tests/conftest.py
``restore_snapshot``: the standing data before every browser test, the seeded demo), a new row
gets a new id in every table – many-to-many link tables included. Their id sequences were left
at 1 after the flush, and Django adds a link with ON CONFLICT DO NOTHING, so the next link (a
pejlemærke on a new intervention) was silently lost: a catalogue test failed in a full run on
PostgreSQL after the demo tests had run on its worker."""

import pytest

from indsatser.models import Beacon
from tests.conftest import restore_snapshot, take_snapshot
from tests.indsatser.factories import InterventionFactory


def add_two_beacons() -> int:
    intervention = InterventionFactory()
    intervention.beacons.set(Beacon.objects.all()[:2])
    return intervention.beacons.count()


@pytest.mark.django_db
def test_a_link_added_after_a_restore_in_the_tests_transaction_is_kept() -> None:
    restore_snapshot(take_snapshot())
    assert add_two_beacons() == 2


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_link_added_after_a_committed_restore_is_kept() -> None:
    restore_snapshot(take_snapshot())
    assert add_two_beacons() == 2
