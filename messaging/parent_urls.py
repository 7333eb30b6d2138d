"""Secure messages, the parents' side (under /foraeldre/beskeder/)."""

from django.urls import path

from . import parent_views

app_name = "parent-messages"

urlpatterns = [
    path("", parent_views.inbox, name="inbox"),
    path("ny/<id:child_pk>/", parent_views.thread_create, name="thread-create"),
    path("<id:pk>/", parent_views.thread_detail, name="thread"),
    path("bilag/<id:pk>/", parent_views.attachment_download, name="attachment"),
]
