"""Admin for the catalogue tables only; courses and absence cases hold children's data and are
handled in the application, where access is decided and audited. A catalogue row that courses
or absence cases hang on is retired, not deleted: its delete page would list them (issue 19)."""

from django.contrib import admin

from ppr.audit.admin import RetireNotDeleteMixin

from .models import AbsenceProcedureStep, Beacon, Intervention


@admin.register(Beacon)
class BeaconAdmin(RetireNotDeleteMixin, admin.ModelAdmin):
    list_display = ("number", "title")


@admin.register(Intervention)
class InterventionAdmin(RetireNotDeleteMixin, admin.ModelAdmin):
    list_display = ("name", "level", "form", "owner", "retired_on")
    list_filter = ("level", "form", "retired_on")
    filter_horizontal = ("beacons",)


@admin.register(AbsenceProcedureStep)
class AbsenceProcedureStepAdmin(RetireNotDeleteMixin, admin.ModelAdmin):
    list_display = (
        "order",
        "title",
        "responsible_role",
        "threshold_percent",
        "deadline_working_days",
        "active",
    )
