"""The HTTP/1.1 server protocol every process of the platform runs: uvicorn's httptools protocol, bounded.

uvicorn is started with ``--http shared.http_protocol:BoundedHttpToolsProtocol`` (deploy/stack.py and
deploy/entrypoint.sh). Beside what httptools already refuses, it holds three rules:

- A request's head (request line and header fields) is at most ``MAX_HEAD_BYTES`` bytes and
  ``MAX_HEADER_FIELDS`` fields, as nginx's default buffers allow. Past either the answer is 431 (RFC 6585) as
  problem+json and the connection closes (lingering: late bytes are dropped for a moment first, so the answer is
  not lost to a reset). The bytes are counted as they arrive, so a header that never ends
  costs the limit, not the sender's patience: without it eight connections each sending an unterminated
  25 MiB header held 240 MiB of the gateway's memory.
- Trailer fields of a chunked body are dropped. uvicorn appends them to the request's headers, where an
  ``X-API-Key`` sent only as a trailer authenticated the request; who the caller is comes from the head alone.
- Each refusal writes an access line, as every answer does.
"""

from __future__ import annotations

import sys
from typing import Any

import orjson
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from shared.logging import access_line

MAX_HEAD_BYTES = 32 * 1024
MAX_HEADER_FIELDS = 100
LINGER_SECONDS = 2.0  # how long a refused connection's late bytes are read and dropped before it closes


class _HeadTooLarge(Exception):
    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


def _refusal(detail: str) -> bytes:
    body = orjson.dumps({"type": "/problems/request-header-fields-too-large",
                         "title": "Request header fields too large", "status": 431, "detail": detail})
    return (b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-type: application/problem+json\r\n"
            b"connection: close\r\ncontent-length: " + str(len(body)).encode() + b"\r\n\r\n" + body)


class BoundedHttpToolsProtocol(HttpToolsProtocol):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._in_head = True  # between the start of a message and the end of its header fields
        self._head_received = 0  # bytes received while in a head: an upper bound of its size
        self._head_parsed = 0  # bytes of the request line and the complete header fields
        self._header_fields = 0
        self._too_large: str | None = None

    def data_received(self, data: bytes) -> None:
        if self._too_large is not None:
            return  # refused: what still arrives is read and dropped until the connection closes
        if self._in_head:
            self._head_received += len(data)
        super().data_received(data)
        if self._in_head and self._head_received > MAX_HEAD_BYTES and self._too_large is None \
                and self.transport is not None and not self.transport.is_closing():
            self._refuse(f"The request's header fields are larger than {MAX_HEAD_BYTES} bytes.")

    def on_message_begin(self) -> None:
        # The bytes received so far in this call are counted already (a head may begin and grow in one chunk);
        # what follows the begin of a keep-alive connection's next message counts from the next chunk.
        super().on_message_begin()
        self._in_head = True
        self._head_parsed = self._header_fields = 0

    def on_url(self, url: bytes) -> None:
        self._head_parsed += len(url)
        if self._head_parsed > MAX_HEAD_BYTES:
            raise _HeadTooLarge(f"The request line is longer than {MAX_HEAD_BYTES} bytes.")
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        if not self._in_head:
            return  # a trailer field: never part of the request's headers
        self._head_parsed += len(name) + len(value) + 4
        self._header_fields += 1
        if self._head_parsed > MAX_HEAD_BYTES:
            raise _HeadTooLarge(f"The request's header fields are larger than {MAX_HEAD_BYTES} bytes.")
        if self._header_fields > MAX_HEADER_FIELDS:
            raise _HeadTooLarge(f"The request has more than {MAX_HEADER_FIELDS} header fields.")
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        self._in_head = False
        self._head_received = 0
        super().on_headers_complete()

    def send_400_response(self, msg: str) -> None:
        # uvicorn answers every parser error with 400, from inside its `except`; httptools raised the exception
        # of a callback (ours above) as the context of its own error.
        error = sys.exc_info()[1]
        if error is not None and isinstance(error.__context__, _HeadTooLarge):
            self._refuse(error.__context__.detail)
            return
        super().send_400_response(msg)

    def _refuse(self, detail: str) -> None:
        # A lingering close: the answer, then the end of our side, and the connection closed a moment later.
        # Closing at once with the caller's bytes still unread would reset the connection, and a reset can
        # destroy the answer before the caller has read it.
        self._too_large = detail
        self.transport.write(_refusal(detail))
        if self.transport.can_write_eof():
            self.transport.write_eof()
        self.loop.call_later(LINGER_SECONDS, self.transport.close)
        access_line(request_id=None, method=None, path=None, status=431, upstream=None, caller=None,
                    duration_ms=None, client=self.client[0] if self.client else None)
