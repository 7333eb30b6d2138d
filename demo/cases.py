"""Demo data for the cases app: fictitious children, guardians, consents and referrals in every
status, then the case side's cases, journals and rating histories (``demo.casework.seed_cases``).

Everything goes through the services, so the demo shows what the product itself produces
(timelines, audit rows, notifications, cases); afterwards the timestamps are spread over the
past weeks so the intake queue shows realistic waiting times. Idempotent: a child is found
again by its CPR hash, and a child that exists is left as it is.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from cases.children import services as child_services
from cases.models import (
    Case,
    Child,
    ConsentForm,
    ConsentScope,
    Referral,
    ReferralEvent,
    RulerRating,
)
from cases.referrals import services as referral_services
from ppr.accounts.models import Membership, Role, User
from ppr.organisation.models import Institution

from .casework import seed_cases
from .ppv import seed_ppvs

#: Notifications are created as in real use; their e-mails are not sent while seeding.
QUIET_MAIL = {"default": {"BACKEND": "django.core.mail.backends.dummy.EmailBackend"}}


@dataclass(frozen=True)
class DemoChild:
    first: str
    last: str
    institution: str
    born: date
    group: str
    #: "joint": both parents have custody; "single": only the mother; "one": one guardian only.
    custody: str
    #: The referral's status ("" for none), and how many days ago it was submitted (or touched).
    status: str
    days_ago: int
    requests: tuple[str, ...] = ("ppv",)
    colour: str = "gul"
    #: Draft variants that show the gates: "no_consent", "no_evaluation".
    variant: str = ""
    assignee: str = ""


VEST_SCHOOL = "Vestervang Skole"
OEST_SCHOOL = "Østerbro Skole"
DAYCARE = "Børnehuset Mælkebøtten"

CHILDREN = [
    # Vestervang Skole: the demo school leader's and teacher's own children.
    DemoChild("Alma", "Kjærgaard", VEST_SCHOOL, date(2016, 3, 14), "4.A", "joint", "kladde", 2),
    DemoChild(
        "Noah",
        "Bundgaard",
        VEST_SCHOOL,
        date(2015, 9, 2),
        "5.B",
        "joint",
        "kladde",
        5,
        ("specialpaedagogisk_bistand", "ppv"),
        "roed",
        "no_evaluation",
    ),
    DemoChild(
        "Ida",
        "Lauritsen",
        VEST_SCHOOL,
        date(2017, 1, 23),
        "3.A",
        "joint",
        "kladde",
        24,
        ("sparring",),
        "gul",
        "no_consent",
    ),
    DemoChild(
        "Oscar", "Vestergaard", VEST_SCHOOL, date(2014, 6, 30), "6.C", "single", "indsendt", 2
    ),
    DemoChild(
        "Freja",
        "Dalsgaard",
        VEST_SCHOOL,
        date(2013, 11, 5),
        "7.A",
        "joint",
        "indsendt",
        6,
        ("ppv", "test"),
        "roed",
    ),
    DemoChild(
        "Karl",
        "Mikkelsen",
        VEST_SCHOOL,
        date(2018, 4, 17),
        "1.B",
        "joint",
        "modtaget",
        9,
        ("observation",),
        "gul",
    ),
    DemoChild(
        "Ella",
        "Bertelsen",
        VEST_SCHOOL,
        date(2012, 8, 8),
        "8.B",
        "joint",
        "accepteret",
        48,
        ("specialpaedagogisk_bistand", "ppv"),
        "roed",
        assignee="psychologist",
    ),
    DemoChild(
        "Viggo",
        "Thomsen",
        VEST_SCHOOL,
        date(2016, 12, 1),
        "4.B",
        "single",
        "accepteret",
        30,
        ("ppv",),
        "gul",
        assignee="psychologist_team",
    ),
    DemoChild(
        "Clara",
        "Holm",
        VEST_SCHOOL,
        date(2017, 5, 19),
        "3.B",
        "joint",
        "accepteret",
        21,
        ("tale",),
        "gul",
        assignee="speech_therapist",
    ),
    DemoChild(
        "Alfred",
        "Lund",
        VEST_SCHOOL,
        date(2015, 2, 27),
        "5.A",
        "joint",
        "afvist",
        35,
        ("sparring",),
        "groen",
    ),
    DemoChild(
        "Sofia",
        "Winther",
        VEST_SCHOOL,
        date(2014, 10, 12),
        "6.A",
        "joint",
        "henvist",
        26,
        ("sparring",),
        "gul",
    ),
    DemoChild(
        "Malthe",
        "Iversen",
        VEST_SCHOOL,
        date(2011, 7, 3),
        "9.A",
        "joint",
        "afsluttet",
        80,
        ("ppv",),
        "gul",
    ),
    DemoChild("Agnes", "Søgaard", VEST_SCHOOL, date(2016, 9, 9), "4.A", "joint", "", 0),
    # Østerbro Skole (district Øst).
    DemoChild("Lucas", "Brandt", OEST_SCHOOL, date(2015, 4, 4), "5.C", "joint", "kladde", 3),
    DemoChild(
        "Luna",
        "Riis",
        OEST_SCHOOL,
        date(2013, 1, 15),
        "7.B",
        "joint",
        "indsendt",
        12,
        ("ppv", "observation"),
        "roed",
    ),
    DemoChild(
        "Emil",
        "Krogh",
        OEST_SCHOOL,
        date(2016, 6, 21),
        "4.C",
        "single",
        "modtaget",
        15,
        ("test",),
        "gul",
    ),
    DemoChild(
        "Olivia",
        "Frost",
        OEST_SCHOOL,
        date(2012, 3, 30),
        "8.A",
        "joint",
        "accepteret",
        40,
        ("specialpaedagogisk_bistand", "ppv"),
        "roed",
        assignee="psychologist_oest",
    ),
    DemoChild(
        "Arthur",
        "Gram",
        OEST_SCHOOL,
        date(2017, 10, 10),
        "2.A",
        "joint",
        "accepteret",
        18,
        ("ppv",),
        "gul",
        assignee="psychologist_oest",
    ),
    DemoChild(
        "Nora",
        "Skou",
        OEST_SCHOOL,
        date(2014, 12, 24),
        "6.B",
        "joint",
        "afvist",
        29,
        ("sparring",),
        "groen",
    ),
    DemoChild("William", "Bach", OEST_SCHOOL, date(2015, 8, 1), "5.A", "one", "", 0),
    # Børnehuset Mælkebøtten (daycare, Vest): the demo daycare leader and pedagogue.
    DemoChild(
        "Asta",
        "Nørgaard",
        DAYCARE,
        date(2021, 2, 11),
        "Blå stue",
        "joint",
        "kladde",
        1,
        ("tale",),
        "gul",
    ),
    DemoChild(
        "Bertram",
        "Vinther",
        DAYCARE,
        date(2020, 7, 7),
        "Grøn stue",
        "joint",
        "indsendt",
        4,
        ("tale", "observation"),
        "gul",
    ),
    DemoChild(
        "Lily",
        "Kirkegaard",
        DAYCARE,
        date(2021, 11, 30),
        "Blå stue",
        "single",
        "accepteret",
        25,
        ("tale",),
        "gul",
        assignee="speech_therapist",
    ),
    DemoChild(
        "Storm",
        "Hedegaard",
        DAYCARE,
        date(2020, 4, 18),
        "Rød stue",
        "joint",
        "henvist",
        20,
        ("sparring",),
        "groen",
    ),
    # Other institutions: their (login-less) demo leaders submit.
    DemoChild(
        "Ellen",
        "Dahl",
        "Engdalskolen",
        date(2014, 5, 5),
        "6.A",
        "joint",
        "indsendt",
        1,
        ("ppv",),
        "gul",
    ),
    DemoChild(
        "Aksel",
        "Juul",
        "Engdalskolen",
        date(2012, 9, 29),
        "8.C",
        "joint",
        "modtaget",
        22,
        ("specialpaedagogisk_bistand", "ppv"),
        "roed",
    ),
    DemoChild(
        "Silje",
        "Møller",
        "Bakkeskolen",
        date(2016, 1, 8),
        "4.B",
        "single",
        "indsendt",
        8,
        ("observation",),
        "gul",
    ),
    DemoChild(
        "Anton",
        "Bisgaard",
        "Bakkeskolen",
        date(2013, 3, 3),
        "7.C",
        "joint",
        "accepteret",
        55,
        ("ppv", "test"),
        "roed",
        assignee="psychologist",
    ),
    DemoChild(
        "Vilma",
        "Eriksen",
        "Hjallerup Skole",
        date(2015, 11, 20),
        "5.B",
        "joint",
        "modtaget",
        4,
        ("ppv",),
        "gul",
    ),
    DemoChild(
        "Holger",
        "Poulsen",
        "Hjallerup Skole",
        date(2011, 12, 12),
        "9.B",
        "joint",
        "afsluttet",
        90,
        ("sparring",),
        "gul",
    ),
    DemoChild(
        "Merle",
        "Toft",
        "Søndervangskolen",
        date(2014, 2, 2),
        "6.A",
        "joint",
        "indsendt",
        17,
        ("ppv",),
        "roed",
    ),
    DemoChild(
        "Otto",
        "Kjeldsen",
        "Søndervangskolen",
        date(2017, 7, 16),
        "2.B",
        "one",
        "accepteret",
        35,
        ("tale",),
        "gul",
        assignee="psychologist_oest",
    ),
    DemoChild(
        "Liva",
        "Svendsen",
        "Klitskolen",
        date(2012, 6, 6),
        "8.A",
        "joint",
        "henvist",
        14,
        ("sparring",),
        "gul",
    ),
    DemoChild(
        "Carl",
        "Mortensen",
        "Havnens Skole",
        date(2016, 10, 27),
        "3.C",
        "single",
        "modtaget",
        31,
        ("ppv", "observation"),
        "roed",
    ),
    DemoChild(
        "Emma",
        "Villadsen",
        "Børnehuset Havblik",
        date(2020, 9, 14),
        "Solsikkestuen",
        "joint",
        "indsendt",
        3,
        ("tale",),
        "gul",
    ),
    DemoChild(
        "Elias",
        "Lykke",
        "Dagtilbud Kornmarken",
        date(2021, 5, 25),
        "Spirerne",
        "joint",
        "afvist",
        16,
        ("observation",),
        "groen",
    ),
    DemoChild(
        "Saga",
        "Bech",
        "Nordvig Friskole",
        date(2013, 8, 19),
        "7.A",
        "joint",
        "accepteret",
        62,
        ("ppv",),
        "gul",
        assignee="psychologist_team",
    ),
    DemoChild("Magnus", "Holst", "Klub Vest", date(2011, 4, 9), "Klubben", "single", "", 0),
    DemoChild(
        "Marie", "Fog", "Nordvig Specialskole", date(2010, 1, 31), "Gruppe 3", "joint", "", 0
    ),
    DemoChild(
        "Johan",
        "Kruse",
        "Vuggestuen Spiren",
        date(2024, 3, 3),
        "Mus",
        "joint",
        "kladde",
        7,
        ("tale",),
        "gul",
    ),
]

#: Referrals PPR recorded as the parents' own request (no consent needed, PPR submits).
PARENT_REQUESTS = {("Carl", "Mortensen"), ("Ellen", "Dahl")}


def _cpr(child: DemoChild, serial: int) -> str:
    # The 7th digit 4 puts the birth years 00–36 in the 2000s (the demo children are born 2010–24).
    return f"{child.born:%d%m%y}4{100 + serial:03d}"


def _leader_for(institution: Institution, organisation) -> User:
    """The institution's leader: the demo login where there is one, else a login-less stand-in."""
    users = organisation.users
    known = {
        VEST_SCHOOL: "school_leader",
        OEST_SCHOOL: "school_leader_oest",
        DAYCARE: "daycare_leader",
    }
    if institution.name in known and known[institution.name] in users:
        return users[known[institution.name]]
    slug = "".join(ch for ch in institution.name.lower() if ch.isalnum())[:30]
    user, created = User.objects.get_or_create(
        email=f"leder.{slug}@demo.nordvig.dk",
        defaults={"first_name": "Leder", "last_name": institution.name, "title": "Leder (demo)"},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    Membership.objects.get_or_create(
        user=user,
        role=Role.INSTITUTION_LEADER,
        institution=institution,
        defaults={"approved_at": timezone.now()},
    )
    return user


def _staff_for(institution: Institution, organisation, leader: User) -> User:
    users = organisation.users
    if institution.name == VEST_SCHOOL and "teacher" in users:
        return users["teacher"]
    if institution.name == DAYCARE and "pedagogue" in users:
        return users["pedagogue"]
    return leader


def parent_cpr(serial: int, parent: str) -> str:
    """The fictitious CPR number of a demo child's mother ("mor", born 1984) or father ("far",
    born 1982): what the local MitID stand-in signs in as (demo/mitid.py). The 7th digit 1 or 3
    puts the birth years in the 1900s."""
    year, seventh = (84, 1) if parent == "mor" else (82, 3)
    return f"{1 + serial % 28:02d}{1 + serial % 12:02d}{year}{seventh}{100 + serial:03d}"


def _guardians(child: Child, spec: DemoChild, leader: User, consent: bool, serial: int) -> None:
    mother = child_services.add_guardian(
        child=child,
        by=leader,
        name=f"Mette {spec.last}",
        relation="mor",
        has_custody=True,
        phone="20 00 00 00",
        email=f"mor.{spec.first.lower()}@example.dk",
        cpr=parent_cpr(serial, "mor"),
    )
    guardians = [mother]
    if spec.custody != "one":
        guardians.append(
            child_services.add_guardian(
                child=child,
                by=leader,
                name=f"Jesper {spec.last}",
                relation="far",
                has_custody=spec.custody == "joint",
                phone="30 00 00 00",
                cpr=parent_cpr(serial, "far"),
            )
        )
    if not consent:
        return
    for index, guardian in enumerate(g for g in guardians if g.has_custody):
        child_services.record_consent(
            guardian=guardian,
            by=leader,
            scope=ConsentScope.REFERRAL,
            given_on=timezone.localdate() - timedelta(days=10),
            form=ConsentForm.WRITTEN if index == 0 else ConsentForm.ORAL,
            note="" if index == 0 else "Givet telefonisk til skolelederen.",
        )


def _texts(spec: DemoChild) -> dict[str, object]:
    name = spec.first
    data: dict[str, object] = {
        "concern": f"{name} trækker sig fra fællesskabet og har svært ved overgange i løbet af "
        "dagen. Konflikter i pauserne er blevet hyppigere det seneste halve år.",
        "strengths": f"{name} er nysgerrig, hjælpsom over for yngre børn og god til at bygge og "
        "tegne.",
        "child_perspective": f"{name} fortæller, at det er svært, når der er larm, og at det "
        "hjælper at vide, hvad der skal ske.",
        "parents_perspective": "Forældrene genkender billedet hjemmefra og ønsker et samarbejde om, "
        "hvad der kan hjælpe.",
        "plan_goals": f"{name} deltager i fælles aktiviteter mindst tre gange om ugen.",
        "plan_actions": "Fast voksen ved overgange, visuel dagsplan og pausekort i otte uger.",
        "plan_period": "Efterår 2025",
        "plan_evaluation": "Evalueret på møde med forældrene: delvist opnået, færre konflikter, "
        "men fortsat stor uro ved skift.",
        "plan_evaluated_with": ["elev", "klasseteam", "foraeldre", "ressourcepersoner"],
        "earlier_interventions": "Sparring med institutionens ressourcepersoner.",
        "requests": list(spec.requests),
        "request_details": "Vi ønsker hjælp til at forstå vanskelighederne og til at tilrettelægge "
        "hverdagen.",
        "ruler_colour": spec.colour,
    }
    if spec.variant == "no_evaluation":
        data.update(plan_evaluation="", plan_evaluated_with=[])
    return data


def _referral(child: Child, spec: DemoChild, organisation, leader: User) -> Referral:
    users = organisation.users
    parent_request = (spec.first, spec.last) in PARENT_REQUESTS
    secretary = users["secretary"]
    author = secretary if parent_request else _staff_for(child.institution, organisation, leader)
    referral = referral_services.create_draft(
        child=child,
        by=author,
        parent_request=parent_request,
        parent_request_note="Forældrene ringede selv til PPR og bad om en vurdering."
        if parent_request
        else "",
    )
    referral = referral_services.save_draft(
        referral, by=author, data=_texts(spec), version=referral.version
    )
    if spec.status == "kladde":
        return referral
    submitter = secretary if parent_request else leader
    referral_services.submit_referral(referral, by=submitter)
    if spec.status == "indsendt":
        return referral
    referral_services.receive_referral(referral, by=secretary)
    if spec.status == "modtaget":
        return referral
    leader_ppr = users["ppr_leader"]
    if spec.status == "accepteret":
        assignee = users.get(spec.assignee) or users["psychologist"]
        referral_services.accept_referral(referral, by=leader_ppr, assignee=assignee)
    elif spec.status == "henvist":
        forum = "tvaerfagligt_smaaboernsteam" if child.institution.is_daycare else "sparring_ppr"
        referral_services.redirect_referral(
            referral, by=leader_ppr, forum=forum, note="Drøftes først i forummet."
        )
    else:  # afvist, afsluttet
        referral_services.reject_referral(
            referral,
            by=leader_ppr,
            reason="Skolens egne ressourcer og sparring v/PPR bør afprøves først.",
        )
    if spec.status == "afsluttet":
        referral_services.close_referral(referral, by=secretary)
    referral.refresh_from_db()
    return referral


def _backdate(referral: Referral, days_ago: int) -> None:
    """Spread the referral's timestamps over the past ``days_ago`` days (submission at the start)."""
    now = timezone.now()
    if referral.status == "kladde":
        touched = now - timedelta(days=days_ago)
        Referral.objects.filter(pk=referral.pk).update(created_at=touched, updated_at=touched)
        ReferralEvent.objects.filter(referral=referral).update(at=touched)
        return
    submitted = now - timedelta(days=days_ago, hours=3)
    when: dict[str, datetime] = {
        "kladde": submitted - timedelta(days=4),
        "indsendt": submitted,
        "modtaget": submitted + timedelta(days=min(1, days_ago / 3)),
        "accepteret": submitted + timedelta(days=days_ago * 0.4),
        "afvist": submitted + timedelta(days=days_ago * 0.4),
        "henvist": submitted + timedelta(days=days_ago * 0.4),
        "afsluttet": submitted + timedelta(days=days_ago * 0.8),
    }
    for status, at in when.items():
        ReferralEvent.objects.filter(referral=referral, status=status).update(at=at)
    decided = when["accepteret"] if referral.decided_at else None
    Referral.objects.filter(pk=referral.pk).update(
        created_at=when["kladde"],
        submitted_at=submitted,
        received_at=when["modtaget"] if referral.received_at else None,
        decided_at=decided,
        updated_at=max(t for s, t in when.items() if referral.events.filter(status=s).exists()),
    )
    RulerRating.objects.filter(referral=referral).update(
        rated_on=timezone.localtime(submitted).date()
    )
    if referral.case_id and decided is not None:
        Case.objects.filter(pk=referral.case_id).update(opened_at=decided)


@transaction.atomic
def seed_children(organisation) -> list[Child]:
    """~40 fictitious children with guardians, consents and referrals in every status."""
    children = []
    for serial, spec in enumerate(CHILDREN):
        institution = organisation.institutions[spec.institution]
        cpr = _cpr(spec, serial)
        existing = Child.objects.with_cpr(cpr).first()
        if existing is not None:
            children.append(existing)
            continue
        leader = _leader_for(institution, organisation)
        child = child_services.register_child(
            by=leader,
            cpr=cpr,
            first_name=spec.first,
            last_name=spec.last,
            institution=institution,
            group=spec.group,
        )
        Child.objects.filter(pk=child.pk).update(fictitious=True)
        child.fictitious = True
        parent_request = (spec.first, spec.last) in PARENT_REQUESTS
        _guardians(
            child,
            spec,
            leader,
            consent=spec.variant != "no_consent" and not parent_request,
            serial=serial,
        )
        if spec.status:
            referral = _referral(child, spec, organisation, leader)
            _backdate(referral, spec.days_ago)
        children.append(child)
    return children


def seed(organisation) -> None:
    """The cases app's demo data: children and referrals here, then the case side's cases."""
    with override_settings(MAILERS=QUIET_MAIL):
        seed_children(organisation)
        seed_cases(organisation)
        seed_ppvs(organisation)
