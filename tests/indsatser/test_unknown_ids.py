"""The catalogue's and the procedure's edit pages answer 404 for an id that does not exist,
id 0 included (it once fell through to the create form, so a POST to /indsats/0/rediger/ made a
new intervention). Found by tests/security/test_fuzz_endpoints.py."""

from django.urls import reverse

from indsatser.models import AbsenceProcedureStep, Intervention
from tests.conftest import client_for


def test_editing_intervention_zero_is_not_found(cast) -> None:
    before = Intervention.objects.count()
    url = reverse("indsatser:intervention-update", kwargs={"pk": 0})
    response = client_for(cast.ppr_leader).post(url, {"name": "Ny indsats via id 0"})
    assert response.status_code == 404
    assert Intervention.objects.count() == before


def test_editing_procedure_step_zero_is_not_found(cast) -> None:
    before = AbsenceProcedureStep.objects.count()
    url = reverse("indsatser:procedure-step-update", kwargs={"pk": 0})
    response = client_for(cast.ppr_leader).get(url)
    assert response.status_code == 404
    assert AbsenceProcedureStep.objects.count() == before
