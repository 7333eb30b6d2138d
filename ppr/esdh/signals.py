"""A document deleted anywhere (the life cycle's erasure) leaves the index."""

from typing import Any

from django.db.models.signals import post_delete
from django.dispatch import receiver

from ppr.documents.models import Document

from . import services


@receiver(post_delete, sender=Document, dispatch_uid="esdh_document_deleted")
def document_deleted(sender: type[Document], instance: Document, **kwargs: Any) -> None:
    services.forget_document(instance.pk)
