"""After a child's deletion on PostgreSQL, ``pg_dump`` holds neither its name nor its CPR number
(scripts/check_deleted_child.sh, documented in README); before the deletion the script finds
them, so a passing check is not a blind one."""

import os
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine
from django.conf import settings as django_settings
from django.db import connection

from cases.models import CaseStatus
from lifecycle import jobs
from lifecycle.models import DueListStatus
from ppr.audit.models import AuditAction
from ppr.audit.services import record
from tests.cases.factories import CaseFactory, ChildFactory, GuardianFactory, JournalEntryFactory

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "check_deleted_child.sh"

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        django_settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="pg_dump needs PostgreSQL",
    ),
    pytest.mark.skipif(shutil.which("pg_dump") is None, reason="pg_dump is not installed"),
]


def check(name: str, cpr: str) -> subprocess.CompletedProcess[str]:
    db = connection.settings_dict
    url = (
        f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )
    env = {**os.environ, "DATABASE_URL": url, "CHILD_NAME": name, "CHILD_CPR": cpr}
    env.setdefault("DJANGO_DEBUG", "true")
    return subprocess.run(
        ["bash", str(SCRIPT)], env=env, capture_output=True, text=True, timeout=300, check=False
    )


def test_pg_dump_holds_no_trace_of_a_deleted_child(cast) -> None:
    cpr = "1403151234"
    child = ChildFactory(
        institution=cast.school, first_name="Ulrikke", last_name="Zachariassen", cpr=cpr
    )
    GuardianFactory(child=child, name="Mette Zachariassen")
    case = CaseFactory(
        child=child,
        assigned=cast.psychologist,
        team=cast.team_vest,
        status=CaseStatus.CLOSED,
        closed_at=datetime(2019, 5, 2, 10, tzinfo=UTC),
        outcome="afsluttet_uden_videre",
    )
    JournalEntryFactory(case=case, author=cast.psychologist, text="Ulrikke Zachariassen er glad.")
    # A search by the child's name, in the append-only audit log.
    record(
        None, AuditAction.SEARCH, term="navn=zachariassen ulrikke", purpose="s", user=cast.secretary
    )
    before = check("Ulrikke Zachariassen", cpr)
    assert before.returncode == 1, before.stdout + before.stderr
    assert "FUNDET: navn" in before.stdout
    assert "FUNDET: cpr-hash" in before.stdout
    with time_machine.travel(datetime(2026, 1, 5, 12, tzinfo=UTC), tick=False):
        due_list = jobs.list_due()
        assert jobs.claim_approval(due_list=due_list, by=cast.ppr_leader)
        jobs.delete_approved(due_list=due_list)
    due_list.refresh_from_db()
    assert due_list.status == DueListStatus.DONE
    after = check("Ulrikke Zachariassen", cpr)
    assert after.returncode == 0, after.stdout + after.stderr
    assert "1403151234" not in after.stdout
