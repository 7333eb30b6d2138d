"""The demo municipality: shared pieces that every app's demo data builds on.

``manage.py seed_demo`` calls ``seed_organisation`` and then each domain's
``demo.<domain>.seed`` function, in order. Every step is idempotent (get_or_create by a
natural key) so the command can run again on an existing database.
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from ppr.accounts.models import Membership, Role, User
from ppr.organisation.models import District, Institution, InstitutionKind, Municipality, Team

DEMO_PASSWORD = "demo-ppr-2026"

VEST_SCHOOLS = ["Vestervang Skole", "Engdalskolen", "Bakkeskolen", "Hjallerup Skole"]
OEST_SCHOOLS = ["Østerbro Skole", "Søndervangskolen", "Klitskolen", "Havnens Skole"]
VEST_DAYCARE = [
    "Børnehuset Mælkebøtten",
    "Vuggestuen Spiren",
    "Børnehaven Solsikken",
    "Dagtilbud Kornmarken",
    "Børnehuset Regnbuen",
    "Vuggestuen Myretuen",
]
OEST_DAYCARE = [
    "Børnehuset Havblik",
    "Vuggestuen Muslingen",
    "Børnehaven Fyrtårnet",
    "Dagtilbud Strandengen",
    "Børnehuset Klitrosen",
    "Vuggestuen Søstjernen",
]


@dataclass
class DemoOrganisation:
    """What the domain apps' demo data needs to find again."""

    districts: dict[str, District] = field(default_factory=dict)
    institutions: dict[str, Institution] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    logins: list[tuple[str, str, str]] = field(default_factory=list)


def _institution(
    name: str, kind: str, district: District, min_age: int, max_age: int
) -> Institution:
    institution, _ = Institution.objects.update_or_create(
        name=name,
        defaults={"kind": kind, "district": district, "min_age": min_age, "max_age": max_age},
    )
    return institution


def _user(
    demo: DemoOrganisation,
    key: str,
    email: str,
    first: str,
    last: str,
    title: str,
    role: str,
    *,
    institution: Institution | None = None,
    team: Team | None = None,
    district: District | None = None,
    describe: str = "",
) -> User:
    user, created = User.objects.get_or_create(
        email=email, defaults={"first_name": first, "last_name": last, "title": title}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    # The demo's memberships are approved as if by a PPR leader (no approver recorded).
    Membership.objects.get_or_create(
        user=user,
        role=role,
        institution=institution,
        team=team,
        defaults={"district": district, "approved_at": timezone.now()},
    )
    if role == Role.ADMINISTRATOR and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    demo.users[key] = user
    demo.logins.append((describe or Role(role).label, email, DEMO_PASSWORD))
    return user


@transaction.atomic
def seed_organisation() -> DemoOrganisation:
    demo = DemoOrganisation()
    municipality = Municipality.current()
    municipality.name = "Nordvig Kommune"
    municipality.logo_text = "Nordvig PPR"
    municipality.ppr_name = "PPR Nordvig"
    municipality.ppr_address = "Rådhusvej 1, 9990 Nordvig"
    municipality.ppr_phone = "72 00 00 00"
    municipality.ppr_email = "ppr@nordvig.dk"
    municipality.save()

    for name in ("Vest", "Øst"):
        demo.districts[name], _ = District.objects.get_or_create(name=name)
    vest, oest = demo.districts["Vest"], demo.districts["Øst"]

    for names, district in ((VEST_SCHOOLS, vest), (OEST_SCHOOLS, oest)):
        for name in names:
            demo.institutions[name] = _institution(name, InstitutionKind.SKOLE, district, 6, 16)
        for name in VEST_DAYCARE if district == vest else OEST_DAYCARE:
            kind = InstitutionKind.VUGGESTUE if "Vuggestuen" in name else InstitutionKind.DAGTILBUD
            demo.institutions[name] = _institution(
                name, kind, district, 0, 2 if "Vuggestuen" in name else 5
            )
    demo.institutions["Nordvig Specialskole"] = _institution(
        "Nordvig Specialskole", InstitutionKind.SPECIALSKOLE, oest, 6, 17
    )
    demo.institutions["Nordvig Friskole"] = _institution(
        "Nordvig Friskole", InstitutionKind.PRIVATSKOLE, vest, 6, 15
    )
    demo.institutions["Klub Vest"] = _institution("Klub Vest", InstitutionKind.KLUB, vest, 10, 17)
    demo.institutions["Klub Øst"] = _institution("Klub Øst", InstitutionKind.KLUB, oest, 10, 17)
    demo.institutions["Dagplejen Nordvig"] = _institution(
        "Dagplejen Nordvig", InstitutionKind.DAGPLEJE, vest, 0, 2
    )

    team_vest, _ = Team.objects.get_or_create(name="PPR Team Vest", defaults={"district": vest})
    team_oest, _ = Team.objects.get_or_create(name="PPR Team Øst", defaults={"district": oest})

    school_vest = demo.institutions["Vestervang Skole"]
    school_oest = demo.institutions["Østerbro Skole"]
    daycare_vest = demo.institutions["Børnehuset Mælkebøtten"]

    _user(
        demo,
        "ppr_leader",
        "leder@ppr.nordvig.dk",
        "Lene",
        "Holm",
        "Afdelingsleder, PPR",
        Role.PPR_LEADER,
    )
    _user(
        demo,
        "psychologist",
        "psykolog@ppr.nordvig.dk",
        "Peter",
        "Lund",
        "Cand.psych., autoriseret",
        Role.PSYCHOLOGIST,
        team=team_vest,
        describe="PPR-psykolog (Team Vest)",
    )
    _user(
        demo,
        "psychologist_team",
        "psykolog2@ppr.nordvig.dk",
        "Mette",
        "Skov",
        "Cand.psych.",
        Role.PSYCHOLOGIST,
        team=team_vest,
        describe="PPR-psykolog (Team Vest, kollega)",
    )
    _user(
        demo,
        "psychologist_oest",
        "psykolog3@ppr.nordvig.dk",
        "Jonas",
        "Bak",
        "Cand.psych.",
        Role.PSYCHOLOGIST,
        team=team_oest,
        describe="PPR-psykolog (Team Øst)",
    )
    _user(
        demo,
        "speech_therapist",
        "tale@ppr.nordvig.dk",
        "Sofie",
        "Dam",
        "Talepædagog",
        Role.SPEECH_THERAPIST,
        team=team_vest,
    )
    _user(
        demo,
        "secretary",
        "sekretaer@ppr.nordvig.dk",
        "Hanne",
        "Krog",
        "Sekretær, PPR",
        Role.SECRETARY,
    )
    _user(
        demo,
        "school_leader",
        "skoleleder.vestervang@nordvig.dk",
        "Karsten",
        "Møller",
        "Skoleleder",
        Role.INSTITUTION_LEADER,
        institution=school_vest,
        describe="Skoleleder (Vestervang Skole)",
    )
    _user(
        demo,
        "school_leader_oest",
        "skoleleder.oesterbro@nordvig.dk",
        "Birgitte",
        "Friis",
        "Skoleleder",
        Role.INSTITUTION_LEADER,
        institution=school_oest,
        describe="Skoleleder (Østerbro Skole)",
    )
    _user(
        demo,
        "daycare_leader",
        "leder.maelkeboetten@nordvig.dk",
        "Anja",
        "Winther",
        "Dagtilbudsleder",
        Role.INSTITUTION_LEADER,
        institution=daycare_vest,
        describe="Dagtilbudsleder (Børnehuset Mælkebøtten)",
    )
    _user(
        demo,
        "teacher",
        "laerer.vestervang@nordvig.dk",
        "Ole",
        "Juhl",
        "Lærer",
        Role.STAFF,
        institution=school_vest,
        describe="Lærer (Vestervang Skole)",
    )
    _user(
        demo,
        "pedagogue",
        "paedagog.maelkeboetten@nordvig.dk",
        "Camilla",
        "Berg",
        "Pædagog",
        Role.STAFF,
        institution=daycare_vest,
        describe="Pædagog (Børnehuset Mælkebøtten)",
    )
    _user(
        demo,
        "social_worker",
        "socialraadgiver@nordvig.dk",
        "Rasmus",
        "Eriksen",
        "Socialrådgiver",
        Role.SOCIAL_WORKER,
        district=vest,
    )
    _user(
        demo,
        "health_visitor",
        "sundhedsplejerske@nordvig.dk",
        "Tina",
        "Vang",
        "Sundhedsplejerske",
        Role.HEALTH_VISITOR,
        district=vest,
    )
    _user(
        demo,
        "administrator",
        "admin@nordvig.dk",
        "Allan",
        "Iversen",
        "IT-administrator",
        Role.ADMINISTRATOR,
    )
    return demo
