"""The start-page panel, the navigation, and the demo data (idempotent)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.models import ConferenceSeries, ForumReferral, Profession, TuesdayMeeting, TuesdaySeat

pytestmark = pytest.mark.django_db


def test_start_page_shows_my_next_meetings(cast, conference, client_as) -> None:
    starts = timezone.now() + timedelta(days=2)
    tuesday = TuesdayMeeting.objects.create(
        district=cast.vest,
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        room="Rådhuset",
        created_by=cast.ppr_leader,
    )
    TuesdaySeat.objects.create(
        meeting=tuesday, user=cast.social_worker, profession=Profession.SOCIAL_WORKER
    )
    html = client_as(cast.social_worker).get(reverse("home")).content.decode()
    assert "Dine næste møder" in html
    assert "Tværfagligt tirsdagsmøde (Vest)" in html
    assert conference.series.name in html
    assert html.index("Tværfagligt tirsdagsmøde (Vest)") < html.index(conference.series.name)


def test_the_administrator_gets_no_meetings_panel_or_menu(cast, client_as) -> None:
    html = client_as(cast.administrator).get(reverse("home")).content.decode()
    assert "Dine næste møder" not in html
    assert reverse("meetings:index") not in html


def test_institution_staff_see_meetings_but_not_tirsdagsmoeder_in_the_menu(cast, client_as) -> None:
    html = client_as(cast.teacher).get(reverse("home")).content.decode()
    assert reverse("meetings:index") in html
    assert reverse("meetings:tuesday-list") not in html


def test_demo_data_is_idempotent(db) -> None:
    from demo import meetings as meetings_demo
    from demo.organisation import seed_organisation

    organisation = seed_organisation()
    meetings_demo.seed(organisation)
    counts = (
        ConferenceSeries.objects.count(),
        ForumReferral.objects.count(),
        TuesdayMeeting.objects.count(),
    )
    assert counts[0] == 2 and counts[1] >= 1 and counts[2] >= 48
    meetings_demo.seed(seed_organisation())
    assert (
        ConferenceSeries.objects.count(),
        ForumReferral.objects.count(),
        TuesdayMeeting.objects.count(),
    ) == counts


def test_the_demo_shows_a_finalised_notat_journaled_and_a_linked_redirected_referral(
    db,
) -> None:
    from cases.models import JournalEntry, ReferralStatus
    from demo import cases as cases_demo
    from demo import meetings as meetings_demo
    from demo.organisation import seed_organisation
    from meetings.models import Note, NoteStatus

    organisation = seed_organisation()
    cases_demo.seed(organisation)
    meetings_demo.seed(organisation)
    note = Note.objects.get()
    assert note.status == NoteStatus.FINAL and note.conference_meeting is not None
    assert JournalEntry.objects.filter(document_type="meetings.note", document_id=note.pk).exists()
    linked = ForumReferral.objects.get(referral__isnull=False)
    assert linked.referral.status == ReferralStatus.REDIRECTED
    assert linked.forum.code == linked.referral.redirect_forum
    meetings_demo.seed(seed_organisation())
    assert Note.objects.count() == 1
    assert ForumReferral.objects.filter(referral__isnull=False).count() == 1
