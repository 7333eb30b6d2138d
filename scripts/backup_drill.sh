#!/usr/bin/env bash
# Backup-and-restore drill: pg_dump → restore into a NEW database → the app starts on it and a
# known case reads back identical.
#
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/ppr DJANGO_DEBUG=true scripts/backup_drill.sh
#
# Run it with the application's own environment (DATABASE_URL, PPR_FIELD_KEY, DJANGO_SECRET_KEY …):
# the CPR numbers can only be read back with the same field key. Options (environment):
#   CASE_ID=123        the known case to compare (default: the case with the most journal entries
#                      among the 1,000 newest)
#   RESTORE_DB=name    the database to restore into (default: <source>_drill_<timestamp>); it must
#                      not exist
#   KEEP=1             keep the restored database and the dump afterwards
# Nothing personal is printed: the case is compared as a SHA-256 digest of its canonical JSON
# (case, child incl. decrypted CPR, guardians, referrals, journal, ratings, deadlines, audit rows).
# Exit status 0 = the drill passed.
set -euo pipefail

cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-.venv/bin/python}
: "${DATABASE_URL:?Sæt DATABASE_URL til den database, der skal tages backup af (PostgreSQL).}"

read -r PGHOST PGPORT PGUSER SOURCE_DB < <("$PYTHON" - <<'EOF'
import os
from urllib.parse import urlsplit
u = urlsplit(os.environ["DATABASE_URL"])
assert u.scheme.startswith("postgres"), "backup_drill.sh kræver PostgreSQL"
print(u.hostname or "127.0.0.1", u.port or 5432, u.username or "postgres", u.path.lstrip("/"))
EOF
)
export PGHOST PGPORT PGUSER
if [[ -z "${PGPASSWORD:-}" ]]; then
    PGPASSWORD=$("$PYTHON" -c 'import os; from urllib.parse import urlsplit; print(urlsplit(os.environ["DATABASE_URL"]).password or "")')
    export PGPASSWORD
fi
RESTORE_DB=${RESTORE_DB:-${SOURCE_DB}_drill_$(date -u +%Y%m%d%H%M%S)}
RESTORE_URL=$("$PYTHON" -c 'import os,sys; from urllib.parse import urlsplit, urlunsplit; u=urlsplit(os.environ["DATABASE_URL"]); print(urlunsplit(u._replace(path="/"+sys.argv[1])))' "$RESTORE_DB")

WORK=$(mktemp -d)
chmod 700 "$WORK"
DUMP="$WORK/$SOURCE_DB.dump"
cleanup() {
    if [[ "${KEEP:-0}" != "1" ]]; then
        rm -rf "$WORK"
        dropdb --if-exists "$RESTORE_DB" 2>/dev/null || true
    else
        echo "Beholdt: dump $DUMP og database $RESTORE_DB"
    fi
}
trap cleanup EXIT

step() { printf '\n== %s\n' "$*"; }

# The canonical reading of one case, through the application (ORM, decryption), as a digest.
read_case() {
    DATABASE_URL="$1" CASE_ID="${CASE_ID:-}" "$PYTHON" manage.py shell --no-imports -c '
import hashlib, json, os
from django.db.models import Count
from cases.models import Case, JournalEntry, Referral, RulerRating
from ppr.audit.models import AuditEvent
from ppr.deadlines.models import Deadline
from django.contrib.contenttypes.models import ContentType

newest = list(Case.objects.order_by("-id").values_list("id", flat=True)[:1000])
pk = os.environ.get("CASE_ID") or (
    Case.objects.filter(id__in=newest).annotate(n=Count("journal_entries")).order_by("-n", "-id").values_list("id", flat=True)[0]
)
case = Case.objects.select_related("child", "child__institution").get(pk=pk)
child = case.child
def rows(qs, *fields):
    return [list(r) for r in qs.order_by("pk").values_list(*fields)]
data = {
    "case": [case.pk, case.status, case.assigned_id, case.team_id, case.opened_at.isoformat(), case.latest_colour, case.outcome],
    "child": [child.pk, child.first_name, child.last_name, child.birth_date.isoformat(), child.cpr, child.institution.name],
    "guardians": rows(child.guardians.all(), "name", "relation", "has_custody", "phone", "email"),
    "referrals": rows(Referral.objects.filter(child=child), "pk", "status", "concern", "submitted_at"),
    "journal": rows(JournalEntry.objects.filter(case=case), "pk", "occurred_on", "kind", "title", "text", "author_id", "version"),
    "ratings": rows(RulerRating.objects.filter(child=child), "pk", "colour", "rated_on", "rationale"),
    "deadlines": rows(Deadline.objects.filter(content_type=ContentType.objects.get_for_model(Case), object_id=case.pk), "pk", "kind", "due", "state"),
    "audit": rows(AuditEvent.objects.filter(child_id=child.pk), "pk", "at", "actor_id", "action", "purpose"),
}
text = json.dumps(data, sort_keys=True, default=str, ensure_ascii=False)
counts = {k: len(data[k]) for k in ("guardians", "referrals", "journal", "ratings", "deadlines", "audit")}
print(f"case={case.pk} sha256={hashlib.sha256(text.encode()).hexdigest()} rows={counts}")
'
}

table_counts() {
    psql -X -At -d "$1" -c "
        SELECT string_agg(format('%s=%s', relname, n_live), ' ' ORDER BY relname) FROM (
          SELECT c.relname, (xpath('/row/n/text()', query_to_xml(format('SELECT count(*) AS n FROM %I', c.relname), false, true, '')))[1]::text AS n_live
          FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace
          WHERE s.nspname = 'public' AND c.relkind = 'r'
            AND c.relname IN ('cases_child', 'cases_case', 'cases_referral', 'cases_journalentry',
                              'cases_rulerrating', 'deadlines_deadline', 'audit_auditevent',
                              'accounts_user', 'django_migrations')
        ) t"
}

triggers() {
    psql -X -At -d "$1" -c "SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal"
}

START=$(date +%s)
step "1/6 Læser den kendte sag i kilden ($SOURCE_DB)"
BEFORE=$(read_case "$DATABASE_URL" | tail -1)
echo "$BEFORE"
CASE_ID=$(sed -E 's/^case=([0-9]+).*/\1/' <<<"$BEFORE")
export CASE_ID

step "2/6 pg_dump (custom format) af $SOURCE_DB"
pg_dump --format=custom --no-owner --no-privileges --file="$DUMP" "$SOURCE_DB"
chmod 600 "$DUMP"
ls -l "$DUMP" | awk '{printf "dump: %.1f MB\n", $5/1024/1024}'

step "3/6 Gendanner i en ny database: $RESTORE_DB"
createdb "$RESTORE_DB"
pg_restore --no-owner --no-privileges --exit-on-error --jobs=2 --dbname="$RESTORE_DB" "$DUMP"

step "4/6 Appen starter på den gendannede database"
DATABASE_URL="$RESTORE_URL" "$PYTHON" manage.py check
DATABASE_URL="$RESTORE_URL" "$PYTHON" manage.py migrate --check --noinput -v0 \
    && echo "Ingen manglende migrationer."
DATABASE_URL="$RESTORE_URL" "$PYTHON" - <<'EOF'
import os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ppr.settings")
import django
django.setup()
from django.conf import settings
from django.test import Client
host = next((h for h in settings.ALLOWED_HOSTS if h and not h.startswith(".") and h != "*"), "localhost")
response = Client(HTTP_HOST=host).get("/healthz", secure=True)
assert response.status_code == 200, f"/healthz svarede {response.status_code}"
print(f"/healthz: {response.status_code} {response.content[:60].decode(errors='replace')}")
EOF

step "5/6 Den kendte sag læses igen – fra den gendannede database"
AFTER=$(read_case "$RESTORE_URL" | tail -1)
echo "$AFTER"

step "6/6 Sammenligner"
FAIL=0
if [[ "$BEFORE" == "$AFTER" ]]; then echo "Sagen er identisk."; else echo "FEJL: sagen er ikke identisk."; FAIL=1; fi
SRC_COUNTS=$(table_counts "$SOURCE_DB"); DST_COUNTS=$(table_counts "$RESTORE_DB")
if [[ "$SRC_COUNTS" == "$DST_COUNTS" ]]; then echo "Rækketal ens: $DST_COUNTS"; else
    echo "FEJL: rækketal afviger"; echo " kilde:     $SRC_COUNTS"; echo " gendannet: $DST_COUNTS"; FAIL=1; fi
if [[ "$(triggers "$SOURCE_DB")" == "$(triggers "$RESTORE_DB")" ]]; then
    echo "Triggere ens ($(triggers "$RESTORE_DB")), bl.a. adgangsloggens append-only-trigger."
else echo "FEJL: triggere mangler efter gendannelse"; FAIL=1; fi

echo
if [[ $FAIL == 0 ]]; then
    echo "BACKUP-ØVELSE BESTÅET på $(( $(date +%s) - START )) s."
else
    echo "BACKUP-ØVELSE FEJLEDE."
fi
exit $FAIL
