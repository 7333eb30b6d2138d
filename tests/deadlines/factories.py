"""Deadlines in tests. The subject is any saved row; an Institution is handy and holds no child data."""

from datetime import date, timedelta

from django.utils import timezone

from ppr.accounts.models import User
from ppr.deadlines import calendar
from ppr.deadlines.models import Deadline, DeadlineKind, DeadlineState
from ppr.organisation.models import Institution, InstitutionKind


def subject(name: str = "") -> Institution:
    from ppr.organisation.models import District

    district, _ = District.objects.get_or_create(name="Fristdistrikt")
    count = Institution.objects.count()
    return Institution.objects.create(
        name=name or f"Emne {count + 1}", kind=InstitutionKind.SKOLE, district=district
    )


def deadline(
    *,
    responsible: User | None = None,
    due: date | None = None,
    kind: str = DeadlineKind.ANDET,
    state: str = DeadlineState.OPEN,
    on: Institution | None = None,
    title: str = "Opgave",
    link: str = "/sager/1/",
) -> Deadline:
    """A deadline created directly (bypassing the past-date check, for overdue fixtures)."""
    on = on or subject()
    from django.contrib.contenttypes.models import ContentType

    return Deadline.objects.create(
        kind=kind,
        content_type=ContentType.objects.get_for_model(on),
        object_id=on.pk,
        title=title,
        due=due or calendar.today() + timedelta(days=14),
        responsible=responsible,
        state=state,
        met_at=timezone.now() if state == DeadlineState.MET else None,
        link=link,
        district_id=on.district_id,
    )
