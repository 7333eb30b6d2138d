"""Forms for PPR cases: search, assign, close."""

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from cases.models import Case, CaseOutcome, CaseStatus, Child, normalise_cpr
from ppr.accounts.models import CASEWORKER_ROLES, Membership, User
from ppr.esdh import kle
from ppr.forms import Form, model_choice_field

#: Something that is meant to be a CPR number: ten digits, optionally with a dash or space.
CPR_LIKE = re.compile(r"^\d{6}[- ]?\d{4}$")


def caseworkers() -> QuerySet[User]:
    """Active users holding a case-worker role (psychologist, speech therapist, consultant)."""
    return (
        User.objects.filter(
            is_active=True,
            memberships__active=True,
            memberships__role__in=[role.value for role in CASEWORKER_ROLES],
        )
        .distinct()
        .order_by("first_name", "last_name")
    )


def caseworkers_with_caseload() -> QuerySet[User]:
    """The case workers with their team's name and their caseload (open cases), in one query."""
    open_cases = (
        Case.objects.filter(assigned=OuterRef("pk"), status=CaseStatus.OPEN)
        .order_by()
        .values("assigned")
        .annotate(n=Count("pk"))
        .values("n")
    )
    team = (
        Membership.objects.filter(
            user=OuterRef("pk"),
            active=True,
            role__in=[role.value for role in CASEWORKER_ROLES],
            team__isnull=False,
        )
        .order_by("team__name")
        .values("team__name")[:1]
    )
    return caseworkers().annotate(
        open_cases=Coalesce(Subquery(open_cases), 0), team_name=Subquery(team)
    )


class CaseworkerChoiceField(forms.ModelChoiceField):
    """A case worker by name and title, and, from ``caseworkers_with_caseload``, team and caseload."""

    def label_from_instance(self, obj: User) -> str:
        label = f"{obj} ({obj.title})" if obj.title else str(obj)
        if hasattr(obj, "open_cases"):
            cases = "1 åben sag" if obj.open_cases == 1 else f"{obj.open_cases} åbne sager"
            team = getattr(obj, "team_name", None)  # annotated with open_cases
            label += f" · {team or 'intet team'} · {cases}"
        return label


class CaseSearchForm(Form):
    """Search by name (part of first or last name) or by an exact CPR number. Sent by POST so
    the term never appears in a URL, a browser history or an access log."""

    q = forms.CharField(
        label="Navn eller CPR-nummer",
        max_length=100,
        help_text="Skriv en del af barnets navn, eller hele CPR-nummeret (ddmmåå-xxxx).",
        widget=forms.TextInput(attrs={"class": "form-input", "autocomplete": "off"}),
        error_messages={"required": "Skriv et navn eller et CPR-nummer."},
    )

    def clean_q(self) -> str:
        term = " ".join(self.cleaned_data["q"].split())
        if CPR_LIKE.match(term):
            self.cpr = normalise_cpr(term)  # raises a Danish ValidationError on a bad date
            return term
        if any(ch.isdigit() for ch in term):
            raise ValidationError(
                "Et CPR-nummer skal have 10 cifre (ddmmåå-xxxx). Søg ellers på navn.",
                code="invalid_cpr",
            )
        if len(term) < 2:
            raise ValidationError("Skriv mindst to bogstaver af navnet.", code="short")
        self.cpr = ""
        return term

    @property
    def is_cpr(self) -> bool:
        return bool(getattr(self, "cpr", ""))

    def cpr_hashes(self) -> list[str]:
        """The term's hash under every configured key (rows may predate a key rotation)."""
        return Child.hashes_for(self.cpr)

    def audit_term(self) -> str:
        """The term as written to the audit log: a CPR number masked (ddmmåå-xxxx)."""
        if self.is_cpr:
            return f"cpr={self.cpr[:6]}-xxxx"
        return f"navn={self.cleaned_data['q']}"


class CaseAssignForm(Form):
    assignee = CaseworkerChoiceField(
        label="Sagsbehandler",
        help_text="Med team og antal åbne sager, så sagerne kan fordeles jævnt.",
        queryset=User.objects.none(),
        empty_label="Vælg sagsbehandler",
        error_messages={
            "required": "Vælg den psykolog, talepædagog eller konsulent, der skal have sagen.",
            "invalid_choice": "Vælg en sagsbehandler fra listen.",
        },
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "assignee").queryset = caseworkers_with_caseload()


class CaseCloseForm(Form):
    outcome = forms.ChoiceField(
        label="Udfald",
        choices=[("", "Vælg udfald"), *CaseOutcome.choices],
        error_messages={
            "required": "Vælg sagens udfald.",
            "invalid_choice": "Vælg et udfald fra listen.",
        },
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    note = forms.CharField(
        label="Afslutningsnotat",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"class": "form-input", "rows": 5}),
        help_text="Kort om hvorfor sagen lukkes og hvad der er aftalt.",
    )


class CaseKleForm(Form):
    """The case's KLE classification for the ESDH: emnenummer and handlingsfacet."""

    kle_number = forms.CharField(
        label="KLE-emnenummer",
        max_length=8,
        help_text="Tre tocifrede tal adskilt af punktum, fx 17.13.00.",
        validators=[kle.validate_kle],
        error_messages={"required": "Skriv KLE-emnenummeret."},
        widget=forms.TextInput(attrs={"class": "form-control", "inputmode": "decimal"}),
    )
    kle_facet = forms.CharField(
        label="Handlingsfacet",
        max_length=3,
        help_text="Et stort bogstav og to cifre, fx G01.",
        error_messages={"required": "Skriv handlingsfacetten."},
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )

    def clean_kle_number(self) -> str:
        return str(self.cleaned_data["kle_number"]).strip()

    def clean_kle_facet(self) -> str:
        facet = str(self.cleaned_data["kle_facet"]).strip().upper()
        kle.validate_facet(facet)
        return facet
