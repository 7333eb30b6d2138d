"""Celery task for the SAML replay cache."""

from celery import shared_task
from django.utils import timezone

from .models import SeenAssertion


@shared_task(acks_late=True)
def purge_seen_assertions() -> int:
    """Beat job (hourly): forget assertion ids whose validity has ended (a replay of one would
    be refused as expired anyway)."""
    deleted, _ = SeenAssertion.objects.filter(expires_at__lt=timezone.now()).delete()
    return deleted
