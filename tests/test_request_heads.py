"""What a request's head may be, at the gateway and at each service (shared/http_protocol.py): header fields past
32 KiB or past 100 fields are refused with 431 problem+json and the connection closes, also when the head never
ends; identity comes from the head alone, never from a chunked body's trailer fields."""

from __future__ import annotations

import json

import pytest

from shared.http_protocol import MAX_HEAD_BYTES, MAX_HEADER_FIELDS
from tests.raw_http import RawConnection


def ports(stack) -> dict[str, int]:
    return {"gateway": stack.ports["gateway"], "actors": stack.ports["actors"]}


def refused_431(connection: RawConnection) -> None:
    answer = connection.read_response()
    assert answer.status == 431 and answer.headers["content-type"] == "application/problem+json", answer
    assert json.loads(answer.body)["status"] == 431
    assert connection.reader.read() == b""  # and the connection is closed


@pytest.mark.parametrize("process", ["gateway", "actors"])
def test_a_header_that_never_ends_is_refused_once_past_the_limit(stack, process):
    connection = RawConnection(ports(stack)[process])
    connection.send(b"GET /actors/counties HTTP/1.1\r\nHost: rss\r\nX-Padding: ")
    for _ in range(MAX_HEAD_BYTES // 4096 + 2):  # the head goes on, and is never terminated
        try:
            connection.send(b"a" * 4096)
        except (BrokenPipeError, ConnectionResetError):
            break
    refused_431(connection)


@pytest.mark.parametrize("process", ["gateway", "actors"])
def test_a_whole_head_larger_than_the_limit_is_refused_not_forwarded(stack, process):
    connection = RawConnection(ports(stack)[process])
    big = b"a" * (MAX_HEAD_BYTES + 1)
    try:
        connection.send(b"GET /actors/counties HTTP/1.1\r\nHost: rss\r\nX-Padding: " + big + b"\r\n\r\n")
    except (BrokenPipeError, ConnectionResetError):
        pass
    refused_431(connection)


def test_too_many_header_fields_are_refused(stack):
    connection = RawConnection(stack.ports["gateway"])
    fields = b"".join(b"X-F%d: 1\r\n" % n for n in range(MAX_HEADER_FIELDS + 1))
    connection.send(b"GET /actors/counties HTTP/1.1\r\nHost: rss\r\n" + fields + b"\r\n")
    refused_431(connection)


def test_a_head_within_the_limits_is_answered(stack):
    connection = RawConnection(stack.ports["gateway"])
    fields = b"".join(b"X-F%d: %s\r\n" % (n, b"b" * 200) for n in range(MAX_HEADER_FIELDS - 10))
    connection.send(b"GET /actors/counties HTTP/1.1\r\nHost: rss\r\n" + fields + b"Connection: close\r\n\r\n")
    assert connection.read_response().status == 200


def test_an_api_key_sent_as_a_trailer_does_not_authenticate(stack):
    """A chunked write whose only X-API-Key is a trailer field: anonymous, so refused, and nothing stored."""
    body = json.dumps({"id": "trailer-key-org", "kind": "rd_unit", "name": "FoU Släp", "county_code": "20"}).encode()
    connection = RawConnection(stack.ports["gateway"])
    connection.send(b"POST /actors/organisations HTTP/1.1\r\nHost: rss\r\nContent-Type: application/json\r\n"
                    b"Transfer-Encoding: chunked\r\nTrailer: X-API-Key\r\n\r\n"
                    + b"%x\r\n" % len(body) + body + b"\r\n0\r\n"
                    + b"X-API-Key: " + stack.keys["skr-admin"].encode() + b"\r\n\r\n")
    assert connection.read_response().status == 401
    check = RawConnection(stack.ports["gateway"])
    check.send(b"GET /actors/organisations/trailer-key-org HTTP/1.1\r\nHost: rss\r\nConnection: close\r\n\r\n")
    assert check.read_response().status == 404
