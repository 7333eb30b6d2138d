"""Parents for tests: a custody holder's user (Role.PARENT + ParentIdentity) and their custody."""

from django.utils import timezone

from cases.models import Child, Guardian
from parents.models import AssuranceLevel, ParentIdentity
from ppr.accounts.models import Membership, Role, User

#: The standing cast's parents' CPR numbers (fictitious).
PARENT_CPR = "1207851234"
OTHER_PARENT_CPR = "0311794321"


def parent_user(cpr: str, *, first_name: str = "Forælder", last_name: str = "Test") -> User:
    """A parent as a MitID login leaves one: the parent role and the identity by CPR."""
    user = User.objects.create_user(
        f"mitid-{ParentIdentity.objects.count() + User.objects.count()}@foraeldre.invalid",
        first_name=first_name,
        last_name=last_name,
    )
    user.set_unusable_password()
    user.save()
    Membership.objects.create(user=user, role=Role.PARENT, approved_at=timezone.now())
    identity = ParentIdentity(
        user=user, assurance_level=AssuranceLevel.SUBSTANTIAL, last_mitid_login=timezone.now()
    )
    identity.set_cpr(cpr)
    identity.save()
    return user


def give_custody(parent: User, child: Child, **fields: object) -> Guardian:
    """``parent`` becomes a guardian of ``child`` with their CPR number (custody unless told)."""
    guardian = Guardian(
        child=child,
        name=parent.get_full_name(),
        relation=fields.pop("relation", "mor"),
        has_custody=fields.pop("has_custody", True),
        **fields,
    )
    guardian.set_cpr(parent.parent_identity.cpr)
    guardian.save()
    return guardian
