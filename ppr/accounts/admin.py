"""The administrator's user management: users, their memberships, MFA resets.

Every change is written to the audit log, and a user who loses a membership (removed,
deactivated or moved to another scope) is logged out everywhere at once.
"""

from typing import Any

from allauth.mfa.models import Authenticator
from django.contrib import admin, messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest

from ppr.audit.admin import ADMIN_PURPOSE, AuditedAdminMixin
from ppr.audit.models import AuditAction
from ppr.audit.services import record

from .models import Membership, User

#: A change to one of these fields of an existing membership can narrow what the user may see.
SCOPE_FIELDS = frozenset({"role", "institution", "district", "team", "active"})


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["institution"]

    def _may_edit(self, request: HttpRequest, obj: User | None) -> bool:
        # Segregation of duties: an administrator cannot grant themselves a role.
        return bool(request.user.is_superuser or obj is None or obj.pk != request.user.pk)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_edit(request, obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_edit(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_edit(request, obj) and super().has_delete_permission(request, obj)


@admin.register(User)
class UserAdmin(AuditedAdminMixin, BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "title", "is_active"]
    list_filter = ["is_active", "memberships__role"]
    search_fields = ["email", "first_name", "last_name"]
    inlines = [MembershipInline]
    actions = ["end_sessions"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Person", {"fields": ("first_name", "last_name", "title")}),
        ("Adgang", {"fields": ("is_active", "is_staff", "is_superuser", "last_login")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        readonly = ["last_login"]
        if not request.user.is_superuser:
            # Only a superuser makes superusers: it would bypass every role check.
            readonly.append("is_superuser")
        return readonly

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change and "is_active" in getattr(form, "changed_data", []) and not obj.is_active:
            self._end_sessions(request, obj, "bruger deaktiveret")

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        formset.save()
        if formset.model is not Membership:
            return
        user: User = form.instance
        for membership in formset.new_objects:
            record(
                request, AuditAction.CREATE, obj=membership, purpose=f"{ADMIN_PURPOSE}: medlemskab"
            )
        narrowed = bool(formset.deleted_objects)
        for membership in formset.deleted_objects:
            record(
                request, AuditAction.DELETE, obj=membership, purpose=f"{ADMIN_PURPOSE}: medlemskab"
            )
        for membership, fields in formset.changed_objects:
            record(
                request,
                AuditAction.UPDATE,
                obj=membership,
                purpose=f"{ADMIN_PURPOSE}: medlemskab ({', '.join(fields)})"[:200],
            )
            narrowed = narrowed or not SCOPE_FIELDS.isdisjoint(fields)
        if change and narrowed:
            self._end_sessions(request, user, "medlemskab fjernet eller ændret")

    def _end_sessions(self, request: HttpRequest, user: User, why: str) -> None:
        user.end_all_sessions()
        record(
            request,
            AuditAction.UPDATE,
            obj=user,
            purpose=f"{ADMIN_PURPOSE}: logget ud alle steder ({why})",
        )
        if user.pk == request.user.pk:
            update_session_auth_hash(request, user)

    @admin.action(description="Log valgte brugere ud alle steder")
    def end_sessions(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        count = 0
        for user in queryset:
            self._end_sessions(request, user, "handling i administrationen")
            count += 1
        messages.success(request, f"{count} brugere er logget ud alle steder.")


admin.site.unregister(Authenticator)


@admin.register(Authenticator)
class AuthenticatorAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """MFA reset for a user who lost their phone: the administrator may delete, never read secrets."""

    # allauth gives these fields no verbose names (English "user", "created at"): Danish labels.
    list_display = ["owner", "type", "created", "last_used"]
    list_filter = ["type"]
    search_fields = ["user__email", "user__first_name", "user__last_name"]
    list_select_related = ["user"]
    fields = ["owner", "type", "created", "last_used"]
    readonly_fields = fields

    @admin.display(description="Bruger", ordering="user__email")
    def owner(self, obj: Authenticator) -> Any:
        return obj.user

    @admin.display(description="Oprettet", ordering="created_at")
    def created(self, obj: Authenticator) -> Any:
        return obj.created_at

    @admin.display(description="Senest brugt", ordering="last_used_at")
    def last_used(self, obj: Authenticator) -> Any:
        return obj.last_used_at

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
