"""The meetings parents can consent to by name, offered by cases' consent form."""

from cases.children.forms import MeetingChoices, named_meeting_provider
from cases.models import Child

from .models import ConferenceSeries, SupportForum
from .querysets import TRANSITION_CONSENT


@named_meeting_provider
def consent_meeting_choices(child: Child) -> MeetingChoices:
    """The support model's forums for the child's institution, the institution's
    koordineringskonference, and the handover to the receiving TRIO at a transition, each a
    group of names."""
    forums = SupportForum.objects.for_institution(child.institution)
    series = ConferenceSeries.objects.filter(institution_id=child.institution_id, active=True)
    groups = [
        ("Supportmodellens fora", [(forum.name, forum.name) for forum in forums]),
        ("Koordineringskonference", [(s.name, s.name) for s in series]),
        # Naming the child to the receiving TRIO at a change of institution or stage.
        ("Overgang", [(TRANSITION_CONSENT, TRANSITION_CONSENT)]),
    ]
    return [(label, options) for label, options in groups if options]
