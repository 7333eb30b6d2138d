"""Secure messages between custody holders and the case's PPR staff: threads per child,
attachments checked like a referral's, every message journaled, content-free e-mails, unread
counts, and no way into another child's thread."""

import uuid

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from cases.models import CaseOutcome, CaseStatus, JournalEntry, JournalKind
from messaging.models import Message, MessageAttachment, Thread
from ppr.deadlines.models import Notification
from tests.cases.factories import CaseFactory, ChildFactory
from tests.conftest import SESSION_QUERIES, client_for
from tests.parents.factories import give_custody

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def child_with_case(cast, parent=None, **custody):
    child = ChildFactory(institution=cast.school, first_name="Ida", last_name="Kornerup")
    case = CaseFactory(child=child, assigned=cast.psychologist, team=cast.team_vest)
    guardian = give_custody(parent or cast.parent, child, email="pia@example.dk", **custody)
    return child, case, guardian


def new_thread_url(child) -> str:
    return reverse("parent-messages:thread-create", kwargs={"child_pk": child.pk})


def post_thread(client, child, **extra):
    data = {
        "subject": "Spørgsmål om mødet",
        "body": "Hvornår er næste møde?",
        "client_token": str(uuid.uuid4()),
        **extra,
    }
    return client.post(new_thread_url(child), data)


# --- The parent writes -----------------------------------------------------------------------


def test_a_parents_message_is_journaled_and_tells_the_psychologist_without_content(
    cast, settings, django_capture_on_commit_callbacks
) -> None:
    settings.PPR_SITE_URL = "https://ppr.kommune.example"
    child, case, guardian = child_with_case(cast)
    cast.psychologist.email = "psykolog@kommune.example"
    cast.psychologist.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = post_thread(client_for(cast.parent), child)
    thread = Thread.objects.get()
    assert response.status_code == 302 and response["Location"] == thread.get_parent_url()
    message = Message.objects.get()
    assert (thread.case, thread.guardian, message.from_parent) == (case, guardian, True)
    entry = JournalEntry.objects.get(case=case)
    assert entry.kind == JournalKind.KORRESPONDANCE and entry.text == "Hvornår er næste møde?"
    assert (entry.document_type, entry.document_id) == ("messaging.message", message.pk)
    assert message.journal_entry == entry
    notification = Notification.objects.get(recipient=cast.psychologist)
    assert notification.message == "Du har en ny besked i PPR Sag"
    [email] = mail.outbox
    assert "Hvornår" not in email.body and "Ida" not in email.body and "Kornerup" not in email.body
    assert "https://ppr.kommune.example/" in email.body


def test_a_double_submit_starts_one_thread_with_one_message(cast) -> None:
    child, _, _ = child_with_case(cast)
    client = client_for(cast.parent)
    token = str(uuid.uuid4())
    post_thread(client, child, client_token=token)
    post_thread(client, child, client_token=token)
    assert Thread.objects.count() == 1 and Message.objects.count() == 1
    assert JournalEntry.objects.count() == 1


def test_an_empty_message_is_refused_in_danish_and_nothing_is_saved(cast) -> None:
    child, _, _ = child_with_case(cast)
    response = post_thread(client_for(cast.parent), child, subject="", body="  ")
    assert response.status_code == 400
    assert "Skriv et emne." in response.text and "Skriv en besked." in response.text
    assert not Thread.objects.exists() and not JournalEntry.objects.exists()


@pytest.mark.parametrize(
    ("content", "error"),
    [
        (b"MZ\x90\x00 not a document", "Filtypen er ikke tilladt"),
        (
            b"%PDF-1.4\n1 0 obj << /OpenAction << /S /JavaScript /JS (x) >> >> endobj\n",
            "JavaScript",
        ),
    ],
)
def test_a_bad_attachment_is_refused_with_a_danish_error_at_the_field(
    cast, content: bytes, error: str
) -> None:
    child, _, _ = child_with_case(cast)
    upload = SimpleUploadedFile("brev.pdf", content, content_type="application/pdf")
    response = post_thread(client_for(cast.parent), child, file=upload)
    assert response.status_code == 400
    assert error in response.text and 'class="form-error-message"' in response.text
    assert not Message.objects.exists() and not MessageAttachment.objects.exists()


def test_an_attachment_is_kept_journaled_and_downloaded_by_both_sides(cast) -> None:
    child, _, _ = child_with_case(cast)
    upload = SimpleUploadedFile("Ida Kornerup udtalelse.pdf", PDF, content_type="text/plain")
    post_thread(client_for(cast.parent), child, file=upload)
    attachment = MessageAttachment.objects.get()
    assert attachment.content_type == "application/pdf"
    assert "Bilag: Ida Kornerup udtalelse.pdf" in JournalEntry.objects.get().text
    for client, name in (
        (client_for(cast.parent), "parent-messages:attachment"),
        (client_for(cast.psychologist), "messaging:attachment"),
    ):
        response = client.get(reverse(name, kwargs={"pk": attachment.pk}))
        assert response.status_code == 200 and response.content == PDF
        assert response["Content-Disposition"].startswith("attachment")
        assert response["X-Content-Type-Options"] == "nosniff"
    assert (
        client_for(cast.other_parent)
        .get(reverse("parent-messages:attachment", kwargs={"pk": attachment.pk}))
        .status_code
        == 404
    )
    assert (
        client_for(cast.outsider)
        .get(reverse("messaging:attachment", kwargs={"pk": attachment.pk}))
        .status_code
        == 404
    )


# --- Scope -----------------------------------------------------------------------------------


def test_a_parent_of_another_child_gets_404_on_the_thread_and_cannot_start_one(cast) -> None:
    child, _, _ = child_with_case(cast)
    post_thread(client_for(cast.parent), child)
    thread = Thread.objects.get()
    other = client_for(cast.other_parent)
    url = thread.get_parent_url()
    assert other.get(url).status_code == 404
    assert other.post(url, {"body": "x", "client_token": str(uuid.uuid4())}).status_code == 404
    assert post_thread(other, child).status_code == 404
    inbox = other.get(reverse("parent-messages:inbox"))
    assert inbox.status_code == 200 and "Spørgsmål om mødet" not in inbox.text
    assert Message.objects.count() == 1


def test_the_other_custody_holder_does_not_see_the_first_ones_thread(cast) -> None:
    child, _, _ = child_with_case(cast)
    give_custody(cast.other_parent, child, relation="far")
    post_thread(client_for(cast.parent), child)
    thread = Thread.objects.get()
    assert client_for(cast.other_parent).get(thread.get_parent_url()).status_code == 404


def test_a_parent_whose_custody_ended_can_neither_read_nor_write(cast) -> None:
    child, _, guardian = child_with_case(cast)
    post_thread(client_for(cast.parent), child)
    thread = Thread.objects.get()
    guardian.custody_ended_on = timezone.localdate()
    guardian.save()
    client = client_for(cast.parent)
    assert client.get(thread.get_parent_url()).status_code == 404
    reply = client.post(thread.get_parent_url(), {"body": "x", "client_token": str(uuid.uuid4())})
    assert reply.status_code == 404 and Message.objects.count() == 1
    assert post_thread(client, child).status_code == 404


def test_staff_see_threads_only_on_cases_visible_to_them(cast) -> None:
    child, case, _ = child_with_case(cast)
    post_thread(client_for(cast.parent), child)
    thread = Thread.objects.get()
    for user, status in (
        (cast.psychologist, 200),
        (cast.colleague, 200),
        (cast.ppr_leader, 200),
        (cast.outsider, 404),
        (cast.secretary, 404),
        (cast.school_leader, 404),
    ):
        assert client_for(user).get(thread.get_absolute_url()).status_code == status, user
    case_threads = reverse("messaging:case-threads", kwargs={"pk": case.pk})
    assert client_for(cast.outsider).get(case_threads).status_code == 404
    assert client_for(cast.secretary).get(case_threads).status_code == 403
    assert client_for(cast.parent).get(thread.get_absolute_url()).status_code == 403


# --- The staff answer, unread counts ----------------------------------------------------------


def test_the_psychologist_answers_from_the_case_page_and_the_parent_is_told_without_content(
    cast, settings, django_capture_on_commit_callbacks
) -> None:
    settings.PPR_SITE_URL = "https://ppr.kommune.example"
    child, case, _ = child_with_case(cast)
    post_thread(client_for(cast.parent), child)
    thread = Thread.objects.get()
    mail.outbox.clear()
    staff = client_for(cast.psychologist)
    page = staff.get(case.get_absolute_url())
    assert reverse("messaging:case-threads", kwargs={"pk": case.pk}) in page.text
    assert "1 ulæst" in page.text
    staff.get(thread.get_absolute_url())
    assert "1 ulæst" not in staff.get(case.get_absolute_url()).text
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(
            thread.get_absolute_url(),
            {"body": "Mødet er tirsdag kl. 10.", "client_token": str(uuid.uuid4())},
        )
    assert response.status_code == 302
    answer = Message.objects.get(from_parent=False)
    assert answer.journal_entry.text == "Mødet er tirsdag kl. 10."
    [email] = mail.outbox
    assert email.to == ["pia@example.dk"] and email.subject == "Du har en ny besked i PPR Sag"
    assert "tirsdag" not in email.body and "Ida" not in email.body
    assert f"https://ppr.kommune.example{thread.get_parent_url()}" in email.body
    parent = client_for(cast.parent)
    inbox = parent.get(reverse("parent-messages:inbox"))
    assert "1 ulæst" in inbox.text
    assert "Mødet er tirsdag kl. 10." in parent.get(thread.get_parent_url()).text
    assert "1 ulæst" not in parent.get(reverse("parent-messages:inbox")).text


def test_a_colleague_may_read_but_a_closed_case_takes_no_more_messages(cast) -> None:
    child, case, _ = child_with_case(cast)
    post_thread(client_for(cast.parent), child)
    thread = Thread.objects.get()
    case.status = CaseStatus.CLOSED
    case.outcome = CaseOutcome.MOVED
    case.save()
    data = {"body": "Hej", "client_token": str(uuid.uuid4())}
    assert client_for(cast.psychologist).post(thread.get_absolute_url(), data).status_code == 403
    response = client_for(cast.parent).post(thread.get_parent_url(), data)
    assert response.status_code == 400 and "Sagen er lukket" in response.text
    assert Message.objects.count() == 1


def test_the_staff_start_a_thread_with_one_custody_holder(cast) -> None:
    child, case, guardian = child_with_case(cast)
    url = reverse("messaging:case-threads", kwargs={"pk": case.pk})
    data = {
        "guardian": guardian.pk,
        "subject": "Testresultater",
        "body": "Vi har resultaterne klar.",
        "client_token": str(uuid.uuid4()),
    }
    assert client_for(cast.secretary).post(url, data).status_code == 403
    response = client_for(cast.psychologist).post(url, data)
    thread = Thread.objects.get()
    assert response.status_code == 302 and thread.guardian == guardian
    assert Notification.objects.get(recipient=cast.parent).link == thread.get_parent_url()


def test_the_message_pages_have_a_constant_number_of_queries(
    cast, django_assert_num_queries
) -> None:
    child, case, _ = child_with_case(cast)
    parent = client_for(cast.parent)
    post_thread(parent, child)
    thread = Thread.objects.get()
    staff = client_for(cast.psychologist)
    pages = [
        (parent, thread.get_parent_url(), PARENT_THREAD),
        (staff, thread.get_absolute_url(), STAFF_THREAD),
        (parent, reverse("parent-messages:inbox"), PARENT_INBOX),
        (staff, reverse("messaging:case-threads", kwargs={"pk": case.pk}), CASE_THREADS),
    ]
    for client, url, _ in pages:
        client.get(url)  # the first read of a thread writes its read mark
    for _ in range(2):
        for client, url, queries in pages:
            with django_assert_num_queries(queries + SESSION_QUERIES):
                assert client.get(url).status_code == 200
        # More messages, with attachments, and more threads change nothing.
        for i in range(3):
            staff.post(
                thread.get_absolute_url(),
                {
                    "body": f"Svar {i}",
                    "client_token": str(uuid.uuid4()),
                    "file": SimpleUploadedFile("svar.pdf", PDF),
                },
            )
        post_thread(parent, child)


#: A thread page: the user (+ memberships; a parent's identity), the thread, the audit row, the
#: read mark (savepoint, select, update), the messages, their attachments.
PARENT_THREAD = 11
STAFF_THREAD = 10
#: The parent's inbox: the user, memberships, identity, the threads with unread counts, the
#: children with an open case.
PARENT_INBOX = 5
CASE_THREADS = 7
