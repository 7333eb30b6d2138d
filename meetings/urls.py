from django.urls import path

from . import support_views, transition_views, tuesday_views, views

app_name = "meetings"

urlpatterns = [
    path("", views.index, name="index"),
    # The support model
    path("supportmodel/", views.forum_list, name="forum-list"),
    path("supportmodel/<id:pk>/ret/", views.forum_update, name="forum-update"),
    path("henvisninger/", views.forumreferral_list, name="forumreferral-list"),
    path("henvisninger/ny/", views.forumreferral_create, name="forumreferral-create"),
    path("henvisninger/<id:pk>/", views.forumreferral_detail, name="forumreferral-detail"),
    path(
        "henvisninger/<id:pk>/faerdiggoer/",
        views.forumreferral_finish,
        name="forumreferral-finish",
    ),
    # Tidlig opsporing: an observation taken to the TRIO
    path(
        "henvisninger/fra-observation/<id:pk>/",
        support_views.observation_henvisning,
        name="observation-henvisning",
    ),
    # The koordinerende TRIO, per school year
    path("trio/", support_views.trio_list, name="trio-list"),
    path("trio/<id:pk>/", support_views.trio_detail, name="trio-detail"),
    path("trio/<id:pk>/<year:year>/", support_views.trio_update, name="trio-update"),
    # Overgange: yellow and red children who change institution or stage (pejlemærke 2)
    path("overgange/", transition_views.transition_list, name="transition-list"),
    path(
        "overgange/boern/<id:pk>/bed-modtagende-trio-handle/",
        transition_views.transition_request_create,
        name="transition-request-create",
    ),
    path(
        "overgange/anmodninger/",
        transition_views.transition_request_list,
        name="transition-request-list",
    ),
    path(
        "overgange/anmodninger/<id:pk>/",
        transition_views.transition_request_detail,
        name="transition-request-detail",
    ),
    # Skolesocialrådgivning's open consultation
    path("skolesocialraadgivning/", support_views.consultation_list, name="consultation-list"),
    path("skolesocialraadgivning/tider/ny/", support_views.slot_create, name="slot-create"),
    path("skolesocialraadgivning/tider/<id:pk>/", support_views.slot_update, name="slot-update"),
    path(
        "skolesocialraadgivning/tider/<id:pk>/book/",
        support_views.talk_create,
        name="talk-create",
    ),
    path(
        "skolesocialraadgivning/samtaler/<id:pk>/aflys/",
        support_views.talk_cancel,
        name="talk-cancel",
    ),
    path("forummoeder/nyt/", views.forummeeting_create, name="forummeeting-create"),
    path("forummoeder/<id:pk>/", views.forummeeting_detail, name="forummeeting-detail"),
    path("forummoeder/<id:pk>/aflys/", views.forummeeting_cancel, name="forummeeting-cancel"),
    path(
        "forummoeder/<id:pk>/fortryd-aflysning/",
        views.forummeeting_uncancel,
        name="forummeeting-uncancel",
    ),
    # Koordineringskonferencer
    path("konferencer/", views.series_list, name="series-list"),
    path("konferencer/ny/", views.series_create, name="series-create"),
    path("konferencer/<id:pk>/", views.series_detail, name="series-detail"),
    path("konferencer/<id:pk>/ret/", views.series_update, name="series-update"),
    path("konferencer/<id:pk>/nyt-moede/", views.conference_create, name="conference-create"),
    path("konferencer/moeder/<id:pk>/", views.conference_detail, name="conference-detail"),
    path("konferencer/moeder/<id:pk>/aflys/", views.conference_cancel, name="conference-cancel"),
    path(
        "konferencer/moeder/<id:pk>/fortryd-aflysning/",
        views.conference_uncancel,
        name="conference-uncancel",
    ),
    path("konferencer/moeder/<id:pk>/punkter/", views.item_create, name="item-create"),
    path("konferencer/punkter/<id:pk>/beslutning/", views.item_decide, name="item-decide"),
    # Notater
    path("notater/nyt/<str:kind>/<id:pk>/", views.note_create, name="note-create"),
    path("notater/<id:pk>/", views.note_detail, name="note-detail"),
    path("notater/<id:pk>/endelig/", views.note_finalise, name="note-finalise"),
    path("notater/<id:pk>/autogem/", views.note_autosave, name="note-autosave"),
    # Tværfaglige tirsdagsmøder
    path("tirsdagsmoeder/", tuesday_views.tuesday_list, name="tuesday-list"),
    path("tirsdagsmoeder/ny-plan/", tuesday_views.tuesday_plan, name="tuesday-plan"),
    path("tirsdagsmoeder/skoleferier/", tuesday_views.school_holidays, name="school-holidays"),
    path(
        "tirsdagsmoeder/skoleferier/<id:pk>/slet/",
        tuesday_views.school_holiday_delete,
        name="school-holiday-delete",
    ),
    path("tirsdagsmoeder/<id:pk>/", tuesday_views.tuesday_detail, name="tuesday-detail"),
    path("tirsdagsmoeder/<id:pk>/dagsorden/", tuesday_views.tuesday_agenda, name="tuesday-agenda"),
    path("tirsdagsmoeder/<id:pk>/aflys/", tuesday_views.tuesday_cancel, name="tuesday-cancel"),
    path("tirsdagsmoeder/pladser/<id:pk>/afbud/", tuesday_views.seat_cancel, name="seat-cancel"),
    path(
        "tirsdagsmoeder/pladser/<id:pk>/afloeser/",
        tuesday_views.seat_substitute,
        name="seat-substitute",
    ),
    path("tirsdagsmoeder/pladser/<id:pk>/bytte/", tuesday_views.seat_swap, name="seat-swap"),
    path("tirsdagsmoeder/bytte/", tuesday_views.swap_list, name="swap-list"),
    path(
        "tirsdagsmoeder/bytte/<id:pk>/<slug:action>/",
        tuesday_views.swap_respond,
        name="swap-respond",
    ),
    path("kalender/", tuesday_views.calendar_settings, name="calendar-settings"),
    path("kalender/<str:token>.ics", tuesday_views.calendar_feed, name="calendar-feed"),
]
