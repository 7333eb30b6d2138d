"""What the load test (locustfile.py) and its in-process replay (load_replay.py) both send and
read: the links and fields they find in pages, and a complete referral."""

import re

CASE_LINK = re.compile(r'href="/sager/(\d+)/"')
CHILD_OPTION = re.compile(r'name="child" id="id_child_\d+" value="(\d+)"')
VERSION = re.compile(r'name="version" value="(\d+)"')
DOCUMENT_LINK = re.compile(r'href="(/dokumenter/\d+/hent/)"')
#: A complete referral: every required section, a school's evaluated handleplan (seed 001).
REFERRAL = {
    "concern": "Eleven trækker sig fra fællesskabet og har svært ved overgange. " * 4,
    "strengths": "Nysgerrig, god til at tegne, hjælpsom over for yngre elever.",
    "child_perspective": "Eleven siger, at frikvartererne er det sværeste.",
    "parents_perspective": "Forældrene oplever det samme derhjemme og ønsker hjælp.",
    "plan_goals": "Eleven deltager i to fælles aktiviteter om ugen.",
    "plan_actions": "Fast voksen i frikvarteret, visuelt dagsskema.",
    "plan_period": "august–oktober",
    "plan_evaluation": "Evalueret på teammøde; delvist nået.",
    "plan_evaluated_with": ["klasseteam", "foraeldre"],
    "requests": ["ppv", "sparring"],
    "ruler_colour": "gul",
}
