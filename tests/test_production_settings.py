"""Production settings: secure by default, refuse to start without their secrets.

Each test starts ``manage.py`` in a fresh process with a controlled environment, because the
settings are read once at start-up (exactly what an operator's deployment does).
"""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent

#: What an operator must set in production (see README), and nothing else.
PRODUCTION_ENV = {
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
    "DJANGO_ALLOWED_HOSTS": "ppr.kommune.example",
    "PPR_SITE_URL": "https://ppr.kommune.example",
    "PPR_FIELD_KEY": "cHJvZHVjdGlvbi10ZXN0LWZpZWxkLWtleS0wMTIzNDU=",
    "DJANGO_SECURE_SSL_REDIRECT": "true",
    "DJANGO_SECURE_COOKIES": "true",
}


def clean_environment(**overrides: str) -> dict[str, str]:
    """The test runner's environment without any of the app's settings, plus ``overrides``."""
    prefixes = ("DJANGO_", "PPR_", "DATABASE_URL", "REDIS_URL", "EMAIL_URL")
    env = {key: value for key, value in os.environ.items() if not key.startswith(prefixes)}
    env.update(overrides)
    return env


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_settings_pass_check_deploy_with_zero_warnings() -> None:
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", env=clean_environment(**PRODUCTION_ENV)
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output
    assert "WARNING" not in output


def test_no_security_check_is_silenced() -> None:
    """Passing --deploy by silencing its checks would defeat the test above."""
    from django.conf import settings

    assert not [check for check in settings.SILENCED_SYSTEM_CHECKS if check.startswith("security.")]


@pytest.mark.parametrize(
    "variable", ["DJANGO_SECRET_KEY", "PPR_FIELD_KEY", "DJANGO_ALLOWED_HOSTS", "PPR_SITE_URL"]
)
def test_production_refuses_to_start_without_a_required_variable(variable: str) -> None:
    env = clean_environment(**PRODUCTION_ENV)
    del env[variable]
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert f"Miljøvariablen {variable} mangler" in result.stderr


@pytest.mark.parametrize(
    "address", ["ppr.kommune.example", "ftp://ppr.kommune.example", "https://", "https://x/sager"]
)
def test_production_refuses_a_site_address_that_is_not_one(address: str) -> None:
    result = manage("check", env=clean_environment(**(PRODUCTION_ENV | {"PPR_SITE_URL": address})))
    assert result.returncode != 0
    assert "Miljøvariablen PPR_SITE_URL skal være sidens adresse" in result.stderr


def test_the_demo_links_to_the_local_server() -> None:
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.PPR_SITE_URL)",
        env=clean_environment(DJANGO_DEBUG="true"),
    )
    assert result.stdout.strip().splitlines()[-1] == "http://127.0.0.1:8000", result.stderr


def test_production_refuses_an_empty_list_of_hosts() -> None:
    result = manage(
        "check", env=clean_environment(**(PRODUCTION_ENV | {"DJANGO_ALLOWED_HOSTS": " , "}))
    )
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS" in result.stderr


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DJANGO_SECURE_SSL_REDIRECT", "måske"),
        ("DJANGO_DEBUG", "ja tak"),
        ("PPR_MFA_REQUIRED", "2"),
    ],
)
def test_an_invalid_boolean_refuses_to_start_naming_the_variable(variable: str, value: str) -> None:
    result = manage("check", env=clean_environment(**(PRODUCTION_ENV | {variable: value})))
    assert result.returncode != 0
    assert f"Miljøvariablen {variable} skal være true eller false" in result.stderr


def test_an_invalid_number_refuses_to_start_naming_the_variable() -> None:
    result = manage(
        "check", env=clean_environment(**(PRODUCTION_ENV | {"PPR_SESSION_IDLE_MINUTES": "tredive"}))
    )
    assert result.returncode != 0
    assert "Miljøvariablen PPR_SESSION_IDLE_MINUTES skal være et heltal" in result.stderr


def test_sso_without_its_client_secret_refuses_to_start() -> None:
    env = PRODUCTION_ENV | {
        "PPR_OIDC_SERVER_URL": "https://login.kommune.example",
        "PPR_OIDC_CLIENT_ID": "ppr",
    }
    result = manage("check", env=clean_environment(**env))
    assert result.returncode != 0
    assert "Miljøvariablen PPR_OIDC_CLIENT_SECRET mangler" in result.stderr


def test_the_demo_starts_with_no_configuration_at_all() -> None:
    result = manage("check", env=clean_environment(DJANGO_DEBUG="true"))
    assert result.returncode == 0, result.stderr
