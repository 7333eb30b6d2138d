"""PPV pages: the draft form (autosave, conflicts, no-JS save), finalising, printing, timeline."""

import uuid
from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import JournalEntry, Ppv, PpvDispatch, PpvStatus
from cases.ppv import services
from ppr.audit.models import AuditAction, AuditEvent
from ppr.documents.models import Document, DocumentStatus

from .ppv_fixtures import (
    draft,
    filled,
    finalise,
    ppv_case,
    private_storage,  # noqa: F401  (a fixture)
)

pytestmark = pytest.mark.usefixtures("private_storage")


def url(name: str, ppv: Ppv) -> str:
    return reverse(f"cases:{name}", kwargs={"pk": ppv.pk})


def signature(ppv: Ppv) -> dict[str, Any]:
    return {
        "signed_name": "Maja Løvstrøm",
        "signed_title": "Autoriseret psykolog",
        "signed_on": date.today().isoformat(),
        "version": ppv.version,
    }


# --- Drafting ------------------------------------------------------------------------------


def test_starting_a_ppv_from_the_case_opens_the_prefilled_form(client_as: Any, cast: Any) -> None:
    case = ppv_case(cast)
    client = client_as(cast.psychologist)
    page = client.get(case.get_absolute_url())
    assert reverse("cases:ppv-list", kwargs={"pk": case.pk}).encode() in page.content
    response = client.post(reverse("cases:ppv-create", kwargs={"pk": case.pk}), follow=True)
    assert response.status_code == 200
    ppv = Ppv.objects.get(case=case)
    assert response.redirect_chain[-1][0] == url("ppv-update", ppv)
    body = response.content.decode()
    assert "Vestervang Skole ved" in body
    assert "140315-xxxx" in body and "1403154321" not in body
    assert 'hx-post="' + url("ppv-autosave", ppv) in body


def test_autosave_answers_with_the_saved_status_and_the_new_version(
    client_as: Any, cast: Any
) -> None:
    ppv = services.start_ppv(case=ppv_case(cast), by=cast.psychologist)
    response = client_as(cast.psychologist).post(
        url("ppv-autosave", ppv),
        {**filled(), "version": ppv.version},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Gemt kl." in body
    assert f'value="{ppv.version + 1}"' in body and 'hx-swap-oob="true"' in body
    assert Ppv.objects.get(pk=ppv.pk).summary.startswith("Åse")


def test_two_editors_autosaving_at_once_get_a_danish_conflict_message(
    client_as: Any, cast: Any
) -> None:
    ppv = services.start_ppv(case=ppv_case(cast), by=cast.psychologist)
    opened = ppv.version
    client_as(cast.psychologist).post(
        url("ppv-autosave", ppv), {**filled(summary="Psykologens tekst"), "version": opened}
    )
    response = client_as(cast.ppr_leader).post(
        url("ppv-autosave", ppv), {**filled(summary="Lederens tekst"), "version": opened}
    )
    body = response.content.decode()
    assert 'role="alert"' in body
    assert "PPV&#x27;en er blevet gemt af" in body and "intet bliver overskrevet" in body
    assert Ppv.objects.get(pk=ppv.pk).summary == "Psykologens tekst"


def test_saving_without_javascript_saves_and_a_stale_form_is_a_409(
    client_as: Any, cast: Any
) -> None:
    ppv = services.start_ppv(case=ppv_case(cast), by=cast.psychologist)
    client = client_as(cast.psychologist)
    data = {**filled(), "version": ppv.version, "action": "save"}
    response = client.post(url("ppv-update", ppv), data)
    assert response.status_code == 302 and response["Location"] == url("ppv-update", ppv)
    stale = client.post(url("ppv-update", ppv), {**data, "summary": "Gammel fane"})
    assert stale.status_code == 409
    assert "er blevet gemt af" in stale.content.decode()
    assert Ppv.objects.get(pk=ppv.pk).summary != "Gammel fane"


def test_bad_input_gives_danish_errors_and_saves_nothing(client_as: Any, cast: Any) -> None:
    ppv = services.start_ppv(case=ppv_case(cast), by=cast.psychologist)
    response = client_as(cast.psychologist).post(
        url("ppv-update", ppv),
        {
            **filled(family="Storebror: 010203-1234"),
            "examination_period": "x" * 201,
            "version": ppv.version,
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Perioden må højst være 200 tegn." in body
    assert "Afsnittet indeholder et CPR-nummer" in body
    stored = Ppv.objects.get(pk=ppv.pk)
    assert stored.version == ppv.version and stored.family == ""
    assert not stored.revisions.exists()


# --- Finalising ----------------------------------------------------------------------------


def test_finalising_with_an_empty_section_names_the_section(client_as: Any, cast: Any) -> None:
    ppv = draft(cast, child_perspective="")
    client = client_as(cast.psychologist)
    page = client.get(url("ppv-finalise", ppv))
    assert "Afsnittet „Barnets perspektiv“ skal udfyldes" in page.content.decode()
    response = client.post(url("ppv-finalise", ppv), signature(ppv))
    assert response.status_code == 400
    assert "Afsnittet „Barnets perspektiv“ skal udfyldes" in response.content.decode()
    assert Ppv.objects.get(pk=ppv.pk).status == PpvStatus.DRAFT


def test_a_double_submit_of_finalise_makes_one_version(client_as: Any, cast: Any) -> None:
    ppv = draft(cast)
    client = client_as(cast.psychologist)
    data = signature(ppv)
    first = client.post(url("ppv-finalise", ppv), data)
    second = client.post(url("ppv-finalise", ppv), data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == url("ppv-detail", ppv)
    assert Ppv.objects.filter(case=ppv.case).count() == 1
    assert Ppv.objects.get(pk=ppv.pk).status == PpvStatus.FINAL
    assert JournalEntry.objects.filter(case=ppv.case).count() == 1
    assert Document.objects.count() == 1


def test_a_final_ppv_is_locked_against_the_form(client_as: Any, cast: Any) -> None:
    final = finalise(draft(cast), cast.psychologist)
    client = client_as(cast.psychologist)
    assert client.get(url("ppv-update", final)).status_code == 302
    response = client.post(
        url("ppv-autosave", final), {**filled(summary="Efter låsning"), "version": final.version}
    )
    assert "kan ikke længere ændres" in response.content.decode()
    assert Ppv.objects.get(pk=final.pk).summary != "Efter låsning"


# --- Sending, printing and the end-to-end route --------------------------------------------


def test_psychologist_finalises_and_sends_and_the_school_leader_downloads(
    client_as: Any, cast: Any, django_capture_on_commit_callbacks: Any
) -> None:
    ppv = draft(cast)
    psychologist = client_as(cast.psychologist)
    with django_capture_on_commit_callbacks(execute=True):
        response = psychologist.post(url("ppv-finalise", ppv), signature(ppv))
    assert response.status_code == 302
    send_page = psychologist.get(url("ppv-send", ppv))
    batch = send_page.context["form"].initial["batch"]
    guardians = [g.pk for g in services.custody_holders(ppv)]
    response = psychologist.post(
        url("ppv-send", ppv),
        {"guardians": guardians, "leaders": [cast.school_leader.pk], "batch": batch},
    )
    assert response.status_code == 302
    assert PpvDispatch.objects.filter(ppv=ppv).count() == 3

    leader = client_as(cast.school_leader)
    page = leader.get(url("ppv-print", ppv))
    assert page.status_code == 200
    document = Document.objects.for_subject(ppv).get()
    assert document.status == DocumentStatus.READY
    download = reverse("documents:document-download", kwargs={"pk": document.pk})
    assert download in page.content.decode()
    response = leader.get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    event = AuditEvent.objects.filter(action=AuditAction.PRINT).latest("id")
    assert (event.actor, event.purpose, event.child_id) == (
        cast.school_leader,
        "udskrift",
        ppv.case.child_id,
    )

    # The case records what was sent to whom and when, on its timeline.
    case_page = psychologist.get(ppv.case.get_absolute_url()).content.decode()
    assert "PPV, version 1</a> gjort endelig" in case_page
    assert "til Mette Ørsted (Mor)" in case_page and "til Søren Kjær (Far)" in case_page


def test_another_schools_leader_gets_404_and_the_refusal_is_audited(
    client_as: Any, cast: Any
) -> None:
    final = finalise(draft(cast), cast.psychologist)
    response = client_as(cast.other_leader).get(url("ppv-print", final))
    assert response.status_code == 404
    event = AuditEvent.objects.filter(action=AuditAction.PRINT).latest("id")
    assert (event.actor, event.purpose, event.child_id) == (
        cast.other_leader,
        "udskrift afvist",
        final.case.child_id,
    )


def test_a_draft_is_never_printable(client_as: Any, cast: Any) -> None:
    ppv = draft(cast)
    assert client_as(cast.school_leader).get(url("ppv-print", ppv)).status_code == 404
    assert client_as(cast.psychologist).get(url("ppv-print", ppv)).status_code == 403
    assert not Document.objects.exists()


def test_the_replaced_version_stays_readable_and_points_to_the_new(
    client_as: Any, cast: Any
) -> None:
    first = finalise(draft(cast), cast.psychologist)
    correction = services.correct_ppv(first, by=cast.psychologist, reason="Forkert klassetrin")
    client = client_as(cast.psychologist)
    old = client.get(url("ppv-detail", first)).content.decode()
    assert "erstattet af" in old and url("ppv-detail", correction) in old
    new = client.get(url("ppv-detail", correction)).content.decode()
    assert "Forkert klassetrin" in new and url("ppv-detail", first) in new


# --- Query counts --------------------------------------------------------------------------


def _count(client: Any, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def test_the_ppv_page_runs_a_constant_number_of_queries(client_as: Any, cast: Any) -> None:
    final = finalise(draft(cast), cast.psychologist)
    client = client_as(cast.psychologist)
    client.get(url("ppv-detail", final))  # warm the session and content-type caches
    few = _count(client, url("ppv-detail", final))
    guardians = services.custody_holders(final)
    for _ in range(5):
        services.send_ppv(
            final,
            by=cast.psychologist,
            guardians=guardians,
            leaders=[cast.school_leader],
            batch=uuid.uuid4(),
        )
    correction = services.correct_ppv(final, by=cast.psychologist, reason="Rettelse")
    for index in range(5):
        correction = services.save_ppv(
            correction,
            by=cast.ppr_leader if index % 2 else cast.psychologist,
            data={"summary": f"Udkast {index}"},
            version=correction.version,
        )
    assert _count(client, url("ppv-detail", final)) == few
    assert _count(client, url("ppv-detail", correction)) <= few
    assert few <= 16


def test_sending_asks_in_a_modal_whose_button_submits_the_send_form(
    client_as: Any, cast: Any
) -> None:
    """Issue 18: sending a PPV asks first (the DKFDS modal); without JavaScript the send page
    itself is the second step, and its own button submits as before."""
    ppv = finalise(draft(cast), cast.psychologist)
    page = client_as(cast.psychologist).get(url("ppv-send", ppv)).content.decode()
    modal = f"bekraeft-send-{ppv.pk}"
    assert 'id="ppv-send"' in page
    assert f'data-module="modal" data-target="{modal}">Send og registrér' in page
    assert f'class="fds-modal" id="{modal}"' in page and "kan ikke kaldes tilbage" in page
    assert 'type="submit" form="ppv-send"' in page
