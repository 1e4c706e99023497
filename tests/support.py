"""Helpers for the cross-service tests: starting a stack, signing an identity, reading a problem body."""

from __future__ import annotations

import random
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from deploy.stack import PROCESSES, ROOT, SERVICES, Stack
from shared.identity import Principal, Role, sign_identity

# Ports for the test stacks come from below the kernel's ephemeral range (32768-60999 on Linux), which every
# outgoing connection (the gateway's to the services, the services' to PostgreSQL, the tests' clients) draws its
# local port from: a port the kernel handed out as "free" could be taken by such a connection before the service
# that was meant to listen on it has started. Ports are handed out once per process.
_PORT_RANGE = range(20_000, 32_000)
_handed_out: set[int] = set()


def free_port() -> int:
    """A loopback port nothing listens on now, outside the ephemeral range and not handed out before."""
    for _ in range(1_000):
        port = random.choice(_PORT_RANGE)
        if port in _handed_out:
            continue
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        _handed_out.add(port)
        return port
    raise RuntimeError(f"no free port in {_PORT_RANGE}")


def start_stack(data_dir: Path, new_database_url: Callable[[str], str], *,
                extra_replicas: dict[str, int] | None = None, extra_env: dict[str, str] | None = None) -> Stack:
    stack = Stack(data_dir=data_dir, database_urls={name: new_database_url(name) for name in (*SERVICES, "gateway")},
                  ports={name: free_port() for name in PROCESSES}, environment="test",
                  log_format="json", log_to_files=True, extra_env=extra_env or {},
                  extra_replicas={name: [free_port() for _ in range(n)] for name, n in (extra_replicas or {}).items()})
    stack.prepare()
    stack.start()
    stack.wait_ready()
    return stack


def identity_header(secret: str, *, role: Role = Role.COUNTY, county: str | None = "20",
                    expires_at: int = 4_000_000_000, subject: str = "test-caller",
                    audience: str | None = "actors") -> dict[str, str]:
    """A forwarded identity as the gateway would sign it for `audience`, for calling a service directly."""
    principal = Principal(subject=subject, role=role, county_code=county, expires_at=expires_at, audience=audience)
    return {"x-rss-identity": sign_identity(principal, secret)}


def assert_problem(response: httpx.Response, status: int, *, field: str | None = None,
                   rule: str | None = None) -> dict:
    """An RFC 9457 body with the given status; when asked, one of its errors names the field (and rule)."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json"), response.headers
    body = response.json()
    assert body["status"] == status
    assert body["title"] and body["detail"] and body["type"].startswith("/problems/")
    if field is not None:
        matching = [e for e in body.get("errors", []) if e["field"] == field]
        assert matching, f"no error names {field}: {body}"
        if rule is not None:
            assert any(e["rule"] == rule for e in matching), body
    return body


@contextmanager
def service_without_registry(stack: Stack, name: str) -> Iterator[str]:
    """A second process of service `name` on the stack's database whose way to the platform (and so to the actor
    registry) leads to a port nobody listens on; yields its base URL once it is ready, stops it afterwards."""
    port = free_port()
    prefix = name.upper()
    env = stack.env_for(name) | {f"{prefix}_GATEWAY_URL": f"http://127.0.0.1:{free_port()}",
                                 f"{prefix}_LOG_FILE": str(stack.log_file(f"{name}-no-registry"))}
    process = subprocess.Popen(stack.command(name, port), cwd=ROOT, env=env, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(base + "/readyz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert process.poll() is None, f"{name} exited while starting"
            time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)
