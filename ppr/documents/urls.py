from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("", views.document_list, name="document-list"),
    path("<id:pk>/status/", views.document_status, name="document-status"),
    path("<id:pk>/hent/", views.document_download, name="document-download"),
    path("<id:pk>/proev-igen/", views.document_retry, name="document-retry"),
]
