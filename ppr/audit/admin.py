"""The Django admin's shared rules: changes are written to the audit log, and nothing that
holds case content is deleted (or named) through it.

No model is registered here: the PPR leader reads the log in the application, and the
administrator does not read it at all.
"""

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from .models import AuditAction
from .services import record

ADMIN_PURPOSE = "administration"

# The mixins below extend a ModelAdmin; type-checked as one, plain classes at run time.
if TYPE_CHECKING:
    _ModelAdmin = admin.ModelAdmin[Any]
else:
    _ModelAdmin = object


class AuditedAdminMixin(_ModelAdmin):
    """Logs every create, update and delete done through this ModelAdmin, with the changed fields."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        changed = ", ".join(getattr(form, "changed_data", []) or [])
        record(
            request,
            AuditAction.UPDATE if change else AuditAction.CREATE,
            obj=obj,
            purpose=f"{ADMIN_PURPOSE}: {changed}"[:200] if change and changed else ADMIN_PURPOSE,
        )

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        record(request, AuditAction.DELETE, obj=obj, purpose=ADMIN_PURPOSE)
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            record(request, AuditAction.DELETE, obj=obj, purpose=ADMIN_PURPOSE)
        super().delete_queryset(request, queryset)


#: Apps whose rows the admin's delete page may list: the organisation and its users.
ORGANISATION_APPS = frozenset(
    {"organisation", "accounts", "axes", "mfa", "account", "socialaccount"}
)


def _reverse_relations(model: type[Model]) -> list[Any]:
    """Every relation pointing at ``model``, the hidden ones (``related_name="+"``) included."""
    return [
        field
        for field in model._meta.get_fields(include_hidden=True)
        if field.auto_created and not field.concrete and field.related_model is not None
    ]


def holds_case_content(model: type[Model], rows: QuerySet[Any], depth: int = 3) -> bool:
    """Does deleting ``rows`` reach a row of a domain app (a child, referral, case, document …),
    directly or through other organisation rows (a district's institutions' children)?

    Hidden relations count too: a ``related_name="+"`` foreign key (who recorded a consent)
    still makes the delete page list the row it protects, by name."""
    for relation in _reverse_relations(model):
        related = relation.related_model
        linked = related._default_manager.filter(**{f"{relation.field.name}__in": rows})
        if related._meta.app_label not in ORGANISATION_APPS:
            if linked.exists():
                return True
        elif depth > 1 and related is not model and holds_case_content(related, linked, depth - 1):
            return True
    return False


class RetireNotDeleteMixin(_ModelAdmin):
    """Rows that case content hangs on (an institution with children, a user who wrote a
    journal) are retired, never deleted: the delete page would list that content by name and
    the delete would take it along. Only an unused row can be deleted, one at a time (the bulk
    delete action is switched off for the whole site in ``ppr/urls.py``)."""

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        if obj is not None and holds_case_content(
            type(obj), type(obj)._default_manager.filter(pk=obj.pk)
        ):
            return False
        return super().has_delete_permission(request, obj)
