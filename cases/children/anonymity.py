"""Anonymous text must not name a child the system knows (its first and last name together).

The tværfaglige tirsdagsmøder are always anonymous; a CPR-like number is caught by
``ppr.sensitive``, a name needs the register of children. Names are stored in plain text and
indexed (``Child`` indexes ``last_name, first_name``), so the check is one indexed query: the
text's words and short word sequences are compared with last names, and the matches with the
first names. No child is loaded into Python, and the message never says which child matched.
"""

import re

from django.core.exceptions import ValidationError
from django.db.models import Q

from cases.models import Child

#: Words of letters (Danish letters included), with hyphenated or apostrophed parts kept together.
WORD = re.compile(r"[^\W\d_]+(?:[-'][^\W\d_]+)*")
#: A name of up to three words ("Anne Sofie", "Møller Jensen").
LONGEST_NAME = 3
#: Words per query (a longer text is checked in overlapping windows): keeps the SQL small.
WINDOW = 60

KNOWN_CHILD_MESSAGE = (
    "Teksten nævner for- og efternavn på et barn, der er registreret i PPR Sag. Drøftelsen er "
    "altid anonym: beskriv barnet uden navn, fx “dreng, 4. klasse”."
)


def _spellings(words: list[str]) -> set[str]:
    """Every run of one to three words, as typed and with capitals as names are registered."""
    runs = set()
    for size in range(1, LONGEST_NAME + 1):
        for start in range(len(words) - size + 1):
            run = " ".join(words[start : start + size])
            runs |= {run, run.title()}
    return runs


def _names_a_child(words: list[str]) -> bool:
    runs = _spellings(words)
    # A child registered with two first names ("Viggo Emil") is named by the first of them too.
    first_name = Q(first_name__in=runs)
    for word in {run for run in runs if " " not in run}:
        first_name |= Q(first_name__startswith=f"{word} ") | Q(first_name__startswith=f"{word}-")
    return Child.objects.filter(Q(last_name__in=runs) & first_name).exists()


def names_a_known_child(text: str | None) -> bool:
    """True if ``text`` holds both the first and the last name of a child in the register."""
    words = WORD.findall(text or "")
    if len(words) < 2:
        return False
    step = WINDOW - LONGEST_NAME * 2  # windows overlap, so a name across a boundary is seen
    return any(
        _names_a_child(words[start : start + WINDOW])
        for start in range(0, max(len(words) - LONGEST_NAME * 2, 1), step)
    )


def reject_known_child_name(text: str | None) -> None:
    """A form/service validator for anonymous text: refuse a known child's full name."""
    if names_a_known_child(text):
        raise ValidationError(KNOWN_CHILD_MESSAGE, code="known_child_name")
