from django.urls import path, register_converter

from . import views


class ExportFormat:
    regex = "csv|xlsx"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(ExportFormat, "export_format")

app_name = "reports"

urlpatterns = [
    path("", views.report_index, name="report-index"),
    path("effektmaal/", views.goal_dashboard, name="goal-dashboard"),
    path("effektmaal/eksport.<export_format:fmt>", views.goal_export, name="goal-export"),
    path("effektmaal/nyt/", views.goal_create, name="goal-create"),
    path("effektmaal/udgaaede/", views.retired_goals, name="goal-retired"),
    path("effektmaal/forebyggelse/", views.prevention_spending, name="prevention-spending"),
    path("effektmaal/<id:pk>/", views.goal_detail, name="goal-detail"),
    path("effektmaal/<id:pk>/udgaa/", views.goal_retire, name="goal-retire"),
    path("effektmaal/<id:pk>/genindsaet/", views.goal_reinstate, name="goal-reinstate"),
    path("effektmaal/<id:pk>/maaling/", views.goal_measurement, name="goal-measurement"),
    path("effektmaal/<id:pk>/ret/", views.goal_update, name="goal-update"),
    path("drift/<slug:slug>/", views.report_detail, name="report-detail"),
    path(
        "drift/<slug:slug>/eksport.<export_format:fmt>", views.report_export, name="report-export"
    ),
    path("udviklingsplan/", views.plan_overview_view, name="plan-overview"),
    path("udviklingsplan/aktivitet/<id:pk>/", views.activity_update, name="activity-update"),
    path("udviklingsplan/indsats/ny/", views.initiative_create, name="initiative-create"),
    path("udviklingsplan/indsats/<id:pk>/", views.initiative_update, name="initiative-update"),
    path(
        "udviklingsplan/indsats/<id:pk>/aktivitet/ny/",
        views.activity_create,
        name="activity-create",
    ),
    path("udviklingsplan/udskriv/", views.plan_print, name="plan-print"),
]
