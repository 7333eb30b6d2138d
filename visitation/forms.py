"""Forms of the visitation app: an offer, starting an application and its draft sections."""

import uuid
from typing import Any

from django import forms
from django.db.models import QuerySet

from cases.models import Child, EvaluationParty, Guardian, RulerColour
from cases.ppv.forms import GuardianChoiceField
from cases.ratings.forms import COLOUR_HELP
from ppr import text_limits
from ppr.accounts.models import Role, User
from ppr.forms import EventDateField, Form, ModelForm, dkfds_style, model_choice_field
from ppr.organisation.models import Institution

from .models import (
    AppealOutcome,
    Appellant,
    Committee,
    DecisionOutcome,
    MemberFunction,
    Offer,
    OfferKind,
    ParentsPosition,
    Recommendation,
    ReviewOutcome,
)
from .services import DRAFT_FIELDS

TEXT = {"class": "form-input"}
AREA = {"class": "form-input", "rows": 5}


class OfferForm(ModelForm):
    class Meta:
        model = Offer
        fields = [
            "name",
            "kind",
            "institution",
            "target_group",
            "min_age",
            "max_age",
            "grades",
            "places",
            "yearly_price",
            "own",
        ]
        widgets = {"target_group": forms.Textarea(attrs={"rows": 2})}
        error_messages = {"name": {"unique": "Der findes allerede et tilbud med dette navn."}}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        institution = model_choice_field(self, "institution")
        institution.queryset = Institution.objects.filter(active=True)
        institution.empty_label = "Vælg institution"
        dkfds_style(self)


class ChildChoiceField(forms.ModelChoiceField):
    """A child by name and masked CPR number."""

    def label_from_instance(self, obj: Child) -> str:
        return f"{obj.name} ({obj.cpr_masked})"


class ApplicationStartForm(Form):
    """Choose the child the application is for (children with an open case the user may apply
    for)."""

    child = ChildChoiceField(
        label="Barn",
        queryset=Child.objects.none(),
        empty_label="Vælg barn",
        error_messages={
            "required": "Vælg det barn, ansøgningen gælder.",
            "invalid_choice": "Vælg et barn fra listen.",
        },
    )

    def __init__(self, *args: Any, children: "QuerySet[Child]", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "child").queryset = children.order_by("last_name", "first_name")
        dkfds_style(self)


class ApplicationForm(Form):
    """The sections of an ansøgning om specialpædagogisk bistand. Everything is optional while
    drafting; what makes it complete is checked when it is submitted."""

    requested_kind = forms.ChoiceField(
        label="Hvad søges der om?",
        choices=[("", "Vælg")] + list(OfferKind.choices),
        required=False,
        error_messages={"invalid_choice": "Vælg blandt de viste typer."},
    )
    requested_offer = forms.ModelChoiceField(
        label="Ønsket tilbud",
        queryset=Offer.objects.none(),
        required=False,
        empty_label="Intet bestemt tilbud",
        help_text="Visitationsudvalget kan anbefale et andet tilbud end det ønskede.",
        error_messages={"invalid_choice": "Vælg et tilbud fra listen."},
    )
    requested_from = EventDateField(
        label="Ønsket start",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Skriv datoen som dd.mm.åååå."},
    )
    request_details = forms.CharField(
        max_length=text_limits.SECTION,
        label="Begrundelse",
        required=False,
        help_text="Hvilket behov skal støtten dække, og hvorfor rækker den almene indsats ikke?",
        widget=forms.Textarea(AREA),
    )
    plan_goals = forms.CharField(
        max_length=text_limits.SECTION, label="Mål", required=False, widget=forms.Textarea(AREA)
    )
    plan_actions = forms.CharField(
        max_length=text_limits.SECTION,
        label="Hvad er gjort",
        required=False,
        widget=forms.Textarea(AREA),
    )
    plan_period = forms.CharField(
        label="Periode",
        max_length=100,
        required=False,
        help_text="Fx “august–oktober 2025”.",
        error_messages={"max_length": "Perioden må højst være %(limit_value)d tegn."},
    )
    plan_evaluation = forms.CharField(
        max_length=text_limits.SECTION,
        label="Evaluering",
        required=False,
        help_text="Hvordan er handleplanen evalueret, og hvad viste evalueringen?",
        widget=forms.Textarea(AREA),
    )
    plan_evaluated_with = forms.MultipleChoiceField(
        label="Evalueret med",
        choices=EvaluationParty.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Vælg blandt de viste parter."},
    )
    parents_position = forms.ChoiceField(
        label="Forældrenes holdning",
        choices=ParentsPosition.choices,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Vælg en af de viste holdninger."},
    )
    parents_view = forms.CharField(
        max_length=text_limits.SECTION,
        label="Forældrenes syn",
        required=False,
        help_text="Hvad ønsker forældrene, og hvad lægger de vægt på?",
        widget=forms.Textarea(AREA),
    )
    child_view = forms.CharField(
        max_length=text_limits.SECTION,
        label="Barnets eget perspektiv",
        required=False,
        widget=forms.Textarea(AREA),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "requested_offer").queryset = (
            Offer.objects.available().select_related("institution").order_by("name")
        )
        dkfds_style(self)

    def draft_data(self) -> dict[str, object]:
        """The cleaned sections, ready for ``save_draft``."""
        return {name: self.cleaned_data[name] for name in DRAFT_FIELDS if name in self.cleaned_data}

    @classmethod
    def initial_from(cls, application: object) -> dict[str, object]:
        initial = {name: getattr(application, name) for name in (*DRAFT_FIELDS, "version")}
        initial["requested_offer"] = getattr(application, "requested_offer_id", None)
        return initial


class CommitteeForm(ModelForm):
    class Meta:
        model = Committee
        fields = ["name"]
        error_messages = {"name": {"unique": "Der findes allerede et udvalg med dette navn."}}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        dkfds_style(self)


class MemberForm(Form):
    user = forms.ModelChoiceField(
        label="Medlem",
        queryset=User.objects.none(),
        empty_label="Vælg person",
        error_messages={
            "required": "Vælg den person, der skal være medlem.",
            "invalid_choice": "Vælg en person fra listen.",
        },
    )
    function = forms.ChoiceField(
        label="Funktion",
        choices=MemberFunction.choices,
        error_messages={"invalid_choice": "Vælg en af de viste funktioner."},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user_field = model_choice_field(self, "user")
        # Staff who may hold case content: not the administrator, not parents.
        user_field.queryset = (
            User.objects.filter(is_active=True, memberships__active=True)
            .exclude(memberships__role__in=[Role.ADMINISTRATOR, Role.PARENT])
            .distinct()
            .order_by("first_name", "last_name")
        )
        dkfds_style(self)


class MeetingForm(Form):
    held_on = EventDateField(
        label="Mødedato",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": "Vælg mødets dato.", "invalid": "Skriv datoen som dd.mm.åååå."},
    )
    place = forms.CharField(label="Sted", max_length=150, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        dkfds_style(self)


class PresentationForm(Form):
    presentation = forms.CharField(
        label="Sagsfremstilling",
        max_length=text_limits.SECTION,
        help_text="Barnets situation, hvad der er afprøvet, og hvad PPV'en anbefaler.",
        widget=forms.Textarea(AREA),
        error_messages={"required": "Skriv sagsfremstillingen."},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        dkfds_style(self)


class RecommendationForm(Form):
    recommendation = forms.ChoiceField(
        label="Udvalgets indstilling",
        choices=Recommendation.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Vælg udvalgets indstilling.",
            "invalid_choice": "Vælg en af de viste indstillinger.",
        },
    )
    recommended_offer = forms.ModelChoiceField(
        label="Anbefalet tilbud",
        queryset=Offer.objects.none(),
        required=False,
        empty_label="Intet tilbud",
        error_messages={"invalid_choice": "Vælg et tilbud fra listen."},
    )
    note = forms.CharField(
        label="Begrundelse",
        max_length=text_limits.NOTE,
        widget=forms.Textarea({**AREA, "rows": 4}),
        error_messages={"required": "Begrund udvalgets indstilling."},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offer_field = model_choice_field(self, "recommended_offer")
        offer_field.queryset = Offer.objects.available().order_by("name")
        dkfds_style(self)


class HearingForm(Form):
    material = forms.CharField(
        label="Materiale og forventet afgørelse",
        max_length=text_limits.SECTION,
        help_text="Hvad forældrene får til gennemsyn, og hvilken afgørelse der forventes.",
        widget=forms.Textarea(AREA),
        error_messages={"required": "Beskriv materialet og den forventede afgørelse."},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        dkfds_style(self)


class HearingAnswerForm(Form):
    answered_on = EventDateField(
        label="Svar modtaget",
        happened=True,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": "Vælg datoen for svaret.",
            "invalid": "Skriv datoen som dd.mm.åååå.",
        },
    )
    answer = forms.CharField(
        label="Forældrenes bemærkninger",
        max_length=text_limits.SECTION,
        widget=forms.Textarea(AREA),
        error_messages={"required": "Skriv forældrenes bemærkninger."},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        dkfds_style(self)


class DecisionForm(Form):
    outcome = forms.ChoiceField(
        label="Afgørelse",
        choices=DecisionOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Vælg afgørelsen.",
            "invalid_choice": "Vælg en af de viste afgørelser.",
        },
    )
    offer = forms.ModelChoiceField(
        label="Tilbud (ved bevilling)",
        queryset=Offer.objects.none(),
        required=False,
        empty_label="Vælg tilbud",
        error_messages={"invalid_choice": "Vælg et tilbud fra listen."},
    )
    starts_on = EventDateField(
        label="Start (ved bevilling)",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Skriv datoen som dd.mm.åååå."},
    )
    review_on = EventDateField(
        label="Revurderes senest",
        required=False,
        help_text="Tom: et år efter starten.",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Skriv datoen som dd.mm.åååå."},
    )
    other_intervention = forms.CharField(
        label="Anden indsats",
        max_length=text_limits.NOTE,
        required=False,
        widget=forms.Textarea({**AREA, "rows": 3}),
    )
    facts = forms.CharField(
        label="De faktiske forhold, afgørelsen bygger på",
        max_length=text_limits.SECTION,
        widget=forms.Textarea(AREA),
        error_messages={"required": "Beskriv de faktiske forhold (forvaltningslovens § 24)."},
    )
    assessment = forms.CharField(
        label="Hovedhensyn i vurderingen",
        max_length=text_limits.SECTION,
        widget=forms.Textarea(AREA),
        error_messages={"required": "Beskriv hovedhensynene i vurderingen."},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "offer").queryset = Offer.objects.available().order_by("name")
        dkfds_style(self)


class AppealForm(Form):
    """The PPR leader registers a complaint about a decision: when it came and from whom."""

    received_on = EventDateField(
        label="Klagen modtaget",
        happened=True,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": "Vælg datoen, klagen blev modtaget.",
            "invalid": "Skriv datoen som dd.mm.åååå.",
        },
    )
    appellant = forms.ChoiceField(
        label="Hvem klager?",
        choices=Appellant.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Vælg, hvem der klager.",
            "invalid_choice": "Vælg en af de viste muligheder.",
        },
    )
    appellant_name = forms.CharField(
        label="Klagerens navn (valgfrit)",
        max_length=200,
        required=False,
        widget=forms.TextInput(TEXT),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        dkfds_style(self)


class AppealOutcomeForm(Form):
    """The outcome of the complaint at Klagenævnet for Specialundervisning."""

    outcome = forms.ChoiceField(
        label="Klagens udfald",
        choices=[c for c in AppealOutcome.choices if c[0] != AppealOutcome.PENDING],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Vælg klagens udfald.",
            "invalid_choice": "Vælg et af de viste udfald.",
        },
    )
    outcome_on = EventDateField(
        label="Udfaldet er modtaget",
        happened=True,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": "Vælg datoen for udfaldet.",
            "invalid": "Skriv datoen som dd.mm.åååå.",
        },
    )
    note = forms.CharField(
        label="Note (valgfri)",
        max_length=text_limits.NOTE,
        required=False,
        widget=forms.Textarea({**AREA, "rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        dkfds_style(self)


class LetterSendForm(Form):
    """Choose the custody holders the decision letter is sent to."""

    guardians = GuardianChoiceField(
        label="Forældremyndighedsindehavere",
        queryset=Guardian.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-checkbox"}),
        error_messages={"invalid_choice": "Vælg blandt de viste forældre."},
    )
    batch = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, guardians: list[Guardian], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "guardians").queryset = Guardian.objects.filter(
            pk__in=[g.pk for g in guardians]
        )


# --- Placement and the yearly reassessment ---------------------------------------------------


class PlaceForm(Form):
    """Place a waiting child; over capacity only with the PPR leader's reason."""

    override_reason = forms.CharField(
        label="Begrundelse for at gå ud over kapaciteten",
        help_text="Udfyldes kun, når tilbuddet er fuldt. Begrundelsen gemmes på placeringen.",
        max_length=text_limits.NOTE,
        required=False,
        widget=forms.Textarea({**AREA, "rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        dkfds_style(self)


class ReviewForm(Form):
    """The reassessment: progress, a Børnelineal rating and the outcome."""

    progress = forms.CharField(
        label="Barnets udvikling og progression",
        help_text="Hvad har barnet nået i tilbuddet, og hvad er der stadig brug for?",
        max_length=text_limits.SECTION,
        widget=forms.Textarea(AREA),
        error_messages={"required": "Beskriv barnets udvikling siden sidste vurdering."},
    )
    colour = forms.ChoiceField(
        label="Børnelineal",
        choices=[
            (value, f"{label} – {COLOUR_HELP[value]}") for value, label in RulerColour.choices
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Vælg grøn, gul eller rød.",
            "invalid_choice": "Vælg grøn, gul eller rød.",
        },
    )
    rationale = forms.CharField(
        label="Begrundelse for farven",
        max_length=500,
        widget=forms.Textarea({**AREA, "rows": 2}),
        error_messages={"required": "Skriv en kort begrundelse for farven."},
    )
    outcome = forms.ChoiceField(
        label="Resultat",
        choices=ReviewOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Vælg resultatet af revurderingen.",
            "invalid_choice": "Vælg et af de viste resultater.",
        },
    )
    change_note = forms.CharField(
        label="Hvad skal ændres (ved ændring)",
        max_length=text_limits.NOTE,
        required=False,
        widget=forms.Textarea({**AREA, "rows": 3}),
    )
    next_review_on = EventDateField(
        label="Næste revurdering senest (når placeringen fortsætter)",
        required=False,
        help_text="Tom: den længste tilladte frist.",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Skriv datoen som dd.mm.åååå."},
    )
    client_token = forms.UUIDField(
        widget=forms.HiddenInput, error_messages={"required": "Formularen er udløbet. Prøv igen."}
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"client_token": uuid.uuid4()})
        super().__init__(*args, **kwargs)
        dkfds_style(self)
