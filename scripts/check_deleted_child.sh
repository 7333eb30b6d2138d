#!/usr/bin/env bash
# After a child's deletion: does a pg_dump of the database still hold the child's name or CPR?
#
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/ppr DJANGO_DEBUG=true \
#   CHILD_NAME="Ella Bertelsen" CHILD_CPR=1403151234 scripts/check_deleted_child.sh
#
# Write down the name and CPR number before the deletion (they are gone afterwards). The script
# dumps the whole database (pg_dump, plain SQL, data and schema) into a private temporary file
# and searches it, case-insensitively, for the full name, "last name, first name", the CPR
# number with and without its dash, and the CPR number's keyed lookup hashes under every
# configured PPR_FIELD_KEY (so run it with the application's environment). The CPR number is
# stored encrypted, so its plain digits are never in a dump; the hash would be, had the
# deletion left it. Nothing found is printed, only which kind of trace was found.
# Exit status: 0 = no trace; 1 = a trace found; 2 = usage error.
set -euo pipefail

cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-.venv/bin/python}
: "${DATABASE_URL:?Sæt DATABASE_URL til databasen (PostgreSQL).}"
: "${CHILD_NAME:?Sæt CHILD_NAME til barnets fulde navn (fornavn efternavn).}"
: "${CHILD_CPR:?Sæt CHILD_CPR til barnets CPR-nummer.}"

WORK=$(mktemp -d)
chmod 700 "$WORK"
trap 'rm -rf "$WORK"' EXIT
DUMP="$WORK/dump.sql"

read -r PGHOST PGPORT PGUSER DB < <("$PYTHON" - <<'PY'
import os
from urllib.parse import urlsplit
u = urlsplit(os.environ["DATABASE_URL"])
if not u.scheme.startswith("postgres"):
    raise SystemExit("check_deleted_child.sh kræver PostgreSQL")
print(u.hostname or "127.0.0.1", u.port or 5432, u.username or "postgres", u.path.lstrip("/"))
PY
)
export PGHOST PGPORT PGUSER
if [[ -z "${PGPASSWORD:-}" ]]; then
    PGPASSWORD=$("$PYTHON" -c 'import os; from urllib.parse import urlsplit; print(urlsplit(os.environ["DATABASE_URL"]).password or "")')
    export PGPASSWORD
fi
pg_dump --no-owner --format=plain --file="$DUMP" "$DB"

# The search terms, one a line, written by the application (the keyed hashes need its keys).
TERMS="$WORK/terms" "$PYTHON" manage.py shell --no-imports -c '
import os
from cases.models import normalise_cpr
from ppr import crypto
name = " ".join(os.environ["CHILD_NAME"].split())
first, _, last = name.rpartition(" ")
cpr = normalise_cpr(os.environ["CHILD_CPR"])
terms = {"navn": [name, f"{last}, {first}", f"{last} {first}"],
         "cpr": [cpr, f"{cpr[:6]}-{cpr[6:]}"],
         "cpr-hash": crypto.lookup_hashes(cpr)}
with open(os.environ["TERMS"], "w") as out:
    for kind, values in terms.items():
        for value in values:
            out.write(f"{kind}\t{value}\n")
'

found=0
while IFS=$'\t' read -r kind value; do
    if grep -qiF -- "$value" "$DUMP"; then
        echo "FUNDET: $kind står stadig i databasen"
        found=1
    fi
done < "$WORK/terms"
if [[ $found -eq 0 ]]; then
    echo "OK: hverken barnets navn, CPR-nummer eller dets opslagsnøgle findes i pg_dump af $DB"
fi
exit $found
