"""The life cycle's rules, holds, review pages and resumable deletion on small data."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from cases.models import CaseStatus, ReferralAttachment, ReferralStatus
from lifecycle import jobs, registry, services
from lifecycle.models import (
    DeletionLogEntry,
    DueItem,
    DueItemState,
    DueList,
    DueListStatus,
    LegalHold,
    RetentionRule,
)
from lifecycle.record_types import CHILD, CLOSED_CASE, CLOSED_REFERRAL
from tests.cases.factories import CaseFactory, ChildFactory, ReferralFactory
from tests.conftest import SESSION_QUERIES

pytestmark = pytest.mark.django_db


@pytest.fixture
def storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    return tmp_path


def closed_case(cast, closed: datetime):
    return CaseFactory(
        child=ChildFactory(institution=cast.school),
        assigned=cast.psychologist,
        team=cast.team_vest,
        status=CaseStatus.CLOSED,
        closed_at=closed,
        outcome="afsluttet_uden_videre",
    )


def rejected_referral(cast, decided: datetime, storage):
    referral = ReferralFactory(
        child=ChildFactory(institution=cast.school),
        author=cast.school_leader,
        status=ReferralStatus.REJECTED,
        rejection_reason="Ikke PPR's opgave.",
        submitted_at=decided - timedelta(days=20),
        decided_at=decided,
    )
    attachment = ReferralAttachment(
        referral=referral,
        original_name="bilag.pdf",
        content_type="application/pdf",
        size=13,
        uploaded_by=cast.school_leader,
    )
    attachment.file.save("bilag.pdf", ContentFile(b"%PDF-1.4 test"), save=False)
    attachment.save()
    return referral, attachment.file.name


CLOSED = datetime(2020, 3, 10, 9, 0, tzinfo=UTC)


def test_the_rule_runs_out_on_the_day_n_years_later_and_not_a_day_before(cast) -> None:
    case = closed_case(cast, CLOSED)
    with time_machine.travel(datetime(2025, 3, 9, 12, tzinfo=UTC), tick=False):
        assert not jobs.list_due().items.filter(object_id=case.pk).exists()
    with time_machine.travel(datetime(2025, 3, 10, 12, tzinfo=UTC), tick=False):
        item = jobs.list_due().items.get(record_type=CLOSED_CASE, object_id=case.pk)
    assert (item.clock_started, item.due_on) == (CLOSED.date(), CLOSED.date().replace(year=2025))


def test_29_february_runs_out_on_1_march() -> None:
    assert registry.add_years(datetime(2024, 2, 29).date(), 5) == datetime(2029, 3, 1).date()


def test_listing_twice_gives_one_list_and_a_new_hold_marks_the_item_held(cast) -> None:
    case = closed_case(cast, CLOSED)
    with time_machine.travel(datetime(2026, 1, 5, 12, tzinfo=UTC), tick=False):
        first = jobs.list_due()
        second = jobs.list_due()
        assert first.pk == second.pk
        assert DueList.objects.count() == 1
        assert DueItem.objects.filter(object_id=case.pk, record_type=CLOSED_CASE).count() == 1
        services.set_legal_hold(
            child=case.child, reason="Retssag", until=timezone.localdate(), by=cast.ppr_leader
        )
        jobs.list_due()
        item = DueItem.objects.get(object_id=case.pk, record_type=CLOSED_CASE)
        assert item.state == DueItemState.HELD


def test_an_open_case_and_an_undecided_appeal_are_holds() -> None:
    assert {"open_case", "appeal_pending", "legal_hold"} <= set(registry.HOLDS)


def test_a_hold_set_after_approval_still_stops_the_deletion(cast, storage) -> None:
    case = closed_case(cast, CLOSED)
    with time_machine.travel(datetime(2026, 1, 5, 12, tzinfo=UTC), tick=False):
        due_list = jobs.list_due()
        DueList.objects.filter(pk=due_list.pk).update(status=DueListStatus.APPROVED)
        due_list.refresh_from_db()
        LegalHold.objects.create(
            child=case.child, reason="Klage", until=timezone.localdate(), created_by=cast.ppr_leader
        )
        jobs.delete_approved(due_list=due_list)
    case.refresh_from_db()
    assert case.child.first_name != "Slettet"
    assert not DeletionLogEntry.objects.filter(record_type=CLOSED_CASE, object_id=case.pk).exists()
    assert DueItem.objects.get(object_id=case.pk).state == DueItemState.HELD


def test_a_crash_halfway_is_resumed_by_the_next_run_and_nothing_is_deleted_twice(
    cast, storage, monkeypatch
) -> None:
    referrals = [rejected_referral(cast, CLOSED, storage) for _ in range(5)]
    with time_machine.travel(datetime(2026, 1, 5, 12, tzinfo=UTC), tick=False):
        due_list = jobs.list_due()
        assert due_list.items.filter(record_type=CLOSED_REFERRAL).count() == 5
        DueList.objects.filter(pk=due_list.pk).update(
            status=DueListStatus.APPROVED, approved_by=cast.ppr_leader
        )
        due_list.refresh_from_db()
        kind = registry.RECORD_TYPES[CLOSED_REFERRAL]
        calls = {"n": 0}
        real = kind.delete

        def crash_on_second_batch(ids):
            calls["n"] += 1
            if calls["n"] == 2:
                raise SystemExit("worker killed")
            return real(ids)

        monkeypatch.setitem(
            registry.RECORD_TYPES,
            CLOSED_REFERRAL,
            registry.RecordType(**{**kind.__dict__, "delete": crash_on_second_batch}),
        )
        with pytest.raises(SystemExit):
            jobs.delete_approved(due_list=due_list, size=2)
        # The first batch committed; the second rolled back.
        states = list(due_list.items.order_by("object_id").values_list("state", flat=True))
        assert states == [DueItemState.DELETED] * 2 + [DueItemState.PENDING] * 3
        monkeypatch.setitem(registry.RECORD_TYPES, CLOSED_REFERRAL, kind)
        jobs.delete_approved(due_list=due_list, size=2)
    due_list.refresh_from_db()
    assert due_list.status == DueListStatus.DONE
    assert set(due_list.items.values_list("state", flat=True)) == {DueItemState.DELETED}
    assert DeletionLogEntry.objects.filter(record_type=CLOSED_REFERRAL).count() == 5
    assert DeletionLogEntry.objects.filter(record_type=CHILD).count() == 5
    assert set(DeletionLogEntry.objects.values_list("approved_by", flat=True)) == {
        cast.ppr_leader.pk
    }
    for _referral, name in referrals:
        assert not default_storage.exists(name)
    assert not ReferralAttachment.objects.exists()
    assert not [p for p in storage.rglob("*") if p.is_file()]


def test_the_log_holds_no_personal_data(cast, storage, django_capture_on_commit_callbacks) -> None:
    referral, _ = rejected_referral(cast, CLOSED, storage)
    name = referral.child.last_name
    with (
        time_machine.travel(datetime(2026, 1, 5, 12, tzinfo=UTC), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.approve(due_list=jobs.list_due(), by=cast.ppr_leader)
    rows = list(DeletionLogEntry.objects.values())
    assert rows
    assert name not in str(rows)


# --- Pages ----------------------------------------------------------------------------------

PAGES = [
    ("lifecycle:review", {}),
    ("lifecycle:rules", {}),
    ("lifecycle:rule-edit", {"record_type": CLOSED_CASE}),
    ("lifecycle:holds", {}),
    ("lifecycle:log", {}),
]


@pytest.mark.parametrize(("name", "kwargs"), PAGES)
def test_only_the_ppr_leader_opens_the_pages(client_as, cast, name, kwargs) -> None:
    url = reverse(name, kwargs=kwargs)
    anonymous = client_as(None).get(url)
    assert anonymous.status_code == 302
    assert "/konto/" in anonymous["Location"]
    for user in (cast.psychologist, cast.secretary, cast.school_leader, cast.administrator):
        assert client_as(user).get(url).status_code == 403
    response = client_as(cast.ppr_leader).get(url)
    assert response.status_code == 200


def test_the_review_counts_per_rule_and_the_drill_down_shows_no_content(
    client_as, cast, django_assert_num_queries
) -> None:
    cases = [closed_case(cast, CLOSED) for _ in range(3)]
    jobs.list_due()
    client = client_as(cast.ppr_leader)
    page = client.get(reverse("lifecycle:review")).content.decode()
    assert "Godkend sletning af 3 poster" in page
    due_list = DueList.objects.get()
    url = reverse("lifecycle:items", kwargs={"list_id": due_list.pk, "record_type": CLOSED_CASE})
    client.get(url)
    with django_assert_num_queries(5 + SESSION_QUERIES):
        response = client.get(url)
    body = response.content.decode()
    assert str(cases[0].pk) in body
    for case in cases:
        assert case.child.last_name not in body
    for _ in range(30):
        closed_case(cast, CLOSED)
    jobs.list_due()
    with django_assert_num_queries(5 + SESSION_QUERIES):
        client.get(url)
    assert client.get(url + "?page=2").status_code == 200
    unknown = reverse("lifecycle:items", kwargs={"list_id": due_list.pk, "record_type": "x"})
    assert client.get(unknown).status_code == 404


def test_approving_twice_approves_once(client_as, cast, django_capture_on_commit_callbacks) -> None:
    closed_case(cast, CLOSED)
    due_list = jobs.list_due()
    client = client_as(cast.ppr_leader)
    url = reverse("lifecycle:approve", kwargs={"list_id": due_list.pk})
    assert client_as(cast.psychologist).post(url).status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url).status_code == 302
        assert client.post(url).status_code == 302
    due_list.refresh_from_db()
    assert due_list.status == DueListStatus.DONE
    assert due_list.approved_by == cast.ppr_leader
    assert DeletionLogEntry.objects.filter(record_type=CLOSED_CASE).count() == 1


def test_a_rule_under_its_legal_minimum_is_refused_in_danish(client_as, cast) -> None:
    client = client_as(cast.ppr_leader)
    url = reverse("lifecycle:rule-edit", kwargs={"record_type": CLOSED_CASE})
    response = client.post(url, {"years": "3"})
    assert response.status_code == 400
    assert "skal opbevares i mindst 5 år" in response.content.decode()
    assert not RetentionRule.objects.exists()
    assert client.post(url, {"years": "tre"}).status_code == 400
    assert client.post(url, {"years": "7"}).status_code == 302
    assert services.years_for(CLOSED_CASE) == 7


def test_a_legal_hold_needs_a_known_child_a_reason_and_a_future_date(client_as, cast) -> None:
    child = ChildFactory(institution=cast.school)
    client = client_as(cast.ppr_leader)
    url = reverse("lifecycle:holds")
    bad = client.post(url, {"child": "999999", "reason": "", "until": "2001-01-01"})
    assert bad.status_code == 400
    body = bad.content.decode()
    assert "Der findes intet barn med det id." in body
    assert "Skriv, hvorfor" in body
    assert not LegalHold.objects.exists()
    until = (timezone.localdate() + timedelta(days=60)).isoformat()
    ok = client.post(url, {"child": child.pk, "reason": "Retssag", "until": until})
    assert ok.status_code == 302
    legal = LegalHold.objects.get()
    assert legal.is_active()
    lift = reverse("lifecycle:hold-lift", kwargs={"hold_id": legal.pk})
    assert client_as(cast.psychologist).post(lift).status_code == 403
    assert client.post(lift).status_code == 302
    legal.refresh_from_db()
    assert not legal.is_active()


def test_automatic_approval_deletes_without_review_and_logs_it_as_automatic(cast, settings) -> None:
    from lifecycle import tasks

    case = closed_case(cast, CLOSED)
    settings.RETENTION_AUTO_APPROVE = True
    with time_machine.travel(datetime(2026, 1, 5, 12, tzinfo=UTC), tick=False):
        tasks.list_due_records()
    due_list = DueList.objects.get()
    assert (due_list.status, due_list.automatic, due_list.approved_by) == (
        DueListStatus.DONE,
        True,
        None,
    )
    entry = DeletionLogEntry.objects.get(record_type=CLOSED_CASE, object_id=case.pk)
    assert entry.automatic
    assert "5 år" in entry.rule


def test_without_automatic_approval_the_nightly_job_only_lists(cast) -> None:
    from lifecycle import tasks

    closed_case(cast, CLOSED)
    with time_machine.travel(datetime(2026, 1, 5, 12, tzinfo=UTC), tick=False):
        assert tasks.list_due_records() == 1
        assert tasks.list_due_records() == 1
    assert DueList.objects.get().status == DueListStatus.REVIEW
    assert not DeletionLogEntry.objects.exists()


def test_an_access_export_goes_with_the_child_file_and_row(cast, storage) -> None:
    from rights.models import AccessExport

    referral, _ = rejected_referral(cast, CLOSED, storage)
    export = AccessExport.objects.create(
        child=referral.child, purpose="anmodning", requested_by=cast.ppr_leader
    )
    export.file.save("indsigt.zip", ContentFile(b"PK test"), save=True)
    name = export.file.name
    with time_machine.travel(datetime(2026, 1, 5, 12, tzinfo=UTC), tick=False):
        due_list = jobs.list_due()
        assert jobs.claim_approval(due_list=due_list, by=cast.ppr_leader)
        jobs.delete_approved(due_list=due_list)
    assert not AccessExport.objects.exists()
    assert not default_storage.exists(name)
    assert not [p for p in storage.rglob("*") if p.is_file()]


def test_the_childs_early_detection_observations_are_erased_with_the_child(cast, storage) -> None:
    """Tidlig opsporing's observations (a screening's or a BTU-skema's findings) are content:
    deleted when the child's record is, with nothing left that names what was observed."""
    from cases.models import EarlyObservation
    from tests.cases.factories import EarlyObservationFactory

    referral, _ = rejected_referral(cast, CLOSED, storage)
    EarlyObservationFactory(
        child=referral.child, recorded_by=cast.health_visitor, kind="screening", referral=referral
    )
    other = EarlyObservationFactory(recorded_by=cast.teacher)
    with time_machine.travel(datetime(2026, 1, 5, 12, tzinfo=UTC), tick=False):
        due_list = jobs.list_due()
        assert jobs.claim_approval(due_list=due_list, by=cast.ppr_leader)
        jobs.delete_approved(due_list=due_list)
    assert list(EarlyObservation.objects.all()) == [other]


def test_an_observation_of_a_child_without_a_case_runs_out_after_its_rule(cast) -> None:
    """A screening of a child that never got a case or a referral is not kept for ever: the
    record type "Observation (tidlig opsporing)" deletes it three years after its date."""
    from datetime import date

    from cases.models import EarlyObservation
    from lifecycle.record_types import OBSERVATION
    from tests.cases.factories import EarlyObservationFactory

    child = ChildFactory(institution=cast.daycare)
    old = EarlyObservationFactory(
        child=child, recorded_by=cast.health_visitor, observed_on=date(2023, 1, 5)
    )
    recent = EarlyObservationFactory(
        child=child, recorded_by=cast.health_visitor, observed_on=date(2023, 1, 6)
    )
    with time_machine.travel(datetime(2026, 1, 5, 12, tzinfo=UTC), tick=False):
        due_list = jobs.list_due()
        keys = {(item.record_type, item.object_id) for item in due_list.items.all()}
        assert (OBSERVATION, old.pk) in keys and (OBSERVATION, recent.pk) not in keys
        assert jobs.claim_approval(due_list=due_list, by=cast.ppr_leader)
        jobs.delete_approved(due_list=due_list)
    assert list(EarlyObservation.objects.all()) == [recent]
    assert DeletionLogEntry.objects.filter(record_type=OBSERVATION, object_id=old.pk).exists()
