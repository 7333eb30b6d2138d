"""factory-boy factories for the shared core. Domain apps add theirs in tests/<app>/factories.py."""

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from ppr.accounts.models import Membership, Role, User
from ppr.organisation.models import District, Institution, InstitutionKind, Team

PASSWORD = "korrekt-hest-batteri-1"


class DistrictFactory(DjangoModelFactory):
    class Meta:
        model = District
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Distrikt {n}")


class InstitutionFactory(DjangoModelFactory):
    class Meta:
        model = Institution

    name = factory.Sequence(lambda n: f"Skole {n}")
    kind = InstitutionKind.SKOLE
    district = factory.SubFactory(DistrictFactory)
    min_age = 6
    max_age = 16


class TeamFactory(DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"PPR Team {n}")
    district = factory.SubFactory(DistrictFactory)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"bruger{n}@example.dk")
    first_name = factory.Faker("first_name", locale="da_DK")
    last_name = factory.Faker("last_name", locale="da_DK")
    title = "Medarbejder"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj: User, create: bool, extracted: object, **kwargs: object) -> None:  # noqa: N805
        if create:
            obj.save()


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = Role.PSYCHOLOGIST
    # Approved, as the cast's roles are: the approval itself is tested in tests/accounts.
    approved_at = factory.LazyFunction(timezone.now)


def user_with_role(role: str, **scope: object) -> User:
    """A user holding one membership; ``scope`` is institution=, team= or district=."""
    membership = MembershipFactory(role=role, **scope)
    return membership.user
