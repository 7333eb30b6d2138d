"""Absence percentages for a quarter imported from a CSV file exported by the school's
administrative system, instead of typed in one by one ("Glad i skole – IGEN", seed 002).

The file: one line per pupil, a header line naming the columns (any order, other columns
ignored), separated by semicolons (as Danish Excel saves CSV), commas or tabs; UTF-8 or
Windows-1252.

- ``cpr``: the pupil's CPR number (ddmmåå-xxxx or 10 digits)
- ``klassetrin``: 0–10 (0 = børnehaveklasse; "7.", "7. klasse" and the class's name as the
  systems write it, "7.a", "7a", "7. b", are read as 7)
- ``fravaer`` (or ``fravær``): the quarter's unlawful absence in per cent, e.g. 12,5; a per cent
  sign is allowed ("12,5 %"), and a figure with more decimals, as the systems export it
  ("12,50", "9,96"), is cut to one decimal (9,96 → 9,9): cut, not rounded, so a figure below a
  step's threshold (10 %) never reaches it by rounding (the case keeps one decimal, as typed)

The whole file is checked first; an error on any line is reported per line in Danish and
nothing is saved. A pupil is found by the CPR number's keyed hash among the pupils of the
importing user's schools; the number itself is never repeated in an error, a log or a URL.
A line of 0 % for a pupil without a case in the quarter opens none (no concern); a line with
the figure already recorded changes nothing, so importing the same file twice records once.
"""

import csv
import io
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet

from cases.models import Child
from ppr.accounts.models import User
from ppr.audit.models import AuditAction
from ppr.audit.services import log_action

from .models import AbsenceCase, AbsenceCaseStatus
from .services import open_absence_case, record_absence

MAX_IMPORT_BYTES = 2 * 1024 * 1024
MAX_LINES = 5_000
COLUMNS = {"cpr": "cpr", "klassetrin": "klassetrin", "fravaer": "fravaer", "fravær": "fravaer"}
REQUIRED = ("cpr", "klassetrin", "fravaer")
_GRADE = re.compile(r"^(\d{1,2})\.?\s*([a-zæøå]\b)?\.?(\s*klasse)?$", re.IGNORECASE)
_PERCENT = re.compile(r"^(\d{1,3})(?:[.,](\d+))?\s*%?$")


@dataclass(frozen=True)
class ImportLine:
    line: int
    child: Child
    grade: int
    percent: Decimal


@dataclass(frozen=True)
class ImportResult:
    opened: int
    updated: int
    unchanged: int


def _text(file: UploadedFile) -> str:
    if not file.size:
        raise ValidationError("Filen er tom.", code="empty")
    if file.size > MAX_IMPORT_BYTES:
        raise ValidationError("Filen er for stor. En fraværsfil må højst fylde 2 MB.", code="large")
    raw = b"".join(file.chunks())
    if b"\x00" in raw:
        raise ValidationError(
            "Filen er ikke en CSV-fil. Gem udtrækket fra skolens administrative system som CSV.",
            code="file_type",
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def _normalise_cpr(value: str) -> str | None:
    digits = value.strip().replace("-", "").replace(" ", "")
    return digits if len(digits) == 10 and digits.isdigit() else None


def read_lines(
    file: UploadedFile, *, pupils: QuerySet[Child]
) -> tuple[list[ImportLine], list[str]]:
    """The file's lines as pupils, grades and percentages, or the Danish errors per line."""
    text = _text(file)
    first = text.split("\n", 1)[0]
    # The header's separator: a semicolon unless the header is split by tabs or commas.
    delimiter = max(";\t,", key=first.count) if any(c in first for c in ";\t,") else ";"
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = next(reader, None)
    if header is None:
        raise ValidationError("Filen er tom.", code="empty")
    names = [COLUMNS.get(cell.strip().lower()) for cell in header]
    missing = [name for name in REQUIRED if name not in names]
    if missing:
        raise ValidationError(
            "Linje 1 skal navngive kolonnerne cpr, klassetrin og fravaer. Mangler: "
            + ", ".join(missing)
            + ".",
            code="header",
        )
    index = {name: names.index(name) for name in REQUIRED}
    parsed: list[tuple[int, str, int, Decimal]] = []
    errors: list[str] = []
    for number, row in enumerate(reader, start=2):
        if number > MAX_LINES + 1:
            raise ValidationError(f"Filen har mere end {MAX_LINES} linjer.", code="lines")
        if not any(cell.strip() for cell in row):
            continue
        cells = {name: (row[i].strip() if i < len(row) else "") for name, i in index.items()}
        problems = []
        cpr = _normalise_cpr(cells["cpr"])
        if cpr is None:
            problems.append("ugyldigt CPR-nummer")
        grade_match = _GRADE.match(cells["klassetrin"])
        grade = int(grade_match.group(1)) if grade_match else -1
        if not 0 <= grade <= 10:
            problems.append("klassetrin skal være et tal fra 0 til 10")
        percent = Decimal(-1)
        if percent_match := _PERCENT.match(cells["fravaer"]):
            whole, decimals = percent_match.group(1), percent_match.group(2) or "0"
            try:
                # Cut to one decimal (the case's precision): 9,96 stays below 10 %.
                percent = Decimal(f"{whole}.{decimals[0]}")
            except InvalidOperation:
                percent = Decimal(-1)
        if not Decimal(0) <= percent <= Decimal(100):
            problems.append("fravær skal være en procent mellem 0 og 100, fx 12,5")
        if problems:
            errors.append(f"Linje {number}: {'; '.join(problems)}.")
        elif cpr is not None:
            parsed.append((number, cpr, grade, percent))
    hashes = {line: Child.hashes_for(cpr) for line, cpr, _, _ in parsed}
    found = {
        child.cpr_hash: child
        for child in pupils.filter(cpr_hash__in=[h for hs in hashes.values() for h in hs])
    }
    lines: list[ImportLine] = []
    seen: dict[int, int] = {}
    for line, _cpr, grade, percent in parsed:
        child = next((found[h] for h in hashes[line] if h in found), None)
        if child is None:
            errors.append(f"Linje {line}: ukendt CPR-nummer – eleven findes ikke på din skole.")
        elif child.pk in seen:
            errors.append(f"Linje {line}: eleven står også i linje {seen[child.pk]}.")
        else:
            seen[child.pk] = line
            lines.append(ImportLine(line=line, child=child, grade=grade, percent=percent))
    if not lines and not errors:
        errors.append("Filen har ingen elever.")
    return lines, sorted(errors, key=lambda e: int(e.split(":")[0].split()[1]))


def closed_case_errors(lines: list[ImportLine], *, year: int, quarter: int) -> list[str]:
    """A closed case cannot take a new figure: say which lines (before anything is saved)."""
    closed = set(
        AbsenceCase.objects.filter(
            child__in=[line.child for line in lines],
            year=year,
            quarter=quarter,
            status=AbsenceCaseStatus.CLOSED,
        ).values_list("child_id", flat=True)
    )
    return [
        f"Linje {line.line}: elevens fraværssag for {quarter}. kvartal {year} er lukket."
        for line in lines
        if line.child.pk in closed
    ]


@transaction.atomic
def import_absence(lines: list[ImportLine], *, year: int, quarter: int, by: User) -> ImportResult:
    """Record every line's figure for the quarter in one transaction: all or nothing."""
    existing = {
        case.child_id: case
        for case in AbsenceCase.objects.select_for_update().filter(
            child__in=[line.child for line in lines], year=year, quarter=quarter
        )
    }
    opened = updated = unchanged = 0
    for line in lines:
        case = existing.get(line.child.pk)
        if case is None:
            if line.percent == 0:
                unchanged += 1
                continue
            open_absence_case(
                child=line.child,
                by=by,
                percent=line.percent,
                year=year,
                quarter=quarter,
                grade=line.grade,
            )
            opened += 1
        elif case.absence_percent == line.percent and case.grade == line.grade:
            unchanged += 1
        else:
            if case.grade != line.grade:
                AbsenceCase.objects.filter(pk=case.pk).update(grade=line.grade)
            if case.absence_percent != line.percent:
                record_absence(absence_case=case, percent=line.percent, by=by)
            else:
                log_action(case, AuditAction.UPDATE, by=by, purpose="bekymrende fravær")
            updated += 1
    return ImportResult(opened=opened, updated=updated, unchanged=unchanged)
