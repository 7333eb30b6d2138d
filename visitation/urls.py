from django.urls import path

from . import views

app_name = "visitation"

urlpatterns = [
    # Offers (tilbud).
    path("tilbud/", views.offer_list, name="offer-list"),
    path("tilbud/nyt/", views.offer_edit, name="offer-create"),
    path("tilbud/<id:pk>/", views.offer_detail, name="offer-detail"),
    path("tilbud/<id:pk>/rediger/", views.offer_edit, name="offer-update"),
    path("tilbud/<id:pk>/udfas/", views.offer_retire, name="offer-retire"),
    path("tilbud/<id:pk>/genindfoer/", views.offer_reinstate, name="offer-reinstate"),
    # Applications (ansøgninger om specialpædagogisk bistand).
    path("", views.application_list, name="application-list"),
    path("ny/", views.application_create, name="application-create"),
    path("<id:pk>/", views.application_detail, name="application-detail"),
    path("<id:pk>/rediger/", views.application_update, name="application-update"),
    path("<id:pk>/autosave/", views.application_autosave, name="application-autosave"),
    path("<id:pk>/indsend/", views.application_submit, name="application-submit"),
]
