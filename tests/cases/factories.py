"""Factories for children, referrals and cases. CPR numbers are fictitious but valid in format."""

import itertools
from datetime import date

import factory
from factory.django import DjangoModelFactory

from cases.models import (
    Case,
    Child,
    Consent,
    ConsentForm,
    ConsentScope,
    EarlyObservation,
    Guardian,
    JournalEntry,
    JournalKind,
    Referral,
    RulerColour,
    RulerRating,
)
from tests.factories import InstitutionFactory, UserFactory

_serial = itertools.count(1000)


def fictitious_cpr(born: date = date(2015, 3, 14)) -> str:
    return f"{born:%d%m%y}{next(_serial) % 10000:04d}"


class ChildFactory(DjangoModelFactory):
    class Meta:
        model = Child
        skip_postgeneration_save = True

    first_name = factory.Faker("first_name", locale="da_DK")
    last_name = factory.Faker("last_name", locale="da_DK")
    institution = factory.SubFactory(InstitutionFactory)
    group = "3.A"
    fictitious = True

    @classmethod
    def _create(cls, model_class, *args, cpr: str | None = None, **kwargs):
        child = model_class(*args, **kwargs)
        child.set_cpr(cpr or fictitious_cpr())
        child.save()
        return child


class GuardianFactory(DjangoModelFactory):
    class Meta:
        model = Guardian

    child = factory.SubFactory(ChildFactory)
    name = factory.Faker("name", locale="da_DK")
    relation = "mor"
    has_custody = True


class ConsentFactory(DjangoModelFactory):
    class Meta:
        model = Consent

    guardian = factory.SubFactory(GuardianFactory)
    scope = ConsentScope.REFERRAL
    given_on = factory.LazyFunction(date.today)
    form = ConsentForm.WRITTEN
    recorded_by = factory.SubFactory(UserFactory)


class ReferralFactory(DjangoModelFactory):
    class Meta:
        model = Referral

    child = factory.SubFactory(ChildFactory)
    institution = factory.SelfAttribute("child.institution")
    author = factory.SubFactory(UserFactory)
    concern = "Eleven trives ikke i klassen og trækker sig fra fællesskabet."
    strengths = "God til matematik, hjælpsom over for yngre elever."
    child_perspective = "Siger selv, at frikvartererne er svære."
    parents_perspective = "Forældrene oplever det samme derhjemme."
    plan_goals = "Eleven deltager i gruppearbejde to gange om ugen."
    plan_actions = "Faste makkerpar og pausekort i tre måneder."
    plan_period = "August–oktober"
    plan_evaluation = "Evalueret på møde 1. november: delvist opnået."
    plan_evaluated_with = factory.LazyFunction(lambda: ["elev", "klasseteam", "foraeldre"])
    requests = factory.LazyFunction(lambda: ["ppv"])
    ruler_colour = RulerColour.GUL


class CaseFactory(DjangoModelFactory):
    class Meta:
        model = Case

    child = factory.SubFactory(ChildFactory)


class JournalEntryFactory(DjangoModelFactory):
    class Meta:
        model = JournalEntry

    case = factory.SubFactory(CaseFactory)
    occurred_on = factory.LazyFunction(date.today)
    kind = JournalKind.SAMTALE
    text = "Samtale med eleven om trivsel i klassen."
    author = factory.SubFactory(UserFactory)


class EarlyObservationFactory(DjangoModelFactory):
    """A daycare's BTU-skema with a concern, recorded by a pedagogue (give ``recorded_by``)."""

    class Meta:
        model = EarlyObservation

    child = factory.SubFactory(ChildFactory)
    kind = "btu"
    finding = "bekymring"
    text = "Trækker sig fra legen og siger meget lidt; sproget er sent i gang."
    recorded_by = factory.SubFactory(UserFactory)
    profession = "medarbejder"
    institution = factory.SelfAttribute("child.institution")


class RulerRatingFactory(DjangoModelFactory):
    class Meta:
        model = RulerRating

    child = factory.SubFactory(ChildFactory)
    colour = RulerColour.GUL
    rater = factory.SubFactory(UserFactory)
    context = "sag"
    rationale = "Trivslen er faldende, men skolen har tiltag i gang."
    institution = factory.SelfAttribute("child.institution")
