"""The PPV verbs: start from the referral, save with version conflicts, finalise, correct, send."""

import uuid
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cases.models import (
    JournalEntry,
    JournalKind,
    Ppv,
    PpvDispatch,
    PpvRevision,
    PpvRevisionKind,
    PpvStatus,
)
from cases.ppv import services
from ppr.deadlines.models import Deadline, DeadlineKind, DeadlineState, Notification
from ppr.deadlines.services import default_due, open_deadline
from ppr.documents.models import Document, DocumentKind, DocumentStatus

from .ppv_fixtures import (
    CPR,
    draft,
    finalise,
    ppv_case,
    private_storage,  # noqa: F401  (a fixture)
)

pytestmark = pytest.mark.usefixtures("private_storage")


# --- Starting ------------------------------------------------------------------------------


def test_a_new_ppv_is_filled_from_the_case_and_the_referral(cast: Any) -> None:
    case = ppv_case(cast)
    ppv = services.start_ppv(case=case, by=cast.psychologist)
    assert ppv.number == 1 and ppv.status == PpvStatus.DRAFT
    assert ppv.identity["name"] == "Åse Ørsted Kjær"
    assert ppv.identity["cpr_masked"] == "140315-xxxx"
    assert CPR not in str(ppv.identity)
    assert ppv.commissioned_by.startswith("Vestervang Skole ved ")
    assert "Pædagogisk psykologisk vurdering (PPV)" in ppv.commission
    assert "specialpædagogisk bistand" in ppv.commission
    assert "Faste makkerpar" in ppv.background


def test_starting_twice_opens_the_same_draft(cast: Any) -> None:
    case = ppv_case(cast)
    first = services.start_ppv(case=case, by=cast.psychologist)
    assert services.start_ppv(case=case, by=cast.ppr_leader).pk == first.pk
    assert Ppv.objects.filter(case=case).count() == 1


def test_only_the_assigned_case_worker_and_the_leader_may_write(cast: Any) -> None:
    case = ppv_case(cast)
    for user in (cast.colleague, cast.outsider, cast.secretary, cast.school_leader):
        with pytest.raises(PermissionDenied):
            services.start_ppv(case=case, by=user)
    ppv = services.start_ppv(case=case, by=cast.ppr_leader)
    with pytest.raises(PermissionDenied):
        services.save_ppv(ppv, by=cast.colleague, data={"summary": "x"}, version=ppv.version)


# --- Saving --------------------------------------------------------------------------------


def test_saving_bumps_the_version_and_records_the_changed_sections(cast: Any) -> None:
    ppv = services.start_ppv(case=ppv_case(cast), by=cast.psychologist)
    saved = services.save_ppv(
        ppv, by=cast.psychologist, data={"summary": "Åse trives."}, version=ppv.version
    )
    assert saved.version == ppv.version + 1
    assert saved.summary == "Åse trives."
    revision = PpvRevision.objects.get(ppv=ppv)
    assert revision.kind == PpvRevisionKind.SAVE
    assert revision.changed_labels == ["Sammenfatning og vurdering"]


def test_a_run_of_autosaves_is_one_entry_in_the_history(cast: Any) -> None:
    ppv = services.start_ppv(case=ppv_case(cast), by=cast.psychologist)
    for text in ("Å", "Ås", "Åse"):
        ppv = services.save_ppv(
            ppv, by=cast.psychologist, data={"family": text}, version=ppv.version, autosave=True
        )
    ppv = services.save_ppv(
        ppv, by=cast.psychologist, data={"school": "Skolen"}, version=ppv.version, autosave=True
    )
    revisions = list(PpvRevision.objects.filter(ppv=ppv))
    assert len(revisions) == 1
    assert revisions[0].changed == ["school", "family"]
    assert revisions[0].version == ppv.version


def test_two_editors_at_once_get_a_conflict_not_a_lost_update(cast: Any) -> None:
    ppv = services.start_ppv(case=ppv_case(cast), by=cast.psychologist)
    opened_at = ppv.version
    services.save_ppv(ppv, by=cast.psychologist, data={"summary": "Mine ord"}, version=opened_at)
    with pytest.raises(services.PpvConflict) as conflict:
        services.save_ppv(
            ppv, by=cast.ppr_leader, data={"summary": "Lederens ord"}, version=opened_at
        )
    assert "er blevet gemt af" in conflict.value.message
    assert "intet bliver overskrevet" in conflict.value.message
    assert Ppv.objects.get(pk=ppv.pk).summary == "Mine ord"


def test_a_full_cpr_number_in_a_section_is_refused_and_nothing_is_saved(cast: Any) -> None:
    ppv = services.start_ppv(case=ppv_case(cast), by=cast.psychologist)
    with pytest.raises(ValidationError) as error:
        services.save_ppv(
            ppv,
            by=cast.psychologist,
            data={"family": "Bror har CPR 010203-1234", "summary": "Ny tekst"},
            version=ppv.version,
        )
    assert "family" in error.value.message_dict
    stored = Ppv.objects.get(pk=ppv.pk)
    assert stored.version == ppv.version and stored.summary == "" and stored.family == ""


# --- Finalising ----------------------------------------------------------------------------


def test_finalising_with_an_empty_section_names_it_and_changes_nothing(cast: Any) -> None:
    ppv = draft(cast, parents_perspective="  ")
    with pytest.raises(services.FinalisationBlocked) as blocked:
        finalise(ppv, cast.psychologist)
    assert blocked.value.message_dict == {
        "parents_perspective": [
            "Afsnittet „Forældrenes perspektiv“ skal udfyldes, før PPV'en kan gøres endelig."
        ]
    }
    stored = Ppv.objects.get(pk=ppv.pk)
    assert stored.status == PpvStatus.DRAFT and stored.version == ppv.version
    assert not JournalEntry.objects.filter(case=ppv.case).exists()
    assert not Document.objects.exists()


def test_a_signature_in_the_future_is_refused(cast: Any) -> None:
    ppv = draft(cast)
    with pytest.raises(services.FinalisationBlocked) as blocked:
        services.finalise_ppv(
            ppv,
            by=cast.psychologist,
            version=ppv.version,
            signed_name="",
            signed_title="Psykolog",
            signed_on=date.today() + timedelta(days=1),
        )
    assert set(blocked.value.message_dict) == {"signed_name", "signed_on"}


def test_finalising_locks_signs_journals_renders_and_meets_the_ppv_deadline(
    cast: Any, django_capture_on_commit_callbacks: Any
) -> None:
    case = ppv_case(cast)
    open_deadline(
        subject=case,
        kind=DeadlineKind.PPV,
        due=default_due(DeadlineKind.PPV),
        responsible=cast.psychologist,
        by=cast.ppr_leader,
        title="PPV",
    )
    ppv = draft(cast, case)
    with django_capture_on_commit_callbacks(execute=True):
        final = finalise(ppv, cast.psychologist)
    assert final.status == PpvStatus.FINAL
    assert (final.signed_name, final.signed_title, final.signed_on) == (
        "Maja Løvstrøm",
        "Autoriseret psykolog",
        date.today(),
    )
    entry = JournalEntry.objects.get(case=case)
    assert entry.kind == JournalKind.DOKUMENT
    assert (entry.document_type, entry.document_id) == ("cases.ppv", final.pk)
    assert entry.title == "PPV, version 1"
    document = Document.objects.get()
    assert document.kind == DocumentKind.PPV and document.version == 1
    assert document.status == DocumentStatus.READY
    assert document.subject == final
    assert Deadline.objects.get(kind=DeadlineKind.PPV).state == DeadlineState.MET
    assert final.revisions.filter(kind=PpvRevisionKind.FINAL).count() == 1
    with pytest.raises(services.NotADraft):
        services.save_ppv(final, by=cast.psychologist, data={"summary": "x"}, version=final.version)


def test_finalising_twice_makes_one_version_one_entry_and_one_pdf(cast: Any) -> None:
    ppv = draft(cast)
    first = finalise(ppv, cast.psychologist)
    second = finalise(ppv, cast.psychologist)  # the same form submitted again
    assert first.pk == second.pk and first.version == second.version
    assert Ppv.objects.filter(case=ppv.case).count() == 1
    assert JournalEntry.objects.filter(case=ppv.case).count() == 1
    assert Document.objects.count() == 1


def test_finalising_from_an_older_version_is_a_conflict(cast: Any) -> None:
    ppv = draft(cast)
    services.save_ppv(ppv, by=cast.ppr_leader, data={"summary": "Nyere"}, version=ppv.version)
    with pytest.raises(services.PpvConflict):
        finalise(ppv, cast.psychologist)
    assert Ppv.objects.get(pk=ppv.pk).status == PpvStatus.DRAFT


# --- Correcting ----------------------------------------------------------------------------


def test_a_correction_is_a_new_version_that_names_what_it_replaces(cast: Any) -> None:
    first = finalise(draft(cast), cast.psychologist)
    correction = services.correct_ppv(first, by=cast.psychologist, reason="Forkert klassetrin")
    assert correction.number == 2 and correction.replaces == first
    assert correction.status == PpvStatus.DRAFT
    assert correction.summary == first.summary
    assert services.correct_ppv(first, by=cast.psychologist, reason="igen").pk == correction.pk
    correction = services.save_ppv(
        correction, by=cast.psychologist, data={"school": "Går i 4.b"}, version=correction.version
    )
    second = finalise(correction, cast.psychologist)
    old = Ppv.objects.get(pk=first.pk)
    assert old.status == PpvStatus.FINAL and old.school != "Går i 4.b"
    assert sorted(Document.objects.values_list("version", flat=True)) == [1, 2]
    entry = JournalEntry.objects.get(document_id=second.pk)
    assert "Erstatter version 1" in entry.text and "Forkert klassetrin" in entry.text
    with pytest.raises(ValidationError, match="allerede erstattet af version 2"):
        services.correct_ppv(first, by=cast.psychologist, reason="Endnu en")


def test_a_correction_needs_a_reason(cast: Any) -> None:
    first = finalise(draft(cast), cast.psychologist)
    with pytest.raises(ValidationError):
        services.correct_ppv(first, by=cast.psychologist, reason=" ")
    assert Ppv.objects.filter(case=first.case).count() == 1


# --- Sending -------------------------------------------------------------------------------


def test_sending_records_each_recipient_once_and_notifies_the_leader(cast: Any) -> None:
    final = finalise(draft(cast), cast.psychologist)
    guardians = services.custody_holders(final)
    assert [g.name for g in guardians] == ["Mette Ørsted", "Søren Kjær"]
    leaders = services.institution_leaders(final)
    assert leaders == [cast.school_leader]
    batch = uuid.uuid4()
    for _ in range(2):  # a double submit of the same form
        services.send_ppv(
            final, by=cast.psychologist, guardians=guardians, leaders=leaders, batch=batch
        )
    assert PpvDispatch.objects.filter(ppv=final).count() == 3
    notification = Notification.objects.get(recipient=cast.school_leader)
    assert "Åse" not in notification.message
    assert notification.link.endswith(f"/ppv/{final.pk}/udskriv/")


def test_a_draft_cannot_be_sent_and_only_custody_holders_may_receive(cast: Any) -> None:
    ppv = draft(cast)
    with pytest.raises(ValidationError, match="Kun en endelig PPV"):
        services.send_ppv(
            ppv,
            by=cast.psychologist,
            guardians=[],
            leaders=[cast.school_leader],
            batch=uuid.uuid4(),
        )
    final = finalise(ppv, cast.psychologist)
    no_custody = final.case.child.guardians.get(has_custody=False)
    with pytest.raises(ValidationError):
        services.send_ppv(
            final, by=cast.psychologist, guardians=[no_custody], leaders=[], batch=uuid.uuid4()
        )
    with pytest.raises(ValidationError):
        services.send_ppv(
            final,
            by=cast.psychologist,
            guardians=[],
            leaders=[cast.other_leader],
            batch=uuid.uuid4(),
        )
    assert not PpvDispatch.objects.exists()


# --- The perspectives from the referral --------------------------------------------------


def test_a_new_ppv_brings_the_childs_and_parents_perspectives_from_the_referral(
    cast: Any,
) -> None:
    case = ppv_case(cast)
    case.referrals.update(
        child_perspective="Åse siger, at frikvartererne er svære.",
        parents_perspective="Mor og far oplever en glad pige derhjemme.",
    )
    ppv = services.start_ppv(case=case, by=cast.psychologist)
    assert ppv.child_perspective == "Ifølge indstillingen: Åse siger, at frikvartererne er svære."
    assert ppv.parents_perspective.endswith("Mor og far oplever en glad pige derhjemme.")


def test_the_perspectives_never_overwrite_what_the_psychologist_wrote(cast: Any) -> None:
    case = ppv_case(cast)
    case.referrals.update(child_perspective="Fra skolen.", parents_perspective="")
    ppv = services.start_ppv(case=case, by=cast.psychologist)
    Ppv.objects.filter(pk=ppv.pk).update(child_perspective="Min samtale med Åse.")
    case.referrals.update(child_perspective="Ændret i indstillingen.")
    again = services.start_ppv(case=case, by=cast.psychologist)
    assert again.pk == ppv.pk and again.child_perspective == "Min samtale med Åse."
    assert again.parents_perspective == ""


def test_a_case_without_a_referral_starts_with_empty_perspectives(cast: Any) -> None:
    case = ppv_case(cast)
    case.referrals.all().delete()
    ppv = services.start_ppv(case=case, by=cast.psychologist)
    assert ppv.child_perspective == "" and ppv.parents_perspective == ""
