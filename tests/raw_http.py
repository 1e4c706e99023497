"""HTTP/1.1 over plain sockets, for the tests that must control every byte a caller sends to the gateway
(Expect: 100-continue, an upload cut off half-way) and read exactly what comes back."""

from __future__ import annotations

import socket
from dataclasses import dataclass, field


@dataclass
class RawResponse:
    status: int
    headers: dict[str, str]
    body: bytes
    interim: list[int] = field(default_factory=list)  # the 1xx statuses that came before the final answer


class RawConnection:
    """One connection to the gateway; requests are written as given, answers read by Content-Length or chunks."""

    def __init__(self, port: int, *, timeout: float = 10.0) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.reader = self.sock.makefile("rb")

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def read_head(self) -> tuple[int, dict[str, str]]:
        status_line = self.reader.readline()
        if not status_line:
            raise ConnectionError("the gateway closed the connection without an answer")
        status = int(status_line.split(b" ", 2)[1])
        headers: dict[str, str] = {}
        while (line := self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        return status, headers

    def read_response(self, *, head_request: bool = False) -> RawResponse:
        """The final answer, after any interim (1xx) ones."""
        interim = []
        status, headers = self.read_head()
        while 100 <= status < 200:
            interim.append(status)
            status, headers = self.read_head()
        if head_request or status in (204, 304):
            body = b""
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            body = self._read_chunks()
        elif "content-length" in headers:
            body = self._read_exactly(int(headers["content-length"]))
        else:
            body = self.reader.read()
        return RawResponse(status, headers, body, interim)

    def _read_exactly(self, size: int) -> bytes:
        data = self.reader.read(size)
        if len(data) != size:
            raise ConnectionError(f"the answer was cut short: {len(data)} of {size} bytes")
        return data

    def _read_chunks(self) -> bytes:
        parts = []
        while True:
            size_line = self.reader.readline()
            if not size_line:
                raise ConnectionError("the chunked answer was cut short")
            size = int(size_line.split(b";")[0], 16)
            if size == 0:
                while self.reader.readline() not in (b"\r\n", b""):
                    pass
                return b"".join(parts)
            parts.append(self._read_exactly(size))
            self.reader.readline()

    def close(self) -> None:
        self.reader.close()
        self.sock.close()

    def __enter__(self) -> RawConnection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def request_head(method: str, target: str, headers: dict[str, str]) -> bytes:
    lines = [f"{method} {target} HTTP/1.1", "Host: 127.0.0.1"] + [f"{k}: {v}" for k, v in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
