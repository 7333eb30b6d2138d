"""Benchmark: the GDPR art. 15 export (rights.jobs) of the child with the longest case.

Picks the child whose case has the most journal entries; ``--entries N --ratings M`` first
makes that case a long one (N journal entries, M ratings, as copies of its own, in a transaction
rolled back at the end, so the database is left as it was). Then times the export's phases as the Celery task runs them – reading (rights.export.collect), the HTML, the
PDF (WeasyPrint) and the zip with its JSON – and counts the SQL queries of the reading. Prints
the records per type, the PDF's pages and the sizes.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ppr_scale .venv/bin/python bench/access_export.py

(The database comes from ``manage.py seed_scale``.) Not part of the test run.
"""

import argparse
import copy
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Production-like settings, with the field key the data was seeded with (the demo key).
os.environ["DJANGO_DEBUG"] = "false"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ppr.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789")
os.environ.setdefault("PPR_FIELD_KEY", "ZGVtby1vbmx5LWZpZWxkLWtleS0wMTIzNDU2Nzg5YWI=")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost")
os.environ.setdefault("PPR_SITE_URL", "http://testserver")
os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.template.loader import render_to_string  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from cases.models import Case, Child, JournalEntry, RulerRating  # noqa: E402
from ppr.documents import rendering  # noqa: E402
from ppr.organisation.models import Municipality  # noqa: E402
from rights import export, jobs  # noqa: E402
from rights.models import AccessExport  # noqa: E402


def longest_child() -> Child:
    child_id = (
        Case.objects.annotate(entries=Count("journal_entries"))
        .order_by("-entries", "pk")
        .values_list("child", flat=True)
        .first()
    )
    assert child_id is not None, "an empty database"
    return Child.objects.get(pk=child_id)


class Rollback(Exception):
    pass


def _copies[M: JournalEntry | RulerRating](rows: list[M], wanted: int) -> list[M]:
    copies = []
    for index in range(max(0, wanted - len(rows))):
        row = copy.copy(rows[index % len(rows)])
        row.pk = None
        row.client_token = None  # unique
        row._state.adding = True
        copies.append(row)
    return copies


def grow(child: Child, entries: int, ratings: int) -> None:
    """Copies of the child's own journal entries and ratings, up to ``entries`` and ``ratings``."""
    journal = list(JournalEntry.objects.filter(case__child=child).order_by("pk"))
    JournalEntry.objects.bulk_create(_copies(journal, entries), batch_size=1000)
    rated = list(RulerRating.objects.filter(child=child).order_by("pk"))
    RulerRating.objects.bulk_create(_copies(rated, ratings), batch_size=1000)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=0)
    parser.add_argument("--ratings", type=int, default=0)
    args = parser.parse_args()
    try:
        with transaction.atomic():
            grow(longest_child(), args.entries, args.ratings)
            measure()
            raise Rollback
    except Rollback:
        pass


def measure() -> None:
    child = longest_child()
    job = AccessExport(child=child, purpose="måling")
    timings: dict[str, float] = {}
    started = time.monotonic()
    with CaptureQueriesContext(connection) as queries:
        collected = export.collect(child)
    timings["collect"] = time.monotonic() - started
    mark = time.monotonic()
    html = render_to_string(
        jobs.PDF_TEMPLATE,
        {
            "municipality": Municipality.current(),
            **jobs.pdf_context(job, collected),
        },
    )
    timings["html"] = time.monotonic() - mark
    mark = time.monotonic()
    rendered = rendering.render_html(html)
    timings["pdf"] = time.monotonic() - mark
    mark = time.monotonic()
    json_bytes = jobs.json_bytes(collected)
    content = jobs._zip(collected, rendered.content)
    timings["zip"] = time.monotonic() - mark
    timings["total"] = time.monotonic() - started
    print(
        json.dumps(
            {
                "child": child.pk,
                "records": {s.key: len(s.rows) for s in collected.sections if s.rows},
                "access_log": len(collected.access_log),
                "record_count": collected.record_count,
                "queries": len(queries),
                "html_bytes": len(html.encode()),
                "pdf_bytes": len(rendered.content),
                "pdf_pages": rendered.page_count,
                "json_bytes": len(json_bytes),
                "zip_bytes": len(content),
                "seconds": {k: round(v, 2) for k, v in timings.items()},
            },
            indent=1,
        )
    )


if __name__ == "__main__":
    main()
