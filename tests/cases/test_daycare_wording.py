"""A daycare's referral speaks of the child, the stue and its pædagoger; a school's of the pupil,
the class and the class team: in the form, on the referral's page and on its receipt."""

from django.urls import reverse

from cases.referrals.wording import DAYCARE, SCHOOL, wording_for
from tests.cases.factories import ChildFactory, ReferralFactory
from tests.conftest import client_for


def daycare_draft(cast):
    child = ChildFactory(institution=cast.daycare, group="Myretuen")
    return ReferralFactory(child=child, author=cast.daycare_leader, plan_evaluation="Godt.")


def test_the_daycare_form_uses_daycare_words(cast) -> None:
    referral = daycare_draft(cast)
    url = reverse("cases:referral-update", kwargs={"pk": referral.pk})
    html = client_for(cast.daycare_leader).get(url).text
    assert ">Barnet</label>" in html and ">Stuens pædagoger</label>" in html
    assert ">Dagtilbuddets ressourcepersoner</label>" in html
    assert "Stue Myretuen" in html and "afprøvet for barnet på stuen" in html
    assert "Eleven/barnet" not in html and "Klasseteam" not in html
    assert "En skole, der søger" not in html


def test_the_school_form_keeps_the_school_words(cast) -> None:
    referral = ReferralFactory(child=ChildFactory(institution=cast.school), author=cast.teacher)
    url = reverse("cases:referral-update", kwargs={"pk": referral.pk})
    html = client_for(cast.teacher).get(url).text
    assert ">Eleven</label>" in html and ">Klasseteamet</label>" in html
    assert "Stuens pædagoger" not in html


def test_the_daycare_referral_page_names_who_evaluated_in_daycare_words(cast) -> None:
    referral = daycare_draft(cast)
    html = client_for(cast.daycare_leader).get(referral.get_absolute_url()).text
    assert "Barnet, Stuens pædagoger, Forældre" in html
    assert "Klasseteam" not in html


def test_every_daycare_kind_gets_daycare_words(cast) -> None:
    assert wording_for(cast.daycare) is DAYCARE
    assert wording_for(cast.school) is SCHOOL
