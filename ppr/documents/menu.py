"""The documents app's main-menu entry, under Sager: for the roles that print PPVs and notater."""

from django.urls import reverse

from ppr import menu
from ppr.documents import services
from ppr.http import AuthenticatedHttpRequest


@menu.register(15)
def document_entries(request: AuthenticatedHttpRequest) -> list[menu.MenuEntry]:
    if not services.may_list_documents(request.user):
        return []
    app, _name = menu.route(request)
    return [
        menu.MenuEntry(
            "sager", "Dokumenter", reverse("documents:document-list"), current=app == "documents"
        )
    ]
