"""Deadlines: everyone has their own list and notifications; the PPR leader oversees and reassigns."""

from tests.security.routes import LOGIN, ROLES, Route, everyone

leader_only = everyone(403, ppr_leader=200)


def _psychologists_deadline(cast: object) -> dict[str, int]:
    from tests.deadlines.factories import deadline

    return {"pk": deadline(responsible=cast.psychologist).pk}  # type: ignore[attr-defined]  # the cast is typed as object


#: The deadline belongs to the psychologist: they see it but may not reassign (403); everyone
#: else but the PPR leader does not see it at all (404).
reassign = {role: 404 for role in ROLES} | {
    "anonymous": LOGIN,
    "psychologist": 403,
    "ppr_leader": 200,
}


def _psychologists_notification(cast: object) -> dict[str, int]:
    from ppr.deadlines.models import Notification

    notification = Notification.objects.create(
        recipient=cast.psychologist,  # type: ignore[attr-defined]  # the cast is typed as object
        message="Frist nærmer sig",
        link="/frister/",
    )
    return {"pk": notification.pk}


#: A notification is its recipient's alone: everyone else gets 404.
own_notification = {role: 404 for role in ROLES} | {"anonymous": LOGIN, "psychologist": 302}

complete = {role: 404 for role in ROLES} | {
    "anonymous": LOGIN,
    "psychologist": 200,
    "ppr_leader": 200,
}

ROUTES = [
    Route("deadlines:deadline-list", everyone(200)),
    Route("deadlines:deadline-list", everyone(200), query="?status=overdue&type=ppv"),
    Route("deadlines:deadline-overview", leader_only),
    Route("deadlines:deadline-reassign", reassign, kwargs=_psychologists_deadline),
    Route(
        "deadlines:deadline-reassign",
        reassign | {"ppr_leader": 302},
        kwargs=_psychologists_deadline,
        method="post",
        data=lambda cast: {"responsible": cast.colleague.pk},
    ),
    # Marking done: the responsible person and the PPR leader see the page; a deadline a
    # domain verb closes (as this one) is refused with 400; nobody else sees it (404).
    Route("deadlines:deadline-complete", complete, kwargs=_psychologists_deadline),
    Route(
        "deadlines:deadline-complete",
        complete | {"psychologist": 400, "ppr_leader": 400},
        kwargs=_psychologists_deadline,
        method="post",
    ),
    Route("deadlines:deadline-settings", leader_only),
    Route(
        "deadlines:deadline-settings",
        everyone(403, ppr_leader=302),
        method="post",
        data=lambda cast: {
            "receipt_working_days": 3,
            "visitation_working_days": 10,
            "ppv_service_weeks": 8,
            "notat_working_days": 5,
            "reminder_lead_working_days": 2,
        },
    ),
    Route("deadlines:failed-reminder-list", leader_only),
    Route("deadlines:notification-list", everyone(200)),
    Route("deadlines:notification-count", everyone(200)),
    Route("deadlines:notification-read-all", everyone(302), method="post"),
    Route("deadlines:notification-read-all", everyone(405), method="get"),
    Route("deadlines:notification-open", own_notification, kwargs=_psychologists_notification),
    Route(
        "deadlines:notification-read",
        own_notification,
        kwargs=_psychologists_notification,
        method="post",
    ),
    Route(
        "deadlines:notification-read",
        everyone(405),
        kwargs=_psychologists_notification,
        method="get",
    ),
]
