"""Children, guardians, consent and referrals: who may see and do what.

Everything belongs to a child at the cast's school (district Vest). Institutions see their own
children and referrals (staff draft, only the leader submits); PPR intake (leader, secretary)
sees every submitted referral, only the PPR leader visitates; case workers see the referrals
of their cases; partners and the administrator see nothing (404 for rows, 403 for pages).
"""

from django.core.files.base import ContentFile

from cases.models import Referral, ReferralAttachment
from cases.referrals import services
from tests.cases.factories import ChildFactory, ConsentFactory, GuardianFactory
from tests.cases.referral_fixtures import accepted, draft, received, submitted
from tests.security.routes import Route, everyone


def _child(cast):
    return ChildFactory(institution=cast.school, first_name="Alma", last_name="Matrix")


def _child_pk(cast) -> dict[str, int]:
    return {"pk": _child(cast).pk}


def _guardian_pk(cast) -> dict[str, int]:
    return {"pk": GuardianFactory(child=_child(cast)).pk}


def _consent_pk(cast) -> dict[str, int]:
    guardian = GuardianFactory(child=_child(cast))
    return {"pk": ConsentFactory(guardian=guardian, recorded_by=cast.teacher).pk}


def _pk(builder):
    return lambda cast: {"pk": builder(cast).pk}


def _attachment(referral: Referral, cast) -> ReferralAttachment:
    attachment = ReferralAttachment(
        referral=referral,
        original_name="plan.pdf",
        content_type="application/pdf",
        size=9,
        uploaded_by=cast.teacher,
    )
    attachment.file.save("bilag", ContentFile(b"%PDF-1.7\n"), save=True)
    return attachment


def _accepted_attachment_pk(cast) -> dict[str, int]:
    return {"pk": _attachment(accepted(cast), cast).pk}


def _draft_attachment_pk(cast) -> dict[str, int]:
    return {"pk": _attachment(draft(cast), cast).pk}


def _rejected(cast) -> Referral:
    return services.reject_referral(received(cast), by=cast.ppr_leader, reason="Matrix.")


#: The child's own institution and PPR intake.
child_keepers = everyone(404, school_leader=200, teacher=200, ppr_leader=200, secretary=200)
#: Pages for people who register children and draft referrals.
drafters = everyone(
    403, school_leader=200, teacher=200, other_leader=200, ppr_leader=200, secretary=200
)
#: An accepted referral: the institution, intake, and the case's workers (assigned, team).
accepted_readers = everyone(
    404,
    psychologist=200,
    colleague=200,
    ppr_leader=200,
    secretary=200,
    school_leader=200,
    teacher=200,
)
#: A draft is the institution's alone.
draft_editors = everyone(404, school_leader=200, teacher=200)
#: Submitted, not yet decided: the institution and intake.
waiting_readers = everyone(404, ppr_leader=200, secretary=200, school_leader=200, teacher=200)


def _as(expect: dict[str, int | str], status: int) -> dict[str, int | str]:
    return {role: status if value == 200 else value for role, value in expect.items()}


ROUTES = [
    # Children, guardians, consent.
    Route("cases:child-create", drafters),
    Route("cases:child-create", _as(drafters, 400), method="post"),
    # The CPR lookup: POST only (the number is in no URL); an empty number is refused (400).
    Route("cases:child-cpr-lookup", _as(drafters, 400), method="post"),
    Route("cases:child-cpr-lookup", everyone(405)),
    Route("cases:child-detail", child_keepers, kwargs=_child_pk),
    Route("cases:child-reveal-cpr", child_keepers, kwargs=_child_pk, method="post"),
    Route("cases:guardian-create", child_keepers, kwargs=_child_pk),
    Route("cases:guardian-create", _as(child_keepers, 400), kwargs=_child_pk, method="post"),
    Route("cases:consent-create", child_keepers, kwargs=_guardian_pk),
    Route("cases:consent-create", _as(child_keepers, 400), kwargs=_guardian_pk, method="post"),
    Route("cases:consent-withdraw", _as(child_keepers, 302), kwargs=_consent_pk, method="post"),
    # GET asks first (the confirmation page without JavaScript); undo is a POST only.
    Route("cases:consent-withdraw", child_keepers, kwargs=_consent_pk),
    Route(
        "cases:consent-undo-withdraw", _as(child_keepers, 302), kwargs=_consent_pk, method="post"
    ),
    Route("cases:consent-undo-withdraw", everyone(405), kwargs=_consent_pk),
    # Lists.
    Route(
        "cases:referral-list",
        everyone(403, social_worker=403, administrator=403)
        | {
            role: 200
            for role in (
                "psychologist",
                "colleague",
                "outsider",
                "ppr_leader",
                "secretary",
                "school_leader",
                "other_leader",
                "teacher",
            )
        },
    ),
    Route(
        "cases:referral-queue",
        everyone(403, ppr_leader=200, secretary=200),
        query="?distrikt=1&alder=6-9&farve=gul&oensker=ppv&ventetid=7&sort=-waiting",
    ),
    Route("cases:referral-queue", everyone(403, ppr_leader=200, secretary=200)),
    Route("cases:referral-create", drafters),
    Route("cases:referral-create", _as(drafters, 400), method="post"),
    # One referral.
    Route("cases:referral-detail", accepted_readers, kwargs=_pk(accepted)),
    Route("cases:referral-detail", draft_editors, kwargs=_pk(draft)),
    Route("cases:referral-update", draft_editors, kwargs=_pk(draft)),
    Route("cases:referral-update", _as(draft_editors, 400), kwargs=_pk(draft), method="post"),
    Route("cases:referral-autosave", draft_editors, kwargs=_pk(draft), method="post"),
    Route("cases:referral-autosave", everyone(405), kwargs=_pk(draft)),
    Route(
        "cases:referral-submit",
        everyone(404, school_leader=302, teacher=403),
        kwargs=_pk(draft),
        method="post",
    ),
    Route("cases:referral-submit", everyone(405), kwargs=_pk(draft)),
    # The receipt of a submitted referral (a PDF ordered for whoever sees the referral).
    Route(
        "cases:referral-receipt",
        _as(accepted_readers, 302),
        kwargs=_pk(accepted),
        method="post",
    ),
    Route("cases:referral-receipt", everyone(405), kwargs=_pk(accepted)),
    # Attachments.
    Route("cases:attachment-upload", _as(draft_editors, 400), kwargs=_pk(draft), method="post"),
    Route("cases:attachment-download", accepted_readers, kwargs=_accepted_attachment_pk),
    Route(
        "cases:attachment-delete",
        _as(draft_editors, 302),
        kwargs=_draft_attachment_pk,
        method="post",
    ),
    # PPR intake and visitation.
    Route(
        "cases:referral-receive",
        everyone(404, ppr_leader=302, secretary=302, school_leader=403, teacher=403),
        kwargs=_pk(submitted),
        method="post",
    ),
    Route(
        "cases:referral-visitate",
        everyone(404, ppr_leader=200, secretary=403, school_leader=403, teacher=403),
        kwargs=_pk(received),
    ),
    Route(
        "cases:referral-visitate",
        everyone(404, ppr_leader=400, secretary=403, school_leader=403, teacher=403),
        kwargs=_pk(received),
        method="post",
        data=lambda cast: {"decision": "accept"},
    ),
    Route(
        "cases:referral-close",
        everyone(404, ppr_leader=302, secretary=302, school_leader=403, teacher=403),
        kwargs=_pk(_rejected),
        method="post",
    ),
]
