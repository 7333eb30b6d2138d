"""One protocol for audited records (``Audited``) and one service that logs an action on them."""

import pytest
from django.apps import apps
from django.contrib.contenttypes.fields import GenericForeignKey
from django.core.exceptions import FieldDoesNotExist
from django.test import RequestFactory

from cases.models import Case, JournalEntry
from ppr.access import audit
from ppr.audit.audited import Audited, AuditSubject
from ppr.audit.models import AuditAction, AuditEvent
from ppr.audit.services import log_action
from tests.cases.factories import CaseFactory, ChildFactory, GuardianFactory, JournalEntryFactory

pytestmark = pytest.mark.django_db


def test_a_record_says_whose_child_it_concerns_through_its_paths(cast) -> None:
    entry = JournalEntryFactory(case=CaseFactory(child=ChildFactory(institution=cast.school)))
    assert isinstance(entry, AuditSubject)
    assert entry.audit_child_id == entry.case.child_id
    assert entry.audit_institution_id == cast.school.pk


def test_log_action_writes_who_what_which_child_and_why(cast) -> None:
    case = CaseFactory(child=ChildFactory(institution=cast.school))
    event = log_action(case, AuditAction.UPDATE, by=cast.psychologist, purpose="sagsbehandling")
    event.refresh_from_db()
    assert (event.actor, event.action, event.purpose) == (
        cast.psychologist,
        AuditAction.UPDATE,
        "sagsbehandling",
    )
    assert (event.object_type, event.object_id) == ("cases.Case", str(case.pk))
    assert (event.child_id, event.institution_id) == (case.child_id, cast.school.pk)
    assert event.ip is None


def test_about_names_the_child_of_another_record(cast) -> None:
    child = ChildFactory(institution=cast.school)
    guardian = GuardianFactory(child=child)
    event = log_action(guardian, AuditAction.CREATE, by=cast.psychologist, purpose="x", about=child)
    assert (event.object_type, event.object_id) == ("cases.Guardian", str(guardian.pk))
    assert (event.child_id, event.institution_id) == (child.pk, cast.school.pk)


def test_a_record_that_concerns_no_child_is_logged_without_one(cast) -> None:
    event = log_action(
        cast.school, AuditAction.UPDATE, by=cast.administrator, purpose="organisation"
    )
    assert (event.child_id, event.institution_id) == (None, None)
    assert event.object_id == str(cast.school.pk)


def test_a_service_without_a_user_logs_no_actor(cast) -> None:
    case = CaseFactory(child=ChildFactory(institution=cast.school))
    event = log_action(case, AuditAction.DELETE, by=None, purpose="udløbet")
    assert event.actor is None and event.actor_name == ""


def test_a_views_read_carries_the_request(cast, rf: RequestFactory) -> None:
    case = CaseFactory(child=ChildFactory(institution=cast.school))
    request = rf.get("/", REMOTE_ADDR="192.0.2.7")
    request.user = cast.psychologist
    request.request_id = "abcdef0123456789"  # type: ignore[attr-defined]  # the request id middleware's attribute, set by hand
    audit(request, case, purpose="sagsbehandling")
    event = AuditEvent.objects.get()
    assert (event.actor, event.action, event.child_id) == (
        cast.psychologist,
        AuditAction.VIEW,
        case.child_id,
    )
    assert (event.ip, event.request_id) == ("192.0.2.7", "abcdef0123456789")


def _audited_models() -> list[type]:
    return [model for model in apps.get_models() if issubclass(model, Audited)]


def test_the_audited_models_are_the_ones_holding_childrens_data() -> None:
    names = {model._meta.label for model in _audited_models()}
    assert {"cases.Child", "cases.Case", "cases.Ppv", "cases.JournalEntry"} <= names
    assert {Case, JournalEntry} <= set(_audited_models())


@pytest.mark.parametrize("model", _audited_models(), ids=lambda model: model._meta.label)
def test_every_audit_path_names_real_relations(model: type) -> None:
    """A typo in a path would log a read without its child: each step must exist."""
    for path in (model.audit_child, model.audit_institution):  # type: ignore[attr-defined]  # model is any audited model class; type has no audit paths
        current = model
        for name in path.split(".") if path else ():
            if name == "pk":
                break
            assert hasattr(current, name), f"{model._meta.label}: {path!r} ({name})"
            try:
                field = current._meta.get_field(name)  # type: ignore[attr-defined]  # current is an object reached by getattr along the path
            except FieldDoesNotExist:  # a property (Note.institution, FollowUp.audit_child_id)
                break
            if isinstance(field, GenericForeignKey) or field.related_model is None:
                break
            current = field.related_model
