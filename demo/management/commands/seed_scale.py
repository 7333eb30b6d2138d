"""Build a "storkommune" data set on PostgreSQL for the scale benchmark (bench/pages.py).

    createdb -h 127.0.0.1 -U postgres ppr_scale
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ppr_scale DJANGO_DEBUG=true \\
        .venv/bin/python manage.py migrate
    DATABASE_URL=... DJANGO_DEBUG=true .venv/bin/python manage.py seed_scale --children 100000

With ``--children 100000`` (the default): 100,000 children, 60 schools, 150 dagtilbud, 400 staff
users, 30,000 cases, 600,000 journal entries, 200,000 Børnelineal ratings, 300,000 deadlines,
2,000,000 audit rows, plus referrals, meetings and courses in proportion. Everything else scales
linearly with ``--children`` (``--children 1000`` is the small set for the constant-query check).

The demo municipality (``seed_demo``) is loaded first, so the demo logins work and the demo
users hold an ordinary share of the scaled data. Rows are written with PostgreSQL COPY; ids are
given explicitly and the sequences reset afterwards. Not idempotent: use an empty database.
"""

import io
import random
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.test.utils import override_settings
from psycopg.types.json import Jsonb

from cases.models import (
    Case,
    Child,
    Guardian,
    JournalEntry,
    Referral,
    ReferralEvent,
    RulerRating,
)
from indsatser.models import Course, CourseParticipant, Intervention
from meetings.models import ForumMeeting, SupportForum
from ppr import crypto
from ppr.accounts.models import Membership, Role, User
from ppr.audit.models import AuditEvent
from ppr.deadlines.models import Deadline
from ppr.organisation.models import District, Institution, InstitutionKind, Team

FIRST_NAMES = [
    "Emma",
    "Ida",
    "Clara",
    "Freja",
    "Alma",
    "Ella",
    "Sofia",
    "Agnes",
    "Olivia",
    "Karla",
    "Laura",
    "Josefine",
    "Anna",
    "Lea",
    "Nora",
    "William",
    "Noah",
    "Oscar",
    "Lucas",
    "Carl",
    "Victor",
    "Malthe",
    "Alfred",
    "Oliver",
    "Magnus",
    "Frederik",
    "Emil",
    "Elias",
    "Aksel",
]
LAST_NAMES = [
    "Nielsen",
    "Jensen",
    "Hansen",
    "Pedersen",
    "Andersen",
    "Christensen",
    "Larsen",
    "Sørensen",
    "Rasmussen",
    "Jørgensen",
    "Petersen",
    "Madsen",
    "Kristensen",
    "Olsen",
    "Thomsen",
    "Christiansen",
    "Poulsen",
    "Johansen",
    "Møller",
    "Mortensen",
]
JOURNAL_KINDS = ("samtale", "observation", "test", "moede", "telefon", "korrespondance")
COLOURS = ("groen", "gul", "roed")
AUDIT_ACTIONS = ("view", "view", "view", "view", "search", "update", "create", "print")
NEW_DISTRICTS = ("Nord", "Syd", "Midt", "Centrum")
BATCH = 20_000


def _now() -> datetime:
    return datetime.now(UTC)


class Loader:
    """COPY rows of one model into PostgreSQL, filling the columns not given with their defaults."""

    def __init__(self, out: Callable[[str], None]) -> None:
        self.out = out
        self.now = _now()

    def copy(self, model: type[models.Model], columns: Sequence[str], rows: Iterable[tuple]) -> int:
        fields = {f.attname: f for f in model._meta.concrete_fields}
        missing = [f for name, f in fields.items() if name not in columns and name != "id"]
        fill: list[Any] = []
        for f in missing:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                fill.append(self.now)
            elif f.null and not f.has_default():
                fill.append(None)
            else:
                value = f.get_default()
                fill.append(Jsonb(value) if isinstance(f, models.JSONField) else value)
        names = [*columns, *(f.attname for f in missing)]
        json_at = [
            i for i, name in enumerate(columns) if isinstance(fields.get(name), models.JSONField)
        ]
        quoted = ", ".join(
            connection.ops.quote_name((fields[n].column or n) if n in fields else n) for n in names
        )
        table = connection.ops.quote_name(model._meta.db_table)
        start = time.perf_counter()
        count = 0
        fill_tuple = tuple(fill)
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy,
        ):
            for row in rows:
                if json_at:
                    row = tuple(Jsonb(v) if i in json_at else v for i, v in enumerate(row))
                copy.write_row(row + fill_tuple)
                count += 1
        self.out(
            f"  {model._meta.db_table:<32} {count:>10,} rows  {time.perf_counter() - start:6.1f} s"
        )
        return count


def next_id(model: type[models.Model]) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COALESCE(MAX(id), 0) + 1 FROM {connection.ops.quote_name(model._meta.db_table)}"
        )
        return int(cursor.fetchone()[0])


def reset_sequences(model_list: list[type[models.Model]]) -> None:
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), model_list):
            cursor.execute(sql)


def cpr_for(index: int, born: date) -> str:
    """A valid, unique CPR number: the birth date, then 4xxx (the 7th digit 4 means 2000–2036)."""
    return f"{born:%d%m%y}{4000 + index % 1000:04d}"


class Command(BaseCommand):
    help = "Opbygger et storkommune-datasæt på PostgreSQL til skala-benchmark (bulk COPY)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--children", type=int, default=100_000, help="antal børn (standard 100000)"
        )
        parser.add_argument("--seed", type=int, default=2026, help="tilfældighedsfrø")
        parser.add_argument("--no-demo", action="store_true", help="indlæs ikke demokommunen først")

    def say(self, text: str) -> None:
        self.stdout.write(text)
        self.stdout.flush()

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("seed_scale kræver PostgreSQL (DATABASE_URL=postgres://…).")
        started = time.perf_counter()
        self.rng = random.Random(options["seed"])
        n = options["children"]
        factor = n / 100_000
        self.sizes = {
            "children": n,
            "schools": max(2, round(60 * min(1, factor * 10))),
            "daycares": max(2, round(150 * min(1, factor * 10))),
            "staff": max(20, round(400 * min(1, factor * 10))),
            "cases": round(30_000 * factor),
            "journal": round(600_000 * factor),
            "ratings": round(200_000 * factor),
            "deadlines": round(300_000 * factor),
            "audit": round(2_000_000 * factor),
            "pending_referrals": round(1_500 * factor),
            "other_referrals": round(8_000 * factor),
            "meetings": round(10_000 * factor),
            "courses": round(5_000 * factor),
        }
        if not options["no_demo"]:
            self.say("Demokommunen (seed_demo) …")
            # The demo's notification e-mails would otherwise go to the console.
            with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
                call_command("seed_demo", stdout=io.StringIO())
        self.loader = Loader(self.say)
        self.say(f"Storkommune med {n:,} børn:")
        with transaction.atomic():
            self.organisation()
            self.children()
            self.cases_and_referrals()
            self.journal_and_ratings()
            self.deadlines()
            self.meetings_and_courses()
            self.audit()
            reset_sequences(
                [
                    District,
                    Institution,
                    Team,
                    User,
                    Membership,
                    Child,
                    Guardian,
                    Case,
                    Referral,
                    ReferralEvent,
                    JournalEntry,
                    RulerRating,
                    Deadline,
                    AuditEvent,
                    *self.extra_models,
                ]
            )
        # VACUUM as well: a freshly bulk-loaded table has no visibility map, so PostgreSQL
        # plans no index-only scan on it (the leader's yearly referral counts: a 46 ms seq
        # scan instead of the index), which autovacuum would only fix later (bench/NOTES.md).
        self.say("VACUUM ANALYZE …")
        with connection.cursor() as cursor:
            vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
            cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")
        self.say(self.style.SUCCESS(f"Færdig på {time.perf_counter() - started:.0f} s."))

    # --- Organisation and staff ------------------------------------------------------------

    def organisation(self) -> None:
        for name in NEW_DISTRICTS:
            District.objects.get_or_create(name=name)
        self.districts = list(District.objects.order_by("pk"))
        teams = []
        for district in self.districts:
            for k in (1, 2, 3):
                team, _ = Team.objects.get_or_create(
                    name=f"PPR Team {district.name} {k}", defaults={"district": district}
                )
                teams.append(team)
        self.teams = list(Team.objects.order_by("pk"))
        start = next_id(Institution)
        rows = []
        s = self.sizes
        for i in range(s["schools"] + s["daycares"]):
            school = i < s["schools"]
            district = self.districts[i % len(self.districts)]
            kind = InstitutionKind.SKOLE if school else InstitutionKind.DAGTILBUD
            name = f"{'Skole' if school else 'Dagtilbud'} {district.name} {i + 1:03d}"
            rows.append(
                (start + i, name, kind, district.pk, 6 if school else 0, 16 if school else 5, True)
            )
        self.loader.copy(
            Institution, ["id", "name", "kind", "district_id", "min_age", "max_age", "active"], rows
        )
        self.institutions = list(
            Institution.objects.exclude(kind=InstitutionKind.KLUB).values_list(
                "pk", "kind", "district_id"
            )
        )
        self.district_of = {pk: d for pk, _, d in self.institutions}

        # Staff: PPR case workers in teams, secretaries, and one leader per new institution.
        password = make_password("scale-ppr-2026")
        staff = s["staff"]
        n_institution_leaders = min(len(rows), staff // 2)
        n_secretaries = max(2, staff // 40)
        n_caseworkers = staff - n_institution_leaders - n_secretaries
        user_start = next_id(User)
        users: list[Any] = []
        # (user, role, institution, district, team, active, approved at)
        memberships: list[tuple[int, str, int | None, int | None, int | None, bool, datetime]] = []
        roles = (Role.PSYCHOLOGIST, Role.PSYCHOLOGIST, Role.SPEECH_THERAPIST, Role.PPR_CONSULTANT)
        self.caseworkers: list[tuple[int, int]] = []  # (user id, team id)
        self.secretaries: list[int] = []
        self.leader_of: dict[int, int] = {}
        for i in range(staff):
            uid = user_start + i
            first, last = self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES)
            if i < n_caseworkers:
                team = self.teams[i % len(self.teams)]
                role, email = roles[i % len(roles)], f"sagsbehandler{i:04d}@ppr.storkommune.dk"
                memberships.append((uid, role, None, None, team.pk, True, self.loader.now))
                self.caseworkers.append((uid, team.pk))
            elif i < n_caseworkers + n_secretaries:
                email = f"sekretaer{i:04d}@ppr.storkommune.dk"
                memberships.append((uid, Role.SECRETARY, None, None, None, True, self.loader.now))
                self.secretaries.append(uid)
            else:
                institution_id = rows[i - n_caseworkers - n_secretaries][0]
                email = f"leder{i:04d}@storkommune.dk"
                memberships.append(
                    (
                        uid,
                        Role.INSTITUTION_LEADER,
                        institution_id,
                        None,
                        None,
                        True,
                        self.loader.now,
                    )
                )
                self.leader_of[institution_id] = uid
            users.append((uid, password, first, last, email, True, self.loader.now))
        self.loader.copy(
            User,
            ["id", "password", "first_name", "last_name", "email", "is_active", "date_joined"],
            users,
        )
        self.loader.copy(
            Membership,
            [
                "user_id",
                "role",
                "institution_id",
                "district_id",
                "team_id",
                "active",
                "approved_at",
            ],
            memberships,
        )
        # The demo case workers and leaders take part like everybody else.
        for m in Membership.objects.filter(
            role__in=[Role.PSYCHOLOGIST, Role.SPEECH_THERAPIST],
            team__isnull=False,
            user__email__endswith="nordvig.dk",
        ):
            if m.team_id is not None:  # as filtered
                self.caseworkers.append((m.user_id, m.team_id))
        for m in Membership.objects.filter(
            role=Role.INSTITUTION_LEADER, user__email__endswith="nordvig.dk"
        ):
            if m.institution_id is not None:  # an institution leader's membership has one
                self.leader_of[m.institution_id] = m.user_id
        self.fallback_author = next(iter(self.leader_of.values()))
        self.staff_ids = (
            [uid for uid, _ in self.caseworkers] + self.secretaries + list(self.leader_of.values())
        )

    # --- Children and guardians ------------------------------------------------------------

    def children(self) -> None:
        n = self.sizes["children"]
        today = date.today()
        start = next_id(Child)
        self.child_start = start
        self.child_institution: list[int] = []
        schools = [
            pk
            for pk, kind, _ in self.institutions
            if kind in ("skole", "specialskole", "privatskole")
        ]
        daycares = [pk for pk, kind, _ in self.institutions if pk not in set(schools)]
        rng = self.rng

        # Birth dates spread over 0–16 years; (date, serial) is unique for every index.
        n_days = 16 * 365 - 200

        def rows() -> Iterator[tuple]:
            for i in range(n):
                born = today - timedelta(days=200 + (i * 7) % n_days)
                number = f"{born:%d%m%y}{4000 + i // n_days:04d}"
                is_school = (today - born).days >= 6 * 365 + 200
                institution = (
                    schools[i % len(schools)] if is_school else daycares[i % len(daycares)]
                )
                self.child_institution.append(institution)
                yield (
                    start + i,
                    crypto.encrypt(number),
                    crypto.lookup_hash(number),
                    rng.choice(FIRST_NAMES),
                    rng.choice(LAST_NAMES),
                    born,
                    institution,
                    f"{rng.randint(0, 9)}.{'abc'[i % 3]}" if is_school else "",
                    True,
                )

        self.loader.copy(
            Child,
            [
                "id",
                "cpr_encrypted",
                "cpr_hash",
                "first_name",
                "last_name",
                "birth_date",
                "institution_id",
                "group",
                "fictitious",
            ],
            rows(),
        )

        def guardians() -> Iterator[tuple]:
            for i in range(n):
                last = rng.choice(LAST_NAMES)
                yield (
                    start + i,
                    f"{rng.choice(FIRST_NAMES)} {last}",
                    "mor",
                    True,
                    "12345678",
                    "",
                    "",
                )
                if i % 2 == 0:
                    yield (start + i, f"{rng.choice(FIRST_NAMES)} {last}", "far", True, "", "", "")

        self.loader.copy(
            Guardian,
            ["child_id", "name", "relation", "has_custody", "phone", "email", "address"],
            guardians(),
        )

    def child(self, index: int) -> tuple[int, int]:
        return self.child_start + index, self.child_institution[index]

    # --- Cases and referrals --------------------------------------------------------------

    def cases_and_referrals(self) -> None:
        s, rng, now = self.sizes, self.rng, self.loader.now
        n_children = s["children"]
        case_start = next_id(Case)
        self.case_start = case_start
        self.cases: list[tuple[int, int, int, int]] = []  # (case id, child index, assigned, team)
        self.open_cases: set[int] = set()
        self.pending_referrals: set[int] = set()
        step = max(1, n_children // max(1, s["cases"]))
        case_rows = []
        for k in range(s["cases"]):
            index = (k * step) % n_children
            child_id, _ = self.child(index)
            assigned, team = self.caseworkers[k % len(self.caseworkers)]
            opened = now - timedelta(days=rng.randint(1, 900))
            closed = k % 10 < 3
            case_rows.append(
                (
                    case_start + k,
                    child_id,
                    "lukket" if closed else "aaben",
                    assigned,
                    team,
                    opened,
                    opened + timedelta(days=120) if closed else None,
                    "afsluttet_uden_videre" if closed else "",
                    COLOURS[k % 3],
                )
            )
            self.cases.append((case_start + k, index, assigned, team))
            if not closed:
                self.open_cases.add(case_start + k)
        self.loader.copy(
            Case,
            [
                "id",
                "child_id",
                "status",
                "assigned_id",
                "team_id",
                "opened_at",
                "closed_at",
                "outcome",
                "latest_colour",
            ],
            case_rows,
        )
        with connection.cursor() as cursor:  # Case.save() would copy it; COPY does not
            cursor.execute(
                "UPDATE cases_case SET child_sort_name = ch.last_name || ' ' || ch.first_name"
                " FROM cases_child ch WHERE ch.id = cases_case.child_id AND cases_case.id >= %s",
                [case_start],
            )

        referral_start = next_id(Referral)
        self.referral_start = referral_start
        self.referrals: list[tuple[int, int]] = []  # (referral id, case id or 0)
        concern = (
            "Barnet har svært ved at deltage i fællesskabet og trækker sig i frikvartererne. " * 3
        )

        def rows() -> Iterator[tuple]:
            rid = referral_start
            # One accepted referral behind every case.
            for case_id, index, _assigned, _team in self.cases:
                child_id, institution = self.child(index)
                author = self.leader_of.get(institution, self.fallback_author)
                submitted = now - timedelta(days=rng.randint(30, 900))
                self.referrals.append((rid, case_id))
                yield (
                    rid,
                    child_id,
                    institution,
                    "accepteret",
                    author,
                    concern,
                    submitted,
                    author,
                    submitted + timedelta(days=1),
                    submitted + timedelta(days=8),
                    self.secretaries[0],
                    "",
                    "",
                    case_id,
                )
                rid += 1
            # Pending (the intake queue), drafts and rejected ones.
            for k in range(s["pending_referrals"] + s["other_referrals"]):
                index = rng.randrange(n_children)
                child_id, institution = self.child(index)
                author = self.leader_of.get(institution, self.fallback_author)
                pending = k < s["pending_referrals"]
                status = (
                    ("indsendt", "modtaget")[k % 2]
                    if pending
                    else ("kladde", "afvist", "kladde")[k % 3]
                )
                sent: datetime | None = (
                    None
                    if status == "kladde"
                    else now - timedelta(days=rng.randint(0, 60 if pending else 700))
                )
                self.referrals.append((rid, 0))
                if pending:
                    self.pending_referrals.add(rid)
                yield (
                    rid,
                    child_id,
                    institution,
                    status,
                    author,
                    concern,
                    sent,
                    author if sent else None,
                    sent + timedelta(days=1) if sent and status in ("modtaget", "afvist") else None,
                    sent + timedelta(days=8) if sent and status == "afvist" else None,
                    self.secretaries[0] if status == "afvist" else None,
                    "Henvist til almenområdet." if status == "afvist" else "",
                    "",
                    None,
                )
                rid += 1

        self.loader.copy(
            Referral,
            [
                "id",
                "child_id",
                "institution_id",
                "status",
                "author_id",
                "concern",
                "submitted_at",
                "submitted_by_id",
                "received_at",
                "decided_at",
                "decided_by_id",
                "rejection_reason",
                "redirect_forum",
                "case_id",
            ],
            rows(),
        )
        self.loader.copy(
            ReferralEvent,
            ["referral_id", "status", "at", "by_id", "note"],
            ((rid, "indsendt", now, None, "") for rid, _ in self.referrals),
        )

    # --- Journal and Børnelineal -----------------------------------------------------------

    def journal_and_ratings(self) -> None:
        s, rng, today = self.sizes, self.rng, date.today()
        text = (
            "Samtale med barnet og klasselæreren om trivsel, venskaber og koncentration i timerne. "
            * 4
        ).strip()
        cases = self.cases

        def journal() -> Iterator[tuple]:
            for k in range(s["journal"]):
                case_id, _index, assigned, _team = cases[k % len(cases)]
                yield (
                    case_id,
                    today - timedelta(days=rng.randint(0, 700)),
                    JOURNAL_KINDS[k % len(JOURNAL_KINDS)],
                    "Samtale",
                    text,
                    assigned,
                    1,
                    "",
                )

        self.loader.copy(
            JournalEntry,
            [
                "case_id",
                "occurred_on",
                "kind",
                "title",
                "text",
                "author_id",
                "version",
                "document_type",
            ],
            journal(),
        )

        def ratings() -> Iterator[tuple]:
            n_children = s["children"]
            for k in range(s["ratings"]):
                if k % 2 == 0:
                    case_id, index, rater, _team = cases[(k // 2) % len(cases)]
                else:
                    case_id, index, rater = (
                        None,
                        rng.randrange(n_children),
                        self.staff_ids[k % len(self.staff_ids)],
                    )
                child_id, institution = self.child(index)
                yield (
                    child_id,
                    COLOURS[rng.randrange(3)],
                    today - timedelta(days=rng.randint(0, 700)),
                    rater,
                    "sag" if case_id else "indstilling",
                    "Vurderet ud fra observation og samtale.",
                    case_id,
                    institution,
                )

        self.loader.copy(
            RulerRating,
            [
                "child_id",
                "colour",
                "rated_on",
                "rater_id",
                "context",
                "rationale",
                "case_id",
                "institution_id",
            ],
            ratings(),
        )

    # --- Deadlines ---------------------------------------------------------------------------

    def deadlines(self) -> None:
        s, rng, now, today = self.sizes, self.rng, self.loader.now, date.today()
        ct_case = ContentType.objects.get_for_model(Case).pk
        ct_referral = ContentType.objects.get_for_model(Referral).pk
        subjects: list[
            tuple[int, int, int | None, int]
        ] = []  # content type, id, responsible, district
        for case_id, index, assigned, _team in self.cases:
            subjects.append((ct_case, case_id, assigned, self.district_of[self.child(index)[1]]))
        for rid, _case_id in self.referrals:
            subjects.append((ct_referral, rid, None, self.districts[rid % len(self.districts)].pk))
        kinds = (
            ("kvittering", "Kvittering for indstilling"),
            ("visitation", "Visitation af indstilling"),
            ("ppv", "PPV"),
            ("opfoelgning", "Opfølgning"),
            ("notat", "Notat efter møde"),
            ("andet", "Andet"),
            ("fravaer", "Trin i fraværsforløb"),
            ("kladde", "Kladde udløber"),
        )
        if s["deadlines"] > len(subjects) * len(kinds):
            raise CommandError("For mange frister i forhold til emner.")

        def rows() -> Iterator[tuple]:
            for k in range(s["deadlines"]):
                ct, oid, responsible, district = subjects[k % len(subjects)]
                # Only open cases and waiting referrals still have outstanding deadlines.
                live = oid in (self.open_cases if ct == ct_case else self.pending_referrals)
                kind, title = kinds[(k // len(subjects)) % len(kinds)]
                roll = k % 20
                state = "met" if roll < 15 or not live else ("open" if roll < 19 else "overdue")
                due = today + timedelta(
                    days=rng.randint(-400, -1) if state != "open" else rng.randint(-5, 60)
                )
                path = "sager" if ct == ct_case else "sager/indstillinger"
                yield (
                    kind,
                    ct,
                    oid,
                    title,
                    due,
                    responsible,
                    state,
                    now if state == "met" else None,
                    f"/{path}/{oid}/",
                    district,
                )

        self.loader.copy(
            Deadline,
            [
                "kind",
                "content_type_id",
                "object_id",
                "title",
                "due",
                "responsible_id",
                "state",
                "met_at",
                "link",
                "district_id",
            ],
            rows(),
        )

    # --- Meetings and courses -----------------------------------------------------------------

    def meetings_and_courses(self) -> None:
        self.extra_models: list[type[models.Model]] = []

        s, rng, now, today = self.sizes, self.rng, self.loader.now, date.today()
        forums = list(SupportForum.objects.values_list("pk", flat=True))
        if forums:

            def meetings() -> Iterator[tuple]:
                for k in range(s["meetings"]):
                    case_id, index, chair, _team = self.cases[k % len(self.cases)]
                    child_id, institution = self.child(index)
                    starts = now + timedelta(days=rng.randint(-300, 60), hours=rng.randint(0, 6))
                    yield (
                        forums[k % len(forums)],
                        institution,
                        child_id,
                        starts,
                        starts + timedelta(hours=1),
                        "Mødelokalet",
                        chair,
                        self.leader_of.get(institution, self.fallback_author),
                    )

            self.loader.copy(
                ForumMeeting,
                [
                    "forum_id",
                    "institution_id",
                    "child_id",
                    "starts_at",
                    "ends_at",
                    "location",
                    "chair_id",
                    "booked_by_id",
                ],
                meetings(),
            )
            self.extra_models.append(ForumMeeting)
        interventions = list(Intervention.objects.values_list("pk", flat=True))
        if interventions:
            course_start = next_id(Course)

            def courses() -> Iterator[tuple]:
                for k in range(s["courses"]):
                    case_id, index, responsible, team = self.cases[k % len(self.cases)]
                    group = k % 5 == 0
                    institution = self.child(index)[1]
                    starts = today - timedelta(days=rng.randint(0, 400))
                    yield (
                        course_start + k,
                        interventions[k % len(interventions)],
                        "hold" if group else "barn",
                        f"Forløb {k + 1}",
                        None if group else case_id,
                        institution,
                        self.district_of[institution],
                        team,
                        responsible,
                        starts,
                        "aktivt",
                        responsible,
                    )

            self.loader.copy(
                Course,
                [
                    "id",
                    "intervention_id",
                    "kind",
                    "title",
                    "case_id",
                    "institution_id",
                    "district_id",
                    "team_id",
                    "responsible_id",
                    "starts_on",
                    "status",
                    "created_by_id",
                ],
                courses(),
            )

            def participants() -> Iterator[tuple]:
                for k in range(s["courses"]):
                    case_id, index, responsible, _team = self.cases[k % len(self.cases)]
                    for j in range(4 if k % 5 == 0 else 1):
                        yield (
                            course_start + k,
                            self.child(index + j if index + j < s["children"] else index)[0],
                            today,
                            responsible,
                        )

            self.loader.copy(
                CourseParticipant,
                ["course_id", "child_id", "enrolled_on", "enrolled_by_id"],
                participants(),
            )
            self.extra_models += [Course, CourseParticipant]

    # --- Audit log ------------------------------------------------------------------------------

    def audit(self) -> None:
        s, rng, now = self.sizes, self.rng, self.loader.now
        names = dict(User.objects.filter(pk__in=self.staff_ids).values_list("pk", "first_name"))
        n_children = s["children"]
        staff = self.staff_ids

        def rows() -> Iterator[tuple]:
            for k in range(s["audit"]):
                actor = staff[k % len(staff)]
                index = rng.randrange(n_children)
                child_id, institution = self.child(index)
                yield (
                    now - timedelta(seconds=rng.randint(0, 730 * 86400)),
                    actor,
                    names.get(actor, ""),
                    "PPR-psykolog",
                    AUDIT_ACTIONS[k % len(AUDIT_ACTIONS)],
                    "cases.child",
                    str(child_id),
                    child_id,
                    "",
                    "",
                    institution,
                    "127.0.0.1",
                    "",
                )

        self.loader.copy(
            AuditEvent,
            [
                "at",
                "actor_id",
                "actor_name",
                "role",
                "action",
                "object_type",
                "object_id",
                "child_id",
                "term",
                "purpose",
                "institution_id",
                "ip",
                "request_id",
            ],
            rows(),
        )
