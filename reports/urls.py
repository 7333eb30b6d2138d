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
    path("effektmaal/<id:pk>/", views.goal_detail, name="goal-detail"),
    path("effektmaal/<id:pk>/maaling/", views.goal_measurement, name="goal-measurement"),
    path("effektmaal/<id:pk>/ret/", views.goal_update, name="goal-update"),
    path("drift/<slug:slug>/", views.report_detail, name="report-detail"),
    path(
        "drift/<slug:slug>/eksport.<export_format:fmt>", views.report_export, name="report-export"
    ),
    path("udviklingsplan/", views.plan_overview_view, name="plan-overview"),
    path("udviklingsplan/aktivitet/<id:pk>/", views.activity_update, name="activity-update"),
    path("udviklingsplan/udskriv/", views.plan_print, name="plan-print"),
]
