"""Overgange: children with a yellow or red Børnelineal rating who change institution or stage,
and the sending TRIO's request that the receiving institution's TRIO acts.

Seed 004, pejlemærke 2: "PPR understøtter en fælles vidensbaseret tilgang til opfølgning på
alle børn og børnefællesskabers trivsel, udvikling og læring for at sikre systematisk opsporing
af børn i sårbare og udsatte positioner, særligt ved overgange og skift"; Bilag 4 and 5: the
koordinerende TRIO assesses the children the institution's own response could not help.

How a child's transition is known (the product keeps no class register):

- **The school year** of a transition is the one the child begins at the new institution or
  stage (the move happens on 1 August, ``meetings.schoolyears``). The list offers the coming
  school year and the current one (late handovers of this August's moves).
- **Skolestart**: a child at a dagtilbud starts børnehaveklasse in August of the calendar year
  it turns 6; a child at a dagtilbud who is 6 or older that year (udsat skolestart) starts then
  too.
- **The grade** of a pupil this school year is read from the class (``Child.group``) when it
  starts with the grade – "3.A", "3 b", "10.x", "0. klasse", "Børnehaveklasse" – and otherwise
  worked out from the birth year as if the child started school at 6. The grade before the move
  is that grade moved to the school year before the transition. The stage changes after the
  last grade of indskoling and mellemtrin (indsatser's ``STAGE_GRADES``: 3 and 6).
- **The receiving institution** is not in the child's data: the sending TRIO chooses the school
  when it asks it to act (a stage change within the same school asks the school's own TRIO).

The colour is the child's latest rating (by date, then when it was given). A request names the
child to the receiving side only while every custody holder consents to the named purpose
``TRANSITION_CONSENT`` (a consent to a named meeting, as the konference's); it is checked
whenever the request is shown, so a withdrawn consent makes it anonymous again.
"""

import re
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import (
    Case,
    CharField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, ExtractYear, Substr, Trim
from django.utils import timezone

from cases.models import Child, RulerColour, RulerRating
from indsatser.models import STAGE_GRADES, GradeStage
from ppr.access import active_user
from ppr.accounts.models import Role, User
from ppr.audit.models import AuditAction
from ppr.audit.services import log_action
from ppr.organisation.models import DAYCARE_KINDS, SCHOOL_KINDS, Institution
from ppr.sensitive import reject_cpr_like

from . import rules
from .models import TransitionKind, TransitionRequest, TransitionRequestStatus
from .querysets import TRANSITION_CONSENT as TRANSITION_CONSENT  # re-exported
from .querysets import member_trio_institutions, side_condition
from .schoolyears import current_school_year, school_year_label

PURPOSE_TRANSITION = "overgang"

#: The colours that put a child on the list: secondary and tertiary prevention.
FLAGGED_COLOURS = (RulerColour.GUL.value, RulerColour.ROED.value)

#: A child starts in børnehaveklasse in August of the calendar year it turns 6.
SCHOOL_START_AGE = 6

#: The last grade before each change of stage: 3 (→ mellemtrin) and 6 (→ overskoling).
LAST_GRADE = {
    TransitionKind.MELLEMTRIN: STAGE_GRADES[GradeStage.INDSKOLING][1],
    TransitionKind.OVERSKOLING: STAGE_GRADES[GradeStage.MELLEMTRIN][1],
}

#: The stage a child enters at each transition.
STAGE_ENTERED = {
    TransitionKind.SCHOOL_START: GradeStage.INDSKOLING,
    TransitionKind.MELLEMTRIN: GradeStage.MELLEMTRIN,
    TransitionKind.OVERSKOLING: GradeStage.OVERSKOLING,
}

# The class names that say the grade: "10.x" before "1.x"; "0. klasse"; "Børnehaveklasse".
_TENTH = r"^\s*10([^0-9]|$)"
_ONE_DIGIT = r"^\s*[0-9]([^0-9]|$)"
_KINDERGARTEN = r"^\s*børnehavekl"


def school_years() -> list[int]:
    """The school years the list offers: the coming one (first) and the current one."""
    now = current_school_year()
    return [now + 1, now]


def grade_from_group(group: str) -> int | None:
    """The grade a class name says ("3.A" → 3, "10.x" → 10, "Børnehaveklasse" → 0), or None
    (the SQL of ``_grade_now`` reads it the same way)."""
    if re.match(_TENTH, group):
        return 10
    if re.match(_ONE_DIGIT, group):
        return int(group.strip()[0])
    if re.match(_KINDERGARTEN, group, re.IGNORECASE):
        return 0
    return None


def _grade_now(now: int) -> Case:
    """The pupil's grade in school year ``now``: from the class name, else from the birth year."""
    return Case(
        When(group__regex=_TENTH, then=Value(10)),
        When(
            group__regex=_ONE_DIGIT,
            then=Cast(Substr(Trim("group"), 1, 1), output_field=IntegerField()),
        ),
        When(group__iregex=_KINDERGARTEN, then=Value(0)),
        default=Value(now - SCHOOL_START_AGE) - ExtractYear("birth_date"),
        output_field=IntegerField(),
    )


def latest_rating(field: str) -> Subquery:
    """A field of the child's latest Børnelineal rating (by date, then when it was given)."""
    ratings = RulerRating.objects.filter(child=OuterRef("pk")).order_by(
        "-rated_on", "-created_at", "-pk"
    )
    return Subquery(ratings.values(field)[:1])


def annotate_transitions(queryset: QuerySet[Child], school_year: int) -> QuerySet[Child]:
    """``queryset`` annotated with ``grade_before`` (the grade in the school year before
    ``school_year``; None at a dagtilbud) and ``transition`` (a ``TransitionKind``, or "")."""
    now = current_school_year()
    in_school = Q(institution__kind__in=SCHOOL_KINDS)
    return queryset.annotate(
        grade_before=Case(
            When(in_school, then=_grade_now(now) + Value(school_year - 1 - now)),
            default=Value(None),
            output_field=IntegerField(),
        ),
    ).annotate(
        transition=Case(
            When(
                Q(institution__kind__in=DAYCARE_KINDS)
                & Q(birth_date__year__lte=school_year - SCHOOL_START_AGE),
                then=Value(TransitionKind.SCHOOL_START.value),
            ),
            *(
                When(in_school & Q(grade_before=grade), then=Value(kind.value))
                for kind, grade in LAST_GRADE.items()
            ),
            default=Value(""),
            output_field=CharField(),
        ),
    )


def flagged_children(queryset: QuerySet[Child], school_year: int) -> QuerySet[Child]:
    """Of ``queryset``, the children whose latest rating is yellow or red and who change
    institution or stage as ``school_year`` begins; annotated with ``latest_colour``,
    ``latest_rated_on``, ``grade_before`` and ``transition`` (``annotate_transitions``)."""
    flagged = (
        queryset.annotate(latest_colour=latest_rating("colour"))
        .filter(latest_colour__in=FLAGGED_COLOURS)
        .annotate(latest_rated_on=latest_rating("rated_on"))
    )
    annotated = annotate_transitions(flagged, school_year)
    return annotated.exclude(transition="")  # type: ignore[misc]  # an annotation the stubs cannot see


def sending_institutions(user: Any) -> QuerySet[Institution]:
    """The institutions whose transitions ``user`` sees: PPR's leader all schools and
    dagtilbud; an institution's leader and the members of its current TRIO their own."""
    institutions = Institution.objects.filter(active=True, kind__in=[*SCHOOL_KINDS, *DAYCARE_KINDS])
    if not active_user(user):
        return institutions.none()
    if user.has_role(Role.PPR_LEADER):
        return institutions
    return institutions.filter(
        Q(pk__in=user.institution_ids(Role.INSTITUTION_LEADER))
        | Q(pk__in=member_trio_institutions(user))
    )


def transition_children(
    user: Any, *, school_year: int, institutions: QuerySet[Institution]
) -> QuerySet[Child]:
    """The sending list: the children ``user`` may see at these institutions who are flagged
    at a transition into ``school_year``."""
    visible = Child.objects.visible_to(user).filter(institution__in=institutions)
    return flagged_children(visible, school_year)


def transition_of(child: Child, school_year: int) -> Child | None:
    """The child annotated with its transition into ``school_year``, or None when it has none
    (or its latest rating is green)."""
    return flagged_children(Child.objects.filter(pk=child.pk), school_year).first()


def receiving_institutions() -> QuerySet[Institution]:
    """The schools a request can go to (every transition ends at a school)."""
    return Institution.objects.filter(active=True, kind__in=SCHOOL_KINDS)


# --- Naming the child --------------------------------------------------------------------------


def with_naming(queryset: QuerySet[TransitionRequest], user: Any) -> QuerySet[TransitionRequest]:
    """``queryset`` with ``named``: whether ``user`` may see the request's child by name
    (``TransitionRequestQuerySet.naming_child_to`` says the same in SQL for the crawler)."""
    return queryset.with_naming(user)  # type: ignore[attr-defined]  # the model's queryset


def subject_label(request: TransitionRequest) -> str:
    """The child as the page shows it: by name when ``named`` allows, else anonymously."""
    if getattr(request, "named", False):
        return request.child.name
    return request.anonymous_label()


# --- Verbs -------------------------------------------------------------------------------------


def _names_the_child(text: str, child: Child) -> bool:
    names = {n for n in (child.first_name, child.last_name) if len(n) > 1}
    return any(re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text) for name in names)


@transaction.atomic
def ask_receiving_trio(
    *,
    child: Child,
    school_year: int,
    receiving_institution: Institution,
    message: str,
    by: User,
) -> TransitionRequest:
    """Bed modtagende TRIO handle: the sending institution's TRIO (or its leader) asks the
    school the child moves to. Asking the same school twice for the same school year finds
    the request already made (a double submit saves one row)."""
    if not rules.can_ask_at_transition(by, child.institution):
        raise PermissionDenied
    errors: dict[str, str] = {}
    text = message.strip()
    found = transition_of(child, school_year) if school_year in school_years() else None
    if found is None:
        errors[NON_FIELD_ERRORS] = (
            f"Barnet er ikke på listen over overgange til skoleåret {school_year_label(school_year)}: "
            "det skifter ikke institution eller trin, eller dets seneste Børnelineal-vurdering er "
            "ikke gul eller rød."
        )
    if not receiving_institutions().filter(pk=receiving_institution.pk).exists():
        errors["receiving_institution"] = "Vælg den skole, barnet skal gå på."
    if not text:
        errors["message"] = "Skriv hvad den modtagende TRIO bør vide og gøre."
    elif _names_the_child(text, child):
        errors["message"] = (
            "Skriv teksten uden barnets navn: den vises også, når forældrene ikke har givet "
            "samtykke til, at barnet nævnes."
        )
    else:
        try:
            reject_cpr_like(text)
        except ValidationError as exc:
            errors["message"] = exc.messages[0]
    if errors or found is None:
        raise ValidationError(errors)
    key = {
        "child": child,
        "school_year": school_year,
        "receiving_institution": receiving_institution,
    }
    existing = TransitionRequest.objects.filter(**key).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            request = TransitionRequest.objects.create(
                **key,
                kind=found.transition,  # type: ignore[attr-defined]  # annotated
                sending_institution_id=child.institution_id,
                colour=found.latest_colour,  # type: ignore[attr-defined]  # annotated
                grade_before=found.grade_before,  # type: ignore[attr-defined]  # annotated
                message=text,
                sent_by=by,
            )
    except IntegrityError:
        # Two submits at once: the other one saved it.
        return TransitionRequest.objects.get(**key)
    log_action(request, AuditAction.CREATE, by=by, purpose=PURPOSE_TRANSITION)
    return request


@transaction.atomic
def acknowledge_transition(
    *, request: TransitionRequest, response: str, by: User
) -> TransitionRequest:
    """The receiving TRIO (or its institution's leader) records what it will do. Saving the
    same text again changes nothing; a new text replaces the old (the audit log keeps when)."""
    if not rules.receives_transition(by, request):
        raise PermissionDenied
    text = response.strip()
    if not text:
        raise ValidationError({"response": "Skriv hvad TRIO'en vil gøre."})
    try:
        reject_cpr_like(text)
    except ValidationError as exc:
        raise ValidationError({"response": exc.messages[0]}) from exc
    locked = TransitionRequest.objects.select_for_update().get(pk=request.pk)
    if locked.is_acknowledged and locked.response == text:
        return locked
    locked.response = text
    locked.status = TransitionRequestStatus.ACKNOWLEDGED
    locked.responded_by = by
    locked.responded_at = timezone.now()
    locked.save(update_fields=["response", "status", "responded_by", "responded_at"])
    log_action(locked, AuditAction.UPDATE, by=by, purpose=PURPOSE_TRANSITION)
    return locked


def waiting_for(user: Any) -> int:
    """Requests from other institutions waiting for ``user``'s institution's TRIO."""
    return (
        TransitionRequest.objects.filter(side_condition(user, "receiving"))
        .filter(status=TransitionRequestStatus.SENT)
        .count()
    )
