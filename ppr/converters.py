"""The path converters for ids in URLs (``<id:pk>``) and school years (``<year:year>``), registered
when the apps are ready (ppr/organisation/apps.py)."""

from ppr.forms import LARGEST_ID


class IdConverter:
    """A positive whole number within the database's 64-bit key range; anything larger is
    no match, so Django answers 404 before a view passes it to the database (where it would
    overflow: a 500)."""

    regex = "[0-9]+"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > LARGEST_ID:
            raise ValueError("id beyond the database's range")
        return number

    def to_url(self, value: int) -> str:
        return str(value)


class YearConverter:
    """A year of four digits (a school year by the year it starts): never a number that could
    overflow anything."""

    regex = "[0-9]{4}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)
