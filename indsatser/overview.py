"""Start-page panel: the courses I am responsible for; for school leaders, the school's absence
cases with overdue steps."""

from django.db.models import Count, Q

from ppr.accounts.models import Role
from ppr.deadlines import calendar
from ppr.http import AuthenticatedHttpRequest
from ppr.overview import Panel, register

from .models import AbsenceCase, Course
from .rules import is_course_runner, works_at_school

PANEL_ROWS = 6


@register(order=40)
def indsatser_panel(request: AuthenticatedHttpRequest) -> Panel | None:
    user = request.user
    show_courses = bool(is_course_runner(user))
    show_absence = bool(works_at_school(user)) and user.has_role(Role.INSTITUTION_LEADER)
    if not (show_courses or show_absence):
        return None
    context: dict[str, object] = {"show_courses": show_courses, "show_absence": show_absence}
    if show_courses:
        courses = list(
            Course.objects.active()
            .filter(Q(responsible=user) | Q(co_leaders=user))
            .distinct()
            .order_by("starts_on", "pk")[: PANEL_ROWS + 1]
        )
        context["courses"] = courses[:PANEL_ROWS]
        context["more_courses"] = len(courses) > PANEL_ROWS
    if show_absence:
        today = calendar.today()
        context["absence_cases"] = list(
            AbsenceCase.objects.visible_to(user)
            .open()
            .filter(institution_id__in=user.institution_ids(Role.INSTITUTION_LEADER))
            .annotate(
                overdue_steps=Count(
                    "steps", filter=Q(steps__done_on__isnull=True, steps__due__lt=today)
                )
            )
            .filter(overdue_steps__gt=0)
            .select_related("child")
            .order_by("-overdue_steps", "pk")[:PANEL_ROWS]
        )
    return Panel("indsatser/_panel.html", context)
