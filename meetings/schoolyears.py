"""School years as the institutions count them: 1 August – 31 July, named by the year they start
(2026 is 2026/27). The TRIO is kept per school year."""

from datetime import date

from ppr.deadlines import calendar


def school_year_of(day: date) -> int:
    """The school year ``day`` falls in (the calendar year it starts)."""
    return day.year if day.month >= 8 else day.year - 1


def current_school_year() -> int:
    return school_year_of(calendar.today())


def school_year_label(year: int) -> str:
    return f"{year}/{str(year + 1)[-2:]}"
