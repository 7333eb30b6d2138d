from django.contrib import admin

from ppr.audit.admin import AuditedAdminMixin, RetireNotDeleteMixin

from .models import District, Institution, Municipality, Team


@admin.register(Municipality)
class MunicipalityAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "logo_text"]

    def has_add_permission(self, request: object) -> bool:
        # One deployment serves one municipality; the row exists from the first request.
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(District)
class DistrictAdmin(RetireNotDeleteMixin, AuditedAdminMixin, admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(Institution)
class InstitutionAdmin(RetireNotDeleteMixin, AuditedAdminMixin, admin.ModelAdmin):
    """An institution with children, referrals or cases is retired (\"aktiv\" off), not deleted."""

    list_display = ["name", "kind", "district", "min_age", "max_age", "active"]
    list_filter = ["kind", "district", "active"]
    search_fields = ["name"]
    list_select_related = ["district"]


@admin.register(Team)
class TeamAdmin(RetireNotDeleteMixin, AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "district"]
    list_select_related = ["district"]
