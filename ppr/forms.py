"""Form fields shared by the apps."""

from datetime import date
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format

#: The range of the database's 64-bit primary keys.
SMALLEST_ID, LARGEST_ID = -(2**63), 2**63 - 1


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's field, refusing an id outside the 64-bit range as an invalid choice.

    Django's ``pk__in`` lookup passes such an id to the database as it is, and SQLite answers
    with an OverflowError (a 500) instead of finding nothing (found by
    tests/security/test_fuzz_endpoints.py)."""

    def _check_values(self, value: Any) -> Any:
        for pk in value if isinstance(value, list | tuple) else ():
            try:
                number = int(str(pk).strip())
            except ValueError:
                continue  # Django's own check refuses it
            if not SMALLEST_ID <= number <= LARGEST_ID:
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": pk},
                )
        return super()._check_values(value)  # type: ignore[misc]  # Django's private method: not in the stubs


#: The first day a search period may start on: the service's records begin after it.
EARLIEST_PERIOD_DAY = date(2000, 1, 1)
#: How many years ahead a period may end (planned meetings and deadlines lie ahead).
PERIOD_YEARS_AHEAD = 10


def period_bounds() -> tuple[date, date]:
    """The range a search period's dates must lie in."""
    return EARLIEST_PERIOD_DAY, date(timezone.localdate().year + PERIOD_YEARS_AHEAD, 12, 31)


class PeriodDateField(forms.DateField):
    """A date that bounds a search or report period, within ``period_bounds()``.

    A day like 9999-12-31 is a valid date, but a period's end is turned into the next
    midnight for the query, which overflows Python's dates (a 500); no record is that far
    off, so the form answers in Danish instead."""

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value in self.empty_values:
            return
        first, last = period_bounds()
        if not first <= value <= last:
            raise ValidationError(
                "Vælg en dato mellem %(first)s og %(last)s.",
                code="out_of_range",
                params={"first": date_format(first), "last": date_format(last)},
            )


#: The plausible range of a date typed into a form, in years around today. PPR serves children
#: 0-18, so no event in a case lies further back than a child's life with room for an old
#: case's history, and nothing is planned more than a few school years ahead. A date outside
#: is a typo (0001-01-01, 9999-12-31), refused before it reaches a deadline or a report.
YEARS_BACK = 25
YEARS_AHEAD = 5


def years_from(day: date, years: int) -> date:
    """The same day ``years`` later (or earlier); 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _shown(day: date) -> str:
    """dd.mm.åååå, also for year 1 (strftime would write "1")."""
    return f"{day.day:02d}.{day.month:02d}.{day.year:04d}"


def plausible_range(today: date | None = None) -> tuple[date, date]:
    """The earliest and latest date a form accepts."""
    today = today or timezone.localdate()
    return years_from(today, -YEARS_BACK), years_from(today, YEARS_AHEAD)


def check_plausible_date(value: date, *, happened: bool = False) -> None:
    """Refuse a date outside the plausible range, or in the future for an event that happened."""
    today = timezone.localdate()
    earliest, latest = plausible_range(today)
    if value < earliest:
        raise ValidationError(
            "Datoen %(value)s ligger mere end %(years)d år tilbage. Tjek årstallet.",
            code="too_early",
            params={"value": _shown(value), "years": YEARS_BACK},
        )
    if happened and value > today:
        raise ValidationError("Datoen kan ikke ligge i fremtiden.", code="future")
    if value > latest:
        raise ValidationError(
            "Datoen %(value)s ligger mere end %(years)d år ude i fremtiden. Tjek årstallet.",
            code="too_late",
            params={"value": _shown(value), "years": YEARS_AHEAD},
        )


def check_not_before(value: date, earliest: date, message: str) -> None:
    """Refuse a date before ``earliest`` (a child's birth, a course's start) with ``message``,
    which may name both dates as %(value)s and %(earliest)s."""
    if value < earliest:
        raise ValidationError(
            message,
            code="before",
            params={"value": _shown(value), "earliest": _shown(earliest)},
        )


class EventDateField(forms.DateField):
    """A date of something that happened or is planned, within the plausible range.

    ``happened=True`` for events that have taken place (a conversation, a consent, a signature):
    not after today. Every date field of the apps' forms is one of these."""

    def __init__(self, *, happened: bool = False, **kwargs: Any) -> None:
        self.happened = happened
        super().__init__(**kwargs)

    def validate(self, value: date | None) -> None:
        super().validate(value)
        if value is not None:
            check_plausible_date(value, happened=self.happened)


# --- Text that cannot mislead ----------------------------------------------------------------

#: Bidirectional control characters: embeddings and overrides (U+202A–U+202E), isolates
#: (U+2066–U+2069) and the direction marks (U+200E, U+200F). A name with U+202E shows
#: "fil\u202egnp.exe" as "filexe.png".
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")
_WITHOUT_BIDI = str.maketrans(dict.fromkeys(BIDI_CONTROLS))


def strip_bidi_controls(text: str) -> str:
    """``text`` without bidirectional control characters."""
    return text.translate(_WITHOUT_BIDI)


def refuse_bidi_controls(value: Any) -> None:
    """A validator for names and other one-line text: no bidirectional control characters."""
    if isinstance(value, str) and not BIDI_CONTROLS.isdisjoint(value):
        raise ValidationError(
            "Teksten indeholder usynlige tegn, der vender skriveretningen (fx U+202E). "
            "Skriv den uden dem.",
            code="bidi_control",
        )


# PlainTextMixin extends a form: type-checked as one, a plain class at run time.
if TYPE_CHECKING:
    _BaseForm = forms.BaseForm
else:
    _BaseForm = object


class PlainTextMixin(_BaseForm):
    """Every form of ours: one-line text (names, titles) with a bidirectional control character
    is refused at its field; multi-line free text (a Textarea) has them removed before it is
    cleaned, so what is stored shows as typed."""

    def full_clean(self) -> None:
        free_text = []
        for name, field in self.fields.items():
            if not isinstance(field, forms.CharField):
                continue
            if isinstance(field.widget, forms.Textarea):
                free_text.append(self.add_prefix(name))
            elif refuse_bidi_controls not in field.validators:
                field.validators.append(refuse_bidi_controls)
        if self.is_bound and any(
            not BIDI_CONTROLS.isdisjoint(self.data.get(key) or "") for key in free_text
        ):
            data = self.data.copy()  # type: ignore[attr-defined]  # a QueryDict or a dict; the stubs say Mapping
            for key in free_text:
                if isinstance(data.get(key), str):
                    data[key] = strip_bidi_controls(data[key])
            self.data = data
        super().full_clean()


class Form(PlainTextMixin, forms.Form):
    """Django's form with our text rules (``PlainTextMixin``)."""


class ModelForm(PlainTextMixin, forms.ModelForm):
    """Django's model form with our text rules (``PlainTextMixin``)."""


def date_input() -> forms.DateInput:
    """The browser's date picker (``<input type="date">``), given the ISO date it reads."""
    return forms.DateInput(attrs={"type": "date", "class": "form-input"}, format="%Y-%m-%d")


def form_field[F: forms.Field](form: forms.BaseForm, name: str, kind: type[F]) -> F:
    """The form's field ``name``, which is a ``kind`` (to set its choices or limits after the
    form is built; ``form.fields`` holds plain ``Field``s to a type checker)."""
    field = form.fields[name]
    if not isinstance(field, kind):
        raise TypeError(f"{type(form).__name__}.{name} is not a {kind.__name__}")
    return field


def model_choice_field(form: forms.BaseForm, name: str) -> "forms.ModelChoiceField[Any]":
    """The form's field ``name``, which is a model choice field (to set its queryset or empty
    label after the form is built)."""
    return form_field(form, name, forms.ModelChoiceField)


def dkfds_style(form: forms.BaseForm) -> None:
    """Give every visible widget of the form its DKFDS class."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.HiddenInput):
            continue
        # CheckboxSelectMultiple is a RadioSelect to Python: test for it first.
        if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
            widget.attrs.setdefault("class", "form-checkbox")
        elif isinstance(widget, forms.RadioSelect):
            widget.attrs.setdefault("class", "form-radio")
        elif isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select")
        else:
            widget.attrs.setdefault("class", "form-input")


def apply_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's ValidationError on the form, by field where the form has that field."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)
