from tests.parents.mitid_fixtures import mitid, standin  # noqa: F401 - fixtures for tests/parents
