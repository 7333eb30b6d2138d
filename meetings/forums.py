"""The support model's forums as the municipality starts with them (seed 004, Bilag 4 and 5).

Schools have five forums and dagtilbud four; two of them ("Sparring og vejledning v/PPR" and
"Indstilling og bistand v/PPR") serve both, so there are seven rows. After installation they are
the municipality's configuration: the PPR leader edits them, and ``ensure_default_forums`` never
overwrites an existing row. Plain data with string values, because the data migration uses it.
"""

from typing import Any

SCHOOL = ["skole", "specialskole", "privatskole"]
DAYCARE = ["vuggestue", "boernehave", "dagtilbud", "dagpleje"]

_FALLING = "Børn i faldende trivsel og sårbare positioner"
_DIDACTIC = (
    "Børn i faldende trivsel og sårbare positioner, børn i udsatte og truede positioner "
    "med didaktiske udfordringer"
)
_COORDINATES = (
    "Koordinerer den tværfaglige indsats fra relevante fagpersoner og barnets private netværk"
)

DEFAULT_FORUMS: list[dict[str, Any]] = [
    {
        "code": "skolesocialraadgivning",
        "name": "Skolesocialrådgivning",
        "institution_kinds": SCHOOL,
        "case_scope": "ikke_aktive",
        "children": _FALLING,
        "offers": (
            "1. Socialfaglig sparring til fagprofessionelle. 2. Socialfaglig støtte til elever "
            "og/eller forældre ved tilbud om op til 3 samtaler."
        ),
        "participants": (
            "1. Socialrådgiver og fagprofessionel. 2. Socialrådgiver og barn og/eller forældre."
        ),
        "booked_by": "aaben_konsultation",
        "chaired_by": "institution_eller_socialraadgiver",
        "minutes_policy": "intet",
        "position": 10,
    },
    {
        "code": "tvaerfagligt_skoleteam",
        "name": "Tværfagligt skoleteam",
        "institution_kinds": SCHOOL,
        "case_scope": "ikke_aktive",
        "children": _FALLING,
        "offers": "Konsultativ sparring og vejledning fra fagprofessionelle og forældre.",
        "participants": "Socialrådgiver, sundhedsplejerske, psykolog, skolens vejledere og evt. forældre.",
        "booked_by": "institution",
        "chaired_by": "socialraadgiver",
        "minutes_policy": "intet",
        "position": 20,
    },
    {
        "code": "sparring_ppr",
        "name": "Sparring og vejledning v/PPR",
        "institution_kinds": SCHOOL + DAYCARE,
        "case_scope": "ikke_aktive",
        "children": _DIDACTIC,
        "offers": "Sparring og vejledning fra psykolog og/eller talepædagog i ikke aktive sager.",
        "participants": "De relevante fagprofessionelle.",
        "booked_by": "institution_efter_aftale",
        "chaired_by": "institution",
        "minutes_policy": "intet",
        "position": 30,
    },
    {
        "code": "koordinerende_netvaerksmoede",
        "name": "Koordinerende netværksmøde",
        "institution_kinds": SCHOOL,
        "case_scope": "aktive",
        "children": "Børn i udsatte og sårbare positioner",
        "offers": f"{_COORDINATES}.",
        "participants": "De relevante fagprofessionelle og relevante personer fra barnets netværk.",
        "booked_by": "socialraadgiver",
        "chaired_by": "socialraadgiver",
        "minutes_policy": "socialraadgiver_referat",
        "position": 40,
    },
    {
        "code": "indstilling_bistand_ppr",
        "name": "Indstilling og bistand v/PPR",
        "institution_kinds": SCHOOL + DAYCARE,
        "case_scope": "aktive",
        "children": (
            "Børn i udsatte og sårbare positioner samt udsatte og truede børn med didaktiske udfordringer"
        ),
        "offers": "Udarbejdelse af indstilling til PPR og/eller sparring og vejledning.",
        "participants": "De relevante fagprofessionelle og evt. forældre.",
        "booked_by": "institution_efter_aftale",
        "chaired_by": "institution",
        "minutes_policy": "ppr_notat",
        "position": 50,
    },
    {
        "code": "tvaerfagligt_smaaboernsteam",
        "name": "Tværfagligt småbørnsteam",
        "institution_kinds": DAYCARE,
        "case_scope": "ikke_aktive",
        "children": _FALLING,
        "offers": "Konsultativ sparring og vejledning fra fagprofessionelle og forældre.",
        "participants": (
            "Socialrådgiver, sundhedsplejerske, psykolog, dagtilbuddets vejledere og evt. forældre."
        ),
        "booked_by": "institution",
        "chaired_by": "socialraadgiver",
        "minutes_policy": "intet",
        "position": 60,
    },
    {
        "code": "vejledning_stoetteteam",
        "name": "Vejledning fra støtteteamet",
        "institution_kinds": DAYCARE,
        "case_scope": "aktive",
        "children": "Børn i udsatte og sårbare positioner",
        "offers": f"{_COORDINATES}.",
        "participants": "De relevante fagprofessionelle og relevante personer fra barnets netværk.",
        "booked_by": "socialraadgiver",
        "chaired_by": "socialraadgiver",
        "minutes_policy": "socialraadgiver_referat",
        "position": 70,
    },
]


def ensure_default_forums(forum_model: Any) -> int:
    """Create the default forums that are missing (by code); never touch existing ones."""
    created = 0
    for data in DEFAULT_FORUMS:
        _, was_created = forum_model.objects.get_or_create(
            code=data["code"], defaults={k: v for k, v in data.items() if k != "code"}
        )
        created += was_created
    return created
