from django.urls import path

from . import views

app_name = "indsatser"

urlpatterns = [
    # The catalogue (indsatsvifte).
    path("", views.intervention_list, name="intervention-list"),
    path("indsats/ny/", views.intervention_edit, name="intervention-create"),
    path("indsats/<id:pk>/", views.intervention_detail, name="intervention-detail"),
    path("indsats/<id:pk>/rediger/", views.intervention_edit, name="intervention-update"),
    path("indsats/<id:pk>/udfas/", views.intervention_retire, name="intervention-retire"),
    path(
        "indsats/<id:pk>/genindfoer/", views.intervention_reinstate, name="intervention-reinstate"
    ),
    # Courses (forløb and hold).
    path("forloeb/", views.course_list, name="course-list"),
    path("forloeb/nyt-hold/", views.course_create, name="course-create"),
    path("sag/<id:case_pk>/nyt-forloeb/", views.case_course_create, name="case-course-create"),
    path("forloeb/<id:pk>/", views.course_detail, name="course-detail"),
    path("forloeb/<id:pk>/rediger/", views.course_update, name="course-update"),
    path("forloeb/<id:pk>/afslut/", views.course_end, name="course-end"),
    path("forloeb/<id:pk>/start/", views.course_start, name="course-start"),
    path("forloeb/<id:pk>/maal/", views.goal_add, name="goal-add"),
    path("forloeb/<id:pk>/gange/", views.session_add, name="session-add"),
    path("forloeb/<id:pk>/opfoelgninger/", views.follow_up_plan, name="follow-up-plan"),
    path("opfoelgning/<id:pk>/", views.follow_up_record, name="follow-up-record"),
    path("opfoelgning/<id:pk>/autogem/", views.follow_up_autosave, name="follow-up-autosave"),
    path("forloeb/<id:pk>/tilmeld/", views.participant_add, name="participant-add"),
    path("deltager/<id:pk>/udmeld/", views.participant_remove, name="participant-remove"),
    path("forloeb/<id:pk>/fremmoede/", views.course_attendance, name="course-attendance"),
    path(
        "forloeb/<id:pk>/fremmoede/<id:session_pk>/<id:participant_pk>/",
        views.attendance_set,
        name="attendance-set",
    ),
    path("forloeb/<id:pk>/deltagerliste/", views.participant_print, name="participant-print"),
    path("forloeb/<id:pk>/deltagerliste/pdf/", views.participant_pdf, name="participant-pdf"),
    # Bekymrende fravær.
    path("fravaer/", views.absence_list, name="absence-list"),
    path("fravaer/ny/", views.absence_create, name="absence-create"),
    path("fravaer/import/", views.absence_import, name="absence-import"),
    path("fravaer/<id:pk>/", views.absence_detail, name="absence-detail"),
    path("fravaer/<id:pk>/registrer/", views.absence_record, name="absence-record"),
    path("fravaer/<id:pk>/luk/", views.absence_close, name="absence-close"),
    path("fravaer/trin/<id:pk>/udfoer/", views.absence_step_complete, name="absence-step-complete"),
    path("fravaersprocedure/", views.procedure_list, name="procedure-list"),
    path("fravaersprocedure/ny/", views.procedure_step_edit, name="procedure-step-create"),
    path(
        "fravaersprocedure/<id:pk>/rediger/",
        views.procedure_step_edit,
        name="procedure-step-update",
    ),
]
