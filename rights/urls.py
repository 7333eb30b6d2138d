from django.urls import path

from . import views

app_name = "rights"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("barn/<id:child_id>/", views.child_rights, name="child"),
    path("barn/<id:child_id>/indsigt/", views.export_create, name="export-create"),
    path("barn/<id:child_id>/begraens/", views.restrict_child, name="restrict"),
    path("barn/<id:child_id>/aabn/", views.open_restricted, name="open-restricted"),
    path("begraensning/<id:pk>/ophaev/", views.lift_restriction, name="lift"),
    path("indsigt/<id:pk>/", views.export_status, name="export-status"),
    path("indsigt/<id:pk>/hent/", views.export_download, name="export-download"),
    path("indsigt/<id:pk>/proev-igen/", views.export_retry, name="export-retry"),
]
