"""The one path converter for ids in URLs (``<id:pk>``), registered when the apps are ready (ppr/organisation/apps.py)."""

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
