from django.urls import path

from . import placement_views, views

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
    # The visitation committee, its meetings and agendas; partshøring.
    path("udvalg/", views.committee_list, name="committee-list"),
    path("udvalg/<id:pk>/", views.committee_detail, name="committee-detail"),
    path("udvalg/<id:pk>/medlem/", views.member_add, name="member-add"),
    path("udvalg/medlem/<id:pk>/fjern/", views.member_remove, name="member-remove"),
    path("udvalg/<id:pk>/moede/", views.meeting_create, name="meeting-create"),
    path("moeder/", views.meeting_list, name="meeting-list"),
    path("moeder/<id:pk>/", views.meeting_detail, name="meeting-detail"),
    path("moeder/<id:pk>/dagsorden/", views.meeting_build_agenda, name="meeting-build-agenda"),
    path("punkt/<id:pk>/", views.entry_detail, name="entry-detail"),
    path("punkt/<id:pk>/sagsfremstilling/", views.entry_present, name="entry-present"),
    path("punkt/<id:pk>/indstilling/", views.entry_recommend, name="entry-recommend"),
    path("punkt/<id:pk>/partshoering/", views.hearing_start, name="hearing-start"),
    path("punkt/<id:pk>/partshoering/svar/", views.hearing_answer, name="hearing-answer"),
    path(
        "partshoering/svar/<id:pk>/bilag/",
        views.hearing_response_file,
        name="hearing-response-file",
    ),
    path("punkt/<id:pk>/afgoerelse/", views.entry_decide, name="entry-decide"),
    # Appeals (klager til Klagenævnet for Specialundervisning).
    path("afgoerelse/<id:pk>/klager/", views.decision_appeals, name="decision-appeals"),
    path("klage/<id:pk>/udfald/", views.appeal_outcome, name="appeal-outcome"),
    # The decision letter sent to the custody holders.
    path("afgoerelse/<id:pk>/send/", views.letter_send, name="letter-send"),
    # Placements in the offers and their yearly reassessment.
    path("afgoerelse/<id:pk>/placer/", placement_views.decision_place, name="decision-place"),
    path("placering/<id:pk>/", placement_views.placement_detail, name="placement-detail"),
    path(
        "placering/<id:pk>/revurdering/",
        placement_views.placement_review,
        name="placement-review",
    ),
]
