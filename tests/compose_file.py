"""Reading docker-compose.yml and the deploy files for tests/test_compose.py: the compose file with its
variables filled in, each service's environment, ports, healthcheck and dependencies, and the settings classes
the platform's processes read."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import yaml
from pydantic_settings import BaseSettings
from sqlalchemy.engine import make_url

from gateway.settings import GatewaySettings
from services.actors.settings import ActorsSettings
from services.dashboard.settings import DashboardSettings
from services.funding.settings import FundingSettings
from services.reporting.settings import ReportingSettings
from services.surveys.settings import SurveysSettings

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_FILE = ROOT / "docker-compose.yml"
INIT_SQL = ROOT / "deploy" / "postgres" / "init-databases.sql"
ENTRYPOINT = ROOT / "deploy" / "entrypoint.sh"

# Every process of the platform the compose file runs from our image, with the settings class it reads.
SETTINGS_CLASSES: dict[str, type[BaseSettings]] = {
    "actors": ActorsSettings,
    "funding": FundingSettings,
    "surveys": SurveysSettings,
    "reporting": ReportingSettings,
    "dashboard": DashboardSettings,
    "gateway": GatewaySettings,
}
# Compose services that run someone else's image.
INFRASTRUCTURE = {"postgres"}
SECRET_NAME = re.compile(r"SECRET|PASSWORD|TOKEN", re.IGNORECASE)
# A required variable: `${NAME:?message}` or `${NAME?message}`. No default, so compose stops when it is unset.
REQUIRED_VARIABLE = re.compile(r"\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*):?\?[^}]*\}")
VARIABLE = re.compile(r"\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?P<op>:?[-?+])?(?P<arg>[^}]*)\}|\$(?P<bare>[A-Za-z_][A-Za-z0-9_]*)")  # noqa: E501
URL_IN_TEXT = re.compile(r"https?://[^\s'\"]+")


# --- helpers ---------------------------------------------------------------------------------------------------

def load_compose() -> dict[str, Any]:
    assert COMPOSE_FILE.is_file(), f"{COMPOSE_FILE} is missing"
    return yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))


COMPOSE = load_compose()
SERVICES: dict[str, dict[str, Any]] = COMPOSE.get("services") or {}
APP_SERVICES = [name for name in SERVICES if name not in INFRASTRUCTURE]


def sample_value(variable: str) -> str:
    """What a variable stands for in these tests: long enough for a production secret, URL-safe."""
    return f"{variable.lower()}-sample-value-0123456789abcdef"


def interpolate(value: Any) -> str:
    """Compose-style interpolation with a sample value for each variable; a `:-` default is used when given."""
    text = str(value)

    def replace(match: re.Match[str]) -> str:
        name = match["name"] or match["bare"]
        if match["op"] in (":-", "-"):
            return match["arg"]
        return sample_value(name)

    return VARIABLE.sub(replace, text.replace("$$", "\0")).replace("\0", "$")


def environment(service: str) -> dict[str, str]:
    """The service's `environment`, raw (before interpolation), in either the mapping or the list form."""
    env = SERVICES[service].get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {str(k): "" if v is None else str(v) for k, v in env.items()}


def prefix(service: str) -> str:
    return service.upper() + "_"


def settings_values(service: str) -> dict[str, str]:
    """The service's own settings the compose file sets: field name -> interpolated value."""
    p = prefix(service)
    return {k[len(p):].lower(): interpolate(v) for k, v in environment(service).items() if k.startswith(p)}


def container_port(service: str) -> int:
    raw = environment(service).get("PORT")
    assert raw, (f"docker-compose.yml: service {service!r} sets no PORT in its environment; deploy/entrypoint.sh "
                 "listens on $PORT, and the gateway URLs and the healthcheck must use that same port")
    return int(interpolate(raw))


def healthcheck_command(service: str) -> list[str]:
    check = SERVICES[service].get("healthcheck") or {}
    test = check.get("test")
    if isinstance(test, str):
        return ["CMD-SHELL", test]
    return [str(part) for part in test or []]


def depends_on(service: str) -> dict[str, Any]:
    deps = SERVICES[service].get("depends_on") or {}
    if isinstance(deps, list):  # the short form: every dependency is `service_started`
        return {name: {} for name in deps}
    return deps


def command_args(service: str) -> list[str]:
    command = SERVICES[service].get("command") or []
    return shlex.split(command) if isinstance(command, str) else [str(part) for part in command]


def published_ports(service: str) -> list[tuple[str | None, int]]:
    """(host port or None, container port) for each entry of `ports`."""
    result = []
    for entry in SERVICES[service].get("ports") or []:
        if isinstance(entry, dict):
            result.append((interpolate(entry.get("published")) if entry.get("published") else None,
                           int(entry["target"])))
            continue
        parts = interpolate(entry).split("/")[0].rsplit(":", 2)
        result.append((parts[-2] if len(parts) > 1 else None, int(parts[-1])))
    return result


def volume_targets(service: str) -> list[tuple[str, str]]:
    """(source, target) for each entry of `volumes`, source interpolated."""
    result = []
    for entry in SERVICES[service].get("volumes") or []:
        if isinstance(entry, dict):
            result.append((interpolate(entry.get("source", "")), str(entry["target"])))
        else:
            parts = interpolate(entry).split(":")
            result.append((parts[0], parts[1]) if len(parts) > 1 else ("", parts[0]))
    return result


def init_only(settings_class: type[BaseSettings]) -> type[BaseSettings]:
    """The settings class reading only its keyword arguments: no environment, no .env file of this machine."""

    class FromArgumentsOnly(settings_class):  # type: ignore[misc, valid-type]
        @classmethod
        def settings_customise_sources(cls, settings_cls, init_settings, env_settings, dotenv_settings,
                                       file_secret_settings):  # type: ignore[no-untyped-def]
            return (init_settings,)

    return FromArgumentsOnly


def database_url_password(raw: str) -> str | None:
    """The password part of a database URL as written, before interpolation (None when there is none)."""
    references: dict[str, str] = {}

    def token(match: re.Match[str]) -> str:
        references[f"var{len(references)}token"] = match[0]
        return f"var{len(references) - 1}token"

    # Variables become plain tokens first: `${X:?message}` holds characters ('?', ' ') that end a URL's host part.
    password = make_url(VARIABLE.sub(token, raw)).password
    if password is None:
        return None
    for name, reference in references.items():
        password = password.replace(name, reference)
    return password


def database_services() -> list[str]:
    return [s for s in APP_SERVICES if "database_url" in SETTINGS_CLASSES.get(s, GatewaySettings).model_fields]


# --- the tests -------------------------------------------------------------------------------------------------
