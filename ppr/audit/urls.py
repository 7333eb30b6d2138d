from django.urls import path

from . import views

app_name = "audit"

urlpatterns = [
    path("", views.event_list, name="event-list"),
    path("barn/<id:child_id>/indsigt.csv", views.child_export, name="child-export"),
]
