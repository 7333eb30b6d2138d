from django.urls import path

from . import views

app_name = "lifecycle"

urlpatterns = [
    path("", views.review, name="review"),
    path("liste/<id:list_id>/godkend/", views.approve, name="approve"),
    path("liste/<id:list_id>/<slug:record_type>/", views.items, name="items"),
    path("regler/", views.rule_list, name="rules"),
    path("regler/<slug:record_type>/", views.rule_edit, name="rule-edit"),
    path("tilbagehold/", views.holds, name="holds"),
    path("tilbagehold/<id:hold_id>/ophaev/", views.hold_lift, name="hold-lift"),
    path("log/", views.log, name="log"),
]
