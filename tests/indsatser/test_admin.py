"""The catalogue's admin (indsatser, pejlemærker, trin i fraværsproceduren): rows that courses
or absence cases hang on are retired, never deleted – not by a superuser either, whose delete
page would otherwise list those courses by title (issue 19)."""

from typing import Any

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from ppr.accounts.models import User
from ppr.audit.admin import RetireNotDeleteMixin, _reverse_relations

from .factories import InterventionFactory


@pytest.fixture
def root(db: Any) -> User:
    return User.objects.create_superuser(email="root@ppr.nordvig.dk", password="x-long-pw-1")


def test_a_superuser_cannot_delete_an_intervention_that_courses_hang_on(
    client_as: Any, root: User, group_course: Any
) -> None:
    client = client_as(root)
    url = reverse("admin:indsatser_intervention_delete", args=[group_course.intervention_id])
    page = client.get(url)
    assert page.status_code == 403
    assert "Skilsmissegruppe Vest" not in page.content.decode()
    assert client.post(url, {"post": "yes"}).status_code == 403
    unused = InterventionFactory()
    assert (
        client.get(reverse("admin:indsatser_intervention_delete", args=[unused.pk])).status_code
        == 200
    )


#: The apps that hold case content or hang on it.
DOMAIN_APPS = {"cases", "meetings", "indsatser", "reports", "visitation", "documents", "deadlines"}


def case_content_may_hang_on(model: Any) -> bool:
    return any(
        relation.related_model._meta.app_label in DOMAIN_APPS
        for relation in _reverse_relations(model)
    )


def test_every_model_case_content_hangs_on_is_retired_not_deleted_in_the_admin(
    root: User,
) -> None:
    """Whatever the apps register: a model that case content may hang on refuses the delete
    page of a row in use (RetireNotDeleteMixin), or offers no delete at all."""
    request = RequestFactory().get("/admin/")
    request.user = root
    deletable = [
        model._meta.label
        for model, model_admin in admin.site._registry.items()
        if case_content_may_hang_on(model)
        and model_admin.has_delete_permission(request)
        and not isinstance(model_admin, RetireNotDeleteMixin)
    ]
    assert deletable == []
