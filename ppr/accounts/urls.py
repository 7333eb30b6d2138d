from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.rights, name="rights"),
    path("<id:pk>/godkend/", views.membership_approve, name="membership-approve"),
    path("<id:pk>/afvis/", views.membership_refuse, name="membership-refuse"),
    path("<id:pk>/fjern/", views.membership_remove, name="membership-remove"),
    path(
        "totrin/<id:pk>/godkend/",
        views.second_factor_decide,
        {"approve": True},
        name="second-factor-approve",
    ),
    path(
        "totrin/<id:pk>/afvis/",
        views.second_factor_decide,
        {"approve": False},
        name="second-factor-refuse",
    ),
    path("gennemgang/", views.review_confirm, name="review-confirm"),
    path("kombit/", views.sso_mappings, name="sso-mappings"),
    path("kombit/ny/", views.sso_mapping_form, name="sso-mapping-add"),
    path("kombit/<id:pk>/", views.sso_mapping_form, name="sso-mapping-edit"),
    path("kombit/<id:pk>/udgaa/", views.sso_mapping_retire, name="sso-mapping-retire"),
]
