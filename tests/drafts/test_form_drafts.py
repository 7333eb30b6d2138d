"""Nothing typed is lost (issue 18): the new journal entry, the follow-up and the notat autosave.
The journal entry and the follow-up keep their text in the typist's own ``FormDraft``
(ppr.drafts): restored only for its author, deleted when the record is saved, purged after the
draft retention; the notat autosaves into its own draft state."""

import uuid
from datetime import date, timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import JournalEntry
from cases.tasks import expire_referral_drafts
from indsatser.models import FollowUp
from meetings.models import Note
from ppr.audit.models import AuditAction, AuditEvent
from ppr.drafts.models import FormDraft
from tests.cases.case_fixtures import make_case
from tests.security.test_access_matrix import all_routes

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(cast):
    return make_case(cast, assigned=cast.psychologist, team=cast.team_vest)


def entry(**changes: str) -> dict[str, str]:
    return {
        "occurred_on": date.today().isoformat(),
        "kind": "samtale",
        "title": "Samtale",
        "text": "Eleven fortalte om frikvartererne.",
        "client_token": str(uuid.uuid4()),
    } | changes


def autosave_url(case: Any) -> str:
    return reverse("cases:journal-autosave", kwargs={"pk": case.pk})


def create_url(case: Any) -> str:
    return reverse("cases:journal-create", kwargs={"pk": case.pk})


def test_the_journal_draft_is_saved_and_audited_about_the_child(cast, client_as, case):
    response = client_as(cast.psychologist).post(autosave_url(case), entry(text="Halvt skrevet"))
    assert response.status_code == 200
    assert 'data-autosave-state="saved"' in response.content.decode()
    draft = FormDraft.objects.get()
    assert draft.user == cast.psychologist and draft.subject == case
    assert draft.data["text"] == ["Halvt skrevet"]
    assert not JournalEntry.objects.exists()
    event = AuditEvent.objects.get(object_type="drafts.FormDraft", action=AuditAction.CREATE)
    assert event.child_id == case.child_id


def test_the_journal_draft_is_restored_only_for_its_author(cast, client_as, case):
    client_as(cast.psychologist).post(autosave_url(case), entry(text="Kun mit udkast"))
    mine = client_as(cast.psychologist).get(create_url(case)).content.decode()
    assert "Kun mit udkast" in mine and "Kladde gemt" in mine
    assert AuditEvent.objects.filter(
        object_type="drafts.FormDraft", action=AuditAction.VIEW
    ).exists()
    # The colleague on the same team writes on the case too, but never sees another's draft.
    theirs = client_as(cast.colleague).get(create_url(case)).content.decode()
    assert "Kun mit udkast" not in theirs
    assert not FormDraft.objects.visible_to(cast.colleague).exists()
    assert not FormDraft.objects.visible_to(cast.ppr_leader).exists()


def test_saving_the_entry_deletes_the_draft_and_a_double_submit_writes_one_entry(
    cast, client_as, case
):
    client = client_as(cast.psychologist)
    data = entry(text="Færdig tekst")
    client.post(autosave_url(case), data)
    first = client.post(create_url(case), data)
    second = client.post(create_url(case), data)
    assert first.status_code == second.status_code == 302
    assert JournalEntry.objects.filter(case=case).count() == 1
    assert not FormDraft.objects.exists()
    # A late autosave of the same form (sent before the page left) keeps nothing.
    late = client.post(autosave_url(case), data)
    assert 'data-autosave-state="saved"' in late.content.decode()
    assert not FormDraft.objects.exists()
    assert AuditEvent.objects.filter(
        object_type="drafts.FormDraft", action=AuditAction.DELETE
    ).exists()


def test_only_the_case_workers_may_autosave(cast, client_as, case):
    assert client_as(cast.secretary).post(autosave_url(case), entry()).status_code == 403
    assert client_as(cast.outsider).post(autosave_url(case), entry()).status_code == 404
    assert client_as(cast.psychologist).get(autosave_url(case)).status_code == 405
    assert not FormDraft.objects.exists()


def test_the_draft_purge_job_deletes_drafts_after_the_retention(cast, client_as, case):
    client_as(cast.psychologist).post(autosave_url(case), entry())
    assert expire_referral_drafts()["form_drafts"] == 0
    FormDraft.objects.update(updated_at=timezone.now() - timedelta(days=365))
    assert expire_referral_drafts()["form_drafts"] == 1
    assert not FormDraft.objects.exists()


def matrix_kwargs(name: str, cast: Any) -> dict[str, int]:
    route = next(r for r in all_routes() if r.name == name and r.method == "get")
    kwargs: dict[str, int] = route.kwargs(cast)
    return kwargs


def test_the_follow_up_autosaves_is_restored_and_is_deleted_when_recorded(cast, client_as):
    pk = matrix_kwargs("indsatser:follow-up-record", cast)["pk"]
    follow_up = FollowUp.objects.get(pk=pk)
    client = client_as(cast.psychologist)
    saved = client.post(
        reverse("indsatser:follow-up-autosave", kwargs={"pk": pk}),
        {"held_on": date.today().isoformat(), "note": "Mor og lærer var med."},
    )
    assert 'data-autosave-state="saved"' in saved.content.decode()
    assert FormDraft.objects.get().subject == follow_up
    page = client.get(reverse("indsatser:follow-up-record", kwargs={"pk": pk})).content.decode()
    assert "Mor og lærer var med." in page
    other = client_as(cast.colleague).get(reverse("indsatser:follow-up-record", kwargs={"pk": pk}))
    assert "Mor og lærer var med." not in other.content.decode()

    form = page  # the goals' and ratings' field names come from the page
    data: dict[str, str] = {"held_on": date.today().isoformat(), "note": "Mor og lærer var med."}
    for name in {part.split('"')[0] for part in form.split('name="')[1:]}:
        if name.startswith("goal_"):
            data[name] = "opfyldt"
        elif name.startswith("colour_"):
            data[name] = "gul"
        elif name.startswith("rationale_"):
            data[name] = "Bedre trivsel."
    recorded = client.post(reverse("indsatser:follow-up-record", kwargs={"pk": pk}), data)
    assert recorded.status_code == 302
    assert not FormDraft.objects.exists()


def test_the_notat_autosaves_into_its_own_draft(cast, client_as):
    pk = matrix_kwargs("meetings:note-detail", cast)["pk"]
    note = Note.objects.get(pk=pk)
    client = client_as(cast.psychologist)
    response = client.post(
        reverse("meetings:note-autosave", kwargs={"pk": pk}),
        {
            "title": note.title,
            "text": "Skrevet under mødet.",
            "decisions": "",
            "other_participants": "",
            "participants": [p.pk for p in note.participants.all()],
            "version": note.version,
        },
    )
    body = response.content.decode()
    assert 'data-autosave-state="saved"' in body, body
    assert 'id="id_finalise_version"' in body and 'hx-swap-oob="true"' in body
    note.refresh_from_db()
    assert note.text == "Skrevet under mødet." and note.version == 2
    stale = client.post(
        reverse("meetings:note-autosave", kwargs={"pk": pk}),
        {"title": note.title, "text": "Gammel side.", "version": 1},
    )
    assert 'data-autosave-state="conflict"' in stale.content.decode()
    assert not FormDraft.objects.exists()
