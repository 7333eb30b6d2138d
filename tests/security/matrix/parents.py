"""The parents' portal: custody holders only; staff are refused (403), anonymous visitors are
sent to the parents' MitID login. Which child a parent sees is tested in tests/parents/."""

from typing import Any

from django.core.files.base import ContentFile

from cases.models import ConsentScope
from parents.consent import consent_text, digest
from tests.parents.factories import give_custody
from tests.parents.portal_fixtures import build_family, hearing_for, meeting_consent
from tests.security.routes import ALL_ROLES, Route, everyone
from tests.visitation.factories import decision
from visitation.models import HearingResponse

parents_only = everyone(403, parent=200, other_parent=200)

ROUTES = [
    Route("parents:home", parents_only, login="parents:login"),
    Route("parents:home", dict.fromkeys(ALL_ROLES, 405), method="post"),
    # The entry point is public; a signed-in parent goes on to the portal.
    Route("parents:login", everyone(200, anonymous=200, parent=302, other_parent=302)),
]


# --- A parent's child (parents/children.py, consent.py, hearing.py) ------------------------


def family(cast: Any) -> Any:
    """The cast's parent's child Asta with a referral, PPV, notat, a meeting consent and a
    hearing (once per test: the cast is a fresh copy in each)."""
    cached = cast.__dict__.get("_portal_family")
    if cached is None:
        cached = build_family(cast)
        meeting_consent(cached.pia, cached.series_name, cast.school_leader)
        cached.hearing = hearing_for(cast, cached.asta)
        cast.__dict__["_portal_family"] = cached
    return cached


def child(**extra: str) -> Any:
    def kwargs(cast: Any) -> dict[str, Any]:
        found = family(cast)
        return {"pk": found.pia.pk, **{k: getattr(found, v).pk for k, v in extra.items()}}

    return kwargs


def own_consent(cast: Any) -> dict[str, Any]:
    found = family(cast)
    return {"pk": found.pia.pk, "consent": found.pia.consents.get().pk}


def decision_letter(cast: Any) -> dict[str, Any]:
    """Åse's granted application (tests/visitation): the cast's parent holds custody too."""
    made = decision(cast)
    return {"pk": give_custody(cast.parent, made.application.child).pk, "decision": made.pk}


def consent_form(cast: Any) -> dict[str, str]:
    text = consent_text(ConsentScope.REFERRAL, family(cast).asta)
    return {"scope": "indstilling", "meeting_name": "", "text_digest": digest(text), "accept": "on"}


#: Asta's pages: her custody holder; the other child's parent gets 404, staff 403.
ASTA = everyone(403, parent=200, other_parent=404)
ASTA_ACTS = everyone(403, parent=302, other_parent=404)
GET_ONLY = dict.fromkeys(ALL_ROLES, 405)
POST_ONLY = dict.fromkeys(ALL_ROLES, 405)
PARENTS_LOGIN = "parents:login"

ROUTES += [
    Route("parents:child", ASTA, kwargs=child(), login=PARENTS_LOGIN),
    Route("parents:child", GET_ONLY, kwargs=child(), method="post"),
    # Documents: the family's PPV and notat have stored PDFs; the decision letter is still
    # being rendered (the matrix runs no task), so the parent is sent back to the page (302).
    Route("parents:child-ppv", ASTA, kwargs=child(ppv="ppv"), login=PARENTS_LOGIN),
    Route("parents:child-note", ASTA, kwargs=child(note="note"), login=PARENTS_LOGIN),
    Route("parents:child-decision", ASTA_ACTS, kwargs=decision_letter, login=PARENTS_LOGIN),
    Route("parents:child-consent", ASTA, kwargs=child(), login=PARENTS_LOGIN),
    Route(
        "parents:child-consent",
        ASTA_ACTS,
        kwargs=child(),
        method="post",
        data=consent_form,
        login=PARENTS_LOGIN,
    ),
    Route("parents:child-consent-withdraw", ASTA, kwargs=own_consent, login=PARENTS_LOGIN),
    Route(
        "parents:child-consent-withdraw",
        ASTA_ACTS,
        kwargs=own_consent,
        method="post",
        login=PARENTS_LOGIN,
    ),
    Route(
        "parents:child-consent-undo",
        ASTA_ACTS,
        kwargs=own_consent,
        method="post",
        login=PARENTS_LOGIN,
    ),
    Route("parents:child-consent-undo", POST_ONLY, kwargs=own_consent),
    Route("parents:child-hearing", ASTA, kwargs=child(hearing="hearing"), login=PARENTS_LOGIN),
    Route(
        "parents:child-hearing",
        ASTA_ACTS,
        kwargs=child(hearing="hearing"),
        method="post",
        data=lambda cast: {"text": "Vi er uenige."},
        login=PARENTS_LOGIN,
    ),
]


#: A parent's attachment to a partshøring answer: for those who read the agenda item (the PPR
#: leader and secretary); a parent never reaches a staff page.
def hearing_file(cast: Any) -> dict[str, Any]:
    found = family(cast)
    response = HearingResponse(
        hearing=found.hearing,
        guardian=found.pia,
        text="Svar.",
        by=cast.parent,
        original_name="svar.pdf",
        content_type="application/pdf",
        size=9,
    )
    response.file.save("bilag", ContentFile(b"%PDF-1.7\n"), save=True)
    return {"pk": response.pk}


ROUTES += [
    Route(
        "visitation:hearing-response-file",
        everyone(404, ppr_leader=200, secretary=200, administrator=403),
        kwargs=hearing_file,
    ),
]
