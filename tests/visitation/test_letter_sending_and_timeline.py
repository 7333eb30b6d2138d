"""The decision letter is its own document kind on "Dokumenter" (PPR on the case and the
leader of the child's institution); its sending to each custody holder is recorded as a PPV's
is; the decision, its sendings and complaints stand on the case page's timeline (registered by
visitation, which cases does not import) at a constant query count."""

import uuid
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ppr.documents.models import DocumentKind
from tests.cases.factories import GuardianFactory
from visitation import services
from visitation.models import DecisionDispatch

from .factories import decision

pytestmark = pytest.mark.django_db


def _guardians(child):
    mother = GuardianFactory(child=child, name="Birgit Ærø", relation="mor", has_custody=True)
    father = GuardianFactory(child=child, name="Søren Ærø", relation="far", has_custody=True)
    GuardianFactory(child=child, name="Uden Myndighed", relation="far", has_custody=False)
    return mother, father


def test_the_letter_is_a_decision_letter_on_the_documents_list(cast, client_as):
    granted = decision(cast)
    letter = services.letter(granted)
    assert letter is not None and letter.kind == DocumentKind.AFGOERELSE
    listing = reverse("documents:document-list") + "?type=afgoerelse"
    for user in (cast.ppr_leader, cast.psychologist, cast.school_leader):
        page = client_as(user).get(listing).content.decode()
        assert "Afgørelse om specialpædagogisk bistand" in page, user
    # A case worker on another team does not print it.
    assert (
        "Afgørelse om specialpædagogisk"
        not in client_as(cast.outsider).get(listing).content.decode()
    )


def test_the_leader_records_the_sending_to_each_custody_holder(cast, client_as):
    granted = decision(cast)
    mother, father = _guardians(granted.application.child)
    client = client_as(cast.ppr_leader)
    url = reverse("visitation:letter-send", args=[granted.pk])
    page = client.get(url).content.decode()
    assert "Birgit Ærø (Mor)" in page and "Uden Myndighed" not in page
    batch = str(uuid.uuid4())
    assert client.post(url, {"batch": batch}).status_code == 400
    data = {"batch": batch, "guardians": [mother.pk, father.pk]}
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302  # a double submit records each once
    assert sorted(DecisionDispatch.objects.values_list("recipient_name", flat=True)) == [
        "Birgit Ærø (Mor)",
        "Søren Ærø (Far)",
    ]
    assert "Sendt " in client.get(url).content.decode()
    assert client_as(cast.psychologist).get(url).status_code == 403
    assert client_as(cast.school_leader).post(url, data).status_code == 403


def _case_page(client, case):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("cases:case-detail", args=[case.pk]))
    assert response.status_code == 200
    return response, len(queries.captured_queries)


def test_the_decision_is_on_the_case_timeline_at_a_constant_query_count(cast, client_as):
    granted = decision(cast)
    case = granted.application.case
    mother, father = _guardians(case.child)
    client = client_as(cast.psychologist)
    client.get(reverse("cases:case-detail", args=[case.pk]))  # the session settles
    services.send_letter(granted, by=cast.ppr_leader, guardians=[mother], batch=uuid.uuid4())
    services.register_appeal(decision=granted, received_on=date.today(), by=cast.ppr_leader)
    response, few = _case_page(client, case)
    kinds = [item.kind for item in response.context["timeline"]]
    assert "decision" in kinds
    content = response.content.decode()
    assert "Afgørelse om specialpædagogisk bistand" in content
    assert "Afgørelsesbrevet sendt" in content and "Birgit Ærø (Mor)" in content
    assert "Klage modtaget" in content
    assert "Afgørelsesbrev (PDF)" in content  # the psychologist on the case may print it
    for _ in range(3):
        services.send_letter(
            granted, by=cast.ppr_leader, guardians=[mother, father], batch=uuid.uuid4()
        )
        services.register_appeal(decision=granted, received_on=date.today(), by=cast.ppr_leader)
    _response, many = _case_page(client, case)
    assert many == few
