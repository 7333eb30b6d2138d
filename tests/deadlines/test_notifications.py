"""Notifications: the list shows which are new and reads nothing; a notification is read when its
target is opened (through its own link, from the list or the e-mail) or it is marked read."""

from typing import Any

import pytest
from django.core import mail
from django.urls import reverse

from ppr.deadlines import services
from ppr.deadlines.models import Notification
from tests.conftest import SESSION_QUERIES

pytestmark = pytest.mark.django_db

#: Queries of the list page and of opening one (session, user, the row, the UPDATE in a savepoint):
#: counted once, they must not grow with the number of notifications. With Redis the session is
#: read from the cache (cached_db sessions), one query fewer. Opening one also reads the user's
#: memberships: a parent is kept to the parents' portal (PortalSeparationMiddleware; with MFA
#: required, as in production, the MFA check reads them anyway).
LIST_QUERIES = 5 + SESSION_QUERIES
OPEN_QUERIES = 6 + SESSION_QUERIES
LIST = reverse("deadlines:notification-list")
READ_ALL = reverse("deadlines:notification-read-all")


def open_url(notification: Notification) -> str:
    return reverse("deadlines:notification-open", args=[notification.pk])


def read_url(notification: Notification) -> str:
    return reverse("deadlines:notification-read", args=[notification.pk])


def note(
    user: Any, message: str = "Frist nærmer sig: PPV", link: str = "/sager/1/"
) -> Notification:
    return Notification.objects.create(recipient=user, message=message, link=link)


def unread(user: Any) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def test_the_list_shows_my_new_notifications_and_leaves_them_unread(
    client_as: Any, cast: Any
) -> None:
    mine = note(cast.psychologist)
    note(cast.colleague, message="Kollegas besked")
    client = client_as(cast.psychologist)
    for _ in range(2):  # a second visit still shows it as new
        page = client.get(LIST).content.decode()
        assert "Frist nærmer sig: PPV" in page and "Kollegas besked" not in page
        assert '<span class="ppr-badge">Ny</span>' in page
        assert "Du har 1 ulæst notifikation," in page
        assert f'href="{open_url(mine)}"' in page
        assert f'action="{read_url(mine)}"' in page
    assert unread(cast.psychologist) == 1


def test_mark_all_read_marks_what_the_list_showed_as_new(client_as: Any, cast: Any) -> None:
    note(cast.psychologist)
    note(cast.psychologist, message="Endnu en")
    note(cast.colleague)
    client = client_as(cast.psychologist)
    client.get(LIST)
    assert unread(cast.psychologist) == 2
    response = client.post(READ_ALL)
    assert response.status_code == 302
    assert unread(cast.psychologist) == 0 and unread(cast.colleague) == 1
    page = client.get(LIST).content.decode()
    assert "Ny</span>" not in page and "Markér alle som læst" not in page
    assert "Du har ingen ulæste notifikationer." in page


def test_opening_a_notification_reads_it_and_goes_to_its_target(client_as: Any, cast: Any) -> None:
    mine = note(cast.psychologist, link="/sager/indstillinger/38/")
    other = note(cast.psychologist, message="Anden")
    response = client_as(cast.psychologist).get(open_url(mine))
    assert (response.status_code, response["Location"]) == (302, "/sager/indstillinger/38/")
    mine.refresh_from_db()
    other.refresh_from_db()
    assert mine.read_at is not None and other.read_at is None


@pytest.mark.parametrize("link", ["", "//elsewhere.example/", "https://elsewhere.example/x/"])
def test_a_notification_without_a_local_target_opens_the_list(
    client_as: Any, cast: Any, link: str
) -> None:
    mine = note(cast.psychologist, link=link)
    response = client_as(cast.psychologist).get(open_url(mine))
    assert (response.status_code, response["Location"]) == (302, LIST)
    assert unread(cast.psychologist) == 0


def test_someone_elses_notification_is_404_and_stays_unread(client_as: Any, cast: Any) -> None:
    theirs = note(cast.colleague)
    client = client_as(cast.psychologist)
    assert client.get(open_url(theirs)).status_code == 404
    assert client.post(read_url(theirs)).status_code == 404
    assert unread(cast.colleague) == 1


def test_marking_one_read_keeps_the_others_new_and_the_page(client_as: Any, cast: Any) -> None:
    first = note(cast.psychologist, message="Første")
    note(cast.psychologist, message="Anden")
    client = client_as(cast.psychologist)
    response = client.post(read_url(first), {"side": "2"})
    assert (response.status_code, response["Location"]) == (302, f"{LIST}?side=2")
    assert unread(cast.psychologist) == 1
    first.refresh_from_db()
    assert first.read_at is not None
    assert client.get(read_url(first)).status_code == 405


def test_anonymous_is_sent_to_the_login_page(client: Any, cast: Any) -> None:
    mine = note(cast.psychologist)
    response = client.get(open_url(mine))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]
    assert unread(cast.psychologist) == 1


def test_the_list_and_opening_take_the_same_queries_however_many_notifications(
    client_as: Any, cast: Any, django_assert_num_queries: Any
) -> None:
    client = client_as(cast.psychologist)
    note(cast.psychologist)
    client.get(LIST)  # warm the session and caches
    for total in (3, 40):
        while Notification.objects.filter(recipient=cast.psychologist).count() < total:
            note(cast.psychologist)
        with django_assert_num_queries(LIST_QUERIES):
            assert client.get(LIST).status_code == 200
        target = Notification.objects.filter(recipient=cast.psychologist).first()
        with django_assert_num_queries(OPEN_QUERIES):
            assert client.get(open_url(target)).status_code == 302


def test_the_emails_link_opens_the_notification(
    cast: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(recipients=[cast.psychologist], message="Ny opgave", link="/sager/2/")
    created = Notification.objects.get(recipient=cast.psychologist)
    assert mail.outbox[0].body.endswith(f"Se mere i PPR Sag: http://testserver{open_url(created)}")
