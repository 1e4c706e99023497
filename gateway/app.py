"""The gateway's ASGI application: the proxy for /actors, /funding and /surveys, and a small FastAPI app for
everything the gateway answers itself (health, readiness, OpenAPI, docs, who-am-I).
"""

from __future__ import annotations

import re
import time

import aiohttp
import structlog

from gateway.api_keys import SERVICE_KEY_PREFIX
from gateway.client_address import ClientAddresses
from gateway.control import create_control_app
from gateway.cors import Cors
from gateway.identity import IdentityIssuer, InvalidApiKey, api_key_from_headers
from gateway.keys.store import KeyStore, KeyStoreUnavailable
from gateway.openapi import OpenAPIAggregator
from gateway.proxy import DROPPED_REQUEST_HEADERS, BodyTooLarge, declared_length, forward, read_body
from gateway.rate_limits import RateLimits, Verdict, refusal_response
from gateway.settings import GatewaySettings
from gateway.upstreams import Upstream, build_upstreams
from shared.identity import Role
from shared.logging import access_line, configure_logging, get_logger
from shared.middleware import IMPORT_PATH_PREFIX, body_too_large
from shared.problems import Problem, problem_response
from shared.request_context import accept_request_id

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
FORWARDED_FOR = b"x-forwarded-for"
# A service's calls on a caller's behalf name that caller (shared/service_client.py); believed from service keys
# alone, never forwarded.
ON_BEHALF_OF = b"x-rss-on-behalf-of"
_SANE_SUBJECT = re.compile(r"^[A-Za-z0-9._:@-]{1,128}$")
# Headers the gateway reads and does not pass on: the caller's X-Forwarded-For is replaced by the one the gateway
# sends, which names the client's address as the gateway established it.
_NOT_FORWARDED = DROPPED_REQUEST_HEADERS | {FORWARDED_FOR, ON_BEHALF_OF}


class Gateway:
    def __init__(self, settings: GatewaySettings) -> None:
        self.settings = settings
        configure_logging(service="gateway", log_format=settings.log_format, level=settings.log_level,
                          log_file=settings.log_file)
        self.log = get_logger("gateway")
        self.upstreams: dict[str, Upstream] = build_upstreams(settings.upstreams(),
                                                             connect_timeout=settings.connect_timeout,
                                                             bulk_timeout=settings.bulk_timeout)
        self._prefix_headers = {name: (b"x-forwarded-prefix", u.prefix.encode()) for name, u in self.upstreams.items()}
        self.keys = KeyStore(settings.keys_database_url, last_used_seconds=settings.keys_last_used_seconds)
        self.issuer = IdentityIssuer(self.keys, settings.identity_secret)
        self.rate_limits = RateLimits(settings)
        self.addresses = ClientAddresses(settings.trusted_proxies)
        self.cors = Cors(settings.cors_origins)
        # For the gateway's own calls (readiness, OpenAPI); forwarding uses the replica pools.
        self.session: aiohttp.ClientSession | None = None
        self.openapi = OpenAPIAggregator(self)
        self.control = create_control_app(self)

    def client_address(self, scope) -> str:  # type: ignore[no-untyped-def]
        """The caller's address: the peer's, or from X-Forwarded-For when the peer is a trusted proxy."""
        client = scope.get("client")
        peer = client[0] if client else ""
        if not self.addresses.networks:
            return peer
        return self.addresses.of(peer, [value for name, value in scope["headers"] if name == FORWARDED_FOR])

    async def key_attempt_refused(self, api_key: str, address: str) -> Verdict | None:
        """The failed-authentication block of the address, unless the key is a service's own (a service is never
        throttled as an anonymous address: its calls come from the platform's own hosts, which a guesser may
        share). Only looked up when the address is blocked."""
        blocked = self.rate_limits.refuse_key_attempt(address)
        if blocked is not None:
            record = await self.keys.find(api_key)
            if record is not None and record.subject.startswith(SERVICE_KEY_PREFIX):
                return None
        return blocked

    def body_limit(self, path: str) -> int:
        """The largest body the route takes: a bulk import's (/<service>/imports/...) or a JSON document's."""
        _, _, rest = path.lstrip("/").partition("/")
        return (self.settings.max_import_body_bytes if ("/" + rest).startswith(IMPORT_PATH_PREFIX)
                else self.settings.max_body_bytes)

    def upstream_for(self, path: str) -> Upstream | None:
        segment = path.split("/", 2)[1] if path.startswith("/") else ""
        upstream = self.upstreams.get(segment)
        return upstream

    async def __call__(self, scope, receive, send) -> None:  # type: ignore[no-untyped-def]
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            await self.control(scope, receive, send)
            return
        if self.cors.origins:
            origin, allowed = self.cors.origin_of(scope)
            if origin is not None:
                if scope["method"] == "OPTIONS" and any(
                        name == b"access-control-request-method" for name, _ in scope["headers"]):
                    await self.cors.preflight(scope, send, origin, allowed)
                    return
                if allowed:
                    send = self.cors.allowing(send, origin)
        upstream = self.upstream_for(scope["path"])
        if upstream is None:
            await self.control(scope, receive, send)
            return
        await self._proxy(upstream, scope, receive, send)

    async def _proxy(self, upstream: Upstream, scope, receive, send) -> None:  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        api_key_header = authorization = request_id = connection = on_behalf_of = None
        forwarded_for: list[bytes] = []
        headers: list[tuple[bytes, bytes]] = []
        for name, value in scope["headers"]:
            if name in _NOT_FORWARDED:
                if name == b"x-api-key":
                    api_key_header = value
                elif name == b"authorization":
                    authorization = value
                elif name == b"x-request-id":
                    request_id = value
                elif name == b"connection":
                    connection = value
                elif name == FORWARDED_FOR:
                    forwarded_for.append(value)
                elif name == ON_BEHALF_OF:
                    on_behalf_of = value
                continue
            headers.append((name, value))
        if connection is not None:  # headers the caller names in Connection are for this hop only (RFC 9110 7.6.1)
            hop_only = {token.strip().lower() for token in connection.split(b",")} - {b"keep-alive", b"close"}
            if hop_only:
                headers = [(name, value) for name, value in headers if name not in hop_only]
        rid = accept_request_id(request_id.decode("latin-1") if request_id else None)
        rid_header = (b"x-request-id", rid.encode())
        response_headers = [rid_header]
        method = scope["method"]
        subject = None
        client = scope.get("client")
        address = client[0] if client else ""
        if forwarded_for and self.addresses.networks:
            address = self.addresses.of(address, forwarded_for)
        status = 499  # unless an answer is sent: the caller went away before it
        body_limit = self.body_limit(scope["path"])
        try:
            try:
                api_key = api_key_from_headers(api_key_header, authorization)
                blocked = (await self.key_attempt_refused(api_key, address)
                           if api_key and self.rate_limits.refuse_key_attempt(address) else None)
                if blocked is not None:
                    status = await self._refuse(send, response_headers, blocked)
                else:
                    principal, token = await self.issuer.authenticate(api_key, upstream.name)
                    subject = principal.subject
                    if subject.startswith(SERVICE_KEY_PREFIX):
                        caller = on_behalf_of.decode("latin-1") if on_behalf_of is not None else None
                        if caller is not None and not _SANE_SUBJECT.match(caller):
                            caller = "unreadable"
                        verdict = await self.rate_limits.spend_service(subject, caller)
                    else:
                        verdict = await self.rate_limits.spend(principal.role, subject, address)
                    if verdict is not None:
                        response_headers.extend(verdict.headers)
                    if verdict is not None and not verdict.allowed:
                        status = await self._refuse(send, response_headers, verdict)
                    elif principal.role is Role.ANONYMOUS and method not in READ_METHODS:
                        status = await self._reject(send, response_headers, 401,
                                                    "Changing data needs an API key (X-API-Key header).")
                    else:
                        if declared_length(scope["headers"]) > body_limit:
                            raise BodyTooLarge()
                        body = await read_body(receive, body_limit) if method not in READ_METHODS else b""
                        headers.extend((
                            rid_header,
                            (b"x-rss-identity", token.encode()),
                            self._prefix_headers[upstream.name],
                            (b"x-forwarded-for", address.encode()),
                        ))
                        status = await forward(upstream=upstream, scope=scope, send=send, headers=headers, body=body,
                                               response_headers=response_headers,
                                               retry_after=self.settings.replica_retry_after)
            except InvalidApiKey:
                verdict = await self.rate_limits.failed_authentication(address)
                if verdict is not None and not verdict.allowed:
                    status = await self._refuse(send, response_headers, verdict)
                else:
                    status = await self._reject(send, response_headers + (verdict.headers if verdict else []), 401,
                                                "The API key is not valid.", www_authenticate=True)
            except BodyTooLarge:
                    problem = body_too_large(body_limit, body_limit == self.settings.max_import_body_bytes)
                    status = await self._answer(send, response_headers, problem, instance=scope["path"])
            except KeyStoreUnavailable:
                status = await self._answer(send, response_headers, key_store_unavailable(), {"retry-after": "1"},
                                            instance=scope["path"])
        except Exception:
            status = 500  # uvicorn answers it; the error itself is logged by the server
            raise
        finally:  # every request the gateway ends is logged, whatever ended it
            if self.settings.access_log:
                access_line(request_id=rid, method=method, path=scope["path"], status=status, upstream=upstream.name,
                            caller=subject, duration_ms=round((time.perf_counter() - started) * 1000, 2))

    @classmethod
    async def _reject(cls, send, response_headers, status: int, detail: str, *,  # type: ignore[no-untyped-def]
                      www_authenticate: bool = False) -> int:
        headers = {"www-authenticate": 'ApiKey header="X-API-Key"'} if www_authenticate else None
        return await cls._answer(send, response_headers, Problem(status=status, detail=detail), headers)

    @staticmethod
    async def _answer(send, response_headers, problem: Problem,  # type: ignore[no-untyped-def]
                      headers: dict[str, str] | None = None, *, instance: str | None = None) -> int:
        status = problem.status
        response = problem_response(problem, headers=headers, instance=instance)
        await send({"type": "http.response.start", "status": status,
                    "headers": list(response.raw_headers) + response_headers})
        await send({"type": "http.response.body", "body": response.body})
        return status

    @staticmethod
    async def _refuse(send, response_headers, verdict: Verdict) -> int:  # type: ignore[no-untyped-def]
        response = refusal_response(verdict)
        known = {name for name, _ in verdict.headers}
        await send({"type": "http.response.start", "status": 429,
                    "headers": list(response.raw_headers) + [h for h in response_headers if h[0] not in known]})
        await send({"type": "http.response.body", "body": response.body})
        return 429

    async def _lifespan(self, receive, send) -> None:  # type: ignore[no-untyped-def]
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                self.session = aiohttp.ClientSession(
                    cookie_jar=aiohttp.DummyCookieJar(),
                    timeout=aiohttp.ClientTimeout(total=None, sock_connect=self.settings.connect_timeout))
                structlog.contextvars.bind_contextvars(service="gateway")
                await self.keys.start()
                self.control.state.sessionmaker = self.keys.sessionmaker
                self.control.state.read_sessionmaker = self.keys.read_sessionmaker
                self.log.info("started", upstreams={n: [r.base_url for r in u.replicas]
                                                    for n, u in self.upstreams.items()})
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if self.session is not None:
                    await self.session.close()
                await self.keys.close()
                for upstream in self.upstreams.values():
                    for replica in upstream.replicas:
                        replica.pool.close()
                await send({"type": "lifespan.shutdown.complete"})
                return


def key_store_unavailable() -> Problem:
    return Problem(status=503, detail="The API key cannot be checked now: the gateway's key store does not "
                                      "answer. Nothing was forwarded; try again shortly.")


def create_app(settings: GatewaySettings | None = None) -> Gateway:
    return Gateway(settings or GatewaySettings())
