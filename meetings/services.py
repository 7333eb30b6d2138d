"""Domain verbs for the support model, koordineringskonferencer and notater.

Each verb runs in one transaction, takes the acting user (``by``), writes its audit row and
opens or meets its deadlines. Notifications name the meeting and the task, never the child.
The anonymous tirsdagsmøder have their own module, ``meetings.tuesdays``.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, Max, OuterRef
from django.utils import timezone

from cases.casework import esdh as esdh_filing
from cases.children import digitalpost
from cases.models import (
    Case,
    CaseStatus,
    Child,
    Consent,
    ConsentScope,
    EarlyObservation,
    Guardian,
    JournalEntry,
    JournalKind,
    RatingContext,
    Referral,
    ReferralStatus,
)
from cases.ratings.services import rate_child
from cases.referrals import services as referral_services
from indsatser import services as indsats_services
from indsatser.models import AbsenceStepRecord, Intervention
from ppr import text_limits
from ppr.accounts.models import CASEWORKER_ROLES, INSTITUTION_ROLES, Role, User
from ppr.audit.models import AuditAction
from ppr.audit.services import log_action, record
from ppr.confirm import can_still_undo
from ppr.deadlines import calendar
from ppr.deadlines.models import DeadlineKind
from ppr.deadlines.services import (
    cancel_deadlines,
    meet_deadlines,
    notify,
    open_deadline,
    reopen_deadlines,
)
from ppr.documents.models import Document, DocumentKind
from ppr.documents.services import request_pdf
from ppr.organisation.models import SCHOOL_KINDS, Institution, Municipality
from ppr.sensitive import reject_cpr_like

from . import rules
from .models import (
    COUNTED_TALKS,
    DECISIONS_WITH_FOLLOW_UP,
    TALKS_BEFORE_HENVISNING,
    AgendaItem,
    Booker,
    Chair,
    ConferenceMeeting,
    ConferenceSeries,
    ConsultationSlot,
    ConsultationTalk,
    Decision,
    ForumMeeting,
    ForumReferral,
    ForumReferralStatus,
    MinutesPolicy,
    Note,
    NoteStatus,
    SupportForum,
    TalkWith,
    Trio,
)

PURPOSE_SUPPORT = "supportmodel"
PURPOSE_CONFERENCE = "koordineringskonference"
PURPOSE_NOTE = "mødenotat"


def _local_date(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def _when(moment: datetime) -> str:
    return f"{timezone.localtime(moment):%d.%m.%Y kl. %H.%M}"


# --- Consent ---------------------------------------------------------------------------------


def custody_holders_without_meeting_consent(child: Child, meeting_name: str) -> list[Guardian]:
    """Custody holders without an active consent to discussing the child at this named meeting.

    Joint custody needs both. The consent names the meeting (``Consent.meeting_name``, chosen
    from the forums and konferencer); the name is compared without regard to case or spaces.
    """
    consent = Consent.objects.filter(
        guardian=OuterRef("pk"),
        scope=ConsentScope.MEETING,
        withdrawn_on__isnull=True,
        meeting_name__iexact=meeting_name.strip(),
    )
    return list(child.guardians.holding_custody().filter(~Exists(consent)).order_by("name"))


def meeting_consent_error(child: Child, meeting_name: str) -> str | None:
    """Why ``child`` may not be named at this meeting (naming who has not consented), or None."""
    if not child.guardians.holding_custody().exists():
        return (
            "Barnet kan kun nævnes ved navn med samtykke fra alle forældremyndighedsindehavere, "
            "og der er ikke registreret nogen forældremyndighedsindehaver."
        )
    lacking = custody_holders_without_meeting_consent(child, meeting_name)
    if not lacking:
        return None
    names = ", ".join(guardian.name for guardian in lacking)
    return (
        "Barnet kan kun nævnes ved navn, når alle forældremyndighedsindehavere har givet samtykke "
        f"til drøftelse i “{meeting_name}”. Mangler fra: {names}."
    )


def children_without_meeting_consent(child_ids: set[int], meeting_name: str) -> set[int]:
    """Of ``child_ids``, those who may not be named at this meeting (``has_meeting_consent``
    for many children in two queries): a custody holder lacks an active consent, or none is
    recorded."""
    if not child_ids:
        return set()
    consent = Consent.objects.filter(
        guardian=OuterRef("pk"),
        scope=ConsentScope.MEETING,
        withdrawn_on__isnull=True,
        meeting_name__iexact=meeting_name.strip(),
    )
    holders = Guardian.objects.filter(child_id__in=child_ids).holding_custody()
    with_holders = set(holders.values_list("child_id", flat=True))
    lacking = set(holders.filter(~Exists(consent)).values_list("child_id", flat=True))
    return lacking | (child_ids - with_holders)


def has_meeting_consent(child: Child, meeting_name: str) -> bool:
    """Whether every custody holder has an active consent to discuss the child at this meeting."""
    return meeting_consent_error(child, meeting_name) is None


# --- The support model -------------------------------------------------------------------------


@transaction.atomic
def save_forum(*, forum: SupportForum, by: User) -> SupportForum:
    """Save the PPR leader's changes to a forum of the support model."""
    if not rules.can_edit_forums(by):
        raise PermissionDenied
    forum.updated_by = by
    forum.save()
    log_action(forum, AuditAction.UPDATE, by=by, purpose=PURPOSE_SUPPORT)
    return forum


@dataclass(frozen=True)
class OwnResponse:
    """The institution's own response before a henvisning: what it tried, from when to when,
    and with what result. The forum reads it before it meets (seed 004, Bilag 4–5)."""

    tried: str = ""
    started_on: date | None = None
    ended_on: date | None = None
    result: str = ""

    def errors(self, *, referred_on: date) -> dict[str, str]:
        errors: dict[str, str] = {}
        if not self.tried.strip():
            errors["own_tried"] = (
                "Beskriv, hvad institutionen selv har prøvet, før den henviser til et forum."
            )
        if self.started_on is None:
            errors["own_from"] = "Angiv, hvornår institutionens egen indsats begyndte."
        if self.ended_on is None:
            errors["own_to"] = (
                "Angiv, hvornår institutionens egen indsats sluttede (i dag, hvis den stadig kører)."
            )
        if self.started_on and self.ended_on and self.ended_on < self.started_on:
            errors["own_to"] = "Den egne indsats kan ikke slutte, før den begyndte."
        if self.started_on and self.started_on > referred_on:
            errors["own_from"] = "Den egne indsats skal være begyndt før henvisningen."
        if not self.result.strip():
            errors["own_result"] = "Beskriv, hvad institutionens egen indsats førte til."
        return errors

    def apply_to(self, forum_referral: ForumReferral) -> None:
        forum_referral.own_tried = self.tried.strip()
        forum_referral.own_from = self.started_on
        forum_referral.own_to = self.ended_on
        forum_referral.own_result = self.result.strip()

    @classmethod
    def of(cls, forum_referral: ForumReferral) -> "OwnResponse":
        return cls(
            tried=forum_referral.own_tried,
            started_on=forum_referral.own_from,
            ended_on=forum_referral.own_to,
            result=forum_referral.own_result,
        )


def _check_child_at(child: Child, institution: Institution) -> None:
    if child.institution_id != institution.pk:
        raise ValidationError({"child": "Barnet går ikke i den valgte institution."})


def _henvisning_errors(
    *,
    institution: Institution,
    forum: SupportForum,
    child: Child | None,
    anonymous_description: str,
    rationale: str,
    follow_up_on: date,
    referral: Referral | None,
    own: "OwnResponse",
    referred_on: date,
    draft: ForumReferral | None = None,
) -> dict[str, str]:
    """Why this henvisning may not be sent to ``forum`` (field → Danish message); none: it may."""
    errors: dict[str, str] = own.errors(referred_on=referred_on)
    if not forum.active or not forum.fits(institution):
        errors["forum"] = (
            f"{forum.name} er ikke et forum for {institution.get_kind_display().lower()}."
        )
    if child is None and forum.requires_named_child:
        errors["child"] = (
            f"{forum.name} drøfter aktive sager: vælg barnet. Kun ikke aktive sager kan henvises anonymt."
        )
    if child is not None:
        if child.institution_id != institution.pk:
            errors["child"] = "Barnet går ikke i den valgte institution."
        elif not forum.requires_named_child and (
            reason := meeting_consent_error(child, forum.name)
        ):
            errors["child"] = f"{reason} Henvis ellers anonymt."
    if follow_up_on < calendar.today():
        errors["follow_up_on"] = "Opfølgningsdatoen kan ikke ligge i fortiden."
    if referral is not None:
        linked = ForumReferral.objects.filter(referral=referral)
        if draft is not None:
            linked = linked.exclude(pk=draft.pk)
        if (
            referral.status != ReferralStatus.REDIRECTED
            or referral.institution_id != institution.pk
        ):
            errors[NON_FIELD_ERRORS] = (
                "Kun en indstilling, PPR har henvist til et forum, kan knyttes til en henvisning."
            )
        elif linked.exists():
            errors[NON_FIELD_ERRORS] = "Indstillingen er allerede knyttet til en henvisning."
        elif child is not None and child.pk != referral.child_id:
            errors["child"] = "Vælg barnet fra indstillingen, eller henvis anonymt."
    for field, text in (
        ("rationale", rationale),
        ("anonymous_description", anonymous_description),
        ("own_tried", own.tried),
        ("own_result", own.result),
    ):
        try:
            reject_cpr_like(text)
        except ValidationError as exc:
            errors[field] = exc.messages[0]
    return errors


def _open_follow_up(forum_referral: ForumReferral, *, due: date, by: User) -> None:
    open_deadline(
        subject=forum_referral,
        kind=DeadlineKind.OPFOELGNING,
        due=due,
        responsible=by,
        by=by,
        title=f"Opfølgning på henvisning til {forum_referral.forum.name}",
    )


@transaction.atomic
def refer_to_forum(
    *,
    institution: Institution,
    forum: SupportForum,
    child: Child | None,
    anonymous_description: str = "",
    referred_on: date,
    rationale: str,
    ruler_colour: str,
    follow_up_on: date,
    by: User,
    own: OwnResponse | None = None,
    referral: Referral | None = None,
) -> ForumReferral:
    """Record a TRIO's henvisning to one forum, with the institution's own response before it
    and a follow-up deadline for the referrer. Only the TRIO (or the leader) refers."""
    if not rules.can_refer_from(by, institution):
        raise PermissionDenied
    own = own or OwnResponse()
    errors = _henvisning_errors(
        institution=institution,
        forum=forum,
        child=child,
        anonymous_description=anonymous_description,
        rationale=rationale,
        follow_up_on=follow_up_on,
        referral=referral,
        own=own,
        referred_on=referred_on,
    )
    if errors:
        raise ValidationError(errors)
    forum_referral = ForumReferral(
        institution=institution,
        forum=forum,
        child=child,
        anonymous_description="" if child else anonymous_description.strip(),
        referred_on=referred_on,
        rationale=rationale,
        ruler_colour="" if child else ruler_colour,
        follow_up_on=follow_up_on,
        referral=referral,
        created_by=by,
    )
    own.apply_to(forum_referral)
    forum_referral.save()
    _rate_on_henvisning(forum_referral, ruler_colour, by=by)
    _open_follow_up(forum_referral, due=follow_up_on, by=by)
    log_action(forum_referral, AuditAction.CREATE, by=by, purpose=PURPOSE_SUPPORT)
    return forum_referral


def _rate_on_henvisning(forum_referral: ForumReferral, colour: str, *, by: User) -> None:
    """The TRIO's colour for a named child is a rating in the child's Børnelineal history:
    rater, the rater's profession, context "TRIO-henvisning" and the henvisning itself."""
    if forum_referral.child is None:
        return
    try:
        rate_child(
            child=forum_referral.child,
            by=by,
            colour=colour,
            context=RatingContext.TRIO_REFERRAL,
            rationale=f"Koordinerende TRIO: henvisning til {forum_referral.forum.name}.",
            rated_on=min(forum_referral.referred_on, calendar.today()),
            forum_referral=forum_referral,
        )
    except ValidationError as error:
        raise ValidationError({"ruler_colour": error.messages}) from error


def _draft_forum_referral(
    *,
    institution: Institution,
    forum: SupportForum,
    child: Child | None,
    anonymous_description: str,
    rationale: str,
    by: User,
    ruler_colour: str = "",
    follow_up_on: date | None = None,
    referral: Referral | None = None,
) -> ForumReferral:
    """A henvisning another decision prefilled, for the institution to finish. The child is named
    only where the forum's rules allow it (an active case, or every custody holder's consent to
    the forum); otherwise the draft is anonymous and says nothing that names the child."""
    named = child is not None and (
        forum.requires_named_child or has_meeting_consent(child, forum.name)
    )
    forum_referral = ForumReferral.objects.create(
        institution=institution,
        forum=forum,
        child=child if named else None,
        anonymous_description="" if named else anonymous_description.strip()[:200],
        referred_on=calendar.today(),
        rationale=rationale,
        # A named draft's colour is proposed from its indstilling when the form opens.
        ruler_colour="" if named else ruler_colour,
        follow_up_on=follow_up_on,
        referral=referral,
        status=ForumReferralStatus.DRAFT,
        created_by=by,
    )
    log_action(forum_referral, AuditAction.CREATE, by=by, purpose=PURPOSE_SUPPORT)
    return forum_referral


@transaction.atomic
def finish_forum_referral(
    *,
    forum_referral: ForumReferral,
    forum: SupportForum,
    child: Child | None,
    anonymous_description: str = "",
    referred_on: date,
    rationale: str,
    ruler_colour: str,
    follow_up_on: date,
    by: User,
    own: OwnResponse | None = None,
) -> ForumReferral:
    """The institution's TRIO checks a drafted henvisning, adds its own response and sends it;
    from then it is followed up."""
    if not rules.can_refer_from(by, forum_referral.institution):
        raise PermissionDenied
    locked = (
        # Only the henvisning is locked: PostgreSQL cannot lock the nullable side of the join.
        ForumReferral.objects.select_for_update(of=("self",))
        .select_related("institution", "referral")
        .get(pk=forum_referral.pk)
    )
    if not locked.is_draft:
        return locked  # a double submit: already sent
    errors = _henvisning_errors(
        institution=locked.institution,
        forum=forum,
        child=child,
        anonymous_description=anonymous_description,
        rationale=rationale,
        follow_up_on=follow_up_on,
        referral=locked.referral,
        own=own or OwnResponse(),
        referred_on=referred_on,
        draft=locked,
    )
    if errors:
        raise ValidationError(errors)
    (own or OwnResponse()).apply_to(locked)
    locked.forum = forum
    locked.child = child
    locked.anonymous_description = "" if child else anonymous_description.strip()
    locked.referred_on = referred_on
    locked.rationale = rationale
    locked.ruler_colour = "" if child else ruler_colour
    locked.follow_up_on = follow_up_on
    locked.status = ForumReferralStatus.REFERRED
    locked.created_by = by
    locked.save()
    _rate_on_henvisning(locked, ruler_colour, by=by)
    _open_follow_up(locked, due=follow_up_on, by=by)
    log_action(locked, AuditAction.UPDATE, by=by, purpose=PURPOSE_SUPPORT)
    return locked


@referral_services.redirects_at_visitation
@transaction.atomic
def redirect_referral(referral: Referral, *, by: User, forum: str, note: str = "") -> ForumReferral:
    """PPR's visitation redirects an indstilling to a forum of the support model: the henvisning
    is drafted at once, linked to the indstilling, for the institution to finish."""
    if not by.has_perm("cases.visitate_referral", referral):
        raise PermissionDenied
    target = SupportForum.objects.for_institution(referral.institution).filter(code=forum).first()
    if target is None:
        raise ValidationError(
            {
                "forum": "Forummet findes ikke for "
                f"{referral.institution.get_kind_display().lower()}. Vælg et andet forum."
            }
        )
    referral = referral_services.redirect_referral(referral, by=by, forum=forum, note=note)
    existing = ForumReferral.objects.filter(referral=referral).first()
    if existing is not None:
        return existing
    lines = [f"PPR har ved visitationen henvist indstilling nr. {referral.pk} til {target.name}."]
    if note.strip():
        lines.append(f"PPR's note: {note.strip()}")
    return _draft_forum_referral(
        institution=referral.institution,
        forum=target,
        child=referral.child,
        anonymous_description="",
        rationale="\n\n".join(lines),
        ruler_colour=referral.ruler_colour,
        referral=referral,
        by=by,
    )


@indsats_services.refers_at_absence_step
def draft_absence_henvisning(record_row: AbsenceStepRecord, by: User) -> ForumReferral | None:
    """The absence procedure's 10 % step ("Glad i skole – IGEN": involve the school's support
    model): the TRIO's henvisning to the step's forum, drafted and prefilled for the school to
    finish – named only where the forum's rules allow it. One draft per step (idempotent)."""
    step = record_row.step
    absence_case = record_row.absence_case
    forum = (
        SupportForum.objects.for_institution(absence_case.institution)
        .filter(code=step.refer_to_forum, active=True)
        .first()
    )
    if forum is None:
        return None
    existing = ForumReferral.objects.filter(absence_step=record_row).first()
    if existing is not None:
        return existing
    lines = [
        f"Bekymrende fravær: {smart_percent(record_row.triggered_at_percent)} % ulovligt fravær "
        f"i {absence_case.period_label} ({absence_case.grade_label}).",
        f"Fraværsproceduren “Glad i skole – IGEN”, trin {step.order}: {step.title}.",
    ]
    forum_referral = _draft_forum_referral(
        institution=absence_case.institution,
        forum=forum,
        child=absence_case.child,
        anonymous_description=f"elev, {absence_case.grade_label}, bekymrende fravær",
        rationale="\n".join(lines),
        by=by,
    )
    forum_referral.absence_step = record_row
    # The school's own response so far starts from the procedure's steps it has done.
    done = list(
        absence_case.steps.filter(done_on__isnull=False)
        .select_related("step")
        .order_by("step__order")
    )
    forum_referral.own_tried = "\n".join(
        f"Trin {row.step.order} ({row.step.title}), udført {row.done_on:%d.%m.%Y}"
        + (f": {row.note}" if row.note else ".")
        for row in done
    )[: text_limits.NOTE]
    forum_referral.own_from = min((row.done_on for row in done if row.done_on), default=None)
    forum_referral.save(update_fields=["absence_step", "own_tried", "own_from"])
    return forum_referral


@transaction.atomic
def henvisning_from_observation(
    observation: EarlyObservation, *, forum: SupportForum, by: User
) -> ForumReferral:
    """Tidlig opsporing → supportmodellen: an observation of concern is taken to the child's
    institution's TRIO as a drafted henvisning to ``forum`` (named only where the forum's rules
    allow it), for the TRIO to finish with its own response. Linked back to the observation;
    once per observation (a second press or a double submit opens the same draft)."""
    child = observation.child
    institution = child.institution
    if not rules.can_refer_from(by, institution):
        raise PermissionDenied
    locked = EarlyObservation.objects.select_for_update().get(pk=observation.pk)
    if locked.forum_referral_id is not None:
        return ForumReferral.objects.get(pk=locked.forum_referral_id)
    if not SupportForum.objects.for_institution(institution).filter(pk=forum.pk).exists():
        raise ValidationError(
            {"forum": f"Forummet findes ikke for {institution.get_kind_display().lower()}."}
        )
    rationale = (
        f"Tidlig opsporing – {observation.get_kind_display().lower()} "
        f"{observation.observed_on:%d.%m.%Y} ({observation.get_finding_display().lower()})"
    )
    if forum.requires_named_child or has_meeting_consent(child, forum.name):
        rationale += f":\n{observation.text}"
    else:  # an anonymous draft: the observation's own words may name the child
        rationale += ". Beskriv bekymringen uden at nævne barnet."
    draft = _draft_forum_referral(
        institution=institution,
        forum=forum,
        child=child,
        anonymous_description=f"barn, {child.age} år, {observation.get_kind_display().lower()}",
        rationale=rationale[: text_limits.NOTE],
        ruler_colour=observation.suggested_colour,
        by=by,
    )
    locked.forum_referral = draft
    locked.save(update_fields=["forum_referral"])
    observation.forum_referral = draft
    log_action(locked, AuditAction.UPDATE, by=by, purpose=PURPOSE_SUPPORT)
    return draft


# --- The koordinerende TRIO ----------------------------------------------------------------------


def trio_errors(
    *, institution: Institution, leader: User, psychologist: User, resource_person: User
) -> dict[str, str]:
    """Why these three cannot be the institution's TRIO (field → Danish message)."""
    errors: dict[str, str] = {}
    here = set(INSTITUTION_ROLES)
    if institution.pk not in leader.institution_ids(Role.INSTITUTION_LEADER):
        errors["leader"] = f"Lederen skal være leder på {institution.name}."
    if not psychologist.has_role(Role.PSYCHOLOGIST):
        errors["psychologist"] = "Vælg en PPR-psykolog."
    if institution.pk not in resource_person.institution_ids(*here):
        errors["resource_person"] = (
            f"Ressourcepersonen skal være leder eller medarbejder på {institution.name}."
        )
    if len({leader.pk, psychologist.pk, resource_person.pk}) < 3:
        errors[NON_FIELD_ERRORS] = "TRIO'en er tre forskellige personer."
    return errors


@transaction.atomic
def save_trio(
    *,
    institution: Institution,
    school_year: int,
    leader: User,
    psychologist: User,
    resource_person: User,
    resource_title: str = "",
    by: User,
) -> Trio:
    """Set the institution's koordinerende TRIO for one school year. Earlier years are kept as
    they were (the history); a change within the year is in the audit log."""
    if not rules.can_edit_trio(by, institution):
        raise PermissionDenied
    errors = trio_errors(
        institution=institution,
        leader=leader,
        psychologist=psychologist,
        resource_person=resource_person,
    )
    if errors:
        raise ValidationError(errors)
    trio, created = Trio.objects.select_for_update().update_or_create(
        institution=institution,
        school_year=school_year,
        defaults={
            "leader": leader,
            "psychologist": psychologist,
            "resource_person": resource_person,
            "resource_title": resource_title.strip(),
            "updated_by": by,
        },
    )
    log_action(
        trio,
        AuditAction.CREATE if created else AuditAction.UPDATE,
        by=by,
        purpose=PURPOSE_SUPPORT,
    )
    return trio


# --- Skolesocialrådgivning: the open consultation --------------------------------------------------


@transaction.atomic
def save_slot(*, slot: ConsultationSlot, by: User) -> ConsultationSlot:
    """Create or change one of Skolesocialrådgivning's fixed weekly times at a school."""
    if not rules.can_manage_slots(by, slot.institution, slot.social_worker):
        raise PermissionDenied
    errors: dict[str, str] = {}
    if not slot.social_worker.has_role(Role.SOCIAL_WORKER):
        errors["social_worker"] = "Vælg en socialrådgiver."
    if slot.institution.kind not in SCHOOL_KINDS:
        errors["institution"] = "Skolesocialrådgivning er et forum for skoler."
    if errors:
        raise ValidationError(errors)
    created = slot.pk is None
    if created:
        slot.created_by = by
    slot.save()
    log_action(
        slot, AuditAction.CREATE if created else AuditAction.UPDATE, by=by, purpose=PURPOSE_SUPPORT
    )
    return slot


def talk_counts(pairs: set[tuple[int, int]]) -> dict[tuple[int, int], int]:
    """For each (child id, school id): the child's talks with Skolesocialrådgivning at the
    school that count towards the limit – with the pupil and/or the parents, not cancelled –
    since the TRIO's latest henvisning of the child from the school (a henvisning is the TRIO's
    decision, and opens a new round). Two queries whatever the number of pairs."""
    if not pairs:
        return {}
    children = {child_id for child_id, _ in pairs}
    latest: dict[tuple[int, int], date] = {
        (row["child_id"], row["institution_id"]): row["latest"]
        for row in ForumReferral.objects.filter(
            child_id__in=children, status=ForumReferralStatus.REFERRED
        )
        .values("child_id", "institution_id")
        .annotate(latest=Max("referred_on"))
    }
    counts = dict.fromkeys(pairs, 0)
    talks = ConsultationTalk.objects.filter(
        child_id__in=children, talk_with__in=COUNTED_TALKS, cancelled_at__isnull=True
    ).values_list("child_id", "slot__institution_id", "held_on")
    for child_id, school_id, held_on in talks:
        key = (child_id, school_id)
        if key in counts and (key not in latest or held_on >= latest[key]):
            counts[key] += 1
    return counts


def counted_talks(child: Child, institution: Institution) -> int:
    """How many of the three talks the child has used at the school (see ``talk_counts``)."""
    return talk_counts({(child.pk, institution.pk)})[(child.pk, institution.pk)]


#: The words every refusal of a fourth talk contains (the page then links to the henvisning).
TOO_MANY_TALKS = "flere kræver en henvisning fra skolens koordinerende TRIO"


def too_many_talks_message(child: Child) -> str:
    return (
        f"{child.first_name} har allerede haft {TALKS_BEFORE_HENVISNING} samtaler i "
        "skolesocialrådgivningen. Skolesocialrådgivningen tilbyder op til "
        f"{TALKS_BEFORE_HENVISNING} samtaler; {TOO_MANY_TALKS}. Bed TRIO'en vurdere "
        "sagen og henvise barnet til et forum."
    )


@transaction.atomic
def book_talk(
    *,
    slot: ConsultationSlot,
    held_on: date,
    talk_with: str,
    child: Child | None,
    anonymous_description: str = "",
    by: User,
) -> ConsultationTalk:
    """Book a talk in Skolesocialrådgivning's open consultation. A named child has at most
    three talks with the pupil and/or the parents before the TRIO's henvisning; the fourth is
    refused. Naming the child needs every custody holder's consent to the forum."""
    if not rules.can_book_talk(by, slot):
        raise PermissionDenied
    # One booking at a time per slot: two bookings of the child's third talk must not both pass.
    slot = (
        ConsultationSlot.objects.select_for_update().select_related("institution").get(pk=slot.pk)
    )
    errors: dict[str, str] = {}
    if not slot.active:
        errors[NON_FIELD_ERRORS] = "Konsultationstiden er ikke længere i brug."
    if held_on.weekday() != slot.weekday:
        errors["held_on"] = (
            f"Konsultationstiden er om {slot.get_weekday_display().lower()}en: vælg en "
            f"{slot.get_weekday_display().lower()}."
        )
    if child is None and talk_with != TalkWith.PROFESSIONAL and not anonymous_description.strip():
        errors["anonymous_description"] = "Beskriv barnet anonymt, fx “pige, 6. klasse”."
    try:
        reject_cpr_like(anonymous_description)
    except ValidationError as exc:
        errors["anonymous_description"] = exc.messages[0]
    if child is not None:
        forum = SupportForum.objects.filter(code="skolesocialraadgivning").first()
        forum_name = forum.name if forum is not None else "Skolesocialrådgivning"
        if child.institution_id != slot.institution_id:
            errors["child"] = "Barnet går ikke på skolen."
        elif reason := meeting_consent_error(child, forum_name):
            errors["child"] = f"{reason} Book ellers samtalen anonymt."
        elif (
            talk_with in COUNTED_TALKS
            and counted_talks(child, slot.institution) >= TALKS_BEFORE_HENVISNING
        ):
            errors["child"] = too_many_talks_message(child)
    if errors:
        raise ValidationError(errors)
    talk = ConsultationTalk.objects.create(
        slot=slot,
        held_on=held_on,
        talk_with=talk_with,
        child=child,
        anonymous_description="" if child else anonymous_description.strip(),
        booked_by=by,
    )
    log_action(talk, AuditAction.CREATE, by=by, purpose=PURPOSE_SUPPORT)
    return talk


@transaction.atomic
def cancel_talk(*, talk: ConsultationTalk, by: User) -> ConsultationTalk:
    """Call off a booked talk; it no longer counts. Calling it off twice changes nothing."""
    if not rules.can_book_talk(by, talk.slot):
        raise PermissionDenied
    locked = ConsultationTalk.objects.select_for_update().get(pk=talk.pk)
    if locked.cancelled_at is None:
        locked.cancelled_at = timezone.now()
        locked.save(update_fields=["cancelled_at"])
        log_action(locked, AuditAction.UPDATE, by=by, purpose=PURPOSE_SUPPORT)
    return locked


def smart_percent(value: Any) -> str:
    """12.5 → "12,5"; 10.0 → "10" (as Danish users write a percentage)."""
    text = f"{value:f}".rstrip("0").rstrip(".") if "." in f"{value:f}" else f"{value:f}"
    return text.replace(".", ",")


def _is_institution_person(user: User, institution: Institution) -> bool:
    return institution.pk in user.institution_ids(*INSTITUTION_ROLES)


def _chair_fits(chair: User, forum: SupportForum, institution: Institution) -> bool:
    institution_chair = _is_institution_person(chair, institution)
    social_worker = chair.has_role(Role.SOCIAL_WORKER)
    if forum.chaired_by == Chair.INSTITUTION:
        return institution_chair
    if forum.chaired_by == Chair.SOCIAL_WORKER:
        return social_worker
    return institution_chair or social_worker


def minutes_writer_role_label(forum: SupportForum) -> str:
    if forum.minutes_policy == MinutesPolicy.PPR_NOTAT:
        return "en PPR-psykolog eller talepædagog"
    if forum.minutes_policy == MinutesPolicy.SOCIAL_WORKER_REFERAT:
        return "en socialrådgiver"
    return ""


def _writer_fits(writer: User | None, forum: SupportForum) -> bool:
    if forum.minutes_policy == MinutesPolicy.PPR_NOTAT:
        return writer is not None and writer.has_role(*CASEWORKER_ROLES)
    if forum.minutes_policy == MinutesPolicy.SOCIAL_WORKER_REFERAT:
        return writer is not None and writer.has_role(Role.SOCIAL_WORKER)
    return writer is None


@transaction.atomic
def book_forum_meeting(
    *,
    forum: SupportForum,
    institution: Institution,
    starts_at: datetime,
    ends_at: datetime,
    location: str,
    chair: User,
    participants: Iterable[User],
    by: User,
    minutes_writer: User | None = None,
    forum_referral: ForumReferral | None = None,
    child: Child | None = None,
    other_participants: str = "",
) -> ForumMeeting:
    """Book a forum meeting by the forum's rules; a "PPR notat" forum gives the writer a deadline."""
    if not rules.can_book(by, forum, institution):
        raise PermissionDenied
    if forum_referral is not None:
        child = forum_referral.child
    errors: dict[str, str] = {}
    if not forum.active or not forum.fits(institution):
        errors["forum"] = (
            f"{forum.name} er ikke et forum for {institution.get_kind_display().lower()}."
        )
    if forum_referral is not None and forum_referral.is_draft:
        errors["forum"] = "Henvisningen er en kladde: gør den færdig, før der bookes et møde."
    if forum.booked_by == Booker.OPEN:
        errors["forum"] = (
            f"{forum.name} er en åben konsultation ved en fast mødetid og bookes ikke."
        )
    if forum.requires_named_child and child is None:
        errors["child"] = f"{forum.name} drøfter aktive sager: mødet skal gælde et navngivet barn."
    if child is not None and child.institution_id != institution.pk:
        errors["child"] = "Barnet går ikke i den valgte institution."
    if ends_at <= starts_at:
        errors["ends_at"] = "Mødet skal slutte efter det begynder."
    if starts_at < timezone.now():
        errors["starts_at"] = "Mødet kan ikke bookes i fortiden."
    if not _chair_fits(chair, forum, institution):
        errors["chair"] = f"Mødelederen skal være {forum.get_chaired_by_display().lower()}."
    if not _writer_fits(minutes_writer, forum):
        errors["minutes_writer"] = (
            f"Referenten skal være {minutes_writer_role_label(forum)}."
            if forum.has_minutes
            else f"{forum.name} har intet referat: vælg ingen referent."
        )
    try:
        reject_cpr_like(other_participants)
    except ValidationError as exc:
        errors["other_participants"] = exc.messages[0]
    if errors:
        raise ValidationError(errors)
    meeting = ForumMeeting.objects.create(
        forum=forum,
        institution=institution,
        forum_referral=forum_referral,
        child=child,
        starts_at=starts_at,
        ends_at=ends_at,
        location=location,
        chair=chair,
        minutes_writer=minutes_writer,
        other_participants=other_participants,
        booked_by=by,
    )
    everyone = {
        user.pk: user
        for user in [*participants, chair, *([minutes_writer] if minutes_writer else [])]
    }
    meeting.participants.set(everyone.values())
    if forum.minutes_policy == MinutesPolicy.PPR_NOTAT:
        open_deadline(
            subject=meeting,
            kind=DeadlineKind.NOTAT,
            due=calendar.add_working_days(
                _local_date(starts_at), Municipality.current().notat_working_days
            ),
            responsible=minutes_writer,
            by=by,
            title=f"Notat efter {forum.name} {_local_date(starts_at):%d.%m.%Y}",
        )
    log_action(meeting, AuditAction.CREATE, by=by, purpose=PURPOSE_SUPPORT)
    notify(
        recipients=[user for user in everyone.values() if user.pk != by.pk],
        message=f"Du er indkaldt til {forum.name} på {institution.name} {_when(starts_at)}.",
        link=meeting.get_absolute_url(),
    )
    return meeting


# --- Koordineringskonferencer ------------------------------------------------------------------


@transaction.atomic
def save_series(
    *, series: ConferenceSeries, standing_participants: Iterable[User], by: User
) -> ConferenceSeries:
    """Create or change an institution's koordineringskonference series and its standing participants."""
    if not rules.can_manage_conferences(by, series.institution):
        raise PermissionDenied
    created = series.pk is None
    if created:
        series.created_by = by
    series.save()
    series.standing_participants.set(list(standing_participants))
    log_action(
        series,
        AuditAction.CREATE if created else AuditAction.UPDATE,
        by=by,
        purpose=PURPOSE_CONFERENCE,
    )
    return series


@transaction.atomic
def schedule_conference(
    *, series: ConferenceSeries, starts_at: datetime, ends_at: datetime, room: str, by: User
) -> ConferenceMeeting:
    """Put one koordineringskonference in the calendar; the standing participants are invited."""
    if not rules.can_manage_conferences(by, series.institution):
        raise PermissionDenied
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": "Mødet skal slutte efter det begynder."})
    if series.meetings.filter(starts_at=starts_at).exists():
        raise ValidationError({"starts_at": "Der er allerede en konference på det tidspunkt."})
    meeting = ConferenceMeeting.objects.create(
        series=series, starts_at=starts_at, ends_at=ends_at, room=room or series.room, created_by=by
    )
    participants = list(series.standing_participants.all())
    meeting.participants.set(participants)
    # PPR writes the konference's notat (DOMAIN.md: within 5 working days after the meeting).
    writer = min(
        (user for user in participants if user.has_role(*CASEWORKER_ROLES)),
        key=lambda user: user.pk,
        default=None,
    )
    held_on = _local_date(starts_at)
    open_deadline(
        subject=meeting,
        kind=DeadlineKind.NOTAT,
        due=max(
            calendar.add_working_days(held_on, Municipality.current().notat_working_days),
            calendar.today(),
        ),
        responsible=writer,
        by=by,
        title=f"Notat efter {series.name} {held_on:%d.%m.%Y}",
    )
    log_action(meeting, AuditAction.CREATE, by=by, purpose=PURPOSE_CONFERENCE)
    notify(
        recipients=[user for user in participants if user.pk != by.pk],
        message=f"{series.name} holdes {_when(starts_at)} i {meeting.room}.",
        link=meeting.get_absolute_url(),
    )
    return meeting


def named_item_error(child: Child, meeting: ConferenceMeeting) -> str | None:
    """Why ``child`` may not be named on this conference's agenda, or None if it may."""
    if child.institution_id != meeting.series.institution_id:
        return "Barnet går ikke i institutionen, konferencen hører til."
    if reason := meeting_consent_error(child, meeting.series.name):
        return f"{reason} Uden samtykke skal opgaven være anonym."
    return None


@transaction.atomic
def add_agenda_item(
    *,
    meeting: ConferenceMeeting,
    title: str,
    by: User,
    description: str = "",
    child: Child | None = None,
    anonymous_description: str = "",
) -> AgendaItem:
    """Put an opgave on a conference's agenda: named only with consent, otherwise anonymous."""
    if not rules.can_add_item(by, meeting):
        raise PermissionDenied
    errors: dict[str, str] = {}
    if meeting.cancelled_at:
        errors["title"] = "Konferencen er aflyst."
    if child is not None and (reason := named_item_error(child, meeting)):
        errors["child"] = reason
    for field, text in (
        ("title", title),
        ("description", description),
        ("anonymous_description", anonymous_description),
    ):
        try:
            reject_cpr_like(text)
        except ValidationError as exc:
            errors[field] = exc.messages[0]
    if errors:
        raise ValidationError(errors)
    # Lock the meeting row so two people adding items at once get different numbers.
    ConferenceMeeting.objects.select_for_update().filter(pk=meeting.pk).first()
    position = (meeting.items.aggregate(last=Max("position"))["last"] or 0) + 1
    item = AgendaItem.objects.create(
        meeting=meeting,
        position=position,
        title=title.strip(),
        description=description,
        child=child,
        anonymous_description="" if child else anonymous_description.strip(),
        submitted_by=by,
    )
    log_action(item, AuditAction.CREATE, by=by, purpose=PURPOSE_CONFERENCE)
    return item


class StaleVersion(ValidationError):
    """Someone else saved the row after this user loaded it."""

    def __init__(self) -> None:
        super().__init__(
            "En anden har ændret punktet, mens du skrev. Se den nye udgave og prøv igen.",
            code="stale",
        )


@transaction.atomic
def decide_item(
    *,
    item: AgendaItem,
    decision: str,
    by: User,
    version: int,
    decision_note: str = "",
    responsible: User | None = None,
    follow_up_on: date | None = None,
    forum: SupportForum | None = None,
    intervention: Intervention | None = None,
) -> AgendaItem:
    """Record the conference's decision on one opgave; its follow-up date becomes a deadline.

    A decision that acts creates what it decides, prefilled for a person to finish and linked
    both ways: "Henvis til et forum" a henvisning (kladde), "Igangsæt en indsats" with a chosen
    indsats a forløb (kladde) on the child's case, "Indstilling til PPR" a referral draft. Each
    is created once: deciding again finds the one already made.
    """
    if not rules.can_decide(by, item.meeting):
        raise PermissionDenied
    item = AgendaItem.objects.select_for_update().select_related("meeting__series").get(pk=item.pk)
    if item.version != version:
        raise StaleVersion()
    errors: dict[str, str] = {}
    if decision not in Decision.values:
        errors["decision"] = "Vælg en beslutning."
    needs_follow_up = decision in DECISIONS_WITH_FOLLOW_UP
    if needs_follow_up and responsible is None:
        errors["responsible"] = "Vælg hvem der er ansvarlig."
    if needs_follow_up and follow_up_on is None:
        errors["follow_up_on"] = "Angiv en opfølgningsdato."
    if follow_up_on is not None and follow_up_on < calendar.today():
        errors["follow_up_on"] = "Opfølgningsdatoen kan ikke ligge i fortiden."
    if decision == Decision.REFER_FORUM:
        institution = item.meeting.series.institution
        if forum is None:
            errors["forum"] = "Vælg det forum, opgaven henvises til."
        elif not forum.fits(institution):
            errors["forum"] = (
                f"{forum.name} er ikke et forum for {institution.get_kind_display().lower()}."
            )
    try:
        reject_cpr_like(decision_note)
    except ValidationError as exc:
        errors["decision_note"] = exc.messages[0]
    if errors:
        raise ValidationError(errors)
    if not needs_follow_up:
        responsible, follow_up_on = None, None
    previous = (item.responsible_id, item.follow_up_on)
    item.decision = decision
    item.decision_note = decision_note
    item.responsible = responsible
    item.follow_up_on = follow_up_on
    item.forum = forum if decision == Decision.REFER_FORUM else None
    item.decided_by = by
    item.decided_at = timezone.now()
    item.version += 1
    item.save()
    if previous != (item.responsible_id, item.follow_up_on):
        # A changed date or person replaces the old deadline rather than leaving it open.
        cancel_deadlines(subject=item, kind=DeadlineKind.OPFOELGNING, by=by)
        if needs_follow_up and follow_up_on is not None:  # it is, when needed (above)
            open_deadline(
                subject=item,
                kind=DeadlineKind.OPFOELGNING,
                due=follow_up_on,
                responsible=responsible,
                by=by,
                title=f"Opfølgning på opgave fra {item.meeting.series.name}",
            )
    _act_on(item, intervention=intervention, by=by)
    log_action(item, AuditAction.UPDATE, by=by, purpose=PURPOSE_CONFERENCE)
    return item


def _decision_text(item: AgendaItem) -> str:
    """What a created draft says about where it comes from (the opgave and the decision)."""
    held = _local_date(item.meeting.starts_at)
    lines = [
        f"Besluttet på {item.meeting.series.name} {held:%d.%m.%Y}, punkt {item.position}: {item.title}."
    ]
    if item.description:
        lines.append(item.description)
    if item.decision_note:
        lines.append(item.decision_note)
    return "\n\n".join(lines)


def _act_on(item: AgendaItem, *, intervention: Intervention | None, by: User) -> None:
    """Create what the decision decides (once); a ValidationError undoes the whole decision."""
    if item.decision == Decision.REFER_FORUM:
        _act_refer_forum(item, by=by)
    elif item.decision == Decision.START_INTERVENTION and intervention is not None:
        _act_start_intervention(item, intervention=intervention, by=by)
    elif item.decision == Decision.REFER_PPR and item.child is not None:
        _act_refer_ppr(item, by=by)


def _act_refer_forum(item: AgendaItem, *, by: User) -> None:
    assert item.forum is not None
    draft = item.forum_referral
    if draft is not None:
        if draft.is_draft and draft.forum_id != item.forum_id:
            draft.forum = item.forum  # the room changed its mind before anyone finished it
            draft.save(update_fields=["forum"])
        return
    item.forum_referral = _draft_forum_referral(
        institution=item.meeting.series.institution,
        forum=item.forum,
        child=item.child,
        anonymous_description=item.anonymous_description,
        rationale=_decision_text(item),
        follow_up_on=item.follow_up_on,
        by=by,
    )
    item.save(update_fields=["forum_referral"])


def _act_start_intervention(item: AgendaItem, *, intervention: Intervention, by: User) -> None:
    if item.course_id is not None:
        return
    case = (
        Case.objects.filter(child_id=item.child_id, status=CaseStatus.OPEN).first()
        if item.child_id
        else None
    )
    if case is None:
        raise ValidationError(
            {
                "intervention": "Et forløb fra indsatskataloget hører til barnets åbne sag i PPR, "
                "og "
                + ("opgaven er anonym." if item.child_id is None else "barnet har ingen åben sag.")
                + " Lad feltet stå tomt, eller vælg “Indstilling til PPR”."
            }
        )
    responsible = next(
        (
            user
            for user in (item.responsible, case.assigned, by)
            if user is not None and (user.is_ppr_leader or user.has_role(*CASEWORKER_ROLES))
        ),
        None,
    )
    if responsible is None:
        raise ValidationError(
            {"responsible": "Forløbet ledes af PPR: vælg en psykolog, talepædagog eller PPR-leder."}
        )
    item.course = indsats_services.draft_course(
        by=by,
        case=case,
        intervention=intervention,
        responsible=responsible,
        starts_on=calendar.today(),
        goals=[item.title],
    )
    item.save(update_fields=["course"])


def _act_refer_ppr(item: AgendaItem, *, by: User) -> None:
    if item.referral_id is not None:
        return
    child = item.child
    assert child is not None
    author = next(
        (
            user
            for user in (item.responsible, by)
            if user is not None and user.has_perm("cases.draft_referral_for", child)
        ),
        None,
    )
    if author is None:
        raise ValidationError(
            {
                "responsible": "Indstillingen skrives af barnets institution: vælg en ansvarlig "
                "fra institutionen."
            }
        )
    referral = referral_services.create_draft(
        child=child, by=author, origin=f"Kladde oprettet fra {item.meeting.series.name}"
    )
    item.referral = referral_services.save_draft(
        referral, by=author, data={"concern": _decision_text(item)}, version=referral.version
    )
    item.save(update_fields=["referral"])


def can_cancel(user: User, meeting: ForumMeeting | ConferenceMeeting) -> bool:
    """Who books a forum meeting or schedules a konference may call it off."""
    if isinstance(meeting, ForumMeeting):
        return rules.can_book(user, meeting.forum, meeting.institution)
    return rules.can_manage_conferences(user, meeting.series.institution)


@transaction.atomic
def cancel_meeting(
    *, meeting: ForumMeeting | ConferenceMeeting, by: User
) -> ForumMeeting | ConferenceMeeting:
    """Call off a forum meeting or konference: its notat is no longer owed; participants hear."""
    if not can_cancel(by, meeting):
        raise PermissionDenied
    locked = type(meeting).objects.select_for_update().get(pk=meeting.pk)
    if locked.cancelled_at is not None:
        return locked  # a double click
    field = "forum_meeting" if isinstance(locked, ForumMeeting) else "conference_meeting"
    if Note.objects.filter(**{field: locked}, status=NoteStatus.FINAL).exists():
        raise ValidationError("Mødet har et endeligt notat og kan ikke aflyses.", code="held")
    locked.cancelled_at = timezone.now()
    locked.save(update_fields=["cancelled_at"])
    cancel_deadlines(subject=locked, kind=DeadlineKind.NOTAT, by=by)
    purpose = PURPOSE_SUPPORT if isinstance(locked, ForumMeeting) else PURPOSE_CONFERENCE
    log_action(locked, AuditAction.UPDATE, by=by, purpose=purpose)
    name = locked.forum.name if isinstance(locked, ForumMeeting) else locked.series.name
    notify(
        recipients=[user for user in locked.participants.all() if user.pk != by.pk],
        message=f"{name} {_when(locked.starts_at)} er aflyst.",
        link=locked.get_absolute_url(),
    )
    return locked


@transaction.atomic
def undo_cancel_meeting(
    *, meeting: ForumMeeting | ConferenceMeeting, by: User
) -> ForumMeeting | ConferenceMeeting:
    """Fortryd: a meeting called off a few minutes ago is held after all; the notat is owed again
    and the participants hear that it is not cancelled."""
    if not can_cancel(by, meeting):
        raise PermissionDenied
    locked = type(meeting).objects.select_for_update().get(pk=meeting.pk)
    cancelled_at = locked.cancelled_at
    if cancelled_at is None:
        return locked  # a double click: already restored
    if not can_still_undo(cancelled_at):
        raise ValidationError(
            "Aflysningen kan kun fortrydes de første minutter. Book eller planlæg mødet igen.",
            code="too_late",
        )
    locked.cancelled_at = None
    locked.save(update_fields=["cancelled_at"])
    reopen_deadlines(subject=locked, kind=DeadlineKind.NOTAT, since=cancelled_at, by=by)
    purpose = PURPOSE_SUPPORT if isinstance(locked, ForumMeeting) else PURPOSE_CONFERENCE
    log_action(locked, AuditAction.UPDATE, by=by, purpose=purpose)
    name = locked.forum.name if isinstance(locked, ForumMeeting) else locked.series.name
    notify(
        recipients=[user for user in locked.participants.all() if user.pk != by.pk],
        message=f"{name} {_when(locked.starts_at)} er alligevel ikke aflyst.",
        link=locked.get_absolute_url(),
    )
    return locked


# --- Notater -----------------------------------------------------------------------------------


def _sentence(text: str) -> str:
    """``text`` ending in one full stop: a note typed as "Følges op." keeps its own."""
    text = text.strip()
    return text if text.endswith((".", "!", "?", "…")) else f"{text}."


def _conference_decisions(meeting: ConferenceMeeting) -> str:
    lines = []
    for item in meeting.items.select_related("child", "responsible", "forum"):
        line = f"{item.position}. {item.title} ({item.subject_label})"
        if item.decision:
            line += f": {item.get_decision_display()}"
            if item.forum:
                line += f" – {item.forum.name}"
            if item.responsible:
                line += f". Ansvarlig: {item.responsible}"
            if item.follow_up_on:
                line += f", opfølgning senest {item.follow_up_on:%d.%m.%Y}"
            if item.decision_note:
                line += f". {item.decision_note}"
        else:
            line += ": ingen beslutning"
        lines.append(_sentence(line))
    return "\n".join(lines)


@transaction.atomic
def start_note(*, meeting: ForumMeeting | ConferenceMeeting, by: User) -> Note:
    """Open the meeting's notat (one per meeting: a double click finds the same one)."""
    if not rules.can_write_note_for(by, meeting):
        raise PermissionDenied
    field = "forum_meeting" if isinstance(meeting, ForumMeeting) else "conference_meeting"
    existing = Note.objects.filter(**{field: meeting}).first()
    if existing is not None:
        return existing
    if isinstance(meeting, ForumMeeting):
        title = f"Notat: {meeting.forum.name}, {_local_date(meeting.starts_at):%d.%m.%Y}"
        decisions, others = "", meeting.other_participants
    else:
        title = f"Notat: {meeting.series.name}, {_local_date(meeting.starts_at):%d.%m.%Y}"
        decisions, others = _conference_decisions(meeting), ""
    try:
        with transaction.atomic():
            note = Note.objects.create(
                **{field: meeting},
                title=title[:200],
                decisions=decisions,
                other_participants=others,
                author=by,
            )
    except IntegrityError:
        return Note.objects.get(**{field: meeting})
    note.participants.set(meeting.participants.all())
    log_action(note, AuditAction.CREATE, by=by, purpose=PURPOSE_NOTE)
    return note


@transaction.atomic
def save_note(
    *,
    note: Note,
    title: str,
    text: str,
    decisions: str,
    other_participants: str,
    participants: Iterable[User],
    version: int,
    by: User,
) -> Note:
    """Save a draft notat; a final notat is locked, and an older version is a conflict."""
    if not rules.can_edit_note(by, note):
        raise PermissionDenied
    locked = Note.objects.select_for_update().get(pk=note.pk)
    if locked.is_final:
        raise ValidationError("Notatet er endeligt og kan ikke ændres.", code="final")
    if locked.version != version:
        raise ValidationError(
            "En anden har gemt notatet, mens du skrev. Kopiér din tekst, genindlæs og prøv igen.",
            code="stale",
        )
    locked.title = title
    locked.text = text
    locked.decisions = decisions
    locked.other_participants = other_participants
    locked.version += 1
    locked.save()
    locked.participants.set(list(participants))
    log_action(locked, AuditAction.UPDATE, by=by, purpose=PURPOSE_NOTE)
    return locked


def _meeting_label(note: Note) -> str:
    meeting = note.meeting
    name = meeting.forum.name if isinstance(meeting, ForumMeeting) else meeting.series.name
    return f"{name} {_local_date(meeting.starts_at):%d.%m.%Y}"


def _header_meeting(note: Note) -> str:
    """What the notat is about, for the running header: meeting type, forum, institution, date."""
    meeting = note.meeting
    if isinstance(meeting, ForumMeeting):
        about = [meeting.forum.name, meeting.institution.name]
    else:
        about = ["Koordineringskonference", meeting.series.institution.name]
    return " · ".join(["Notat", *about, f"{_local_date(meeting.starts_at):%d.%m.%Y}"])


def _header_subject(children: list[Child]) -> str:
    """Whom the notat concerns, for the running header: one child by name and masked CPR; several
    as a count (their names stay in the body); none (anonymous opgaver only) as nothing."""
    if len(children) == 1:
        return f"{children[0].name} · {children[0].cpr_masked}"
    if len(children) > 1:
        return f"Vedrører {len(children)} børn"
    return ""


def note_pdf_context(note: Note) -> dict[str, Any]:
    """The notat as JSON primitives for the PDF (names and masked CPR, no CPR numbers).

    The running header names the meeting on every page and, where the meeting named children,
    whom it concerns. The PDF is rendered once and downloadable by whoever may read the notat
    (``Note.can_download``), who already sees the named children on the notat's page; the
    children are only ever those named with consent (forum meeting's child, named opgaver).
    """
    meeting = note.meeting
    children = list(Child.objects.filter(pk__in=note.named_child_ids()))
    return {
        "title": note.title,
        "header_meeting": _header_meeting(note),
        "header_subject": _header_subject(children),
        "meeting": _meeting_label(note),
        "institution": note.institution.name,
        "location": getattr(meeting, "location", "") or getattr(meeting, "room", ""),
        "date": f"{_local_date(meeting.starts_at):%d.%m.%Y}",
        "participants": [
            f"{user} ({user.title})" if user.title else str(user)
            for user in note.participants.all()
        ],
        "other_participants": note.other_participants,
        "children": [child.name for child in children],
        "text": note.text,
        "decisions": note.decisions,
        "author": str(note.author),
        "finalised_by": str(note.finalised_by) if note.finalised_by else "",
        "finalised_at": f"{timezone.localtime(note.finalised_at):%d.%m.%Y %H.%M}"
        if note.finalised_at
        else "",
    }


def _journal(note: Note, *, by: User) -> list[JournalEntry]:
    """File the final notat on the open case of every child the meeting named."""
    entries = []
    cases = Case.objects.filter(child_id__in=note.named_child_ids(), status=CaseStatus.OPEN)
    text = note.text
    if note.decisions:
        text = f"{text}\n\nBeslutninger og aftaler:\n{note.decisions}"
    for case in cases:
        entry = JournalEntry.objects.create(
            case=case,
            occurred_on=_local_date(note.meeting.starts_at),
            kind=JournalKind.MOEDE,
            title=note.title[:200],
            text=text or note.title,
            author=by,
            document_type=Note._meta.label_lower,
            document_id=note.pk,
        )
        # Filed on the child's case by the meeting's institution: the row names both, which
        # neither the entry (the case's institution) nor a conference's notat (no one child) does.
        record(
            None,
            AuditAction.CREATE,
            obj=entry,
            child_id=case.child_id,
            institution_id=note.institution.pk,
            purpose="journalisering af mødenotat",
            user=by,
        )
        entries.append(entry)
    return entries


def early_note_message(starts_at: datetime) -> str:
    """Why a notat for a meeting not yet held is not made final without a confirmation."""
    return (
        f"Mødet er først {timezone.localtime(starts_at):%d.%m.%Y kl. %H.%M}. Et notat gøres "
        "normalt endeligt, når mødet er holdt. Bekræft, hvis det skal gøres endeligt nu."
    )


@transaction.atomic
def finalise_note(
    *, note: Note, by: User, version: int, confirm_before_meeting: bool = False
) -> Note:
    """Lock the notat, order its PDF, send it to the participants and journal it on the cases.

    A notat records a meeting that was held: finalising it before the meeting has begun is
    refused unless the writer confirms it (a notat written ahead, say, from an agenda)."""
    if not rules.can_edit_note(by, note):
        raise PermissionDenied
    locked = Note.objects.select_for_update().get(pk=note.pk)
    if locked.is_final:
        return locked  # a double click: already done, nothing twice
    if locked.version != version:
        raise ValidationError(
            "En anden har gemt notatet, siden du åbnede det. Genindlæs og se det igennem.",
            code="stale",
        )
    if not locked.text.strip():
        raise ValidationError({"text": "Skriv notatet, før det gøres endeligt."})
    starts_at = locked.meeting.starts_at
    if starts_at > timezone.now() and not confirm_before_meeting:
        raise ValidationError(
            {"confirm_before_meeting": early_note_message(starts_at)}, code="before_meeting"
        )
    locked.status = NoteStatus.FINAL
    locked.finalised_at = timezone.now()
    locked.finalised_by = by
    locked.version += 1
    locked.save()
    log_action(locked, AuditAction.UPDATE, by=by, purpose=PURPOSE_NOTE)
    document = _order_pdf(locked, by=by)
    journaled = _journal(locked, by=by)
    _send_to_custody_holders(locked, document, journaled, by=by)
    meet_deadlines(subject=locked.meeting, kind=DeadlineKind.NOTAT, by=by)
    notify(
        recipients=[user for user in locked.participants.all() if user.pk != by.pk],
        message=f"Notatet fra {_meeting_label(locked)} er klar.",
        link=locked.get_absolute_url(),
    )
    return locked


def _send_to_custody_holders(
    note: Note, document: Document, journaled: list[JournalEntry], *, by: User
) -> None:
    """The final notat of a forum meeting about one child by Digital Post to that child's
    custody holders with a stored CPR number (the others get it by letter). A conference's
    notat names several children and goes to no parent: it would show them the others."""
    meeting = note.forum_meeting
    if meeting is None or meeting.child_id is None:
        return
    reference = journaled[0].case.reference if journaled else ""
    holders = Guardian.objects.filter(child_id=meeting.child_id, has_custody=True)
    for guardian in holders.order_by("name", "pk"):
        digitalpost.send(
            guardian=guardian, document=document, title=note.title, by=by, case_reference=reference
        )


def note_post(note: Note, document: Document | None) -> list[tuple[Any, Any, str]]:
    """The notat's custody holders with its Digital Post message or the Danish letter note."""
    meeting = note.forum_meeting
    if document is None or meeting is None or meeting.child_id is None:
        return []
    sent = {m.recipient_id: m for m in digitalpost.messages_for_document(document.pk)}
    rows: list[tuple[Any, Any, str]] = []
    holders = Guardian.objects.filter(child_id=meeting.child_id, has_custody=True)
    for guardian in holders.order_by("name", "pk"):
        message = sent.get(guardian.pk)
        note_text = ""
        if message is None:
            note_text = "Med almindelig post" + (
                f" ({digitalpost.NO_CPR})."
                if digitalpost.enabled() and not guardian.has_cpr
                else "."
            )
        rows.append((guardian, message, note_text))
    return rows


def _order_pdf(note: Note, *, by: User) -> Document:
    document = request_pdf(
        subject=note,
        kind=DocumentKind.NOTAT,
        title=note.title,
        template_name="meetings/note_pdf.html",
        context=note_pdf_context(note),
        by=by,
    )
    # A notat about one child is filed on the child's open case in the ESDH (when switched on).
    if esdh_filing.switched_on() and note.forum_meeting is not None:
        esdh_filing.file_for_child(note.forum_meeting.child_id, document, title=note.title, by=by)
    return document
