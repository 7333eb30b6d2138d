"""Stored documents. The subject decides access (``can_download``); here the subject is an
Institution, which has no such rule, so every signed-in role is refused with 404 (deny by
default). The allowed paths are tested in tests/documents/test_views.py with a subject that
says yes; domain apps add routes for their own documents (PPV, notat) with real rules.
"""

from typing import Any

from ppr.documents.models import Document, DocumentKind
from tests.security.routes import Route, everyone


def document(cast: Any) -> dict[str, Any]:
    row, _ = Document.objects.get_or_create(
        content_type_id=_content_type_id(cast.school),
        object_id=cast.school.pk,
        kind=DocumentKind.ANDET,
        version=1,
        defaults={
            "title": "Dokument",
            "template_name": "documents/example.html",
            "created_by": cast.psychologist,
        },
    )
    return {"pk": row.pk}


def _content_type_id(obj: Any) -> int:
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(obj).pk


#: The "Dokumenter" list: the roles that print by their role (PPR's leader and case workers,
#: institution leaders) get their own list; the others never print from a list (403).
LIST_EXPECT = everyone(200, secretary=403, teacher=403, social_worker=403, administrator=403)

ROUTES = [
    Route("documents:document-list", LIST_EXPECT),
    Route("documents:document-list", LIST_EXPECT, query="?type=ppv&barn=%C3%85se&fra=2026-01-01"),
    Route("documents:document-list", everyone(405), method="post"),
    Route("documents:document-status", everyone(404), kwargs=document),
    Route("documents:document-download", everyone(404), kwargs=document),
    Route("documents:document-retry", everyone(404), kwargs=document, method="post"),
    Route("documents:document-retry", everyone(405), kwargs=document),
]
