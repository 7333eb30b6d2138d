"""Restriction of processing (GDPR art. 18): a restricted child drops out of every list, search
and page for every role, the PPR leader included; only the leader opens it, on the rights page,
with a purpose that is logged; lifting it is logged too."""

from datetime import date
from typing import Any

import pytest
from django.apps import apps
from django.urls import reverse

from cases.models import Case, Child, JournalEntry, Referral, RulerRating
from meetings.models import AgendaItem
from ppr.access import VisibleQuerySet, restriction_lookup
from ppr.audit.models import AuditAction, AuditEvent
from rights import services
from rights.models import Restriction
from tests.cases.case_fixtures import make_case
from tests.cases.factories import JournalEntryFactory, ReferralFactory, RulerRatingFactory
from tests.meetings.factories import AgendaItemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(cast: Any) -> Case:
    case = make_case(
        cast,
        child__first_name="Rosalina",
        child__last_name="Begrænsen",
        assigned=cast.psychologist,
    )
    JournalEntryFactory(case=case, author=cast.psychologist)
    RulerRatingFactory(child=case.child, rater=cast.psychologist, rated_on=date(2026, 3, 1))
    ReferralFactory(child=case.child, author=cast.school_leader, status="indsendt", case=case)
    return case


def restrict(cast: Any, case: Case) -> Restriction:
    return services.restrict(case.child, by=cast.ppr_leader, reason="Forældrene bestrider PPV'en.")


def test_every_visible_queryset_of_a_model_about_one_child_leaves_restricted_children_out() -> None:
    """The rule holds everywhere: every model whose manager decides visibility and whose rows
    concern one child has a lookup to that child, so ppr.access can leave it out."""
    missing = []
    for model in apps.get_models():
        manager = model._default_manager
        if not isinstance(manager.all(), VisibleQuerySet):
            continue
        # A document's subject decides for it (ppr/documents), so it has no lookup of its own.
        if (
            getattr(model, "audit_child", "")
            and restriction_lookup(model) is None
            and model._meta.label != "documents.Document"
        ):
            missing.append(model._meta.label)
    assert missing == []
    assert restriction_lookup(JournalEntry) == "case__child_id"
    assert restriction_lookup(Child) == "pk"


def test_a_restricted_child_is_in_no_queryset_for_any_role(cast, case) -> None:
    item = AgendaItemFactory(child=case.child, submitted_by=cast.psychologist)
    restrict(cast, case)
    for user in (cast.ppr_leader, cast.psychologist, cast.secretary, cast.school_leader):
        assert not Child.objects.visible_to(user).filter(pk=case.child.pk).exists()
        assert not Case.objects.visible_to(user).filter(pk=case.pk).exists()
        assert not Referral.objects.visible_to(user).filter(child=case.child).exists()
        assert not RulerRating.objects.visible_to(user).filter(child=case.child).exists()
        assert not JournalEntry.objects.visible_to(user).filter(case=case).exists()
        assert not AgendaItem.objects.visible_to(user).filter(pk=item.pk).exists()
    assert AgendaItem.objects.filter(pk=item.pk).exists()  # kept, only out of sight


def test_the_case_list_and_the_search_leave_a_restricted_child_out(cast, client_as, case) -> None:
    other = make_case(cast, child__first_name="Rosalina", child__last_name="Fri")
    restrict(cast, case)
    for user in (cast.ppr_leader, cast.psychologist):
        page = client_as(user).get(reverse("cases:case-list")).content.decode()
        assert "Begrænsen" not in page
        found = client_as(user).post(reverse("cases:case-search"), {"q": "Rosalina"})
        names = {row.record.child.last_name for row in found.context["table"].rows}
        assert "Begrænsen" not in names
        assert other.child.last_name in names


def test_the_child_and_case_pages_are_404_even_for_the_leader(cast, client_as, case) -> None:
    restrict(cast, case)
    for user in (cast.ppr_leader, cast.psychologist, cast.school_leader):
        client = client_as(user)
        assert client.get(reverse("cases:child-detail", args=[case.child.pk])).status_code == 404
        assert client.get(reverse("cases:case-detail", args=[case.pk])).status_code == 404


def test_the_rating_report_no_longer_counts_a_restricted_child(cast, client_as, case) -> None:
    url = reverse("cases:rating-report")
    restrict(cast, case)
    response = client_as(cast.ppr_leader).get(url, {"fra": "", "til": ""})
    totals = [dict(row.record)["total"] for row in response.context["institutions"].rows]
    assert sum(totals) == 0


def test_only_the_leader_opens_a_restricted_record_and_the_purpose_is_logged(
    cast, client_as, case
) -> None:
    restrict(cast, case)
    url = reverse("rights:open-restricted", args=[case.child.pk])
    for user in (cast.psychologist, cast.secretary, cast.school_leader, cast.administrator):
        assert client_as(user).post(url, {"purpose": "nysgerrig"}).status_code == 403
    leader = client_as(cast.ppr_leader)
    asked = leader.get(url)
    assert asked.status_code == 200
    assert "Samtale med eleven" not in asked.content.decode()  # nothing before the purpose
    refused = leader.post(url, {"purpose": ""})
    assert refused.status_code == 422
    assert "Skriv formålet" in refused.content.decode()
    opened = leader.post(url, {"purpose": "klage fra forældrene behandles"})
    assert opened.status_code == 200
    page = opened.content.decode()
    assert "Samtale med eleven" in page and "Journal" in page
    event = AuditEvent.objects.filter(child_id=case.child.pk, action=AuditAction.VIEW).latest("pk")
    assert event.purpose == "begrænset behandling: klage fra forældrene behandles"
    assert event.actor == cast.ppr_leader


def test_the_leader_restricts_with_a_reason_and_lifts_it_logged(cast, client_as, case) -> None:
    leader = client_as(cast.ppr_leader)
    url = reverse("rights:restrict", args=[case.child.pk])
    refused = leader.post(url, {"reason": ""})
    assert refused.status_code == 422 and not Restriction.objects.exists()
    assert leader.post(url, {"reason": "Bestrider rigtigheden."}).status_code == 302
    assert leader.post(url, {"reason": "Igen."}).status_code == 422  # a double submit: one row
    restriction = Restriction.objects.get()
    assert restriction.is_active and restriction.restricted_by == cast.ppr_leader
    assert not Child.objects.visible_to(cast.ppr_leader).filter(pk=case.child.pk).exists()
    overview = leader.get(reverse("rights:overview")).content.decode()
    assert "Rosalina Begrænsen" in overview

    lift_url = reverse("rights:lift", args=[restriction.pk])
    assert client_as(cast.psychologist).post(lift_url, {"reason": "x"}).status_code == 403
    assert leader.post(lift_url, {"reason": ""}).status_code == 422
    assert leader.post(lift_url, {"reason": "Rigtigheden er afklaret."}).status_code == 302
    restriction.refresh_from_db()
    assert restriction.lifted_by == cast.ppr_leader and restriction.lift_reason
    assert Child.objects.visible_to(cast.psychologist).filter(pk=case.child.pk).exists()
    purposes = list(
        AuditEvent.objects.filter(child_id=case.child.pk, action=AuditAction.UPDATE)
        .order_by("pk")
        .values_list("purpose", flat=True)
    )
    assert purposes == [
        "begrænsning af behandling (GDPR art. 18): Bestrider rigtigheden.",
        "ophævelse af begrænsning (GDPR art. 18): Rigtigheden er afklaret.",
    ]
    assert leader.post(lift_url, {"reason": "igen"}).status_code == 404  # lifted already


def test_the_rights_pages_are_the_leaders_alone(cast, client_as, case) -> None:
    urls = [reverse("rights:overview"), reverse("rights:child", args=[case.child.pk])]
    for user in (cast.psychologist, cast.secretary, cast.school_leader, cast.administrator):
        for url in urls:
            assert client_as(user).get(url).status_code == 403
    assert client_as(None).get(urls[0]).status_code == 302
    assert client_as(cast.ppr_leader).get(reverse("rights:child", args=[999999])).status_code == 404
