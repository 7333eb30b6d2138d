"""Demo data for meetings: the forums, two schools' koordineringskonferencer with opgaver (one
held, with a finalised notat journaled on a child's case), henvisninger with a booked
"Indstilling og bistand v/PPR" and one recorded from a redirected referral, and this year's
tirsdagsmøde plan.

Idempotent: each part is only made when its natural key finds nothing, so running the demo
command again on a later day adds no duplicates.
"""

from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from cases.models import (
    Case,
    CaseStatus,
    Child,
    ConsentForm,
    ConsentScope,
    Guardian,
    GuardianRelation,
    RatingContext,
    Referral,
    ReferralStatus,
    RulerColour,
)
from cases.ratings.services import rate_child
from meetings import services, transitions, tuesdays
from meetings.forums import ensure_default_forums
from meetings.models import (
    ConferenceMeeting,
    ConferenceSeries,
    ConsultationSlot,
    ConsultationTalk,
    Decision,
    ForumReferral,
    Note,
    Profession,
    SupportForum,
    TalkWith,
    TransitionRequest,
    Trio,
    TuesdayMeeting,
)
from meetings.schoolyears import current_school_year
from ppr.accounts.models import Membership, Role, User
from ppr.deadlines import calendar
from ppr.organisation.models import SCHOOL_KINDS, Institution

from .organisation import DEMO_PASSWORD, DemoOrganisation

#: Extra partners so each district can staff its tirsdagsmøder (two social workers a meeting).
PARTNERS = [
    (
        "socialraadgiver2@nordvig.dk",
        "Sara",
        "Nielsen",
        "Socialrådgiver",
        Role.SOCIAL_WORKER,
        "Vest",
    ),
    (
        "socialraadgiver3@nordvig.dk",
        "Mikkel",
        "Thomsen",
        "Socialrådgiver",
        Role.SOCIAL_WORKER,
        "Vest",
    ),
    ("socialraadgiver4@nordvig.dk", "Louise", "Kjær", "Socialrådgiver", Role.SOCIAL_WORKER, "Øst"),
    (
        "socialraadgiver5@nordvig.dk",
        "Anders",
        "Poulsen",
        "Socialrådgiver",
        Role.SOCIAL_WORKER,
        "Øst",
    ),
    (
        "socialraadgiver6@nordvig.dk",
        "Maja",
        "Lauridsen",
        "Socialrådgiver",
        Role.SOCIAL_WORKER,
        "Øst",
    ),
    (
        "sundhedsplejerske2@nordvig.dk",
        "Ida",
        "Brandt",
        "Sundhedsplejerske",
        Role.HEALTH_VISITOR,
        "Vest",
    ),
    (
        "sundhedsplejerske3@nordvig.dk",
        "Karen",
        "Vestergaard",
        "Sundhedsplejerske",
        Role.HEALTH_VISITOR,
        "Øst",
    ),
    (
        "sundhedsplejerske4@nordvig.dk",
        "Julie",
        "Holst",
        "Sundhedsplejerske",
        Role.HEALTH_VISITOR,
        "Øst",
    ),
]


def _local(days: int, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(
        datetime.combine(timezone.localdate() + timedelta(days=days), time(hour, minute))
    )


def _on(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _partners(organisation: DemoOrganisation) -> None:
    for email, first, last, title, role, district in PARTNERS:
        user, created = User.objects.get_or_create(
            email=email, defaults={"first_name": first, "last_name": last, "title": title}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        Membership.objects.get_or_create(
            user=user,
            role=role,
            defaults={"district": organisation.districts[district], "approved_at": timezone.now()},
        )


def _consent(child: Child, meeting_name: str, by: User) -> None:
    """Both parents' consent to discuss the child at the named meeting (demo data)."""
    guardians = list(child.guardians.filter(has_custody=True))
    if not guardians:
        guardians = [
            Guardian.objects.create(
                child=child, name=f"{name} {child.last_name}", relation=relation
            )
            for name, relation in (("Anne", GuardianRelation.MOR), ("Jens", GuardianRelation.FAR))
        ]
    for guardian in guardians:
        guardian.consents.get_or_create(
            scope=ConsentScope.MEETING,
            meeting_name=meeting_name,
            withdrawn_on=None,
            defaults={
                "given_on": timezone.localdate(),
                "form": ConsentForm.WRITTEN,
                "recorded_by": by,
            },
        )


def _conferences(organisation: DemoOrganisation) -> None:
    users = organisation.users
    plans = [
        (
            "Vestervang Skole",
            users["school_leader"],
            users["teacher"],
            users["psychologist"],
            "Personalerummet",
        ),
        (
            "Børnehuset Mælkebøtten",
            users["daycare_leader"],
            users["pedagogue"],
            users["psychologist_team"],
            "Stuen",
        ),
    ]
    for name, leader, staff, psychologist, room in plans:
        institution = organisation.institutions[name]
        if ConferenceSeries.objects.filter(institution=institution).exists():
            continue
        series = services.save_series(
            series=ConferenceSeries(
                institution=institution,
                name=f"Koordineringskonference {name}",
                room=room,
                cadence="Første tirsdag i måneden kl. 13–15",
            ),
            standing_participants=[
                psychologist,
                users["social_worker"],
                users["health_visitor"],
                leader,
            ],
            by=leader,
        )
        # The series meets on its rule's days: the last and the next first Tuesday of a month.
        last = tuesdays.previous_first_weekday(timezone.localdate())
        held = services.schedule_conference(
            series=series, starts_at=_on(last, 13), ends_at=_on(last, 15), room=room, by=leader
        )
        item = services.add_agenda_item(
            meeting=held,
            title="Uro og konflikter i frikvartererne",
            description="Flere børn i gruppen er i konflikt; personalet ønsker sparring om struktur og voksenroller.",
            anonymous_description="gruppe, 2. klasse" if "Skole" in name else "gruppe, børnehave",
            by=staff,
        )
        services.decide_item(
            item=item,
            decision=Decision.START_INTERVENTION,
            decision_note="PPR observerer to frikvarterer og giver sparring til teamet.",
            responsible=psychologist,
            follow_up_on=calendar.add_working_days(timezone.localdate(), 15),
            version=item.version,
            by=psychologist,
        )
        # A decision that acts: the referral to a forum is drafted for the institution to finish.
        referred = services.add_agenda_item(
            meeting=held,
            title="Bekymring for trivsel hjemme",
            description="Personalet er bekymret for barnets trivsel og ønsker socialrådgiverens råd.",
            anonymous_description="dreng, 3. klasse" if "Skole" in name else "pige, 5 år",
            by=staff,
        )
        services.decide_item(
            item=referred,
            decision=Decision.REFER_FORUM,
            forum=SupportForum.objects.for_institution(institution)
            .filter(case_scope="ikke_aktive")
            .exclude(booked_by="aaben_konsultation")
            .first(),
            decision_note="Drøftes anonymt i det tværfaglige team.",
            responsible=leader,
            follow_up_on=calendar.add_working_days(timezone.localdate(), 15),
            version=referred.version,
            by=psychologist,
        )
        following = tuesdays.next_first_weekday(timezone.localdate() + timedelta(days=1))
        upcoming = services.schedule_conference(
            series=series,
            starts_at=_on(following, 13),
            ends_at=_on(following, 15),
            room=room,
            by=leader,
        )
        services.add_agenda_item(
            meeting=upcoming,
            title="Faldende trivsel og fravær",
            description="Barnet er ofte væk om mandagen og siger, at det har ondt i maven.",
            anonymous_description="pige, 4. klasse" if "Skole" in name else "dreng, 4 år",
            by=staff,
        )
        child = Child.objects.filter(institution=institution).order_by("pk").first()
        if child is not None:
            _consent(child, series.name, leader)
            services.add_agenda_item(
                meeting=upcoming,
                title="Opfølgning på sprogindsats",
                description="Status på sprogforløbet og om der skal søges om mere støtte.",
                child=child,
                by=leader,
            )


def _forum_referrals(organisation: DemoOrganisation) -> None:
    users = organisation.users
    school = organisation.institutions["Vestervang Skole"]
    # The konference's decision drafts one of its own (a kladde); these are the TRIO's.
    if ForumReferral.objects.filter(institution=school, created_by=users["school_leader"]).exists():
        return
    leader = users["school_leader"]
    services.refer_to_forum(
        institution=school,
        forum=SupportForum.objects.get(code="tvaerfagligt_skoleteam"),
        child=None,
        anonymous_description="dreng, 5. klasse",
        referred_on=timezone.localdate(),
        rationale="Faldende trivsel efter forældrenes skilsmisse; skolens egne tiltag har ikke hjulpet nok.",
        ruler_colour=RulerColour.GUL,
        follow_up_on=calendar.add_working_days(timezone.localdate(), 20),
        by=leader,
        own=_own_response(),
    )
    child = Child.objects.filter(institution=school).order_by("pk").first()
    if child is None:
        return
    forum = SupportForum.objects.get(code="indstilling_bistand_ppr")
    forum_referral = services.refer_to_forum(
        institution=school,
        forum=forum,
        child=child,
        referred_on=timezone.localdate(),
        rationale="Handleplanen er evalueret uden tilstrækkelig effekt; skolen ønsker en indstilling og sparring.",
        ruler_colour=RulerColour.ROED,
        follow_up_on=calendar.add_working_days(timezone.localdate(), 20),
        by=leader,
        own=_own_response(),
    )
    services.book_forum_meeting(
        forum=forum,
        institution=school,
        forum_referral=forum_referral,
        starts_at=_local(3, 10),
        ends_at=_local(3, 11),
        location="Vestervang Skole, mødelokale 2",
        chair=leader,
        minutes_writer=users["psychologist"],
        participants=[users["teacher"]],
        other_participants="Forældre",
        by=leader,
    )


def _own_response() -> services.OwnResponse:
    """What the school tried itself before its TRIO referred (the demo's henvisninger)."""
    today = timezone.localdate()
    return services.OwnResponse(
        tried=(
            "Handleplan med klasseteamet: faste voksne i frikvartererne, ugentlig samtale med "
            "kontaktlæreren og to forældremøder. Læringsmiljøvejlederen har observeret i klassen."
        ),
        started_on=today - timedelta(weeks=10),
        ended_on=today,
        result="Lidt ro i timerne, men trivslen falder stadig, og fraværet er steget.",
    )


#: Where each demo school's social worker holds open consultation: weekday, from, to.
SLOT_TIMES = [
    (0, time(8, 0), time(10, 0)),
    (2, time(12, 0), time(14, 0)),
    (3, time(9, 0), time(11, 0)),
]


def _ascii(name: str) -> str:
    table = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", " ": "", "'": ""})
    return name.lower().translate(table)


def _school_person(
    institution: Institution, role: str, prefix: str, first: str, last: str, title: str
) -> User:
    """The institution's leader or staff member from the demo, or a new one without a login
    line (the demo's named logins stay the few it prints)."""
    existing = (
        User.objects.filter(
            memberships__institution=institution, memberships__role=role, is_active=True
        )
        .order_by("pk")
        .first()
    )
    if existing is not None:
        return existing
    user, created = User.objects.get_or_create(
        email=f"{prefix}.{_ascii(institution.name)}@nordvig.dk",
        defaults={"first_name": first, "last_name": last, "title": title},
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    Membership.objects.get_or_create(
        user=user, role=role, institution=institution, defaults={"approved_at": timezone.now()}
    )
    return user


#: Names for the schools' leaders and resource persons the demo organisation has no user for.
LEADER_NAMES = [("Helle", "Bech"), ("Torben", "Ravn"), ("Susanne", "Krogh"), ("Niels", "Holt")]
RESOURCE_NAMES = [("Lotte", "Mark"), ("Kim", "Storm"), ("Inge", "Lykke"), ("Morten", "Dahl")]


def _trios_and_slots(organisation: DemoOrganisation) -> None:
    """Each school (and the demo daycare) gets its koordinerende TRIO for this school year,
    Vestervang also last year's (the history); each school gets a weekly time of
    Skolesocialrådgivning, and Vestervang a child who has used the three talks."""
    users = organisation.users
    by = users["ppr_leader"]
    now = current_school_year()
    psychologists = {
        "Vest": [users["psychologist"], users["psychologist_team"]],
        "Øst": [users["psychologist_oest"]],
    }
    workers = {
        district: list(
            User.objects.filter(
                memberships__role=Role.SOCIAL_WORKER,
                memberships__district__name=district,
                is_active=True,
            ).order_by("pk")
        )
        for district in ("Vest", "Øst")
    }
    schools = [
        institution
        for institution in organisation.institutions.values()
        if institution.kind in SCHOOL_KINDS or institution.name == "Børnehuset Mælkebøtten"
    ]
    for number, institution in enumerate(sorted(schools, key=lambda i: i.name)):
        district = institution.district.name
        leader = _school_person(
            institution,
            Role.INSTITUTION_LEADER,
            "leder",
            *LEADER_NAMES[number % len(LEADER_NAMES)],
            "Skoleleder",
        )
        resource = _school_person(
            institution,
            Role.STAFF,
            "vejleder",
            *RESOURCE_NAMES[number % len(RESOURCE_NAMES)],
            "Læringsmiljøvejleder",
        )
        pool = psychologists.get(district) or psychologists["Vest"]
        if not Trio.objects.filter(institution=institution, school_year=now).exists():
            services.save_trio(
                institution=institution,
                school_year=now,
                leader=leader,
                psychologist=pool[number % len(pool)],
                resource_person=resource,
                resource_title="Læringsmiljøvejleder"
                if institution.kind in SCHOOL_KINDS
                else "Pædagogisk leder",
                by=by,
            )
        if (
            institution.name == "Vestervang Skole"
            and len(pool) > 1
            and not Trio.objects.filter(institution=institution, school_year=now - 1).exists()
        ):
            services.save_trio(
                institution=institution,
                school_year=now - 1,
                leader=leader,
                psychologist=pool[(number + 1) % len(pool)],
                resource_person=resource,
                resource_title="AKT-vejleder",
                by=by,
            )
        social_workers = workers.get(district) or []
        if institution.kind not in SCHOOL_KINDS or not social_workers:
            continue
        if not ConsultationSlot.objects.filter(institution=institution).exists():
            weekday, start, end = SLOT_TIMES[number % len(SLOT_TIMES)]
            services.save_slot(
                slot=ConsultationSlot(
                    institution=institution,
                    social_worker=social_workers[number % len(social_workers)],
                    weekday=weekday,
                    starts_at=start,
                    ends_at=end,
                    location="Lokale ved skolens kontor",
                ),
                by=by,
            )
    _talks(organisation)


def _talks(organisation: DemoOrganisation) -> None:
    school = organisation.institutions["Vestervang Skole"]
    slot = (
        ConsultationSlot.objects.filter(institution=school).select_related("social_worker").first()
    )
    if slot is None or ConsultationTalk.objects.filter(slot=slot).exists():
        return
    child = Child.objects.filter(institution=school).order_by("-pk").first()
    social_worker = slot.social_worker
    today = timezone.localdate()
    last = today - timedelta(days=(today.weekday() - slot.weekday) % 7 or 7)
    if child is not None:
        _consent(child, "Skolesocialrådgivning", organisation.users["school_leader"])
        for weeks, talk_with in ((4, TalkWith.PUPIL), (3, TalkWith.PARENTS), (1, TalkWith.PUPIL)):
            services.book_talk(
                slot=slot,
                held_on=last - timedelta(weeks=weeks - 1),
                talk_with=talk_with,
                child=child,
                by=social_worker,
            )
    services.book_talk(
        slot=slot,
        held_on=last,
        talk_with=TalkWith.PROFESSIONAL,
        child=None,
        anonymous_description="dreng, 4. klasse",
        by=organisation.users["teacher"],
    )
    services.book_talk(
        slot=slot,
        held_on=last + timedelta(weeks=1),
        talk_with=TalkWith.PUPIL_AND_PARENTS,
        child=None,
        anonymous_description="pige, 7. klasse",
        by=organisation.users["teacher"],
    )


def _conference_notat(organisation: DemoOrganisation) -> None:
    """The held Vestervang konference gets an opgave about a child with an open case and a
    finalised notat, journaled on that case (the whole flow of issue 6, done once)."""
    users = organisation.users
    school = organisation.institutions["Vestervang Skole"]
    held = (
        ConferenceMeeting.objects.filter(series__institution=school, starts_at__lt=timezone.now())
        .select_related("series")
        .order_by("starts_at")
        .first()
    )
    if held is None or Note.objects.filter(conference_meeting=held).exists():
        return
    case = (
        Case.objects.filter(child__institution=school, status=CaseStatus.OPEN)
        .select_related("child")
        .order_by("pk")
        .first()
    )
    psychologist, leader = users["psychologist"], users["school_leader"]
    if case is not None:
        _consent(case.child, held.series.name, leader)
        item = services.add_agenda_item(
            meeting=held,
            title="Status på PPR-sagen og skolens handleplan",
            description="Skolen vil gerne drøfte, hvordan klassen kan støtte barnet, mens PPV'en laves.",
            child=case.child,
            by=leader,
        )
        services.decide_item(
            item=item,
            decision=Decision.FOLLOW_UP,
            decision_note="Psykologen og klasseteamet aftaler observation; følges op på næste møde.",
            responsible=psychologist,
            follow_up_on=calendar.add_working_days(timezone.localdate(), 10),
            version=item.version,
            by=psychologist,
        )
    note = services.start_note(meeting=held, by=psychologist)
    note = services.save_note(
        note=note,
        title=note.title,
        text=(
            "Konferencen gennemgik skolens opgaver. Teamet får sparring om struktur i "
            "frikvartererne, og PPR følger op på de aftalte observationer."
        ),
        decisions=note.decisions,
        other_participants=note.other_participants,
        participants=list(note.participants.all()),
        version=note.version,
        by=psychologist,
    )
    services.finalise_note(note=note, by=psychologist, version=note.version)


def _redirected_referral_henvisning(organisation: DemoOrganisation) -> None:
    """A referral PPR redirected to "Sparring og vejledning v/PPR", recorded by the school's TRIO."""
    school = organisation.institutions["Vestervang Skole"]
    referral = (
        Referral.objects.filter(
            institution=school,
            status=ReferralStatus.REDIRECTED,
            redirect_forum="sparring_ppr",
            forum_referral__isnull=True,
        )
        .order_by("pk")
        .first()
    )
    if referral is None or ForumReferral.objects.filter(referral__institution=school).exists():
        return
    services.refer_to_forum(
        institution=school,
        forum=SupportForum.objects.get(code="sparring_ppr"),
        child=None,
        anonymous_description="elev, mellemtrin",
        referred_on=timezone.localdate(),
        rationale=f"PPR henviste indstilling nr. {referral.pk} til sparring ved visitationen.",
        ruler_colour=referral.ruler_colour or RulerColour.GUL,
        follow_up_on=calendar.add_working_days(timezone.localdate(), 15),
        by=organisation.users["school_leader"],
        own=_own_response(),
        referral=referral,
    )


def _tuesday_plan(organisation: DemoOrganisation) -> None:
    year = timezone.localdate().year
    if TuesdayMeeting.objects.filter(starts_at__year=year).exists():
        return
    vest, oest = organisation.districts["Vest"], organisation.districts["Øst"]
    missing = [
        district
        for district in (vest, oest)
        if len(tuesdays.pool(district, Profession.PSYCHOLOGIST)) < 1
        or len(tuesdays.pool(district, Profession.SOCIAL_WORKER)) < 2
        or len(tuesdays.pool(district, Profession.HEALTH_VISITOR)) < 1
    ]
    if missing:
        return
    tuesdays.generate_plan(
        year=year,
        rooms={vest: "Rådhuset Vest, mødelokale 3", oest: "Sundhedshuset Øst, lokale 12"},
        by=organisation.users["ppr_leader"],
        notify_participants=False,
    )


#: Mælkebøtten's children who start school next August, their colour, and whether Vestervang's
#: TRIO is asked to act: named (both parents consent), anonymous, acknowledged, or not yet.
TRANSITIONS = [
    ("Asta", "Nørgaard", RulerColour.GUL, "named"),
    ("Lily", "Kirkegaard", RulerColour.ROED, "anonymous"),
    ("Storm", "Hedegaard", RulerColour.GUL, ""),
]


def _transitions(organisation: DemoOrganisation) -> None:
    """Overgange: the daycare's yellow and red children starting school, Vestervang's TRIO
    asked to act for two of them (one named with consent and acknowledged, one anonymous)."""
    users = organisation.users
    daycare = organisation.institutions["Børnehuset Mælkebøtten"]
    school = organisation.institutions["Vestervang Skole"]
    leader = users["daycare_leader"]
    year = transitions.school_years()[0]
    for first, last, colour, ask in TRANSITIONS:
        child = Child.objects.filter(first_name=first, last_name=last, institution=daycare).first()
        if child is None:
            continue
        latest = child.ratings.order_by("-rated_on", "-created_at", "-pk").first()
        if latest is None or latest.colour not in transitions.FLAGGED_COLOURS:
            rate_child(
                child=child,
                by=leader,
                colour=colour,
                context=RatingContext.MEETING,
                rationale="TRIO'en før skolestart: trives i små grupper, uro ved skift.",
            )
        if not ask:
            continue
        if ask == "named":
            _consent(child, transitions.TRANSITION_CONSENT, leader)
        request = TransitionRequest.objects.filter(
            child=child, school_year=year, receiving_institution=school
        ).first() or transitions.ask_receiving_trio(
            child=child,
            school_year=year,
            receiving_institution=school,
            message="Har brug for en fast voksen og god tid til at lære klassen at kende. "
            "Uro ved skift; små grupper virker. Vi foreslår et overleveringsmøde i maj.",
            by=leader,
        )
        if ask == "named" and not request.is_acknowledged:
            transitions.acknowledge_transition(
                request=request,
                response="Overleveringsmøde med forældrene og dagtilbuddet i maj; barnet "
                "placeres i den mindste børnehaveklasse.",
                by=users["school_leader"],
            )


@transaction.atomic
def seed(organisation: DemoOrganisation) -> None:
    ensure_default_forums(SupportForum)
    _partners(organisation)
    _conferences(organisation)
    _trios_and_slots(organisation)
    _forum_referrals(organisation)
    _conference_notat(organisation)
    _redirected_referral_henvisning(organisation)
    _tuesday_plan(organisation)
    _transitions(organisation)
