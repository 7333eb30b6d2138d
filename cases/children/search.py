"""Choosing a child by searching (search-as-you-type over HTMX, or a plain search without
JavaScript) instead of a dropdown of every child. Each search is audited with its term."""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest

from cases.casework.forms import CaseSearchForm
from cases.models import Child
from ppr.access import audit
from ppr.audit.models import AuditAction
from ppr.audit.services import record

#: At most this many children answer one search; the user is asked to be more precise.
PICKER_LIMIT = 20


class ChildSearchForm(CaseSearchForm):
    """The picker's search field: part of the child's name, or the whole CPR number. Always
    sent by POST, so neither a name nor a CPR number appears in a URL."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].label = "Find barnet"
        self.fields["q"].required = False
        self.fields["q"].help_text = (
            "Skriv mindst to bogstaver af barnets for- eller efternavn, "
            "eller hele CPR-nummeret (ddmmåå-xxxx)."
        )
        self.fields["q"].widget.input_type = "search"

    def clean_q(self) -> str:
        if not " ".join(self.cleaned_data["q"].split()):
            self.cpr = ""
            return ""
        return super().clean_q()


@dataclass
class ChildPicker:
    """What the picker shows: the search form, the children found and the chosen child."""

    form: ChildSearchForm
    children: list[Child] = field(default_factory=list)
    more: bool = False
    searched: bool = False
    chosen: Child | None = None
    limit: int = PICKER_LIMIT


def matching(children: QuerySet[Child], form: ChildSearchForm) -> list[Child]:
    """The children a valid search finds, at most one more than the limit, in one query."""
    if form.is_cpr:
        return list(children.filter(cpr_hash__in=form.cpr_hashes()).select_related("institution"))
    condition = Q()
    for word in form.cleaned_data["q"].split():
        condition &= Q(first_name__icontains=word) | Q(last_name__icontains=word)
    rows = children.filter(condition).select_related("institution")
    return list(rows.order_by("last_name", "first_name", "pk")[: PICKER_LIMIT + 1])


def search_children(
    request: HttpRequest, children: QuerySet[Child], *, purpose: str
) -> ChildPicker:
    """Run the posted search over ``children`` (already ``visible_to`` the user) and audit it."""
    form = ChildSearchForm(request.POST)
    picker = ChildPicker(form=form)
    if not form.is_valid() or not form.cleaned_data["q"]:
        return picker
    found = matching(children, form)
    record(
        request,
        AuditAction.SEARCH,
        term=form.audit_term(),
        child_id=found[0].pk if form.is_cpr and found else None,
        purpose=purpose,
    )
    picker.children, picker.more, picker.searched = (
        found[:PICKER_LIMIT],
        len(found) > PICKER_LIMIT,
        True,
    )
    return picker


def chosen_child(
    request: HttpRequest, children: QuerySet[Child], pk: object, *, purpose: str
) -> ChildPicker:
    """A picker with one child already chosen (e.g. from the child's page); the read is audited."""
    picker = ChildPicker(form=ChildSearchForm())
    text = str(pk or "")
    # Only a plausible primary key reaches the database (a huge number overflows SQLite).
    child = None
    if text.isdigit() and len(text) <= 10:
        child = children.select_related("institution").filter(pk=int(text)).first()
    if child is not None:
        audit(request, child, purpose=purpose)
        picker.chosen = child
    return picker
