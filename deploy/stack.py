"""Starts the platform as local processes: four services, the dashboard and the gateway, each its own uvicorn.

`database_urls` names each service's database and the gateway's key store ("gateway"; a SQLite file in the data
directory when not named).

Used by `make run` (deploy/run.py) and by the cross-service tests, so both start the platform the same way.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from gateway.api_keys import SERVICE_KEY_PREFIX, write_development_keys

ROOT = Path(__file__).resolve().parent.parent
SERVICES = ("actors", "funding", "surveys", "reporting")  # each with its own database
# Services without a database of their own: they read the platform through the gateway and keep no records.
READERS = ("dashboard",)
ROUTED = (*SERVICES, *READERS)  # what the gateway routes to
PROCESSES = (*ROUTED, "gateway")
DEFAULT_PORTS = {"gateway": 8000, "actors": 8101, "funding": 8102, "surveys": 8103, "reporting": 8104,
                 "dashboard": 8105}
# A test stack's rate limits: far beyond what the test suite sends from one key and one address (hundreds of
# requests per second for minutes), so no test is refused by chance; a test of the limits sets its own, low ones.
TEST_RATE_LIMITS = {f"GATEWAY_RATE_LIMIT_{kind}": "10000000/minute"
                    for kind in ("COUNTY", "NATIONAL_ADMIN", "DASHBOARD", "SERVICE", "ANONYMOUS", "FAILED_AUTH")}


@dataclass
class Stack:
    data_dir: Path
    database_urls: dict[str, str]
    ports: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_PORTS))
    environment: str = "development"
    log_format: str = "console"
    log_to_files: bool = False
    extra_env: dict[str, str] = field(default_factory=dict)
    # More replicas of a service on these ports; the gateway spreads requests over all of them.
    extra_replicas: dict[str, list[int]] = field(default_factory=dict)
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.secret = self._identity_secret()
        keys = write_development_keys(self.data_dir / "gateway-keys.json", self.data_dir / "development-keys.json")
        # The services' own keys (each calls the platform through the gateway) are not for people to use.
        self.service_keys = {k: keys.pop(k) for k in list(keys) if k.startswith(SERVICE_KEY_PREFIX)}
        self.keys = keys

    @property
    def gateway_url(self) -> str:
        return f"http://127.0.0.1:{self.ports['gateway']}"

    def service_url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.ports[name]}"

    def log_file(self, name: str) -> Path:
        return self.data_dir / "logs" / f"{name}.log"

    def _identity_secret(self) -> str:
        path = self.data_dir / "identity-secret"
        if not path.exists():
            path.write_text(secrets.token_urlsafe(48), encoding="utf-8")
            os.chmod(path, 0o600)
        return path.read_text(encoding="utf-8").strip()

    def env_for(self, name: str) -> dict[str, str]:
        env = dict(os.environ)
        env["PYTHONPATH"] = str(ROOT)
        prefix = name.upper() + "_"
        env[prefix + "ENVIRONMENT"] = self.environment
        env[prefix + "IDENTITY_SECRET"] = self.secret
        env[prefix + "LOG_FORMAT"] = self.log_format
        if self.log_to_files:
            self.log_file(name).parent.mkdir(parents=True, exist_ok=True)
            env[prefix + "LOG_FILE"] = str(self.log_file(name))
        if name in ROUTED:
            if name in SERVICES:
                env[prefix + "DATABASE_URL"] = self.database_urls[name]
            env[prefix + "GATEWAY_URL"] = self.gateway_url
            env[prefix + "GATEWAY_API_KEY"] = self.service_keys[SERVICE_KEY_PREFIX + name]
        else:
            env["GATEWAY_API_KEYS_FILE"] = str(self.data_dir / "gateway-keys.json")
            env["GATEWAY_KEYS_DATABASE_URL"] = self.keys_database_url
            if self.environment == "test":
                env.update(TEST_RATE_LIMITS)
            # Reporting composes from the whole platform and makes PDFs: its requests get a minute, not ten seconds.
            if "reporting" in self.ports:
                env["GATEWAY_REPORTING_TIMEOUT"] = "60"
            # Exactly the services this stack runs (one given no port is left out, not routed to make run's port);
            # a GATEWAY_<NAME>_URL in extra_env still wins for its service.
            env["GATEWAY_SERVICES"] = json.dumps({
                service: ",".join([self.service_url(service)] + [f"http://127.0.0.1:{p}"
                                                                 for p in self.extra_replicas.get(service, [])])
                for service in ROUTED if service in self.ports})
        env.update(self.extra_env)
        return env

    @property
    def keys_database_url(self) -> str:
        return self.database_urls.get("gateway") or f"sqlite+aiosqlite:///{self.data_dir / 'gateway.db'}"

    def prepare(self, *, demo: bool = True) -> None:
        """Migrates every database to head and loads the reference data (and the fictional demo data); the
        gateway's key store gets the development keys (gateway/keys/setup.py imports their hashes)."""
        self.prepare_gateway()
        for name in SERVICES:
            command = [sys.executable, "-m", f"services.{name}", "setup"] + (["--demo"] if demo else [])
            subprocess.run(command, cwd=ROOT, env=self.env_for(name), check=True)

    def prepare_gateway(self) -> None:
        """Migrates the gateway's key store to head and imports the development keys into it."""
        subprocess.run([sys.executable, "-m", "gateway", "setup"], cwd=ROOT, env=self.env_for("gateway"), check=True)

    def command(self, name: str, port: int | None = None) -> list[str]:
        target = "gateway.app:create_app" if name == "gateway" else f"services.{name}.main:create_app"
        return [sys.executable, "-m", "uvicorn", "--factory", target, "--host", "127.0.0.1",
                "--port", str(port or self.ports[name]), "--no-access-log", "--loop", "uvloop",
                "--http", "shared.http_protocol:BoundedHttpToolsProtocol", "--timeout-graceful-shutdown", "5"]

    def start(self, names: tuple[str, ...] | None = None) -> None:
        """Starts the named processes (by default every process given a port); a service's extra replicas start as
        `<name>-<n>`."""
        for name in names or tuple(n for n in PROCESSES if n in self.ports):
            self.processes[name] = self._spawn(name, self.ports[name])
            for n, port in enumerate(self.extra_replicas.get(name, []), start=2):
                self.processes[f"{name}-{n}"] = self._spawn(name, port)

    def _spawn(self, name: str, port: int) -> subprocess.Popen[bytes]:
        env = self.env_for(name)
        if port != self.ports[name] and self.log_to_files:
            env[name.upper() + "_LOG_FILE"] = str(self.log_file(f"{name}-{port}"))
        return subprocess.Popen(self.command(name, port), cwd=ROOT, env=env, start_new_session=True)

    def url_of(self, process_name: str) -> str:
        """Base URL of a started process, extra replicas included."""
        name, _, n = process_name.partition("-")
        if not n:
            return self.gateway_url if name == "gateway" else self.service_url(name)
        return f"http://127.0.0.1:{self.extra_replicas[name][int(n) - 2]}"

    def wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        for name in self.processes:
            # The gateway's own readiness depends on its upstreams, each waited for here on its own.
            url = self.url_of(name) + ("/healthz" if name == "gateway" else "/readyz")
            while True:
                proc = self.processes[name]
                if proc.poll() is not None:
                    raise RuntimeError(f"{name} exited with code {proc.returncode} while starting")
                try:
                    if httpx.get(url, timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{name} was not ready at {url} within {timeout:g} s")
                time.sleep(0.1)

    def stop(self, names: tuple[str, ...] | None = None) -> None:
        for name in list(names or self.processes):
            proc = self.processes.pop(name, None)
            if proc is None or proc.poll() is not None:
                continue
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def sqlite_urls(data_dir: Path) -> dict[str, str]:
    return {name: f"sqlite+aiosqlite:///{data_dir / (name + '.db')}" for name in (*SERVICES, "gateway")}
