"""URLs of the cases app. Shared file: children and referrals first, then cases, journal and ratings."""

from django.urls import path

from cases.casework import views as case_views
from cases.children import views as child_views
from cases.journal import views as journal_views
from cases.observations import views as observation_views
from cases.ppv import views as ppv_views
from cases.ratings import views as rating_views
from cases.referrals import views as referral_views

app_name = "cases"

urlpatterns = [
    # --- Children, guardians, consent, referrals (indstillinger) ---------------------------
    path("boern/nyt/", child_views.child_create, name="child-create"),
    path("boern/nyt/cpr-opslag/", child_views.child_cpr_lookup, name="child-cpr-lookup"),
    path("boern/<id:pk>/", child_views.child_detail, name="child-detail"),
    path("boern/<id:pk>/cpr/", child_views.child_reveal_cpr, name="child-reveal-cpr"),
    path("boern/<id:pk>/boernelineal/", rating_views.child_ratings, name="child-ratings"),
    path(
        "boern/<id:pk>/boernelineal/ny/",
        rating_views.child_rating_create,
        name="child-rating-create",
    ),
    # --- Tidlig opsporing (seed 004 §3.1–3.3) ------------------------------------------------
    path(
        "boern/<id:pk>/opsporing/",
        observation_views.child_observations,
        name="child-observations",
    ),
    path(
        "boern/<id:pk>/opsporing/ny/",
        observation_views.observation_create,
        name="observation-create",
    ),
    path("opsporing/", observation_views.observation_overview, name="observation-overview"),
    path("opsporing/ny/", observation_views.observation_start, name="observation-start"),
    path(
        "opsporing/<id:pk>/indstilling/",
        observation_views.observation_referral,
        name="observation-referral",
    ),
    path("boern/<id:pk>/foraeldre/ny/", child_views.guardian_create, name="guardian-create"),
    path("foraeldre/<id:pk>/samtykke/nyt/", child_views.consent_create, name="consent-create"),
    path(
        "samtykker/<id:pk>/tilbagekald/",
        child_views.consent_withdraw,
        name="consent-withdraw",
    ),
    path(
        "samtykker/<id:pk>/fortryd/",
        child_views.consent_undo_withdraw,
        name="consent-undo-withdraw",
    ),
    path("indstillinger/", referral_views.referral_list, name="referral-list"),
    path("indstillinger/modtagelse/", referral_views.referral_queue, name="referral-queue"),
    path("indstillinger/ny/", referral_views.referral_create, name="referral-create"),
    path("indstillinger/<id:pk>/", referral_views.referral_detail, name="referral-detail"),
    path("indstillinger/<id:pk>/rediger/", referral_views.referral_update, name="referral-update"),
    path(
        "indstillinger/<id:pk>/autogem/",
        referral_views.referral_autosave,
        name="referral-autosave",
    ),
    path("indstillinger/<id:pk>/indsend/", referral_views.referral_submit, name="referral-submit"),
    path(
        "indstillinger/<id:pk>/kvittering/",
        referral_views.referral_receipt_order,
        name="referral-receipt",
    ),
    path(
        "indstillinger/<id:pk>/bilag/", referral_views.attachment_upload, name="attachment-upload"
    ),
    path(
        "indstillinger/bilag/<id:pk>/",
        referral_views.attachment_download,
        name="attachment-download",
    ),
    path(
        "indstillinger/bilag/<id:pk>/slet/",
        referral_views.attachment_delete,
        name="attachment-delete",
    ),
    path("indstillinger/<id:pk>/modtag/", referral_views.referral_receive, name="referral-receive"),
    path(
        "indstillinger/<id:pk>/visiter/",
        referral_views.referral_visitate,
        name="referral-visitate",
    ),
    path("indstillinger/<id:pk>/afslut/", referral_views.referral_close, name="referral-close"),
    # --- Cases, journal, Børnelineal ------------------------------------------------------
    path("", case_views.case_list, name="case-list"),
    path("soeg/", case_views.case_search, name="case-search"),
    path("<id:pk>/", case_views.case_detail, name="case-detail"),
    path("<id:pk>/tildel/", case_views.case_assign, name="case-assign"),
    path("<id:pk>/luk/", case_views.case_close, name="case-close"),
    path("<id:pk>/kle/", case_views.case_kle, name="case-kle"),
    path("<id:pk>/journal/ny/", journal_views.journal_create, name="journal-create"),
    path("<id:pk>/journal/ny/autogem/", journal_views.journal_autosave, name="journal-autosave"),
    path("journal/<id:pk>/ret/", journal_views.journal_correct, name="journal-correct"),
    path("<id:pk>/boernelineal/ny/", rating_views.rating_create, name="rating-create"),
    path("boernelineal/", rating_views.rating_report, name="rating-report"),
    # --- PPV ------------------------------------------------------------------------------
    path("<id:pk>/ppv/", ppv_views.ppv_list, name="ppv-list"),
    path("<id:pk>/ppv/ny/", ppv_views.ppv_create, name="ppv-create"),
    path("ppv/<id:pk>/", ppv_views.ppv_detail, name="ppv-detail"),
    path("ppv/<id:pk>/rediger/", ppv_views.ppv_update, name="ppv-update"),
    path("ppv/<id:pk>/autogem/", ppv_views.ppv_autosave, name="ppv-autosave"),
    path("ppv/<id:pk>/endelig/", ppv_views.ppv_finalise, name="ppv-finalise"),
    path("ppv/<id:pk>/ret/", ppv_views.ppv_correct, name="ppv-correct"),
    path("ppv/<id:pk>/send/", ppv_views.ppv_send, name="ppv-send"),
    path("ppv/<id:pk>/udskriv/", ppv_views.ppv_print, name="ppv-print"),
]
