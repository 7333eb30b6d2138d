from django.urls import path

from . import views

app_name = "indsatser"

urlpatterns = [
    # The catalogue (indsatsvifte).
    path("", views.intervention_list, name="intervention-list"),
    path("indsats/ny/", views.intervention_edit, name="intervention-create"),
    path("indsats/<int:pk>/", views.intervention_detail, name="intervention-detail"),
    path("indsats/<int:pk>/rediger/", views.intervention_edit, name="intervention-update"),
    path("indsats/<int:pk>/udfas/", views.intervention_retire, name="intervention-retire"),
    path(
        "indsats/<int:pk>/genindfoer/", views.intervention_reinstate, name="intervention-reinstate"
    ),
    # Courses (forløb and hold).
    path("forloeb/", views.course_list, name="course-list"),
    path("forloeb/nyt-hold/", views.course_create, name="course-create"),
    path("sag/<int:case_pk>/nyt-forloeb/", views.case_course_create, name="case-course-create"),
    path("forloeb/<int:pk>/", views.course_detail, name="course-detail"),
    path("forloeb/<int:pk>/rediger/", views.course_update, name="course-update"),
    path("forloeb/<int:pk>/afslut/", views.course_end, name="course-end"),
    path("forloeb/<int:pk>/maal/", views.goal_add, name="goal-add"),
    path("forloeb/<int:pk>/gange/", views.session_add, name="session-add"),
    path("forloeb/<int:pk>/opfoelgninger/", views.follow_up_plan, name="follow-up-plan"),
    path("opfoelgning/<int:pk>/", views.follow_up_record, name="follow-up-record"),
    path("forloeb/<int:pk>/tilmeld/", views.participant_add, name="participant-add"),
    path("deltager/<int:pk>/udmeld/", views.participant_remove, name="participant-remove"),
    path("forloeb/<int:pk>/fremmoede/", views.course_attendance, name="course-attendance"),
    path(
        "forloeb/<int:pk>/fremmoede/<int:session_pk>/<int:participant_pk>/",
        views.attendance_set,
        name="attendance-set",
    ),
    path("forloeb/<int:pk>/deltagerliste/", views.participant_print, name="participant-print"),
    path("forloeb/<int:pk>/deltagerliste/pdf/", views.participant_pdf, name="participant-pdf"),
    # Bekymrende fravær.
    path("fravaer/", views.absence_list, name="absence-list"),
    path("fravaer/ny/", views.absence_create, name="absence-create"),
    path("fravaer/<int:pk>/", views.absence_detail, name="absence-detail"),
    path("fravaer/<int:pk>/registrer/", views.absence_record, name="absence-record"),
    path("fravaer/<int:pk>/luk/", views.absence_close, name="absence-close"),
    path(
        "fravaer/trin/<int:pk>/udfoer/", views.absence_step_complete, name="absence-step-complete"
    ),
    path("fravaersprocedure/", views.procedure_list, name="procedure-list"),
    path("fravaersprocedure/ny/", views.procedure_step_edit, name="procedure-step-create"),
    path(
        "fravaersprocedure/<int:pk>/rediger/",
        views.procedure_step_edit,
        name="procedure-step-update",
    ),
]
