"""URLs of the parents' portal, under /foraeldre/ (ppr/accounts/middleware.py PARENT_PORTAL)."""

from django.urls import path

from . import views

app_name = "parents"

urlpatterns = [
    path("", views.home, name="home"),
    path("log-ind/", views.login, name="login"),
]
