"""A JSON body is sent as JSON: a body for an operation that reads a JSON document, sent without
`Content-Type: application/json` (curl's `-d` sends `application/x-www-form-urlencoded`), is 415 problem+json
naming the type to send, rather than a 422 that says the body "should be a valid dictionary".

Every service's app depends on `require_json_content_type` (shared/service_app.py). Operations that take a file
read their own body and name their own types (shared/uploads.py); an operation whose body is optional may be
called without one.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.routing import APIRoute

from shared.problems import UnsupportedMediaType

JSON = "application/json"
_WITH_BODY = frozenset({"POST", "PUT", "PATCH"})


def _media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


def _has_body(request: Request) -> bool:
    length = request.headers.get("content-length")
    return "transfer-encoding" in request.headers or (length is not None and length.strip() not in ("", "0"))


async def require_json_content_type(request: Request) -> None:
    route = request.scope.get("route")
    if request.method not in _WITH_BODY or not isinstance(route, APIRoute) or route.body_field is None:
        return
    media_type = _media_type(request)
    if media_type == JSON or (media_type.startswith("application/") and media_type.endswith("+json")):
        return
    if not media_type and not _has_body(request):
        return  # no body at all: the operation's own rules say whether one was needed
    raise UnsupportedMediaType(f"Send the body as JSON with the header Content-Type: {JSON}; "
                               f"it was sent as {media_type or 'no type'}.", expected=JSON)
