"""Danish number formatting for reports, charts and exports ("1.100", "28,6", "48,5 mio. kr.")."""

from decimal import ROUND_HALF_UP, Decimal

from django.utils import numberformat


def number(value: Decimal | float | int | None, decimals: int = 0) -> str:
    """A number the Danish way: thousands with '.', decimals with ','. ``None`` is an en dash."""
    if value is None:
        return "–"
    rounded = Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return numberformat.format(
        rounded,
        decimal_sep=",",
        decimal_pos=decimals,
        grouping=3,
        thousand_sep=".",
        force_grouping=True,
    )


def smart(value: Decimal | float | int | None, max_decimals: int = 1) -> str:
    """Whole numbers without decimals, others with up to ``max_decimals``."""
    if value is None:
        return "–"
    decimal = Decimal(str(value))
    if decimal == decimal.to_integral_value():
        return number(decimal, 0)
    rounded = decimal.quantize(Decimal(1).scaleb(-max_decimals), rounding=ROUND_HALF_UP).normalize()
    exponent = rounded.as_tuple().exponent  # an int: a quantized number is finite
    places = max(-exponent, 0) if isinstance(exponent, int) else 0
    return number(rounded, min(places, max_decimals))


def signed_percent(value: Decimal | None, unit: str = "%") -> str:
    """A change in percent with its sign: "−28,6 %", "+5,0 %" (or in another ``unit``)."""
    if value is None:
        return "–"
    text = number(abs(value), 1)
    if value > 0:
        return f"+{text} {unit}"
    if value < 0:
        return f"\u2212{text} {unit}"
    return f"{text} {unit}"


def signed_points(value: Decimal | None) -> str:
    """A change between two percentages in percentage points: "+1,1 procentpoint"."""
    return signed_percent(value, "procentpoint")
