"""The demo holds one final, signed and sent PPV and one draft; seeding twice changes nothing."""

import pytest

from cases.models import JournalEntry, Ppv, PpvDispatch, PpvStatus

from .ppv_fixtures import private_storage  # noqa: F401  (a fixture)

pytestmark = pytest.mark.usefixtures("private_storage")


def test_the_demo_seeds_a_final_and_a_draft_ppv_and_is_idempotent(db: None) -> None:
    from demo.cases import seed
    from demo.organisation import seed_organisation

    organisation = seed_organisation()
    seed(organisation)
    final = Ppv.objects.get(status=PpvStatus.FINAL)
    assert final.signed_name and final.signed_on
    assert JournalEntry.objects.filter(document_type="cases.ppv", document_id=final.pk).exists()
    assert PpvDispatch.objects.filter(ppv=final).count() >= 2
    draft = Ppv.objects.get(status=PpvStatus.DRAFT)
    assert draft.sources_methods and not draft.summary
    counts = (Ppv.objects.count(), PpvDispatch.objects.count())
    seed(organisation)
    assert (Ppv.objects.count(), PpvDispatch.objects.count()) == counts
