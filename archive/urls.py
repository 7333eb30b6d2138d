from django.urls import path

from . import views

app_name = "archive"

urlpatterns = [
    path("", views.delivery_list, name="list"),
    path("aflever/", views.deliver, name="deliver"),
    path("<id:pk>/", views.delivery_detail, name="detail"),
    path("<id:pk>/kvittering/", views.receipt, name="receipt"),
    path("<id:pk>/proev-igen/", views.retry, name="retry"),
]
