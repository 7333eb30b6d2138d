"""The archive delivery (arkivaflevering): the PPR leader's pages alone."""

from typing import Any

from archive.models import Delivery, DeliveryStatus
from tests.security.routes import Route, everyone

leader_only = everyone(403, ppr_leader=200)
leader_redirects = everyone(403, ppr_leader=302)


def delivery(cast: Any) -> dict[str, Any]:
    return {"pk": Delivery.objects.create(av_id="AVID.KOM.1000").pk}


def delivered(cast: Any) -> dict[str, Any]:
    row = Delivery.objects.create(
        av_id="AVID.KOM.1000", status=DeliveryStatus.DELIVERED, folder="/tmp/levering"
    )
    return {"pk": row.pk}


def failed(cast: Any) -> dict[str, Any]:
    row = Delivery.objects.create(av_id="AVID.KOM.1000", status=DeliveryStatus.FAILED)
    return {"pk": row.pk}


ROUTES = [
    Route("archive:list", leader_only),
    Route("archive:list", everyone(405), method="post"),
    Route("archive:deliver", leader_redirects, method="post"),
    Route("archive:deliver", everyone(405)),
    Route("archive:detail", leader_only, kwargs=delivery),
    Route("archive:detail", everyone(405), kwargs=delivery, method="post"),
    Route(
        "archive:receipt",
        leader_redirects,
        kwargs=delivered,
        method="post",
        data=lambda cast: {"archive_reference": "SA 2026-1", "received_on": "2026-12-01"},
    ),
    Route("archive:receipt", everyone(405), kwargs=delivery),
    Route("archive:retry", leader_redirects, kwargs=failed, method="post"),
    Route("archive:retry", everyone(405), kwargs=failed),
]
