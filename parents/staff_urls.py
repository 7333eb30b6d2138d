"""Staff pages of parents' involvement (under /inddragelse/): the leader invites the custody
holders from a draft referral."""

from django.urls import path

from . import involvement_views

app_name = "involvement"

urlpatterns = [
    path("indstillinger/<id:pk>/inviter/", involvement_views.invite, name="invite"),
]
