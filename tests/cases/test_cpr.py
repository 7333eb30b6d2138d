import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from cases.models import Child, normalise_cpr
from tests.cases.factories import ChildFactory


def test_cpr_is_stored_encrypted_and_found_by_its_hash(cast) -> None:
    child = ChildFactory(institution=cast.school, cpr="140315-1234")
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM cases_child")
        dump = repr(cursor.fetchall())
    assert "1403151234" not in dump and "140315-1234" not in dump
    assert Child.objects.get(cpr_hash=Child.hash_for("1403151234")) == child
    assert child.cpr == "140315-1234"
    assert child.cpr_masked == "140315-xxxx"


@pytest.mark.parametrize("bad", ["12345", "320115-1234", "abcdefghij", "140315-12345"])
def test_invalid_cpr_is_refused_with_a_danish_message(bad: str) -> None:
    with pytest.raises(ValidationError, match="Ugyldigt CPR-nummer"):
        normalise_cpr(bad)


def test_cpr_without_modulus_11_is_accepted() -> None:
    assert normalise_cpr("010120-0001") == "0101200001"
