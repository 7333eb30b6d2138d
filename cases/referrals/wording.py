"""The words a referral uses depend on where the child is: a school has pupils, classes and a
class team; a daycare has children, a stue and its pædagoger."""

from dataclasses import dataclass

from cases.models import EvaluationParty
from ppr.organisation.models import Institution


@dataclass(frozen=True)
class Wording:
    """The institution-dependent words of a referral's form, page and receipt."""

    child: str
    group: str
    evaluation_parties: dict[str, str]
    plan_hint: str


SCHOOL = Wording(
    child="Eleven",
    group="Klasse",
    evaluation_parties={
        EvaluationParty.PUPIL: "Eleven",
        EvaluationParty.CLASS_TEAM: "Klasseteamet",
        EvaluationParty.PARENTS: "Forældre",
        EvaluationParty.RESOURCE: "Skolens ressourcepersoner",
        EvaluationParty.PPR: "PPR",
    },
    plan_hint=(
        "En skole, der søger om specialpædagogisk bistand, skal have en evalueret handleplan: "
        "mål, hvad der er gjort, periode, evaluering og hvem den er evalueret med."
    ),
)

DAYCARE = Wording(
    child="Barnet",
    group="Stue",
    evaluation_parties={
        EvaluationParty.PUPIL: "Barnet",
        EvaluationParty.CLASS_TEAM: "Stuens pædagoger",
        EvaluationParty.PARENTS: "Forældre",
        EvaluationParty.RESOURCE: "Dagtilbuddets ressourcepersoner",
        EvaluationParty.PPR: "PPR",
    },
    plan_hint=(
        "Beskriv det, I har afprøvet for barnet på stuen: mål, hvad der er gjort, periode, "
        "evaluering og hvem det er evalueret med."
    ),
)

#: Clubs and anything else keep the general words.
GENERAL = Wording(
    child="Barnet",
    group="Klasse/gruppe",
    evaluation_parties=dict(EvaluationParty.choices),
    plan_hint=SCHOOL.plan_hint,
)


def wording_for(institution: Institution | None) -> Wording:
    """The words for a referral from ``institution``."""
    if institution is None:
        return GENERAL
    if institution.is_daycare:
        return DAYCARE
    if institution.is_school:
        return SCHOOL
    return GENERAL


def evaluation_labels(institution: Institution | None, values: list[str]) -> list[str]:
    """The labels of the parties a handleplan was evaluated with, in the institution's words."""
    labels = wording_for(institution).evaluation_parties
    return [labels.get(value, value) for value in values or []]
