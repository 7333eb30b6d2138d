from django.urls import path

from . import views

app_name = "saml"

urlpatterns = [
    path("metadata/", views.metadata, name="metadata"),
    path("log-ind/", views.begin, name="login"),
    path("acs/", views.acs, name="acs"),
]
