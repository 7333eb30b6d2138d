"""Secure messages, the staff side (under /beskeder/); the parents' side is parent_urls.py."""

from django.urls import path

from . import views

app_name = "messaging"

urlpatterns = [
    path("sag/<id:pk>/", views.case_threads, name="case-threads"),
    path("<id:pk>/", views.thread_detail, name="thread"),
    path("bilag/<id:pk>/", views.attachment_download, name="attachment"),
]
