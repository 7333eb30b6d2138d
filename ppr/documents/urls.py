from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("", views.document_list, name="document-list"),
    path("<int:pk>/status/", views.document_status, name="document-status"),
    path("<int:pk>/hent/", views.document_download, name="document-download"),
    path("<int:pk>/proev-igen/", views.document_retry, name="document-retry"),
]
