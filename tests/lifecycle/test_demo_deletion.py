"""The life cycle on the demo municipality, clock moved with time-machine: a closed case is
listed exactly when its rule says and not a day before; held children are untouched; approved
records go in batches with their files; every report and effect goal reads the same before and
after; the deleted children's names and CPR numbers are nowhere in the database."""

from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest
import time_machine
from django.core import serializers
from django.core.cache import cache
from django.db.models import Count, Max
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, CaseOutcome, CaseStatus, Child, Referral, ReferralStatus
from lifecycle import jobs, services
from lifecycle.models import DeletionLogEntry, DueItemState, DueListStatus, LegalHold
from lifecycle.record_types import CHILD, CLOSED_CASE
from lifecycle.registry import add_years
from ppr.accounts.models import Role, User
from reports.goals import progress
from reports.measures import MEASURES
from reports.models import EffectGoal
from reports.operational import REPORTS
from tests.conftest import SeededDemo, client_for, restore_demo
from visitation.models import Appeal, AppealOutcome

pytestmark = pytest.mark.django_db(transaction=False)


@pytest.fixture
def demo(
    seeded_demo: SeededDemo, db: None, settings, tmp_path: Path, django_capture_on_commit_callbacks
) -> Path:
    """The demo municipality (the session's ``seeded_demo`` put back in the test's transaction,
    its files copied to a directory of the test's own) with six of its open cases closed (the
    richest: most journal entries), so their children have nothing open."""
    from cases.casework.services import close_case

    settings.STORAGES = restore_demo(seeded_demo, tmp_path)
    with django_capture_on_commit_callbacks(execute=True):
        leader = User.objects.filter(memberships__role=Role.PPR_LEADER).first()
        richest = (
            Case.objects.filter(status=CaseStatus.OPEN)
            .annotate(n=Count("journal_entries"))
            .order_by("-n", "pk")[:6]
        )
        for case in richest:
            close_case(case=case, by=leader, outcome=CaseOutcome.BUP)
    return tmp_path


def closed_children() -> dict[int, datetime]:
    """Children whose every case is closed, with no referral still without a case and no appeal
    pending (the holds and rules that keep a child; which demo children have them depends on
    the demo's random choices, seeded by ids that differ from run to run): their last closing."""
    open_children = Case.objects.filter(status=CaseStatus.OPEN).values("child")
    came_back = (
        Referral.objects.filter(case__isnull=True)
        .exclude(status__in=[ReferralStatus.REJECTED, ReferralStatus.REDIRECTED])
        .values("child")
    )
    appealing = Appeal.objects.filter(outcome=AppealOutcome.PENDING).values(
        "decision__application__child"
    )
    return dict(
        Case.objects.exclude(child__in=open_children)
        .exclude(child__in=came_back)
        .exclude(child__in=appealing)
        .values("child")
        .annotate(last=Max("closed_at"))
        .values_list("child", "last")
    )


def at_noon(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(12))).astimezone(UTC)


def reports_as_csv(user) -> dict[str, bytes]:
    """Every report over all years, read afresh (the measures' cache emptied first: the
    deletion updates rows without the signals that renew it): each operational report and each
    visitation report (REPORTS holds both) as the leader exports it, the effect goals' export,
    every goal's points – active and retired – and every automatic measure per year, whether or
    not a goal uses it."""
    cache.clear()
    client = client_for(user)
    found = {}
    for slug in sorted(REPORTS):
        response = client.get(
            reverse("reports:report-export", kwargs={"slug": slug, "fmt": "csv"}),
            {"fra": "2000-01-01", "til": timezone.localdate().isoformat()},
        )
        assert response.status_code == 200, slug
        found[slug] = response.content
    response = client.get(reverse("reports:goal-export", kwargs={"fmt": "csv"}))
    assert response.status_code == 200
    found["effektmaal"] = response.content
    this_year = timezone.localdate().year
    for item in progress(EffectGoal.objects.order_by("pk"), today=timezone.localdate()):
        found[f"goal-{item.goal.pk}"] = repr(
            [(p.year, p.value, p.expected, p.partial, p.change) for p in item.points]
        ).encode()
    for key, measure in sorted(MEASURES.items()):
        found[f"measure-{key}"] = repr(sorted(measure.function(2000, this_year).items())).encode()
    return found


def files_in(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


def referenced_files() -> set[str]:
    from django.apps import apps
    from django.db import models

    names = set()
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.FileField):
                names |= {
                    n for n in model._default_manager.values_list(field.attname, flat=True) if n
                }
    return names


def test_closed_cases_are_due_exactly_on_the_day_and_deleted_with_files_and_reports_kept(
    demo: Path, cast, django_capture_on_commit_callbacks
) -> None:
    children = closed_children()
    assert children, "the demo has children whose cases are all closed"
    first_child, last_closing = min(children.items(), key=lambda kv: kv[1])
    started = timezone.localtime(last_closing).date()
    due_on = add_years(started, 5)
    case_ids = set(Case.objects.filter(child=first_child).values_list("pk", flat=True))

    # The day before: not listed.
    with time_machine.travel(at_noon(due_on - timedelta(days=1)), tick=False):
        listed = jobs.list_due()
        assert not case_ids & set(
            listed.items.filter(record_type=CLOSED_CASE).values_list("object_id", flat=True)
        )
    # The day itself: listed, with its dates; a second run gives the same list.
    with time_machine.travel(at_noon(due_on), tick=False):
        listed = jobs.list_due()
        again = jobs.list_due()
        assert again.pk == listed.pk
        items = listed.items.filter(record_type=CLOSED_CASE, object_id__in=case_ids)
        assert set(items.values_list("object_id", flat=True)) == case_ids
        assert set(items.values_list("due_on", flat=True)) == {due_on}
        assert set(items.values_list("state", flat=True)) == {DueItemState.PENDING}

    # Far enough on that every closed case is due; one child held by the PPR leader.
    moment = at_noon(timezone.localdate() + timedelta(days=365 * 7))
    held_child = max(children, key=lambda pk: children[pk])
    with time_machine.travel(moment, tick=False):
        LegalHold.objects.create(
            child_id=held_child,
            reason="Retssag",
            until=timezone.localdate() + timedelta(days=30),
            created_by=cast.ppr_leader,
        )
        held_before = serializers.serialize("json", Case.objects.filter(child=held_child))
        before = reports_as_csv(cast.ppr_leader)
        doomed = Child.objects.filter(pk__in=set(children) - {held_child})
        names = [(c.first_name, c.last_name, c.cpr.replace("-", "")) for c in doomed]
        assert names
        listed = jobs.list_due()
        assert listed.items.filter(
            object_id__in=Case.objects.filter(child=held_child).values("pk"),
            record_type=CLOSED_CASE,
            state=DueItemState.HELD,
        ).exists()
        files_before = files_in(demo)
        with django_capture_on_commit_callbacks(execute=True):
            services.approve(due_list=listed, by=cast.ppr_leader)
        listed.refresh_from_db()
        assert listed.status == DueListStatus.DONE
        after = reports_as_csv(cast.ppr_leader)

    assert set(after) == set(before)
    assert {f"measure-{key}" for key in MEASURES} <= set(before)
    assert {slug for slug in REPORTS} <= set(before)
    for slug in before:
        assert after[slug] == before[slug], slug
    # Held: untouched, to the byte.
    assert serializers.serialize("json", Case.objects.filter(child=held_child)) == held_before
    # Deleted and logged, the children anonymised.
    logged = set(
        DeletionLogEntry.objects.filter(record_type=CHILD).values_list("object_id", flat=True)
    )
    assert {c.pk for c in doomed} <= logged
    assert held_child not in logged
    for model in _all_models():
        rows = serializers.serialize("json", model._default_manager.all())
        # Serialized once per model, not once per deleted child's name.
        objects = [
            (o, str(o)) for o in serializers.serialize("python", model._default_manager.all())
        ]
        for first, last, cpr in names:
            hits = [o for o, text in objects if first in text and last in text]
            assert not hits, (model, first, last, [(h["pk"], str(h)[:600]) for h in hits[:2]])
            assert cpr not in rows, model
    # Files: some went, none is left without its row.
    assert files_in(demo) < files_before or not files_before
    assert files_in(demo) <= referenced_files()


def _all_models():
    from django.apps import apps

    return apps.get_models()
