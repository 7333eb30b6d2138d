"""The child's page in the parents' portal: only one's own child, nothing after custody ends,
every read audited as the parent's, the same queries however much the child has."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from cases.models import ReferralStatus
from ppr.audit.models import AuditAction, AuditEvent
from ppr.documents.models import Document, DocumentKind, DocumentStatus
from tests.cases.factories import ReferralFactory
from tests.conftest import SESSION_QUERIES
from tests.parents.portal_fixtures import (
    PDF,
    conference_naming,
    final_note,
    final_ppv,
    forum_meeting,
    hearing_for,
    meeting_consent,
)
from visitation import services as visitation

pytestmark = pytest.mark.django_db


def page(family, who="pia"):
    return reverse("parents:child", kwargs={"pk": getattr(family, who).pk})


def every_url_of(family, hearing=None):
    """Every parent URL about Asta (Pia's guardianship)."""
    pk = family.pia.pk
    consent = family.pia.consents.first()
    urls = [
        reverse("parents:child", kwargs={"pk": pk}),
        reverse("parents:child-ppv", kwargs={"pk": pk, "ppv": family.ppv.pk}),
        reverse("parents:child-note", kwargs={"pk": pk, "note": family.note.pk}),
        reverse("parents:child-consent", kwargs={"pk": pk}),
    ]
    if consent is not None:
        urls.append(
            reverse("parents:child-consent-withdraw", kwargs={"pk": pk, "consent": consent.pk})
        )
    if hearing is not None:
        urls.append(reverse("parents:child-hearing", kwargs={"pk": pk, "hearing": hearing.pk}))
    return urls


def test_a_parent_sees_their_childs_referral_timeline_documents_and_staff(
    cast, family, client_as
) -> None:
    response = client_as(cast.parent).get(page(family))

    assert response.status_code == 200
    text = response.content.decode()
    assert "Asta Fjordby" in text and "Vestervang Skole" in text
    assert "Indstillingen er sendt til PPR" in text
    assert "PPR har modtaget indstillingen" in text
    assert "PPR har taget imod sagen" in text
    assert "Kladde" not in text
    assert "PPV version 1" in text and "Notat fra indstillingsmødet" in text
    assert cast.psychologist.get_full_name() in text and cast.psychologist.email in text
    assert family.asta.cpr not in text and family.asta.cpr.replace("-", "") not in text
    assert "Bent" not in text
    assert "no-store" in response["Cache-Control"]


def test_the_parent_of_another_child_gets_404_on_everything_about_asta(
    cast, family, client_as
) -> None:
    meeting_consent(family.pia, family.series_name, cast.school_leader)
    hearing = hearing_for(cast, family.asta)
    client = client_as(cast.other_parent)
    for url in every_url_of(family, hearing):
        assert client.get(url).status_code == 404, url
        assert client.post(url).status_code in {404, 405}, url
    # Otto's own guardianship with Asta's documents' ids is a 404 too.
    pk = family.otto.pk
    for url in (
        reverse("parents:child-ppv", kwargs={"pk": pk, "ppv": family.ppv.pk}),
        reverse("parents:child-note", kwargs={"pk": pk, "note": family.note.pk}),
        reverse("parents:child-hearing", kwargs={"pk": pk, "hearing": hearing.pk}),
    ):
        assert client.get(url).status_code == 404, url
    assert not AuditEvent.objects.filter(actor=cast.other_parent, child_id=family.asta.pk)


def test_staff_and_a_guardian_without_custody_are_refused(cast, family, client_as) -> None:
    assert client_as(cast.psychologist).get(page(family)).status_code == 403
    family.pia.has_custody = False
    family.pia.save()
    assert client_as(cast.parent).get(page(family)).status_code == 404


def test_a_parent_whose_custody_ends_sees_nothing_dated_from_that_day(
    cast, family, client_as
) -> None:
    meeting_consent(family.pia, "Indstilling og bistand v/PPR", cast.school_leader)
    forum_meeting(family.asta, cast, days=3)
    later = forum_meeting(family.asta, cast, days=9)
    final_note(later, cast)  # dated after the end (a note of a meeting ahead: finalised then)
    family.pia.custody_ended_on = timezone.localdate() + timedelta(days=6)
    family.pia.save()
    client = client_as(cast.parent)

    response = client.get(page(family))

    assert [m.starts_at.date() for m in response.context["meetings"]] == [
        timezone.localdate() + timedelta(days=3)
    ]
    assert list(response.context["notes"]) == [family.note]
    note_url = reverse("parents:child-note", kwargs={"pk": family.pia.pk, "note": later.note.pk})
    assert client.get(note_url).status_code == 404

    family.pia.custody_ended_on = timezone.localdate()
    family.pia.save()
    for url in every_url_of(family):
        assert client.get(url).status_code == 404, url


def test_upcoming_meetings_show_only_where_the_parent_consented_by_name(
    cast, family, client_as
) -> None:
    forum_meeting(family.asta, cast, days=4)  # "Indstilling og bistand v/PPR", no consent
    conference_naming(family.asta, family.series_name, cast, days=5)
    meeting_consent(family.pia, family.series_name, cast.school_leader)

    response = client_as(cast.parent).get(page(family))

    assert [m.name for m in response.context["meetings"]] == [family.series_name]
    assert "Anden" not in response.content.decode()  # the agenda's other child


def test_only_notater_of_the_childs_own_meetings_with_the_parents_present(
    cast, family, client_as
) -> None:
    without_parents = forum_meeting(family.asta, cast, days=-5, parents="Klasselærer")
    final_note(without_parents, cast)

    response = client_as(cast.parent).get(page(family))

    assert list(response.context["notes"]) == [family.note]


def test_the_page_is_an_audited_read_with_the_parent_as_actor(cast, family, client_as) -> None:
    client_as(cast.parent).get(page(family))

    event = AuditEvent.objects.get(actor=cast.parent, action=AuditAction.VIEW)
    assert event.child_id == family.asta.pk
    assert event.purpose == "forældreportal: barnets side"
    assert event.role == "Forælder"


def test_the_page_makes_the_same_queries_however_much_the_child_has(
    cast, family, client_as, django_assert_num_queries
) -> None:
    meeting_consent(family.pia, family.series_name, cast.school_leader)
    client = client_as(cast.parent)
    client.get(page(family))  # warm
    # user, memberships, identity, guardianship, consents, referrals, events, forum meetings,
    # agenda items, PPVs, notater, decisions, hearings, cases, holders for the named meetings,
    # their consents, the restriction (art. 18), the audit row, the messages' session
    expected = 18 + SESSION_QUERIES
    with django_assert_num_queries(expected):
        client.get(page(family))
    meeting_consent(family.father, family.series_name, cast.school_leader)
    conference_naming(family.asta, family.series_name, cast, days=5)
    conference_naming(family.asta, family.series_name, cast, days=12)
    final_ppv(family.case, cast.psychologist, number=2)
    final_note(forum_meeting(family.asta, cast, days=-3), cast)
    ReferralFactory(child=family.asta, author=cast.teacher, status=ReferralStatus.SUBMITTED)
    with django_assert_num_queries(expected):
        response = client.get(page(family))
    assert len(response.context["meetings"]) == 2
    assert len(response.context["ppvs"]) == 2


def test_the_final_ppv_downloads_as_the_parents_audited_read(
    cast, family, client_as, private_storage
) -> None:
    url = reverse("parents:child-ppv", kwargs={"pk": family.pia.pk, "ppv": family.ppv.pk})

    response = client_as(cast.parent).get(url)

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    event = AuditEvent.objects.get(actor=cast.parent, action=AuditAction.PRINT)
    assert event.child_id == family.asta.pk
    assert event.purpose == "forældreportal: læst"


def test_a_draft_ppv_is_not_the_parents(cast, family, client_as) -> None:
    family.ppv.status = "kladde"
    family.ppv.save()
    url = reverse("parents:child-ppv", kwargs={"pk": family.pia.pk, "ppv": family.ppv.pk})
    assert client_as(cast.parent).get(url).status_code == 404


def test_a_decision_letter_downloads_for_the_parent(
    cast, family, client_as, private_storage
) -> None:
    hearing = hearing_for(cast, family.asta)
    visitation.answer_hearing(hearing=hearing, guardian=family.pia, text="Uenig.", by=cast.parent)
    decision = visitation.decide(
        application=hearing.application,
        outcome="afslaaet",
        offer=None,
        starts_on=None,
        other_intervention="",
        facts="Fakta.",
        assessment="Vurdering.",
        by=cast.ppr_leader,
    )
    letter = Document.objects.get(object_id=decision.pk, kind=DocumentKind.AFGOERELSE)
    letter.file.save("brev.pdf", ContentFile(PDF), save=False)
    letter.status, letter.sha256 = DocumentStatus.READY, "0" * 64
    letter.save()
    url = reverse("parents:child-decision", kwargs={"pk": family.pia.pk, "decision": decision.pk})

    response = client_as(cast.parent).get(url)
    assert b"".join(response.streaming_content) == PDF
    assert response.status_code == 200
    assert client_as(cast.other_parent).get(url).status_code == 404
