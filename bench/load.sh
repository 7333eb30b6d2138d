#!/usr/bin/env bash
# Load test: gunicorn + PostgreSQL + Redis + a Celery worker on 127.0.0.1, locust headless.
#
#   bench/load.sh                         # 50 users for 5 minutes (the target run)
#   LOAD_USERS=10 LOAD_TIME=45s bench/load.sh   # a smoke run
#   LOAD_WORKER_NICE=0 bench/load.sh      # the Celery worker at the web server's CPU priority
# Users start at LOAD_SPAWN per second (0.5): every login hashes a password (PBKDF2), so a
# faster ramp measures the hasher, not the pages.
#
# Uses its own database (LOAD_DB, default ppr_load, recreated with the demo municipality) and
# Redis database 12. Afterwards it checks that the database holds exactly the journal entries
# and referral drafts the users were told were saved. Exit status 0 = 0 failures and counts match.
set -euo pipefail
cd "$(dirname "$0")/.."

PG=${BENCH_PG:-postgres://postgres@127.0.0.1:5432}
LOAD_DB=${LOAD_DB:-ppr_load}
PORT=${LOAD_PORT:-8765}
USERS=${LOAD_USERS:-50}
TIME=${LOAD_TIME:-5m}
RUN_ID=$(date -u +%H%M%S)
OUT=$(mktemp -d)
PY=${PYTHON:-.venv/bin/python}
BIN=$(dirname "$PY")

export DATABASE_URL="$PG/$LOAD_DB" REDIS_URL=${LOAD_REDIS:-redis://127.0.0.1:6379/12}
export DJANGO_DEBUG=false DJANGO_SECRET_KEY=load-test-only-secret-key-0123456789abcdefghijkl
export PPR_FIELD_KEY=${PPR_FIELD_KEY:-ZGVtby1vbmx5LWZpZWxkLWtleS0wMTIzNDU2Nzg5YWI=}
export DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost DJANGO_SECURE_SSL_REDIRECT=false
export PPR_SITE_URL=http://127.0.0.1:8000
export DJANGO_SECURE_COOKIES=false PPR_MFA_REQUIRED=false DJANGO_LOG_LEVEL=WARNING
# As behind the municipality's proxy: each simulated user sends its own X-Forwarded-For address.
export PPR_PROXY_COUNT=1
export LOAD_RUN=$RUN_ID LOAD_COUNTS=$OUT/counts.json

PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

echo "== Database $LOAD_DB with the demo municipality"
psql "$PG/postgres" -qAtc "DROP DATABASE IF EXISTS $LOAD_DB" >/dev/null
psql "$PG/postgres" -qAtc "CREATE DATABASE $LOAD_DB" >/dev/null
# Its Redis database too: cached sessions, option lists and counts belong to the old database.
"$PY" -c "import os, redis; redis.Redis.from_url(os.environ['REDIS_URL']).flushdb()"
"$PY" manage.py migrate --noinput -v0
DJANGO_DEBUG=true EMAIL_BACKEND=django.core.mail.backends.locmem.EmailBackend \
    "$PY" manage.py seed_demo >/dev/null 2>&1
START_SQL=$(psql "$DATABASE_URL" -qAtc "SELECT now()")

echo "== Celery worker and gunicorn on 127.0.0.1:$PORT"
# The worker at a lower CPU priority, as docker-compose.yml gives it a smaller CPU share: a PDF
# or an e-mail may wait a moment, a page should not.
nice -n "${LOAD_WORKER_NICE:-10}" "$BIN/celery" -A ppr worker -l warning -Q celery,pdf -c 1 >"$OUT/worker.log" 2>&1 &
PIDS+=($!)
# The web server as docker-compose.yml runs it (3 sync workers, 60 s timeout).
"$BIN/gunicorn" ppr.wsgi:application -b "127.0.0.1:$PORT" --workers 3 --timeout 60 --access-logfile /dev/null \
    >"$OUT/gunicorn.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.5; done

cpu_ticks() {  # CPU time (clock ticks) of the processes matching $1, with their reaped children
    local total=0 pid stat
    for pid in $(pgrep -f "$1"); do
        stat=$(cut -d')' -f2- "/proc/$pid/stat" 2>/dev/null) || continue
        read -r -a f <<<"$stat"
        total=$((total + f[11] + f[12] + f[13] + f[14]))  # utime stime cutime cstime
    done
    echo "$total"
}
cpu_snapshot() { echo "$(cpu_ticks 'gunicorn ppr.wsgi') $(cpu_ticks 'celery -A ppr') $(cpu_ticks '^postgres')"; }
read -r WEB0 WORKER0 PG0 < <(cpu_snapshot)
BUSY0=$(awk '/^cpu /{print $2+$3+$4+$7+$8}' /proc/stat) STARTED=$SECONDS

echo "== locust: $USERS users for $TIME"
TIMER=()  # locust's own CPU, where GNU time is installed
[ -x /usr/bin/time ] && TIMER=(/usr/bin/time -f "%U+%S" -o "$OUT/locust.cpu")
"${TIMER[@]}" "$BIN/locust" -f bench/locustfile.py --headless -u "$USERS" -r "${LOAD_SPAWN:-0.5}" -t "$TIME" \
    --host "http://127.0.0.1:$PORT" --csv "$OUT/locust" --only-summary --stop-timeout 10 \
    >"$OUT/locust.log" 2>&1 || true
tail -n 40 "$OUT/locust.log"
read -r WEB1 WORKER1 PG1 < <(cpu_snapshot)
BUSY1=$(awk '/^cpu /{print $2+$3+$4+$7+$8}' /proc/stat)
HZ=$(getconf CLK_TCK)
LOCUST_CPU=$(tail -n 1 "$OUT/locust.cpu" 2>/dev/null || echo "?")
echo "CPU seconds during the run: web $(((WEB1 - WEB0) / HZ)), worker $(((WORKER1 - WORKER0) / HZ)), \
PostgreSQL $(((PG1 - PG0) / HZ)), locust $LOCUST_CPU; \
the machine was busy $(((BUSY1 - BUSY0) / HZ)) s of $(nproc) cores × $((SECONDS - STARTED)) s"

echo "== What the database holds"
read -r JOURNAL DRAFTS SUBMITTED < <(psql "$DATABASE_URL" -qAt -F ' ' -c "
    SELECT (SELECT count(*) FROM cases_journalentry WHERE title = 'LOAD $RUN_ID'),
           (SELECT count(*) FROM cases_referral r JOIN accounts_user u ON u.id = r.author_id
             WHERE u.email = 'skoleleder.vestervang@nordvig.dk' AND r.created_at >= '$START_SQL'),
           (SELECT count(*) FROM cases_referral r JOIN accounts_user u ON u.id = r.submitted_by_id
             WHERE u.email = 'skoleleder.vestervang@nordvig.dk' AND r.submitted_at >= '$START_SQL')")
"$PY" - "$OUT" "$JOURNAL" "$DRAFTS" "$SUBMITTED" <<'EOF'
import csv, json, sys
from pathlib import Path
out, journal, drafts, submitted = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
counts = json.loads((out / "counts.json").read_text())
rows = list(csv.DictReader((out / "locust_stats.csv").open()))
total = next(r for r in rows if r["Name"] == "Aggregated")
failures, requests = int(total["Failure Count"]), int(total["Request Count"])
p95 = float(total["95%"])
print(f"requests {requests}, failures {failures}, p50 {total['50%']} ms, p95 {p95:.0f} ms, "
      f"{float(total['Requests/s']):.1f} req/s")
for r in rows:
    if r["Name"] != "Aggregated":
        print(f"  {r['Name']:<16} n={r['Request Count']:>5} fail={r['Failure Count']:>3} "
              f"p50={r['50%']:>5} p95={r['95%']:>5} ms")
# Logging in hashes the password (PBKDF2, deliberately slow): reported, but not a page.
pages = [r for r in rows if r["Name"] not in ("Aggregated", "login")]
worst = max(pages, key=lambda r: float(r["95%"]))
print(f"worst page p95 (without login): {worst['Name']} {worst['95%']} ms")
print(f"journal entries: told saved {counts['journal']}, in database {journal}")
print(f"referral drafts: told saved {counts['drafts']}, in database {drafts}")
print(f"referrals submitted: told sent {counts['submitted']}, in database {submitted}")
ok = (
    failures == 0
    and (counts["journal"], counts["drafts"], counts["submitted"]) == (journal, drafts, submitted)
)
print("LOAD TEST", "PASSED" if ok and p95 <= 300 else ("PASSED (p95 > 300 ms)" if ok else "FAILED"))
sys.exit(0 if ok else 1)
EOF
