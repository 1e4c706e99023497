"""Checks docker-compose.yml, deploy/Dockerfile, deploy/entrypoint.sh and deploy/postgres/init-databases.sql
against the code, so the container setup cannot drift from it unnoticed (there is no Docker engine in CI).

Reads files and imports settings classes only: starts no process, needs no database, uses no fixture.
"""

from __future__ import annotations

import importlib
import re
import shlex
from urllib.parse import urlsplit

import pytest
from sqlalchemy.engine import make_url

from gateway.settings import GatewaySettings
from shared.settings import PLACEHOLDER_SECRET
from tests.compose_file import (
    APP_SERVICES,
    COMPOSE_FILE,
    ENTRYPOINT,
    INFRASTRUCTURE,
    INIT_SQL,
    REQUIRED_VARIABLE,
    ROOT,
    SECRET_NAME,
    SERVICES,
    SETTINGS_CLASSES,
    URL_IN_TEXT,
    command_args,
    container_port,
    database_services,
    database_url_password,
    depends_on,
    environment,
    healthcheck_command,
    init_only,
    interpolate,
    prefix,
    published_ports,
    settings_values,
    volume_targets,
)


def test_compose_runs_every_process_of_the_platform() -> None:
    missing = sorted(set(SETTINGS_CLASSES) - set(SERVICES))
    assert not missing, f"docker-compose.yml has no service for {missing}; add one per process of the platform"
    packages = sorted(p.parent.name for p in (ROOT / "services").glob("*/main.py"))
    not_in_compose = [p for p in packages if p not in SERVICES]
    assert not not_in_compose, (f"services/{not_in_compose} exist in the code but not in docker-compose.yml "
                                "(and not in SETTINGS_CLASSES of tests/test_compose.py); add them to both")


@pytest.mark.parametrize("service", APP_SERVICES)
def test_each_compose_service_is_a_real_package(service: str) -> None:
    if service == "gateway":
        module_name, path = "gateway.app", ROOT / "gateway" / "app.py"
    else:
        module_name, path = f"services.{service}.main", ROOT / "services" / service / "main.py"
    assert path.is_file(), (f"docker-compose.yml runs {service!r} but {path.relative_to(ROOT)} does not exist; "
                            "rename the compose service to its package name or remove it")
    module = importlib.import_module(module_name)
    assert callable(getattr(module, "create_app", None)), (
        f"{module_name} has no create_app(); deploy/entrypoint.sh starts uvicorn with --factory {module_name}:create_app")  # noqa: E501
    assert service in SETTINGS_CLASSES, (f"{service!r} has no settings class in SETTINGS_CLASSES of "
                                         "tests/test_compose.py; add it so its environment is checked")
    assert command_args(service)[:1] == [service], (
        f"docker-compose.yml: service {service!r} has command {command_args(service)}; it must start with "
        f"{service!r}, the argument deploy/entrypoint.sh uses to pick which process to run")


@pytest.mark.parametrize("service", APP_SERVICES)
def test_environment_names_are_real_settings(service: str) -> None:
    settings_class = SETTINGS_CLASSES[service]
    own, fields = prefix(service), set(settings_class.model_fields)
    other_prefixes = [prefix(s) for s in SETTINGS_CLASSES if s != service]
    for name in environment(service):
        wrong = [p for p in other_prefixes if name.startswith(p)]
        assert not wrong, (f"docker-compose.yml: service {service!r} sets {name}, a setting of another service "
                           f"(prefix {wrong[0]}); {service} reads only {own}* variables")
        if name.startswith(own):
            field = name[len(own):].lower()
            if service == "gateway" and field.removesuffix("_url").removesuffix("_timeout") in SERVICES:
                continue  # GATEWAY_<NAME>_URL and _TIMEOUT: one routed service's (gateway/settings.py)
            assert field in fields, (
                f"docker-compose.yml: service {service!r} sets {name}, but {settings_class.__qualname__} has no "
                f"field {field!r}, so the value is silently ignored. Its fields: {sorted(fields)}")


@pytest.mark.parametrize("service", APP_SERVICES)
def test_environment_values_are_valid_production_settings(service: str) -> None:
    values = settings_values(service)
    assert values.get("environment") == "production", (
        f"docker-compose.yml: service {service!r} must set {prefix(service)}ENVIRONMENT: production (it has "
        f"{values.get('environment')!r}); production is what refuses the development placeholder secret")
    assert values.get("identity_secret"), (
        f"docker-compose.yml: service {service!r} must set {prefix(service)}IDENTITY_SECRET")
    try:
        init_only(SETTINGS_CLASSES[service])(**values)
    except ValueError as exc:
        pytest.fail(f"docker-compose.yml: the environment of {service!r} is not valid for "
                    f"{SETTINGS_CLASSES[service].__qualname__}: {exc}")


def test_gateway_points_at_each_service_on_its_port() -> None:
    routed = init_only(GatewaySettings)(**settings_values("gateway")).services
    for upstream in (s for s in APP_SERVICES if s != "gateway"):
        variable = f"GATEWAY_{upstream.upper()}_URL"
        assert upstream in routed, f"docker-compose.yml: the gateway routes no service {upstream!r}; set {variable}"
        for other in routed:
            assert other in SERVICES, (f"docker-compose.yml: the gateway routes {other!r} but there is no compose "
                                       f"service {other!r}")
        named = settings_values("gateway")
        assert f"{upstream}_url" in named or "services" in named, (
            f"docker-compose.yml: the gateway does not set {variable} (or GATEWAY_SERVICES); its default "
            f"({routed[upstream]}) is not reachable in a container")
        port = container_port(upstream)
        for replica in (u.strip() for u in routed[upstream].split(",") if u.strip()):
            parts = urlsplit(replica)
            assert parts.hostname in SERVICES, (
                f"docker-compose.yml: {variable} points at {replica}, but {parts.hostname!r} is not a compose "
                f"service; use the service name as host (e.g. http://{upstream}:{port})")
            assert parts.hostname == upstream, (
                f"docker-compose.yml: {variable} points at {replica}, a different service than {upstream!r}")
            assert parts.port == port, (
                f"docker-compose.yml: {variable} points at port {parts.port}, but {upstream!r} listens on "
                f"PORT={port}; make them equal")


@pytest.mark.parametrize("service", APP_SERVICES)
def test_ports_match_healthcheck_and_exposed_ports(service: str) -> None:
    port = container_port(service)
    text = " ".join(healthcheck_command(service))
    urls = URL_IN_TEXT.findall(text)
    assert urls, f"docker-compose.yml: the healthcheck of {service!r} calls no http URL: {text!r}"
    for url in urls:
        parts = urlsplit(url)
        assert parts.hostname in ("127.0.0.1", "localhost"), (
            f"docker-compose.yml: the healthcheck of {service!r} calls {url}; it runs inside the container and "
            "must check the process itself at 127.0.0.1")
        assert parts.port == port, (f"docker-compose.yml: the healthcheck of {service!r} calls port {parts.port} "
                                    f"but the service listens on PORT={port}")
    exposed = [int(interpolate(p).split("/")[0]) for p in SERVICES[service].get("expose") or []]
    assert not exposed or port in exposed, (
        f"docker-compose.yml: {service!r} exposes {exposed} but listens on PORT={port}")
    for host, target in published_ports(service):
        assert target == port, (f"docker-compose.yml: {service!r} publishes container port {target} "
                                f"(host {host}) but listens on PORT={port}")


def test_gateway_is_published_and_services_are_not() -> None:
    gateway_targets = [target for _, target in published_ports("gateway")]
    assert container_port("gateway") in gateway_targets, (
        f"docker-compose.yml: the gateway listens on {container_port('gateway')} but publishes {gateway_targets}; "
        "publish it (ports: - \"8000:8000\") or nobody outside can reach the platform")
    published = [s for s in SERVICES if s != "gateway" and published_ports(s)]
    assert not published, (f"docker-compose.yml publishes ports of {published}; only the gateway should be "
                           "reachable from outside (the services and the database stay on the compose network)")


@pytest.mark.parametrize("service", list(SERVICES))
def test_every_service_has_a_healthcheck(service: str) -> None:
    command = healthcheck_command(service)
    assert command and command[0] in ("CMD", "CMD-SHELL"), (
        f"docker-compose.yml: {service!r} has no healthcheck test (a list starting with CMD or CMD-SHELL); "
        "`depends_on: condition: service_healthy` on it would never be satisfied")
    text = " ".join(command)
    if service in INFRASTRUCTURE:
        if service == "postgres":
            assert "pg_isready" in text, f"docker-compose.yml: the postgres healthcheck should run pg_isready: {text!r}"
        return
    assert any(urlsplit(u).path == "/readyz" for u in URL_IN_TEXT.findall(text)), (
        f"docker-compose.yml: the healthcheck of {service!r} must call /readyz (ready = database reachable and "
        f"migrated, or for the gateway every service ready), not /healthz or anything else: {text!r}")
    executable = command[1] if command[0] == "CMD" else shlex.split(command[1])[0]
    assert executable in ("python", "python3"), (
        f"docker-compose.yml: the healthcheck of {service!r} runs {executable!r}; the python:3.11-slim image has "
        "no curl or wget, use python -c with urllib.request")


@pytest.mark.parametrize("service", list(SERVICES))
def test_depends_on_waits_for_healthy(service: str) -> None:
    for dependency, options in depends_on(service).items():
        assert dependency in SERVICES, f"docker-compose.yml: {service!r} depends on {dependency!r}, not a service"
        condition = (options or {}).get("condition", "service_started")
        assert condition == "service_healthy", (
            f"docker-compose.yml: {service!r} depends on {dependency!r} with condition {condition}; use "
            "`condition: service_healthy` so it starts only once the dependency is ready")
        assert SERVICES[dependency].get("healthcheck"), (
            f"docker-compose.yml: {service!r} waits for {dependency!r} to be healthy but it has no healthcheck")


def test_services_wait_for_what_they_use() -> None:
    gateway_env = settings_values("gateway")
    upstreams = {urlsplit(u.strip()).hostname for f, v in gateway_env.items() if f.endswith("_url")
                 for u in v.split(",") if u.strip()}
    missing = sorted(upstreams - set(depends_on("gateway")))
    assert not missing, f"docker-compose.yml: the gateway forwards to {missing} but does not depend_on them"
    for service in database_services():
        url = settings_values(service).get("database_url", "")
        host = make_url(url).host if url else None
        assert host not in SERVICES or host in depends_on(service), (
            f"docker-compose.yml: {service!r} uses the database on {host!r} but does not depend_on it")


def test_image_dockerfile_and_entrypoint_exist() -> None:
    for service in APP_SERVICES:
        build = SERVICES[service].get("build")
        assert build, f"docker-compose.yml: {service!r} has no build section (context . and deploy/Dockerfile)"
        if isinstance(build, str):
            build = {"context": build}
        context = (ROOT / build.get("context", ".")).resolve()
        dockerfile = context / build.get("dockerfile", "Dockerfile")
        assert dockerfile.is_file(), (f"docker-compose.yml: {service!r} builds from {dockerfile}, which does not "
                                      "exist")
        assert context == ROOT, (f"docker-compose.yml: {service!r} builds with context {context}; the Dockerfile "
                                 "copies requirements.txt, shared/, services/, gateway/ and deploy/, so the context "
                                 "must be the repository root")
        text = dockerfile.read_text(encoding="utf-8")
        assert re.search(r"^FROM\s+python:3\.11-slim\b", text, re.MULTILINE), (
            f"{dockerfile.relative_to(ROOT)} must build FROM python:3.11-slim (the Python the project runs on)")
        for source in ("requirements.txt", "shared/", "services/", "gateway/", "deploy/"):
            assert re.search(rf"^COPY\s+(--\S+\s+)*{re.escape(source)}\s", text, re.MULTILINE), (
                f"{dockerfile.relative_to(ROOT)} does not COPY {source}")
        users = re.findall(r"^USER\s+(\S+)", text, re.MULTILINE)
        assert users and users[-1].split(":")[0] not in ("root", "0"), (
            f"{dockerfile.relative_to(ROOT)} must switch to a non-root USER before the processes start")
        entrypoint = re.findall(r"^ENTRYPOINT\s+(.+)$", text, re.MULTILINE)
        assert entrypoint and "deploy/entrypoint.sh" in entrypoint[-1], (
            f"{dockerfile.relative_to(ROOT)} must use deploy/entrypoint.sh as its ENTRYPOINT")
    assert ENTRYPOINT.is_file(), "deploy/entrypoint.sh is missing; deploy/Dockerfile uses it as ENTRYPOINT"


def test_entrypoint_starts_each_process_with_its_factory() -> None:
    script = ENTRYPOINT.read_text(encoding="utf-8")
    assert "\r\n" not in script, "deploy/entrypoint.sh has CRLF line endings; /bin/sh in the container fails on them"
    roles = set(re.findall(r"^\s*([a-z][a-z0-9_|-]*)\)", script, re.MULTILINE))
    roles = {r for entry in roles for r in entry.split("|")}
    for service in APP_SERVICES:
        assert service in roles, (f"deploy/entrypoint.sh has no case for {service!r}, the command docker-compose.yml "
                                  "gives it, so it would run it as a plain command instead of starting the process")
    assert "gateway.app:create_app" in script, "deploy/entrypoint.sh does not start gateway.app:create_app"
    assert re.search(r"services\.\$\{?role\}?\.main:create_app", script), (
        "deploy/entrypoint.sh does not start services.<name>.main:create_app")
    assert re.search(r"python -m \"?services\.\$\{?role\}?\"? setup", script), (
        "deploy/entrypoint.sh must run `python -m services.<name> setup` (migrations and reference data) "
        "before it starts a service; /readyz stays 503 until the database is at head")
    assert re.search(r"^\s*exec python -m uvicorn --factory", script, re.MULTILINE), (
        "deploy/entrypoint.sh must `exec` uvicorn --factory, so uvicorn is PID 1 and receives docker stop's SIGTERM")
    assert "0.0.0.0" in script, "deploy/entrypoint.sh must bind 0.0.0.0, or nothing outside the container reaches it"
    assert re.search(r"--port \"?\$\{?port\b", script) and "PORT" in script, (
        "deploy/entrypoint.sh must take the port from $PORT")


def test_databases_in_service_urls_are_created_by_the_init_script() -> None:
    assert INIT_SQL.is_file(), f"{INIT_SQL.relative_to(ROOT)} is missing"
    sql = re.sub(r"--[^\n]*", "", INIT_SQL.read_text(encoding="utf-8"))
    created = {name.strip('"').lower() for name in re.findall(r"CREATE\s+DATABASE\s+(\"?\w+\"?)", sql, re.I)}
    mounted = [(source, target) for source, target in volume_targets("postgres")
               if target.startswith("/docker-entrypoint-initdb.d")]
    assert any((ROOT / source).resolve() == INIT_SQL for source, _ in mounted), (
        f"docker-compose.yml: postgres must mount ./{INIT_SQL.relative_to(ROOT)} into /docker-entrypoint-initdb.d/, "
        f"or the databases are never created (mounted there now: {mounted})")
    postgres_env = environment("postgres")
    user = interpolate(postgres_env.get("POSTGRES_USER", "postgres"))
    password = interpolate(postgres_env.get("POSTGRES_PASSWORD", ""))
    for service in database_services():
        raw = environment(service).get(f"{prefix(service)}DATABASE_URL")
        assert raw, f"docker-compose.yml: {service!r} sets no {prefix(service)}DATABASE_URL (it would use SQLite)"
        url = make_url(interpolate(raw))
        assert url.drivername == "postgresql+asyncpg", (
            f"docker-compose.yml: {prefix(service)}DATABASE_URL uses {url.drivername}; the services need the async "
            "driver: postgresql+asyncpg://...")
        assert url.host == "postgres", (f"docker-compose.yml: {prefix(service)}DATABASE_URL points at host "
                                        f"{url.host!r}, not the compose service 'postgres'")
        assert url.database in created, (
            f"docker-compose.yml: {prefix(service)}DATABASE_URL names database {url.database!r}, which "
            f"{INIT_SQL.relative_to(ROOT)} does not create (it creates {sorted(created)})")
        assert url.username == user, (f"docker-compose.yml: {prefix(service)}DATABASE_URL logs in as "
                                      f"{url.username!r} but postgres creates the user {user!r} (POSTGRES_USER)")
        assert url.password == password, (
            f"docker-compose.yml: the password in {prefix(service)}DATABASE_URL is not the variable postgres gets "
            "as POSTGRES_PASSWORD")


def test_no_literal_secrets() -> None:
    text = COMPOSE_FILE.read_text(encoding="utf-8")
    assert PLACEHOLDER_SECRET not in text, "docker-compose.yml contains the development placeholder secret"
    secret_variables: dict[str, set[str]] = {}
    for service in SERVICES:
        for name, raw in environment(service).items():
            if SECRET_NAME.search(name):
                match = REQUIRED_VARIABLE.fullmatch(raw.strip())
                assert match, (f"docker-compose.yml: {service}.{name} must be exactly a required variable such as "
                               f"${{RSS_IDENTITY_SECRET:?set RSS_IDENTITY_SECRET}} (no literal value, no default), "
                               f"not {raw!r}")
                if name.endswith("IDENTITY_SECRET"):
                    secret_variables.setdefault("identity", set()).add(match["name"])
            if name.endswith("DATABASE_URL"):
                password = database_url_password(raw)
                assert password is None or REQUIRED_VARIABLE.fullmatch(password), (
                    f"docker-compose.yml: the password in {service}.{name} must be a required variable such as "
                    f"${{POSTGRES_PASSWORD:?set POSTGRES_PASSWORD}}, not {password!r}")
    identity = secret_variables.get("identity", set())
    assert len(identity) == 1, (
        f"docker-compose.yml: the identity secrets come from different variables {sorted(identity)}; the gateway "
        "signs with it and the services verify with it, so all of them must use the same one")


@pytest.mark.parametrize("service", [s for s in APP_SERVICES if "gateway_api_key" in SETTINGS_CLASSES[s].model_fields])
def test_services_that_ask_the_platform_reach_the_gateway_with_their_own_key(service: str) -> None:
    """A service that reads other services through the gateway (funding and surveys read the actor registry)
    needs the gateway's compose address (its default, 127.0.0.1, is the container itself) and its own key,
    given to compose from the environment like a secret: never written in the file."""
    own = prefix(service)
    raw = environment(service)
    url = raw.get(f"{own}GATEWAY_URL")
    assert url, f"docker-compose.yml: {service!r} sets no {own}GATEWAY_URL; it reads the registry through the gateway"
    parts = urlsplit(interpolate(url))
    assert parts.hostname == "gateway" and parts.port == container_port("gateway"), (
        f"docker-compose.yml: {own}GATEWAY_URL is {url}; use the compose gateway, http://gateway:"
        f"{container_port('gateway')}")
    key = raw.get(f"{own}GATEWAY_API_KEY", "")
    match = REQUIRED_VARIABLE.fullmatch(key.strip())
    assert match, (f"docker-compose.yml: {service}.{own}GATEWAY_API_KEY must be exactly a required variable such as "
                   f"${{RSS_{service.upper()}_GATEWAY_API_KEY:?set RSS_{service.upper()}_GATEWAY_API_KEY}} (no "
                   f"literal key, no default), not {key!r}")
    others = {s: REQUIRED_VARIABLE.fullmatch(environment(s).get(f"{prefix(s)}GATEWAY_API_KEY", "").strip())
              for s in APP_SERVICES if s != service}
    shared_with = [s for s, other in others.items() if other and other["name"] == match["name"]]
    assert not shared_with, (f"docker-compose.yml: {service!r} and {shared_with} use the same gateway key "
                             f"variable {match['name']}; each service has its own key (its own subject in the logs)")
