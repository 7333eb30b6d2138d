from django.urls import path

from . import views

app_name = "deadlines"

urlpatterns = [
    path("", views.deadline_list, name="deadline-list"),
    path("alle/", views.deadline_overview, name="deadline-overview"),
    path("<id:pk>/ansvarlig/", views.deadline_reassign, name="deadline-reassign"),
    path("<id:pk>/udfoert/", views.deadline_complete, name="deadline-complete"),
    path("indstillinger/", views.deadline_settings, name="deadline-settings"),
    path("paamindelser/fejlede/", views.failed_reminder_list, name="failed-reminder-list"),
    path("notifikationer/", views.notification_list, name="notification-list"),
    path("notifikationer/antal/", views.notification_count, name="notification-count"),
    path("notifikationer/laest/", views.notification_read_all, name="notification-read-all"),
    path("notifikationer/<id:pk>/", views.notification_open, name="notification-open"),
    path("notifikationer/<id:pk>/laest/", views.notification_read, name="notification-read"),
]
