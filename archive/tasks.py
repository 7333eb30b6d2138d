"""Celery tasks of the archive delivery: thin, by id, idempotent."""

from functools import partial
from typing import Any

from celery import Task, shared_task

from ppr.tasks import retry_or_give_up

from . import services

MAX_RETRIES = 3


@shared_task(bind=True, acks_late=True, max_retries=MAX_RETRIES)
def build_delivery(self: Task[Any, Any], delivery_id: int) -> str:
    """Write an ordered arkiveringsversion (routed to the ``pdf`` queue in settings)."""
    try:
        return services.build_delivery(delivery_id=delivery_id)
    except services.TransientDeliveryError as exc:
        return retry_or_give_up(
            self, exc, backoff=60, give_up=partial(services.give_up, delivery_id=delivery_id)
        )


@shared_task(acks_late=True)
def deliver_cases(case_ids: list[int]) -> int | None:
    """Deliver these closed cases (those not yet delivered); the delivery's id, or None."""
    delivery = services.order_delivery(case_ids=case_ids, by=None)
    return delivery.pk if delivery else None


@shared_task(acks_late=True)
def deliver_closed_cases() -> int | None:
    """Nightly: one delivery of every closed case the archive must keep and has not got."""
    ids = list(services.cases_to_deliver().values_list("pk", flat=True))
    delivery = services.order_delivery(case_ids=ids, by=None) if ids else None
    return delivery.pk if delivery else None
