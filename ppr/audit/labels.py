"""What a person calls an audited record ("Sag 2026-00018", "PPV version 2, sag 2026-00018")
instead of its code name ("cases.Case #18"), from one place.

An audited model says it with an ``audit_label`` property (never a CPR number), and lists the
relations that property reads in ``audit_label_related``. The audit log reads the records of a
page of events together, one query per kind of record, found through the app registry: ppr/
imports no domain app. A record without ``audit_label``, or deleted since, is named by its
model's Danish name and id ("Journalnotat #12").
"""

from collections import defaultdict
from collections.abc import Iterable

from django.apps import apps
from django.db import models
from django.utils.text import capfirst

from .models import AuditEvent

Key = tuple[str, str]


def _model(object_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def object_labels(events: Iterable[AuditEvent]) -> dict[Key, str]:
    """{(object_type, object_id): label} for the events' records."""
    wanted: dict[str, set[int]] = defaultdict(set)
    labels: dict[Key, str] = {}
    for event in events:
        if not event.object_type:
            continue
        model = _model(event.object_type)
        key = (event.object_type, event.object_id)
        name = capfirst(model._meta.verbose_name) if model else event.object_type
        labels[key] = f"{name} #{event.object_id}"
        if model is not None and hasattr(model, "audit_label") and event.object_id.isdigit():
            wanted[event.object_type].add(int(event.object_id))
    for object_type, ids in wanted.items():
        model = _model(object_type)
        if model is None:  # not reached: only known models' ids are wanted
            continue
        records = model._default_manager.filter(pk__in=ids)
        if related := getattr(model, "audit_label_related", ()):
            records = records.select_related(*related)
        for obj in records:
            labels[(object_type, str(obj.pk))] = obj.audit_label  # type: ignore[attr-defined]  # hasattr(model, "audit_label") above
    return labels
