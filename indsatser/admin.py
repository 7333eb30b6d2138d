"""Admin for the catalogue tables only; courses and absence cases hold children's data and are
handled in the application, where access is decided and audited."""

from django.contrib import admin

from .models import AbsenceProcedureStep, Beacon, Intervention


@admin.register(Beacon)
class BeaconAdmin(admin.ModelAdmin):
    list_display = ("number", "title")


@admin.register(Intervention)
class InterventionAdmin(admin.ModelAdmin):
    list_display = ("name", "level", "form", "owner", "retired_on")
    list_filter = ("level", "form", "retired_on")
    filter_horizontal = ("beacons",)


@admin.register(AbsenceProcedureStep)
class AbsenceProcedureStepAdmin(admin.ModelAdmin):
    list_display = (
        "order",
        "title",
        "responsible_role",
        "threshold_percent",
        "deadline_working_days",
        "active",
    )
