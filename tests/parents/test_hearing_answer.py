"""A parent answers a partshøring in the portal by its deadline; after it the form is closed."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from tests.parents.portal_fixtures import PDF, hearing_for
from visitation.models import Hearing, HearingResponse
from visitation.services import answer_hearing

pytestmark = pytest.mark.django_db


@pytest.fixture
def hearing(cast, family):
    return hearing_for(cast, family.asta)


def past(hearing: Hearing) -> None:
    """The hearing's dates moved back: its deadline was yesterday (a session survives no time
    travel: its idle timeout would end it)."""
    today = timezone.localdate()
    Hearing.objects.filter(pk=hearing.pk).update(
        sent_on=today - timedelta(days=15), deadline=today - timedelta(days=1)
    )
    hearing.refresh_from_db()


def url(family, hearing):
    return reverse("parents:child-hearing", kwargs={"pk": family.pia.pk, "hearing": hearing.pk})


def test_the_parent_reads_the_letter_and_answers_with_an_attachment(
    cast, family, hearing, client_as, private_storage
) -> None:
    client = client_as(cast.parent)
    page = client.get(url(family, hearing))
    assert page.status_code == 200
    assert "Vi forventer at afslå ansøgningen." in page.content.decode()

    attachment = SimpleUploadedFile("vores-svar.pdf", PDF, content_type="application/pdf")
    response = client.post(
        url(family, hearing), {"text": "Vi er uenige.", "attachment": attachment}
    )

    assert response.status_code == 302
    hearing.refresh_from_db()
    assert hearing.answered_on is not None
    assert f"Svar fra {family.pia.name} via forældreportalen" in hearing.answer
    assert "Vi er uenige." in hearing.answer
    answer = HearingResponse.objects.get(hearing=hearing)
    assert answer.guardian == family.pia and answer.original_name == "vores-svar.pdf"
    assert answer.content_type == "application/pdf"


def test_staff_see_the_answer_and_its_attachment_where_they_record_answers(
    cast, family, hearing, client_as, private_storage
) -> None:
    attachment = SimpleUploadedFile("svar.pdf", PDF, content_type="application/pdf")
    client_as(cast.parent).post(
        url(family, hearing), {"text": "Vi er uenige.", "attachment": attachment}
    )
    entry = hearing.application.agenda_entries.get()

    page = client_as(cast.ppr_leader).get(
        reverse("visitation:entry-detail", kwargs={"pk": entry.pk})
    )

    text = page.content.decode()
    assert "Vi er uenige." in text and "svar.pdf" in text
    answer = HearingResponse.objects.get(hearing=hearing)
    download = client_as(cast.ppr_leader).get(
        reverse("visitation:hearing-response-file", kwargs={"pk": answer.pk})
    )
    assert download.status_code == 200
    assert download.content == PDF
    assert download["Content-Disposition"].startswith("attachment")
    assert client_as(cast.teacher).get(
        reverse("visitation:hearing-response-file", kwargs={"pk": answer.pk})
    ).status_code in {403, 404}


def test_an_attachment_that_is_not_a_document_is_refused_and_nothing_saved(
    cast, family, hearing, client_as, private_storage
) -> None:
    bad = SimpleUploadedFile("svar.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = client_as(cast.parent).post(url(family, hearing), {"text": "Hej", "attachment": bad})

    assert response.status_code == 400
    assert "Filtypen er ikke tilladt" in response.content.decode()
    assert not HearingResponse.objects.exists()
    hearing.refresh_from_db()
    assert hearing.answered_on is None


def test_a_double_submit_answers_once(cast, family, hearing, client_as) -> None:
    client = client_as(cast.parent)
    for _ in range(2):
        client.post(url(family, hearing), {"text": "Vi er uenige."})
    assert HearingResponse.objects.count() == 1
    hearing.refresh_from_db()
    assert hearing.answer.count("Vi er uenige.") == 1


def test_after_the_deadline_the_form_is_closed_with_a_danish_message(
    cast, family, hearing, client_as
) -> None:
    past(hearing)
    client = client_as(cast.parent)
    page = client.get(url(family, hearing))
    response = client.post(url(family, hearing), {"text": "For sent."})

    closed = f"Fristen for at svare på partshøringen er udløbet ({hearing.deadline:%d.%m.%Y})"
    assert closed in page.content.decode() and "<textarea" not in page.content.decode()
    assert response.status_code == 400 and closed in response.content.decode()
    assert not HearingResponse.objects.exists()
    assert Hearing.objects.get(pk=hearing.pk).answered_on is None


def test_the_service_refuses_an_answer_after_the_deadline(cast, family, hearing) -> None:
    past(hearing)
    with pytest.raises(ValidationError, match="Fristen"):
        answer_hearing(hearing=hearing, guardian=family.pia, text="For sent.", by=cast.parent)


def test_the_other_childs_parent_gets_404(cast, family, hearing, client_as) -> None:
    client = client_as(cast.other_parent)
    assert client.get(url(family, hearing)).status_code == 404
    assert client.post(url(family, hearing), {"text": "x"}).status_code == 404
