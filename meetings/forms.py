"""Forms for meetings. Danish labels and messages; the services re-check every rule."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone

from cases.children.anonymity import reject_known_child_name
from cases.models import Child, RulerColour
from indsatser.models import Intervention
from ppr import text_limits
from ppr.accounts.models import CASEWORKER_ROLES, INSTITUTION_ROLES, Membership, Role, User
from ppr.deadlines import calendar
from ppr.forms import (
    EventDateField,
    Form,
    ModelForm,
    ModelMultipleChoiceField,
    date_input,
    dkfds_style,
    model_choice_field,
)
from ppr.organisation.models import District, Institution
from ppr.sensitive import reject_cpr_like

from . import services
from .models import (
    FORUM_INSTITUTION_KINDS,
    ConferenceMeeting,
    ConferenceSeries,
    ConsultationSlot,
    Decision,
    Profession,
    SupportForum,
    TalkWith,
    TuesdaySeat,
)
from .tuesdays import DISCUSSION_MINUTES, PROFESSION_ROLE

TIME_INPUT = forms.TimeInput(attrs={"type": "time", "class": "form-input"}, format="%H:%M")


class StyledForm(Form):
    """Adds the DKFDS classes to every widget."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        dkfds_style(self)


def user_label(user: User) -> str:
    return f"{user} ({user.title})" if user.title else str(user)


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return user_label(obj)


class UsersChoiceField(ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return user_label(obj)


def meeting_candidates(institution: Institution) -> QuerySet[User]:
    """Who can be invited: the institution's people, PPR's professionals, social workers, health visitors."""
    memberships = (
        Q(memberships__role__in=list(INSTITUTION_ROLES), memberships__institution=institution)
        | Q(memberships__role__in=[Role.PPR_LEADER, *CASEWORKER_ROLES])
        | Q(memberships__role__in=[Role.SOCIAL_WORKER, Role.HEALTH_VISITOR])
    )
    ids = User.objects.filter(memberships, memberships__active=True, is_active=True).values("pk")
    return User.objects.filter(pk__in=ids).order_by("first_name", "last_name")


def _combine(day: date, at: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, at))


class MeetingTimeMixin(Form):
    """A date with a start and an end time, the way people book a meeting."""

    day = EventDateField(label="Dato", widget=date_input())
    start = forms.TimeField(label="Fra kl.", widget=TIME_INPUT, initial=time(13, 0))
    end = forms.TimeField(label="Til kl.", widget=TIME_INPUT, initial=time(14, 30))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("day") and data.get("start") and data.get("end"):
            if data["end"] <= data["start"]:
                self.add_error("end", "Mødet skal slutte efter det begynder.")
            else:
                data["starts_at"] = _combine(data["day"], data["start"])
                data["ends_at"] = _combine(data["day"], data["end"])
        return data


# --- The support model ---------------------------------------------------------------------


class SupportForumForm(ModelForm):
    institution_kinds = forms.MultipleChoiceField(
        label="For institutionstyper",
        choices=[(kind.value, kind.label) for kind in FORUM_INSTITUTION_KINDS],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Vælg mindst én institutionstype."},
    )

    class Meta:
        model = SupportForum
        fields = [
            "name",
            "institution_kinds",
            "case_scope",
            "children",
            "offers",
            "participants",
            "booked_by",
            "chaired_by",
            "minutes_policy",
            "position",
            "active",
        ]
        widgets = {
            "children": forms.Textarea(attrs={"rows": 2}),
            "offers": forms.Textarea(attrs={"rows": 3}),
            "participants": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        dkfds_style(self)


class ForumReferralForm(StyledForm):
    """The TRIO's henvisning; the institution is chosen first (it decides forums and children)."""

    forum = forms.ModelChoiceField(
        label="Forum", queryset=SupportForum.objects.none(), empty_label="Vælg forum"
    )
    child = forms.ModelChoiceField(
        label="Barn",
        queryset=Child.objects.none(),
        required=False,
        empty_label="Anonym (ikke aktiv sag uden samtykke)",
        help_text="Aktive sager skal have barnets navn. Ikke aktive sager kan henvises anonymt.",
    )
    anonymous_description = forms.CharField(
        label="Anonym beskrivelse",
        required=False,
        max_length=200,
        help_text="Kun ved anonym henvisning, fx “dreng, 3. klasse”. Ingen navne eller CPR-numre.",
        validators=[reject_cpr_like],
    )
    referred_on = EventDateField(label="Dato", widget=date_input())
    rationale = forms.CharField(
        max_length=text_limits.NOTE,
        label="Begrundelse",
        widget=forms.Textarea(attrs={"rows": 4}),
        validators=[reject_cpr_like],
    )
    own_tried = forms.CharField(
        max_length=text_limits.NOTE,
        label="Institutionens egen indsats: hvad har I prøvet?",
        help_text="Fx handleplan, samtaler med eleven og forældrene, tiltag i klassen, "
        "skolens vejledere. Ingen CPR-numre.",
        widget=forms.Textarea(attrs={"rows": 4}),
        validators=[reject_cpr_like],
    )
    own_from = EventDateField(label="Egen indsats fra", widget=date_input(), happened=True)
    own_to = EventDateField(
        label="Egen indsats til",
        widget=date_input(),
        help_text="I dag, hvis indsatsen stadig kører.",
    )
    own_result = forms.CharField(
        max_length=text_limits.NOTE,
        label="Med hvilket resultat?",
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[reject_cpr_like],
    )
    ruler_colour = forms.ChoiceField(
        label="Børnelineal", choices=RulerColour.choices, widget=forms.RadioSelect
    )
    follow_up_on = EventDateField(label="Opfølgning senest", widget=date_input())

    #: The fields about the institution's own response, shown as one group on the form.
    OWN_RESPONSE_FIELDS = ("own_tried", "own_from", "own_to", "own_result")

    def own_response(self) -> services.OwnResponse:
        data = self.cleaned_data
        return services.OwnResponse(
            tried=data.get("own_tried", ""),
            started_on=data.get("own_from"),
            ended_on=data.get("own_to"),
            result=data.get("own_result", ""),
        )

    def __init__(self, *args: Any, institution: Institution, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.institution = institution
        model_choice_field(self, "forum").queryset = SupportForum.objects.for_institution(
            institution
        )
        model_choice_field(self, "child").queryset = (
            Child.objects.visible_to(user)
            .filter(institution=institution)
            .order_by("first_name", "last_name")
        )
        self.fields["referred_on"].initial = calendar.today()
        self.fields["follow_up_on"].initial = calendar.add_working_days(calendar.today(), 20)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        forum, child = data.get("forum"), data.get("child")
        if forum is not None and forum.requires_named_child and child is None:
            self.add_error(
                "child",
                f"{forum.name} drøfter aktive sager: vælg barnet. Kun ikke aktive sager kan henvises anonymt.",
            )
        if data.get("follow_up_on") and data["follow_up_on"] < calendar.today():
            self.add_error("follow_up_on", "Opfølgningsdatoen kan ikke ligge i fortiden.")
        if data.get("own_from") and data.get("own_to") and data["own_to"] < data["own_from"]:
            self.add_error("own_to", "Den egne indsats kan ikke slutte, før den begyndte.")
        return data


# --- The koordinerende TRIO ------------------------------------------------------------------


def institution_people(institution: Institution, *roles: str) -> QuerySet[User]:
    ids = Membership.objects.in_force().filter(institution=institution, role__in=roles)
    return User.objects.filter(is_active=True, pk__in=ids.values("user_id")).order_by(
        "first_name", "last_name"
    )


def people_with_role(role: str) -> QuerySet[User]:
    ids = Membership.objects.in_force().filter(role=role)
    return User.objects.filter(is_active=True, pk__in=ids.values("user_id")).order_by(
        "first_name", "last_name"
    )


class TrioForm(StyledForm):
    """The institution's TRIO for one school year: three named people."""

    leader = UserChoiceField(label="Leder", queryset=User.objects.none(), empty_label="Vælg")
    psychologist = UserChoiceField(
        label="PPR-psykolog", queryset=User.objects.none(), empty_label="Vælg"
    )
    resource_person = UserChoiceField(
        label="Pædagogisk/faglig ressourceperson",
        queryset=User.objects.none(),
        empty_label="Vælg",
        help_text="En af institutionens egne, fx læringsmiljøvejleder eller AKT-vejleder.",
    )
    resource_title = forms.CharField(
        label="Ressourcepersonens funktion",
        max_length=100,
        required=False,
        help_text="Fx “læringsmiljøvejleder”.",
        validators=[reject_cpr_like],
    )

    def __init__(self, *args: Any, institution: Institution, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "leader").queryset = institution_people(
            institution, Role.INSTITUTION_LEADER
        )
        model_choice_field(self, "psychologist").queryset = people_with_role(Role.PSYCHOLOGIST)
        model_choice_field(self, "resource_person").queryset = institution_people(
            institution, *INSTITUTION_ROLES
        )


# --- Skolesocialrådgivning -------------------------------------------------------------------


class ConsultationSlotForm(ModelForm):
    """One fixed weekly time of the open consultation."""

    social_worker = UserChoiceField(
        label="Socialrådgiver", queryset=User.objects.none(), empty_label="Vælg"
    )

    class Meta:
        model = ConsultationSlot
        fields = [
            "institution",
            "social_worker",
            "weekday",
            "starts_at",
            "ends_at",
            "location",
            "active",
        ]
        widgets = {"starts_at": TIME_INPUT, "ends_at": TIME_INPUT}

    def __init__(
        self, *args: Any, institutions: QuerySet[Institution], user: User, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "institution").queryset = institutions
        workers = people_with_role(Role.SOCIAL_WORKER)
        if not (user.is_ppr_leader or user.institution_ids(Role.INSTITUTION_LEADER)):
            workers = workers.filter(pk=user.pk)  # a social worker keeps their own times
        model_choice_field(self, "social_worker").queryset = workers
        dkfds_style(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            self.add_error("ends_at", "Konsultationstiden skal slutte efter den begynder.")
        return data


class TalkForm(StyledForm):
    """Booking a talk in a consultation slot, for a named child or anonymous."""

    held_on = EventDateField(label="Dato", widget=date_input())
    talk_with = forms.ChoiceField(label="Samtale med", choices=TalkWith.choices)
    child = forms.ModelChoiceField(
        label="Barn",
        queryset=Child.objects.none(),
        required=False,
        empty_label="Anonym",
        help_text="Barnet nævnes kun ved navn med samtykke fra alle forældremyndighedsindehavere. "
        "Op til 3 samtaler med eleven og/eller forældrene; flere kræver en henvisning fra TRIO'en.",
    )
    anonymous_description = forms.CharField(
        label="Anonym beskrivelse",
        required=False,
        max_length=200,
        help_text="Kun ved anonym samtale, fx “pige, 6. klasse”. Ingen navne eller CPR-numre.",
        validators=[reject_cpr_like],
    )

    def __init__(self, *args: Any, slot: ConsultationSlot, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "child").queryset = (
            Child.objects.visible_to(user)
            .filter(institution_id=slot.institution_id)
            .order_by("first_name", "last_name")
        )
        self.fields["held_on"].initial = next_weekday(calendar.today(), slot.weekday)


def next_weekday(start: date, weekday: int) -> date:
    """The first day on or after ``start`` that is ``weekday`` (0 = Monday)."""
    return start + timedelta(days=(weekday - start.weekday()) % 7)


class ForumMeetingForm(MeetingTimeMixin, StyledForm):
    """Booking a forum meeting: when, where, who leads, who writes, who takes part."""

    forum = forms.ModelChoiceField(
        label="Forum", queryset=SupportForum.objects.none(), empty_label="Vælg forum"
    )
    child = forms.ModelChoiceField(
        label="Barn",
        queryset=Child.objects.none(),
        required=False,
        empty_label="Intet barn (ikke aktiv sag)",
    )
    location = forms.CharField(label="Sted", max_length=200)
    chair = UserChoiceField(
        label="Mødeleder", queryset=User.objects.none(), empty_label="Vælg mødeleder"
    )
    minutes_writer = UserChoiceField(
        label="Referent",
        queryset=User.objects.none(),
        required=False,
        empty_label="Ingen (forummet har intet referat)",
        help_text="Forummets regel bestemmer: PPR skriver notat, socialrådgiveren tager referat, eller intet referat.",
    )
    participants = UsersChoiceField(
        label="Deltagere",
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    other_participants = forms.CharField(
        label="Øvrige deltagere",
        max_length=300,
        required=False,
        help_text="Deltagere uden login, fx “forældre”.",
        validators=[reject_cpr_like],
    )

    def __init__(
        self,
        *args: Any,
        institution: Institution,
        user: User,
        fixed_child: Child | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.institution = institution
        self.fixed_child = fixed_child
        candidates = meeting_candidates(institution)
        model_choice_field(self, "forum").queryset = SupportForum.objects.for_institution(
            institution
        )
        model_choice_field(self, "chair").queryset = candidates
        model_choice_field(self, "minutes_writer").queryset = candidates
        model_choice_field(self, "participants").queryset = candidates
        if fixed_child is not None:
            del self.fields["child"]
        else:
            model_choice_field(self, "child").queryset = Child.objects.visible_to(user).filter(
                institution=institution
            )


# --- Koordineringskonferencer ------------------------------------------------------------------


class ConferenceSeriesForm(ModelForm):
    standing_participants = UsersChoiceField(
        label="Faste deltagere",
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Typisk PPR, socialrådgiver, sundhedsplejerske og institutionens leder.",
    )

    class Meta:
        model = ConferenceSeries
        fields = ["name", "room", "cadence", "standing_participants"]

    def __init__(self, *args: Any, institution: Institution, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.institution = institution
        model_choice_field(self, "standing_participants").queryset = meeting_candidates(institution)
        if not self.instance.pk:
            self.fields["name"].initial = f"Koordineringskonference {institution.name}"
        dkfds_style(self)


class ConferenceMeetingForm(MeetingTimeMixin, StyledForm):
    room = forms.CharField(label="Lokale", max_length=150)


class AgendaItemForm(StyledForm):
    """An opgave: named only when consent for this meeting is recorded; otherwise anonymous."""

    title = forms.CharField(label="Opgave (kort)", max_length=200, validators=[reject_cpr_like])
    description = forms.CharField(
        max_length=text_limits.NOTE,
        label="Beskrivelse",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[reject_cpr_like],
    )
    child = forms.ModelChoiceField(
        label="Barn",
        queryset=Child.objects.none(),
        required=False,
        empty_label="Anonym opgave",
        help_text="Vælg kun barnet, hvis forældremyndighedsindehaverne har givet samtykke til drøftelse på netop denne konference.",
    )
    anonymous_description = forms.CharField(
        label="Anonym beskrivelse",
        max_length=200,
        required=False,
        help_text="Fx “pige, 2. klasse”. Ingen navne eller CPR-numre.",
        validators=[reject_cpr_like],
    )

    def __init__(self, *args: Any, meeting: ConferenceMeeting, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        model_choice_field(self, "child").queryset = Child.objects.visible_to(user).filter(
            institution_id=meeting.series.institution_id
        )

    def clean_child(self) -> Child | None:
        child = self.cleaned_data.get("child")
        if child is not None and (reason := services.named_item_error(child, self.meeting)):
            raise ValidationError(reason, code="consent")
        return child


@dataclass
class DecisionOptions:
    """The forums and people a meeting's decision forms offer, loaded once for all its items."""

    forum_queryset: QuerySet[SupportForum]
    people_queryset: QuerySet[User]
    intervention_queryset: QuerySet[Intervention]
    forums: list[SupportForum]
    people: list[User]
    interventions: list[Intervention]

    @classmethod
    def for_meeting(cls, meeting: ConferenceMeeting) -> "DecisionOptions":
        institution = meeting.series.institution
        forums = SupportForum.objects.for_institution(institution)
        people = meeting_candidates(institution)
        interventions = Intervention.objects.available().order_by("name")
        return cls(forums, people, interventions, list(forums), list(people), list(interventions))


class DecisionForm(StyledForm):
    """The decision on one opgave, entered in the room; ``version`` catches a parallel edit."""

    decision = forms.ChoiceField(
        label="Beslutning", choices=Decision.choices, widget=forms.RadioSelect
    )
    forum = forms.ModelChoiceField(
        label="Henvis til forum",
        queryset=SupportForum.objects.none(),
        required=False,
        empty_label="–",
        help_text="Henvisningen oprettes som kladde, som institutionen gør færdig.",
    )
    intervention = forms.ModelChoiceField(
        label="Indsats fra kataloget",
        queryset=Intervention.objects.none(),
        required=False,
        empty_label="–",
        help_text="Ved “Igangsæt en indsats” for et barn med en åben sag: forløbet oprettes "
        "som kladde på sagen, som PPR gør færdig og starter.",
    )
    responsible = UserChoiceField(
        label="Ansvarlig", queryset=User.objects.none(), required=False, empty_label="–"
    )
    follow_up_on = EventDateField(label="Opfølgning senest", widget=date_input(), required=False)
    decision_note = forms.CharField(
        max_length=text_limits.NOTE,
        label="Uddybning",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[reject_cpr_like],
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(
        self, *args: Any, item: Any, options: "DecisionOptions | None" = None, **kwargs: Any
    ) -> None:
        kwargs.setdefault("prefix", f"punkt-{item.pk}")
        super().__init__(*args, **kwargs)
        options = options or DecisionOptions.for_meeting(item.meeting)
        model_choice_field(self, "forum").queryset = options.forum_queryset
        model_choice_field(self, "responsible").queryset = options.people_queryset
        model_choice_field(self, "intervention").queryset = options.intervention_queryset
        model_choice_field(self, "intervention").choices = [
            ("", "–"),
            *((i.pk, str(i)) for i in options.interventions),
        ]
        # The choices are read once per page, not once per item (a meeting has many items).
        model_choice_field(self, "forum").choices = [
            ("", "–"),
            *((f.pk, str(f)) for f in options.forums),
        ]
        model_choice_field(self, "responsible").choices = [
            ("", "–"),
            *((u.pk, user_label(u)) for u in options.people),
        ]
        if not self.is_bound:
            self.initial.update(
                decision=item.decision or None,
                forum=item.forum_id,
                intervention=item.course.intervention_id if item.course_id else None,
                responsible=item.responsible_id,
                follow_up_on=item.follow_up_on,
                decision_note=item.decision_note,
                version=item.version,
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        decision = data.get("decision")
        if decision and decision != Decision.CLOSE:
            if not data.get("responsible"):
                self.add_error("responsible", "Vælg hvem der er ansvarlig.")
            if not data.get("follow_up_on"):
                self.add_error("follow_up_on", "Angiv en opfølgningsdato.")
        if decision == Decision.REFER_FORUM and not data.get("forum"):
            self.add_error("forum", "Vælg det forum, opgaven henvises til.")
        if data.get("follow_up_on") and data["follow_up_on"] < calendar.today():
            self.add_error("follow_up_on", "Opfølgningsdatoen kan ikke ligge i fortiden.")
        return data


# --- Notater -----------------------------------------------------------------------------------


class NoteForm(StyledForm):
    title = forms.CharField(label="Overskrift", max_length=200)
    participants = UsersChoiceField(
        label="Deltagere",
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    other_participants = forms.CharField(label="Øvrige deltagere", max_length=300, required=False)
    text = forms.CharField(
        max_length=text_limits.SECTION,
        label="Notat",
        widget=forms.Textarea(attrs={"rows": 12}),
        required=False,
    )
    decisions = forms.CharField(
        max_length=text_limits.SECTION,
        label="Beslutninger og aftaler",
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, note: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        candidates = meeting_candidates(note.institution)
        chosen = note.participants.values("pk")
        model_choice_field(self, "participants").queryset = User.objects.filter(
            Q(pk__in=candidates.values("pk")) | Q(pk__in=chosen)
        ).order_by("first_name", "last_name")
        if not self.is_bound:
            self.initial.update(
                title=note.title,
                participants=list(note.participants.values_list("pk", flat=True)),
                other_participants=note.other_participants,
                text=note.text,
                decisions=note.decisions,
                version=note.version,
            )


class VersionForm(Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class FinaliseNoteForm(VersionForm):
    """Make a notat final; before its meeting has begun only with an explicit confirmation."""

    confirm_before_meeting = forms.BooleanField(
        label="Mødet er ikke holdt endnu. Gør notatet endeligt alligevel.", required=False
    )


# --- Tværfaglige tirsdagsmøder -----------------------------------------------------------------


class SchoolHolidayForm(StyledForm):
    """One school holiday: its name and its first and last day."""

    #: Longer than the summer holiday is a typing error (a wrong year), not a holiday.
    LONGEST = timedelta(days=70)

    name = forms.CharField(
        label="Ferie",
        max_length=100,
        help_text="Fx “Sommerferie”, “Efterårsferie” eller “Juleferie”.",
        error_messages={"required": "Skriv hvilken ferie det er."},
    )
    starts_on = EventDateField(
        label="Første feriedag",
        widget=date_input(),
        error_messages={"required": "Angiv første feriedag.", "invalid": "Angiv en gyldig dato."},
    )
    ends_on = EventDateField(
        label="Sidste feriedag",
        widget=date_input(),
        error_messages={"required": "Angiv sidste feriedag.", "invalid": "Angiv en gyldig dato."},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and ends_on:
            if ends_on < starts_on:
                self.add_error(
                    "ends_on", "Den sidste feriedag skal ligge på eller efter den første."
                )
            elif ends_on - starts_on > self.LONGEST:
                self.add_error("ends_on", "En ferie kan højst vare 10 uger. Tjek årstallet.")
        return data


class PlanForm(StyledForm):
    """Next year's plan: the year, the start time and a room per district (blank: no meetings)."""

    year = forms.IntegerField(label="År", min_value=2020, max_value=2100)
    start = forms.TimeField(label="Mødestart", widget=TIME_INPUT, initial=time(13, 0))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = calendar.today().year + 1
        self.districts = list(District.objects.order_by("name"))
        for district in self.districts:
            self.fields[f"room_{district.pk}"] = forms.CharField(
                label=f"Lokale i {district.name}",
                required=False,
                max_length=150,
                initial=f"Mødelokale {district.name}" if district.name in ("Vest", "Øst") else "",
                help_text="Tomt: ingen tirsdagsmøder i distriktet.",
                widget=forms.TextInput(attrs={"class": "form-input"}),
            )

    def room_fields(self) -> list[forms.BoundField]:
        return [self[f"room_{district.pk}"] for district in self.districts]

    def rooms(self) -> dict[District, str]:
        return {
            district: self.cleaned_data[f"room_{district.pk}"].strip()
            for district in self.districts
            if self.cleaned_data.get(f"room_{district.pk}", "").strip()
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors and not self.rooms():
            raise ValidationError("Skriv et lokale for mindst ét distrikt.")
        return data


class SubstituteForm(StyledForm):
    substitute = UserChoiceField(
        label="Afløser", queryset=User.objects.none(), empty_label="Vælg afløser"
    )

    def __init__(self, *args: Any, seat: TuesdaySeat, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "substitute").queryset = colleagues(seat)


def colleagues(seat: TuesdaySeat) -> QuerySet[User]:
    """People of the seat's profession who are not already at the meeting."""
    role = PROFESSION_ROLE[Profession(seat.profession)]
    ids = User.objects.filter(
        memberships__role=role, memberships__active=True, is_active=True
    ).values("pk")
    seated = seat.meeting.seats.filter(state="deltager").values("user_id")
    return (
        User.objects.filter(pk__in=ids).exclude(pk__in=seated).order_by("first_name", "last_name")
    )


class SeatChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.meeting.local_date:%d.%m.%Y} ({obj.meeting.district.name}) – {obj.user}"


class SwapForm(StyledForm):
    """Ask a colleague to take the seat; or pick one of their seats to swap with."""

    colleague = UserChoiceField(
        label="Kollega", queryset=User.objects.none(), required=False, empty_label="–"
    )
    counter_seat = SeatChoiceField(
        label="…eller byt med en kollegas plads",
        queryset=TuesdaySeat.objects.none(),
        required=False,
        empty_label="Intet bytte – kollegaen tager bare min plads",
        help_text="Vælger du en plads, overtager du den, og kollegaen tager din.",
    )

    def __init__(self, *args: Any, seat: TuesdaySeat, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.seat = seat
        model_choice_field(self, "colleague").queryset = colleagues(seat)
        mine = TuesdaySeat.objects.filter(user_id=seat.user_id, state="deltager").values(
            "meeting_id"
        )
        model_choice_field(self, "counter_seat").queryset = (
            TuesdaySeat.objects.filter(
                profession=seat.profession,
                state="deltager",
                meeting__cancelled_at__isnull=True,
                meeting__starts_at__gt=timezone.now(),
            )
            .exclude(user_id=seat.user_id)
            .exclude(meeting_id__in=mine)
            .exclude(user_id__in=seat.meeting.seats.filter(state="deltager").values("user_id"))
            .select_related("meeting__district", "user")
            .order_by("meeting__starts_at")
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        colleague, counter = data.get("colleague"), data.get("counter_seat")
        if counter is not None:
            if colleague is not None and colleague.pk != counter.user_id:
                self.add_error(
                    "counter_seat", "Pladsen tilhører en anden kollega end den, du har valgt."
                )
            data["colleague"] = counter.user
        elif colleague is None:
            self.add_error("colleague", "Vælg en kollega eller en plads at bytte med.")
        return data


class DiscussionForm(Form):
    keywords = forms.CharField(
        label="Problemstilling i stikord",
        max_length=300,
        required=False,
        validators=[reject_cpr_like, reject_known_child_name],
    )
    presenter = UserChoiceField(
        label="Bragt af", queryset=User.objects.none(), required=False, empty_label="–"
    )
    priority = forms.IntegerField(label="Prioritet", min_value=1, max_value=20, required=False)
    minutes = forms.IntegerField(
        label="Minutter", min_value=1, max_value=DISCUSSION_MINUTES, required=False
    )

    def __init__(self, *args: Any, participants: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "presenter").queryset = participants
        dkfds_style(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("keywords"):
            for field, label in (("priority", "prioritet"), ("minutes", "minutter")):
                if data.get(field) in (None, ""):
                    self.add_error(field, f"Angiv {label}.")
        return data


class BaseDiscussionFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        if any(self.errors):
            return
        rows = [form.cleaned_data for form in self.forms if form.cleaned_data.get("keywords")]
        if not rows:
            return
        total = sum(row["minutes"] for row in rows)
        if total != DISCUSSION_MINUTES:
            raise ValidationError(
                f"De {DISCUSSION_MINUTES} minutter skal fordeles helt mellem drøftelserne: summen er nu {total} minutter."
            )
        priorities = [row["priority"] for row in rows]
        if len(set(priorities)) != len(priorities):
            raise ValidationError("To drøftelser kan ikke have samme prioritet.")


DiscussionFormSet = forms.formset_factory(
    DiscussionForm, formset=BaseDiscussionFormSet, extra=0, max_num=8
)


class TuesdayAgendaForm(StyledForm):
    timekeeper = UserChoiceField(
        label="Tidtager", queryset=User.objects.none(), required=False, empty_label="–"
    )
    any_other_business = forms.CharField(
        max_length=text_limits.SHORT,
        label="Evt. (15 min.)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[reject_cpr_like, reject_known_child_name],
    )

    def __init__(self, *args: Any, participants: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "timekeeper").queryset = participants


class ObservationForumForm(StyledForm):
    """Tidlig opsporing → the TRIO: which of the institution's forums the drafted henvisning
    goes to (the TRIO finishes it with its own response)."""

    forum = forms.ModelChoiceField(
        label="Forum",
        queryset=SupportForum.objects.none(),
        empty_label="Vælg forum",
        error_messages={
            "required": "Vælg det forum, henvisningen skal til.",
            "invalid_choice": "Vælg et forum fra listen.",
        },
    )

    def __init__(self, *args: Any, institution: Institution, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "forum").queryset = SupportForum.objects.for_institution(
            institution
        ).order_by("position")


# --- Overgange (transitions) -------------------------------------------------------------------


class TransitionRequestForm(StyledForm):
    """Bed modtagende TRIO handle: which school, and what the sending TRIO wants it to know."""

    receiving_institution = forms.ModelChoiceField(
        label="Modtagende skole",
        queryset=Institution.objects.none(),
        empty_label="Vælg skole",
        error_messages={
            "required": "Vælg den skole, barnet skal gå på.",
            "invalid_choice": "Vælg en skole fra listen.",
        },
    )
    message = forms.CharField(
        label="Til den modtagende TRIO",
        max_length=text_limits.NOTE,
        widget=forms.Textarea({"rows": 5}),
        help_text="Hvad bør den modtagende TRIO vide og gøre? Skriv uden barnets navn og "
        "CPR-nummer: teksten vises også, når barnet ikke må nævnes.",
        error_messages={"required": "Skriv hvad den modtagende TRIO bør vide og gøre."},
        validators=[reject_cpr_like],
    )

    def __init__(self, *args: Any, institutions: QuerySet[Institution], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "receiving_institution").queryset = institutions


class TransitionResponseForm(StyledForm):
    """The receiving TRIO's acknowledgement: what it will do."""

    response = forms.CharField(
        label="Det vil vi gøre",
        max_length=text_limits.NOTE,
        widget=forms.Textarea({"rows": 4}),
        help_text="Fx møde med forældrene før skolestart, klassesammensætning, plads i TRIO'ens "
        "næste møde. Ingen CPR-numre.",
        error_messages={"required": "Skriv hvad TRIO'en vil gøre."},
        validators=[reject_cpr_like],
    )
