"""Benchmark: the median render time of a real ~6-page PPV, and the throughput of 100 notater
through one PDF worker. Not part of the test run.

The PPV is built by the PPV's own context builder (cases.ppv.services.pdf_context) and rendered
with its own template, the way the ``render_document`` task renders it. The 100 notater are
ordered as Document rows (meetings/note_pdf.html) and rendered by one worker:

- without REDIS_URL: one in-process worker loop (``ppr.documents.jobs.render_document`` per row, as the
  task body does), which measures the render path without broker overhead;
- with REDIS_URL: a real ``celery worker -Q pdf -c 1 -P solo`` subprocess; the clock runs from
  the first ``delay()`` until the last document is READY.

Run from the repository root (the database must be migrated; documents go to a temp dir):

    DJANGO_DEBUG=true DATABASE_URL=sqlite:////tmp/bench.sqlite3 \\
        .venv/bin/python manage.py migrate -v0
    DJANGO_DEBUG=true DATABASE_URL=sqlite:////tmp/bench.sqlite3 .venv/bin/python bench/ppv_render.py

    # through a real Celery worker on PostgreSQL + Redis:
    DJANGO_DEBUG=true DATABASE_URL=postgres://postgres@127.0.0.1:5432/ppr_ppv \\
        REDIS_URL=redis://127.0.0.1:6379/11 .venv/bin/python bench/ppv_render.py
"""

import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ppr.settings")
os.environ.setdefault("PPR_PRIVATE_MEDIA_ROOT", tempfile.mkdtemp(prefix="ppr-bench-"))

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.contenttypes.models import ContentType  # noqa: E402

from cases.models import Ppv  # noqa: E402
from cases.ppv.services import PDF_TEMPLATE, pdf_context  # noqa: E402
from ppr.accounts.models import User  # noqa: E402
from ppr.documents import jobs  # noqa: E402
from ppr.documents.models import Document, DocumentKind, DocumentStatus  # noqa: E402
from ppr.documents.rendering import render  # noqa: E402
from ppr.organisation.models import Municipality  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "20"))
NOTATER = int(os.environ.get("BENCH_NOTATER", "100"))

PARAGRAPH = (
    "Åse er en glad og nysgerrig pige, som trives bedst i overskuelige rammer med faste "
    "voksne. Hun søger kontakt til de jævnaldrende, men har svært ved at fastholde legen, når "
    "der er mange børn omkring hende. Lærerne beskriver, at hun i perioder bliver urolig og "
    "trækker sig, især i overgangene mellem timerne og i frikvartererne. Forældrene genkender "
    "billedet hjemmefra og fortæller, at søvn og måltider har stor betydning for hendes dag."
)


def _text(paragraphs: int) -> str:
    return "\n\n".join([PARAGRAPH] * paragraphs)


def six_page_ppv() -> Ppv:
    """An unsaved final PPV with realistic section lengths (about six A4 pages)."""
    lengths = {
        "commission": 2,
        "sources_methods": 2,
        "background": 4,
        "child_perspective": 2,
        "parents_perspective": 2,
        "cognitive_development": 3,
        "language_development": 2,
        "social_emotional_development": 3,
        "school": 3,
        "family": 3,
        "health_leisure": 1,
        "summary": 4,
        "recommendations": 4,
    }
    return Ppv(
        number=1,
        identity={
            "name": "Åse Ørsted Kjær",
            "cpr_masked": "140315-xxxx",
            "birth_date": "14.03.2015",
            "institution": "Vestervang Skole",
            "group": "3.b",
            "case_reference": "2026-00042",
        },
        commissioned_by="Vestervang Skole ved skoleleder Søren Æbelø",
        examination_period="3. februar – 14. marts 2026",
        signed_name="Maja Løvstrøm",
        signed_title="Autoriseret psykolog",
        signed_on=date(2026, 3, 14),
        **{name: _text(count) for name, count in lengths.items()},
    )


def bench_ppv() -> None:
    context = pdf_context(six_page_ppv())
    first = render(PDF_TEMPLATE, context)  # warm-up: imports, font parsing caches
    timings = []
    for _ in range(RUNS):
        started = time.perf_counter()
        render(PDF_TEMPLATE, context)
        timings.append(time.perf_counter() - started)
    timings.sort()
    p95 = timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))]
    print(f"PPV: {first.page_count} pages, {len(first.content) / 1024:.0f} KiB")
    print(
        f"  {RUNS} renders: median {statistics.median(timings) * 1000:.0f} ms, "
        f"p95 {p95 * 1000:.0f} ms, max {timings[-1] * 1000:.0f} ms"
    )


def notat_context(index: int) -> dict[str, object]:
    return {
        "title": f"Notat: Indstilling og bistand v/PPR, møde {index}",
        "subject_line": "Åse Ørsted Kjær · 140315-xxxx",
        "meeting": "Indstilling og bistand v/PPR 14.03.2026",
        "institution": "Vestervang Skole",
        "location": "Mødelokale 2",
        "date": "14.03.2026",
        "participants": ["Maja Løvstrøm (psykolog)", "Søren Æbelø (skoleleder)"],
        "other_participants": "Mor og far",
        "children": ["Åse Ørsted Kjær"],
        "text": _text(3),
        "decisions": "Skolen laver en visuel dagsplan. Opfølgning om seks uger.",
        "author": "Maja Løvstrøm",
        "finalised_by": "Maja Løvstrøm",
        "finalised_at": "14.03.2026 15.30",
    }


def order_notater(user: User) -> list[int]:
    subject = Municipality.current()
    content_type = ContentType.objects.get_for_model(subject)
    top = (
        Document.objects.filter(content_type=content_type, object_id=subject.pk)
        .order_by("-version")
        .values_list("version", flat=True)
        .first()
        or 0
    )
    rows = [
        Document(
            kind=DocumentKind.NOTAT,
            content_type=content_type,
            object_id=subject.pk,
            version=top + index + 1,
            title=f"Notat {index}",
            template_name="meetings/note_pdf.html",
            context=notat_context(index),
            created_by=user,
        )
        for index in range(NOTATER)
    ]
    return [row.pk for row in Document.objects.bulk_create(rows)]


def _throughput(ids: list[int], seconds: float, how: str) -> None:
    ready = Document.objects.filter(pk__in=ids, status=DocumentStatus.READY).count()
    pages = sum(
        count or 0
        for count in Document.objects.filter(pk__in=ids).values_list("page_count", flat=True)
    )
    print(f"{len(ids)} notater through one worker ({how}): {ready} ready, {pages} pages")
    print(
        f"  {seconds:.1f} s: {len(ids) / seconds:.2f} notater/s, "
        f"{seconds / len(ids) * 1000:.0f} ms per notat"
    )


def bench_notater_in_process(ids: list[int]) -> None:
    render("meetings/note_pdf.html", notat_context(0))  # warm-up
    started = time.perf_counter()
    for document_id in ids:
        jobs.render_document(document_id=document_id)
    _throughput(ids, time.perf_counter() - started, "in-process loop")


def bench_notater_celery(ids: list[int]) -> None:
    from ppr.documents.tasks import render_document

    worker = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "celery"),
            "-A",
            "ppr",
            "worker",
            "-Q",
            "pdf",
            "-c",
            "1",
            "-P",
            "solo",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "-l",
            "warning",
        ],  # fmt: skip
        cwd=ROOT,
        env=os.environ.copy(),
    )
    try:
        time.sleep(6)  # let the worker connect and warm up before the clock starts
        started = time.perf_counter()
        for document_id in ids:
            render_document.delay(document_id)
        while Document.objects.filter(
            pk__in=ids, status__in=[DocumentStatus.PENDING, DocumentStatus.RENDERING]
        ).exists():
            if time.perf_counter() - started > 900:
                raise SystemExit("The worker did not finish within 15 minutes.")
            time.sleep(0.2)
        _throughput(ids, time.perf_counter() - started, "celery worker -c 1, Redis broker")
    finally:
        worker.terminate()
        worker.wait(timeout=30)


def main() -> None:
    bench_ppv()
    user, _ = User.objects.get_or_create(
        email="bench@ppr.invalid", defaults={"first_name": "Bench"}
    )
    ids = order_notater(user)
    try:
        if settings.CELERY_TASK_ALWAYS_EAGER:
            bench_notater_in_process(ids)
        else:
            bench_notater_celery(ids)
    finally:
        for document in Document.objects.filter(pk__in=ids):
            if document.file:
                document.file.delete(save=False)
        # Only rows this run made; Document is not an audited, append-only table.
        Document.objects.filter(pk__in=ids).delete()


if __name__ == "__main__":
    main()
