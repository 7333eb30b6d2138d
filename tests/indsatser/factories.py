"""Factories and helpers for the indsatser tests: courses, children with consent, absence cases."""

from datetime import date

import factory
from factory.django import DjangoModelFactory

from cases.models import Case, ConsentScope
from indsatser.models import Course, CourseKind, CourseParticipant, Intervention, PreventionLevel
from tests.cases.factories import ChildFactory, ConsentFactory, GuardianFactory
from tests.factories import UserFactory

DIVORCE_GROUP = "Skilsmissegrupper i hvert skoledistrikt"
SHORT_TALKS = "Individuelle samtaleforløb af kortere varighed"
FOSTER_CHILDREN = "Støttende indsatser til anbragte børn"


def seeded(name: str) -> Intervention:
    """A catalogue entry from the data migration."""
    return Intervention.objects.get(name=name)


class InterventionFactory(DjangoModelFactory):
    class Meta:
        model = Intervention

    name = factory.Sequence(lambda n: f"Testindsats {n}")
    description = "En indsats til test."
    target_group = "Skolebørn"
    level = PreventionLevel.SECONDARY
    form = "gruppe"


class CourseFactory(DjangoModelFactory):
    """A group course (hold) by default; pass ``case=`` and ``kind="barn"`` for one child."""

    class Meta:
        model = Course

    intervention = factory.LazyFunction(lambda: seeded(DIVORCE_GROUP))
    kind = CourseKind.GROUP
    title = factory.Sequence(lambda n: f"Hold {n}")
    responsible = factory.SubFactory(UserFactory)
    created_by = factory.SelfAttribute("responsible")
    starts_on = factory.LazyFunction(date.today)


def child_with_consent(*, institution, joint_custody: bool = False, **kwargs):
    """A child whose custody holder(s) have given active consent to PPR's work."""
    child = ChildFactory(institution=institution, **kwargs)
    guardians = [GuardianFactory(child=child, relation="mor")]
    if joint_custody:
        guardians.append(GuardianFactory(child=child, relation="far"))
    for guardian in guardians:
        ConsentFactory(guardian=guardian, scope=ConsentScope.REFERRAL)
    return child


def child_course(*, case: Case, responsible, **kwargs) -> Course:
    course = CourseFactory(
        kind=CourseKind.CHILD,
        case=case,
        institution=case.child.institution,
        intervention=seeded(SHORT_TALKS),
        responsible=responsible,
        **kwargs,
    )
    CourseParticipant.objects.create(course=course, child=case.child, enrolled_by=responsible)
    return course


def enrol(course: Course, child, by) -> CourseParticipant:
    return CourseParticipant.objects.create(course=course, child=child, enrolled_by=by)
