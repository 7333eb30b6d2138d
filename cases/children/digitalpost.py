"""Documents to custody holders by Digital Post: which guardian can get it, and sending.

Shared by every document sent to the parents (the PPV here, the decision letter and the
partshøring in visitation): the adapter in ppr/digitalpost takes plain data, this module hands
it a guardian's encrypted CPR number and the stored PDF.
"""

from django.contrib.contenttypes.models import ContentType

from ppr.accounts.models import User
from ppr.digitalpost import services as digitalpost
from ppr.digitalpost.models import DigitalPostMessage
from ppr.documents.models import Document

from ..models import Guardian

#: What the dispatch page says of a custody holder without a stored CPR number.
NO_CPR = (
    "intet CPR-nummer registreret, så forælderen kan ikke få Digital Post: "
    "send brevet med almindelig post, og registrér forsendelsen her"
)


def enabled() -> bool:
    """Whether documents go by Digital Post at all (``PPR_DIGITALPOST_TRANSPORT`` not off)."""
    return digitalpost.enabled()


def can_receive(guardian: Guardian) -> bool:
    """Digital Post is on and the guardian's CPR number is stored (it is the address)."""
    return digitalpost.enabled() and guardian.has_cpr


def channel(guardian: Guardian) -> str:
    """How a document reaches ``guardian``, in Danish for the send form's choice."""
    if not digitalpost.enabled():
        return "registreres som sendt med almindelig post"
    return "sendes med Digital Post" if guardian.has_cpr else NO_CPR


def guardian_label(guardian: Guardian) -> str:
    """A custody holder on the send form: name, relation and how the document reaches them."""
    return f"{guardian.name} ({guardian.get_relation_display()}) – {channel(guardian)}"


def send(
    *,
    guardian: Guardian,
    document: Document,
    title: str,
    by: User,
    case_reference: str,
    legal_notification: bool = False,
) -> DigitalPostMessage | None:
    """Queue ``document`` to ``guardian``'s Digital Post; None when they cannot receive it.

    Digital Post addresses the person by CPR number only: no address of this or the other
    custody holder goes into the message, so a name and address protection holds.
    """
    if not can_receive(guardian):
        return None
    return digitalpost.queue_message(
        document=document,
        recipient=guardian,
        recipient_name=f"{guardian.name} ({guardian.get_relation_display()})",
        recipient_cpr_encrypted=guardian.cpr_encrypted,
        title=title,
        by=by,
        legal_notification=legal_notification,
        case_reference=case_reference,
    )


def messages_for_document(document_id: int) -> list[DigitalPostMessage]:
    """The Digital Post messages of one document to guardians, oldest first."""
    return list(
        DigitalPostMessage.objects.filter(
            document_id=document_id, recipient_type=ContentType.objects.get_for_model(Guardian)
        )
        .defer("recipient_cpr_encrypted")
        .order_by("created_at")
    )
