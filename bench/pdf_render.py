"""Benchmark: render a realistic PPV-like document (about 4 A4 pages) 20 times; print p50/p95.

Run from the repository root (no database needed beyond a migrated SQLite file):

    DJANGO_DEBUG=true DATABASE_URL=sqlite:////tmp/bench.sqlite3 \\
        .venv/bin/python manage.py migrate -v0
    DJANGO_DEBUG=true DATABASE_URL=sqlite:////tmp/bench.sqlite3 .venv/bin/python bench/pdf_render.py

Target (issue 5): a PPV renders in at most 1 s at the median. Not part of the test run.
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ppr.settings")

import django  # noqa: E402

django.setup()

from ppr.documents.rendering import render  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "20"))

PARAGRAPH = (
    "Åse er en glad og nysgerrig pige, som trives bedst i overskuelige rammer med faste "
    "voksne. Hun søger kontakt til de jævnaldrende, men har svært ved at fastholde legen, når "
    "der er mange børn omkring hende. Lærerne beskriver, at hun i perioder bliver urolig og "
    "trækker sig, især i overgangene mellem timerne og i frikvartererne. Forældrene genkender "
    "billedet hjemmefra og fortæller, at søvn og måltider har stor betydning for hendes dag."
)

SECTIONS = [
    ("Opdraget og undersøgelsens forløb", 2, []),
    (
        "Kilder og metoder",
        1,
        [("Observation i klassen", 1), ("Samtale med barnet", 1), ("Test", 1)],
    ),
    ("Baggrund og hvad der er afprøvet", 1, []),
    ("Barnets perspektiv", 2, []),
    ("Forældrenes perspektiv", 2, []),
    (
        "Udvikling",
        0,
        [
            ("Kognitiv udvikling", 2),
            ("Sproglig udvikling", 1),
            ("Social og emotionel udvikling", 2),
        ],
    ),
    ("Skole, familie, helbred og fritid", 2, []),
    ("Sammenfatning og vurdering", 2, []),
    ("Anbefalinger til organisering af støtten", 2, []),
]


def context() -> dict[str, object]:
    """The JSON context a PPV would pass: primitives only, the CPR masked."""
    return {
        "title": "Pædagogisk psykologisk vurdering",
        "subject_line": "Åse Ørsted Kjær · 010203-xxxx",
        "lead": "Vurdering udarbejdet af PPR på baggrund af indstilling fra Vestervang Skole.",
        "facts": [
            ["Barn", "Åse Ørsted Kjær"],
            ["CPR-nummer", "010203-xxxx"],
            ["Skole og klasse", "Vestervang Skole, 3.b"],
            ["Indstillet af", "Skoleleder Søren Æbelø"],
            ["Opdrag", "Vurdering af behov for specialpædagogisk bistand"],
            ["Undersøgelsesperiode", "3. februar – 14. marts 2026"],
            ["Forældremyndighed", "Mor og far (fælles)"],
        ],
        "sections": [
            {
                "heading": heading,
                "paragraphs": [PARAGRAPH] * paragraphs,
                "subsections": [{"heading": sub, "paragraphs": [PARAGRAPH] * n} for sub, n in subs],
            }
            for heading, paragraphs, subs in SECTIONS
        ],
        "signature": {
            "name": "Maja Løvstrøm",
            "title": "Autoriseret psykolog, PPR",
            "date": "14. marts 2026",
        },
    }


def main() -> None:
    ctx = context()
    first = render("documents/example.html", ctx)  # warm-up: imports, font parsing caches
    timings = []
    for _ in range(RUNS):
        started = time.perf_counter()
        render("documents/example.html", ctx)
        timings.append(time.perf_counter() - started)
    timings.sort()
    p50 = statistics.median(timings)
    p95 = timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))]
    print(f"PPV-like document: {first.page_count} pages, {len(first.content) / 1024:.0f} KiB")
    print(
        f"{RUNS} renders: p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, max {timings[-1] * 1000:.0f} ms"
    )
    print("target p50 <= 1000 ms:", "met" if p50 <= 1.0 else "NOT met")


if __name__ == "__main__":
    main()
