"""The deployment files stay in step with the code: every environment variable the settings read
is documented in README.md and listed in .env.example; docker-compose.yml has the services,
health checks and named volumes the README promises, and `docker compose config` accepts it."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
#: env.str("X"), env.list("X"), env.db("X"), env_bool("X"), env_int("X"), required("X")
ENV_READ = re.compile(r'\b(?:env\.\w+|env_bool|env_int|required)\(\s*"([A-Z][A-Z0-9_]*)"')


def variables_read_by_settings() -> set[str]:
    return set(ENV_READ.findall((ROOT / "ppr" / "settings.py").read_text()))


def readme_table_variables() -> set[str]:
    return set(re.findall(r"^\| `([A-Z][A-Z0-9_]*)` \|", (ROOT / "README.md").read_text(), re.M))


def compose() -> dict:
    yaml = pytest.importorskip("yaml")  # PyYAML comes with the dev tools (djlint)
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_the_settings_read_the_variables_we_expect_to_find() -> None:
    found = variables_read_by_settings()
    assert {"DJANGO_SECRET_KEY", "DATABASE_URL", "REDIS_URL", "PPR_FIELD_KEY"} <= found
    assert len(found) >= 25


def test_every_variable_the_settings_read_is_in_the_readme_table_and_env_example() -> None:
    example = (ROOT / ".env.example").read_text()
    variables = variables_read_by_settings()
    assert variables - readme_table_variables() == set()
    assert {name for name in variables if not re.search(rf"\b{name}=", example)} == set()


def test_every_variable_compose_interpolates_is_documented() -> None:
    text = (ROOT / "docker-compose.yml").read_text()
    used = set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)", text))
    assert used == {"POSTGRES_PASSWORD", "PPR_WEB_PORT"}
    assert used <= readme_table_variables()


def test_compose_has_the_production_services_with_health_checks_and_named_volumes() -> None:
    spec = compose()
    services = spec["services"]
    assert {"postgres", "redis", "web", "worker", "beat"} <= set(services)
    for name in ("postgres", "redis", "web", "worker", "beat"):
        assert services[name].get("healthcheck", {}).get("test"), f"{name} has no health check"
    assert services["web"]["command"][0] == "gunicorn"
    worker = services["worker"]["command"]
    assert worker[:3] == ["celery", "-A", "ppr"] and "worker" in worker
    assert worker[worker.index("-Q") + 1] == "celery,pdf"
    assert "beat" in services["beat"]["command"]
    named = set(spec["volumes"])
    assert {"postgres-data", "redis-data", "private-media", "beat-data"} <= named
    for service in services.values():
        for volume in service.get("volumes", []):
            assert volume.split(":")[0] in named, f"{volume} is not a named volume"


def compose_command() -> list[str] | None:
    docker = shutil.which("docker")
    if (
        docker
        and subprocess.run([docker, "compose", "version"], capture_output=True).returncode == 0
    ):
        return [docker, "compose"]
    legacy = shutil.which("docker-compose")
    return [legacy] if legacy else None


def test_docker_compose_config_validates_with_the_example_environment(tmp_path: Path) -> None:
    command = compose_command()
    if command is None:
        pytest.skip("no docker compose (v2 plugin) or docker-compose on this machine")
    shutil.copy(ROOT / "docker-compose.yml", tmp_path / "docker-compose.yml")
    shutil.copy(ROOT / ".env.example", tmp_path / ".env")
    result = subprocess.run(
        [*command, "config", "-q"], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
