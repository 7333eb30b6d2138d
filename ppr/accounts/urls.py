from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.rights, name="rights"),
    path("<int:pk>/godkend/", views.membership_approve, name="membership-approve"),
    path("<int:pk>/afvis/", views.membership_refuse, name="membership-refuse"),
    path("<int:pk>/fjern/", views.membership_remove, name="membership-remove"),
    path(
        "totrin/<int:pk>/godkend/",
        views.second_factor_decide,
        {"approve": True},
        name="second-factor-approve",
    ),
    path(
        "totrin/<int:pk>/afvis/",
        views.second_factor_decide,
        {"approve": False},
        name="second-factor-refuse",
    ),
    path("gennemgang/", views.review_confirm, name="review-confirm"),
]
