"""RFC 9457 problem details: one body format for every 4xx/5xx, in every service and the gateway.

Rule for 409 vs 422: a request that breaks a rule on its own (bad format, period that ends before it starts,
unknown reference) is 422; a request that is valid but collides with the current state (stale ETag aside, which
is 412: a duplicate, an overlapping membership) is 409.

Rule for unknown references, the same in every operation: an id in the PATH that names no record is 404 (the
resource the URL names does not exist); an id or code in a QUERY parameter or in the BODY that names no record
(a county code, an organisation, a post, a person) is 422, with an error naming the parameter or field
(`query.county`, `body.object_id`, `row 5.subject_id`) and the rule `unknown_reference`. A filter that names
nothing is refused rather than answered with an empty list, which would look like "none on that date".
`shared.known_records.require_reference` applies it.
"""

from __future__ import annotations

import re
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, Self

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from shared.allowed_methods import allowed_methods
from shared.logging import get_logger

PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_TYPE_BASE = "/problems/"

_STATUS_TITLES = {
    400: "Bad request",
    401: "Authentication required",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    406: "Not acceptable",
    409: "Conflict",
    412: "Precondition failed",
    413: "Request too large",
    415: "Unsupported media type",
    422: "Validation failed",
    428: "Precondition required",
    429: "Too many requests",
    500: "Internal server error",
    502: "Bad gateway",
    503: "Service unavailable",
    504: "Gateway timeout",
}

_STATUS_SLUGS = {
    400: "bad-request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
    409: "conflict",
    412: "precondition-failed",
    413: "body-too-large",
    415: "unsupported-media-type",
    422: "validation-error",
    428: "precondition-required",
    500: "internal-error",
    502: "bad-gateway",
    503: "service-unavailable",
    504: "gateway-timeout",
}


@dataclass(frozen=True)
class FieldError:
    """One broken rule: which field, which rule, and a sentence a person can read."""

    field: str
    rule: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "rule": self.rule, "message": self.message}


@dataclass
class Problem:
    status: int
    detail: str
    slug: str | None = None
    title: str | None = None
    errors: list[FieldError] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    def body(self, instance: str | None = None) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "type": PROBLEM_TYPE_BASE + (self.slug or _STATUS_SLUGS.get(self.status, "error")),
            "title": self.title or _STATUS_TITLES.get(self.status, "Error"),
            "status": self.status,
            "detail": self.detail,
        }
        if instance:
            doc["instance"] = instance
        if self.errors:
            doc["errors"] = [e.as_dict() for e in self.errors]
        doc.update(self.extra)
        return doc


# The problem answered to the request being handled, for its access line (shared/middleware.py): which rule and
# which field a 4xx was about, so the log says why without the body.
answered_problem: ContextVar[Problem | None] = ContextVar("answered_problem", default=None)


def problem_response(problem: Problem, *, instance: str | None = None,
                     headers: dict[str, str] | None = None) -> Response:
    answered_problem.set(problem)
    return Response(
        content=orjson.dumps(problem.body(instance)),
        status_code=problem.status,
        media_type=PROBLEM_CONTENT_TYPE,
        headers=headers,
    )


class ProblemError(Exception):
    """Base of every domain error. Subclasses set `status` and `slug`; raise with a detail sentence."""

    status: int = 400
    slug: str | None = None
    title: str | None = None

    def __init__(self, detail: str, *, errors: list[FieldError] | None = None,
                 headers: dict[str, str] | None = None, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or []
        self.headers = headers
        self.extra = extra

    def to_problem(self) -> Problem:
        return Problem(status=self.status, detail=self.detail, slug=self.slug, title=self.title,
                       errors=self.errors, extra=self.extra)

    @classmethod
    def field(cls, field_name: str, rule: str, message: str, **extra: Any) -> Self:
        """The error about one field: its detail is the message, and `errors` names the field and the rule."""
        return cls(message, errors=[FieldError(field_name, rule, message)], **extra)


class NotFound(ProblemError):
    status = 404
    slug = "not-found"


class InvalidInput(ProblemError):
    status = 422
    slug = "validation-error"


class Conflict(ProblemError):
    status = 409
    slug = "conflict"


class Unauthenticated(ProblemError):
    status = 401
    slug = "unauthenticated"


class Forbidden(ProblemError):
    status = 403
    slug = "forbidden"


class PreconditionFailed(ProblemError):
    status = 412
    slug = "precondition-failed"


class BodyTooLarge(ProblemError):
    """A request body past the service's limit; the problem says the limit in bytes as `max_bytes`."""

    status = 413
    slug = "body-too-large"


class UnsupportedMediaType(ProblemError):
    status = 415
    slug = "unsupported-media-type"


class PreconditionRequired(ProblemError):
    status = 428
    slug = "precondition-required"


class ServiceUnavailable(ProblemError):
    """The request was not handled now and may be sent again (Retry-After); nothing was stored."""

    status = 503
    slug = "service-unavailable"

    def __init__(self, detail: str, *, retry_after: int = 1, **extra: Any) -> None:
        super().__init__(detail, headers={"Retry-After": str(retry_after)}, **extra)


def _field_name(loc: tuple[Any, ...] | list[Any]) -> str:
    return ".".join(str(part) for part in loc)


def validation_field_errors(exc: RequestValidationError) -> list[FieldError]:
    errors = []
    for err in exc.errors():
        errors.append(FieldError(field=_field_name(err.get("loc", ())), rule=str(err.get("type", "invalid")),
                                 message=str(err.get("msg", "invalid value"))))
    return errors


_PREFIX = re.compile(r"^/[a-z][a-z0-9-]{0,30}$")


def public_path(request: Request) -> str:
    """The path as the caller sent it: behind the gateway, with the service's public prefix (/actors/...)."""
    prefix = request.headers.get("x-forwarded-prefix", "")
    return (prefix if _PREFIX.match(prefix) else "") + request.url.path


def install_problem_handlers(app: FastAPI) -> None:
    log = get_logger("problems")

    async def on_problem(request: Request, exc: ProblemError) -> Response:
        return problem_response(exc.to_problem(), instance=public_path(request), headers=exc.headers)

    async def on_validation(request: Request, exc: RequestValidationError) -> Response:
        errors = validation_field_errors(exc)
        if any(e.field.startswith("path.") for e in errors):
            # A path another route names literally (/versions/1/workbook, GET) caught by a parameter of this one
            # (/versions/1/{step}, POST only): the path exists, the method does not.
            allow = allowed_methods(request.app.router.routes, request.scope)
            if allow and request.method not in allow:
                return problem_response(
                    Problem(status=405, detail=f"{request.method} is not allowed here; allowed: {', '.join(allow)}."),
                    instance=public_path(request), headers={"allow": ", ".join(allow)})
        summary = "; ".join(f"{e.field}: {e.message}" for e in errors[:5])
        return problem_response(
            Problem(status=422, detail=f"The request breaks {len(errors)} rule(s): {summary}", errors=errors),
            instance=public_path(request),
        )

    async def on_http(request: Request, exc: StarletteHTTPException) -> Response:
        detail = exc.detail if isinstance(exc.detail, str) else _STATUS_TITLES.get(exc.status_code, "Error")
        if exc.status_code == 404 and detail == "Not Found":
            detail = f"No resource at {public_path(request)}"
        headers = getattr(exc, "headers", None)
        if exc.status_code == 405:
            allow = ", ".join(allowed_methods(request.app.router.routes, request.scope))
            if request.method == "OPTIONS":  # no route declares OPTIONS: the answer is the path's methods
                return Response(status_code=204, headers={"allow": allow})
            headers, detail = {"allow": allow}, f"{request.method} is not allowed here; allowed: {allow}."
        return problem_response(Problem(status=exc.status_code, detail=detail), instance=public_path(request),
                                headers=headers)

    async def on_integrity(request: Request, exc: IntegrityError) -> Response:
        # A constraint the service checks first can still trip when two requests race; the loser gets 409.
        log.warning("integrity_conflict", path=request.url.path, error=str(exc.orig)[:200])
        return problem_response(Problem(status=409, detail="The change conflicts with another change made at the "
                                                           "same time; read the current state and try again."),
                                instance=public_path(request))

    async def on_stale(request: Request, exc: StaleDataError) -> Response:
        return problem_response(Problem(status=412, detail="The record was changed by someone else meanwhile; "
                                                           "read it again and re-apply your change."),
                                instance=public_path(request))

    async def on_unhandled(request: Request, exc: Exception) -> Response:
        log.exception("unhandled_error", path=request.url.path)
        return problem_response(Problem(status=500, detail="An unexpected error occurred; it has been logged."),
                                instance=public_path(request))

    app.add_exception_handler(ProblemError, on_problem)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, on_validation)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, on_http)  # type: ignore[arg-type]
    app.add_exception_handler(IntegrityError, on_integrity)  # type: ignore[arg-type]
    app.add_exception_handler(StaleDataError, on_stale)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, on_unhandled)


class ProblemFieldErrorDocument(BaseModel):
    field: str
    rule: str
    message: str


class ProblemDocument(BaseModel):
    """The RFC 9457 body every error uses; documented once in each OpenAPI document.

    Extension members that some problems carry are declared here too; RFC 9457 allows others, so a client must
    accept members it does not know.
    """

    model_config = ConfigDict(extra="allow")

    type: str = Field(description="A relative URI naming the kind of problem, e.g. /problems/validation-error.")
    title: str
    status: int
    detail: str = Field(description="A sentence a person can read.")
    instance: str | None = Field(None, description="The public path of the request that failed.")
    errors: list[ProblemFieldErrorDocument] | None = Field(
        None, description="Each broken rule: the field (body.x, query.x, path.x, header.x, row N.column) and rule.")
    current_etag: str | None = Field(None, description="412: the record's current ETag.")
    rows: int | None = Field(None, description="Imports: the number of data rows in the file.")
    rows_with_errors: list[int] | None = Field(None, description="Imports: the rows that broke a rule.")


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses=` entries for the given error statuses."""
    return {status: {"model": ProblemDocument, "description": _STATUS_TITLES.get(status, "Error")}
            for status in statuses}
