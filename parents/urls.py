"""URLs of the parents' portal, under /foraeldre/ (ppr/accounts/middleware.py PARENT_PORTAL)."""

from django.urls import path

from . import children, consent, hearing, involvement_views, views

app_name = "parents"

urlpatterns = [
    path("", views.home, name="home"),
    path("log-ind/", views.login, name="login"),
    # One child, through the parent's own guardianship (its id opens nothing for anyone else).
    path("barn/<id:pk>/", children.child_detail, name="child"),
    path("barn/<id:pk>/ppv/<id:ppv>/", children.ppv_download, name="child-ppv"),
    path("barn/<id:pk>/notat/<id:note>/", children.note_download, name="child-note"),
    path(
        "barn/<id:pk>/afgoerelse/<id:decision>/",
        children.decision_download,
        name="child-decision",
    ),
    path("barn/<id:pk>/samtykke/", consent.consent_give, name="child-consent"),
    path(
        "barn/<id:pk>/samtykke/<id:consent>/tilbagetraek/",
        consent.consent_withdraw,
        name="child-consent-withdraw",
    ),
    path(
        "barn/<id:pk>/samtykke/<id:consent>/fortryd/",
        consent.consent_undo,
        name="child-consent-undo",
    ),
    path(
        "barn/<id:pk>/partshoering/<id:hearing>/",
        hearing.hearing_answer,
        name="child-hearing",
    ),
    path("perspektiv/<id:pk>/", involvement_views.perspective, name="perspective"),
    path(
        "perspektiv/<id:pk>/autogem/",
        involvement_views.perspective_autosave,
        name="perspective-autosave",
    ),
    path("boern/<id:child_pk>/indstil/", involvement_views.own_referral, name="own-referral"),
]
