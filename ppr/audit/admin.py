"""Changes made in the Django admin are written to the audit log.

No model is registered here: the PPR leader reads the log in the application, and the
administrator does not read it at all.
"""

from typing import Any

from django.db.models import Model, QuerySet
from django.http import HttpRequest

from .models import AuditAction
from .services import record

ADMIN_PURPOSE = "administration"


class AuditedAdminMixin:
    """Logs every create, update and delete done through this ModelAdmin, with the changed fields."""

    def save_model(self, request: HttpRequest, obj: Model, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)  # type: ignore[misc]
        changed = ", ".join(getattr(form, "changed_data", []) or [])
        record(
            request,
            AuditAction.UPDATE if change else AuditAction.CREATE,
            obj=obj,
            purpose=f"{ADMIN_PURPOSE}: {changed}"[:200] if change and changed else ADMIN_PURPOSE,
        )

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        record(request, AuditAction.DELETE, obj=obj, purpose=ADMIN_PURPOSE)
        super().delete_model(request, obj)  # type: ignore[misc]

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            record(request, AuditAction.DELETE, obj=obj, purpose=ADMIN_PURPOSE)
        super().delete_queryset(request, queryset)  # type: ignore[misc]
