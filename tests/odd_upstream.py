"""A service written on raw sockets that answers in odd but legal HTTP/1.1 ways (and a few broken ones), chosen
by the first segment of the path. Every answer's body names the caller's marker (the X-Request-ID the gateway
forwards), so a test can tell whose answer a caller got."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Awaitable, Callable

Writer = asyncio.StreamWriter


def answer_body(marker: str, target: str) -> bytes:
    return json.dumps({"marker": marker, "target": target}).encode()


def head(status: str, headers: list[str]) -> bytes:
    return ("\r\n".join([f"HTTP/1.1 {status}", *headers]) + "\r\n\r\n").encode()


def plain(body: bytes, *extra: str) -> bytes:
    return head("200 OK", ["Content-Type: application/json", f"Content-Length: {len(body)}", *extra]) + body


class OddUpstream:
    """Runs on its own event loop in a thread. `received` lists (method, target, marker, body) as they arrive."""

    def __init__(self) -> None:
        self.received: list[tuple[str, str, str, bytes]] = []
        self.request_headers: dict[str, dict[str, str]] = {}  # by marker
        self.stray_answers_sent = 0
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()
        self.server = asyncio.run_coroutine_threadsafe(
            asyncio.start_server(self._serve, "127.0.0.1", 0), self.loop).result(5)
        self.port = self.server.sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"

    def close(self) -> None:
        async def stop() -> None:
            self.server.close()
            for task in asyncio.all_tasks():
                if task is not asyncio.current_task():
                    task.cancel()

        asyncio.run_coroutine_threadsafe(stop(), self.loop).result(5)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(5)

    def headers_of(self, marker: str) -> dict[str, str]:
        return self.request_headers[marker]

    def markers_received(self) -> set[str]:
        return {marker for _, _, marker, _ in self.received}

    async def _serve(self, reader: asyncio.StreamReader, writer: Writer) -> None:
        try:
            while True:
                request_head = await reader.readuntil(b"\r\n\r\n")
                lines = request_head.decode("latin-1").split("\r\n")
                method, target, _ = lines[0].split(" ")
                headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])
                           if k}
                body = await reader.readexactly(int(headers.get("content-length", "0")))
                marker = headers.get("x-request-id", "")
                self.received.append((method, target, marker, body))
                self.request_headers[marker] = headers
                scenario = SCENARIOS.get(target.split("?")[0].split("/")[1], plain_answer)
                if not await scenario(self, writer, method, target, marker):
                    break
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError, ConnectionError,
                asyncio.CancelledError):
            pass
        finally:
            writer.close()


# Each scenario writes its answer and says whether the connection stays open for the next request.
Scenario = Callable[["OddUpstream", Writer, str, str, str], Awaitable[bool]]


async def plain_answer(server: OddUpstream, writer: Writer, method: str, target: str, marker: str) -> bool:
    writer.write(plain(answer_body(marker, target)))
    await writer.drain()
    return True


async def interim(server: OddUpstream, writer: Writer, method: str, target: str, marker: str) -> bool:
    """100 Continue, then 103 Early Hints with a header of its own, then the answer, each in its own write."""
    for part in (head("100 Continue", []), head("103 Early Hints", ["Link: </hint.css>; rel=preload"]),
                 plain(answer_body(marker, target))):
        writer.write(part)
        await writer.drain()
        await asyncio.sleep(0.01)
    return True


async def interim_together(server: OddUpstream, writer: Writer, method: str, target: str, marker: str) -> bool:
    """Interim answers and the final one in a single write."""
    writer.write(head("100 Continue", []) + head("102 Processing", []) + plain(answer_body(marker, target)))
    await writer.drain()
    return True


async def chunked(server: OddUpstream, writer: Writer, method: str, target: str, marker: str) -> bool:
    body = answer_body(marker, target)
    pieces = [body[i:i + 7] for i in range(0, len(body), 7)]
    writer.write(head("200 OK", ["Content-Type: application/json", "Transfer-Encoding: chunked",
                                 "Trailer: X-Checksum"]))
    for piece in pieces:
        writer.write(f"{len(piece):x};note=piece\r\n".encode() + piece + b"\r\n")
        await writer.drain()
    writer.write(b"0\r\nX-Checksum: not-a-header\r\n\r\n")
    await writer.drain()
    return True


async def close_after(server: OddUpstream, writer: Writer, method: str, target: str, marker: str) -> bool:
    writer.write(plain(answer_body(marker, target), "Connection: close"))
    await writer.drain()
    return False


async def until_close(server: OddUpstream, writer: Writer, method: str, target: str, marker: str) -> bool:
    """No Content-Length, no chunks: the answer ends where the connection does."""
    writer.write(head("200 OK", ["Content-Type: application/json", "Connection: close"]))
    writer.write(answer_body(marker, target))
    await writer.drain()
    return False


async def cut_short(server: OddUpstream, writer: Writer, method: str, target: str, marker: str) -> bool:
    """Promises 5000 bytes, sends the start of the answer, and closes."""
    writer.write(head("200 OK", ["Content-Type: application/json", "Content-Length: 5000"])
                 + answer_body(marker, target))
    await writer.drain()
    return False


async def cut_short_large(server: OddUpstream, writer: Writer, method: str, target: str, marker: str) -> bool:
    """Promises 2 MB (more than the gateway holds before streaming) and stops after 600 kB."""
    writer.write(head("200 OK", ["Content-Type: application/octet-stream", "Content-Length: 2000000"]))
    writer.write(marker.encode().ljust(600_000, b"."))
    await writer.drain()
    return False


async def head_answer(server: OddUpstream, writer: Writer, method: str, target: str, marker: str) -> bool:
    """The length a GET would have, and no body (the rule for HEAD)."""
    writer.write(head("200 OK", ["Content-Type: application/json", "Content-Length: 4321", f"X-Marker: {marker}"]))
    await writer.drain()
    return True


async def no_content(server: OddUpstream, writer: Writer, method: str, target: str, marker: str) -> bool:
    writer.write(head("204 No Content", [f"X-Marker: {marker}"]))
    await writer.drain()
    return True


async def not_modified(server: OddUpstream, writer: Writer, method: str, target: str, marker: str) -> bool:
    writer.write(head("304 Not Modified", [f'ETag: "{marker}"', "Content-Length: 99"]))
    await writer.drain()
    return True


async def trickle(server: OddUpstream, writer: Writer, method: str, target: str, marker: str) -> bool:
    """The answer in pieces of three bytes, each its own TCP write."""
    data = plain(answer_body(marker, target))
    for i in range(0, len(data), 3):
        writer.write(data[i:i + 3])
        await writer.drain()
        await asyncio.sleep(0.001)
    return True


async def extra_answer(server: OddUpstream, writer: Writer, method: str, target: str, marker: str) -> bool:
    """A complete answer followed, in the same write, by a second one nobody asked for."""
    writer.write(plain(answer_body(marker, target)) + plain(answer_body("stolen", "/extra-answer")))
    await writer.drain()
    return True


async def head_after(server: OddUpstream, writer: Writer, method: str, target: str, marker: str) -> bool:
    """A complete answer followed by the unfinished head of another, which must not wait for the next request."""
    writer.write(plain(answer_body(marker, target)) + b"HTTP/1.1 200 OK\r\nContent-Type: application/js")
    await writer.drain()
    return True


async def garbage_after(server: OddUpstream, writer: Writer, method: str, target: str, marker: str) -> bool:
    writer.write(plain(answer_body(marker, target)) + b"\x00\xffnot http at all\r\n\r\n")
    await writer.drain()
    return True


async def late_answer(server: OddUpstream, writer: Writer, method: str, target: str, marker: str) -> bool:
    """A complete answer, then a stray one on the connection while it sits idle in the gateway's pool."""
    writer.write(plain(answer_body(marker, target)))
    await writer.drain()
    await asyncio.sleep(0.05)
    writer.write(plain(answer_body("stolen", "/late-answer")))
    await writer.drain()
    server.stray_answers_sent += 1
    return True


async def switch_protocols(server: OddUpstream, writer: Writer, method: str, target: str, marker: str) -> bool:
    writer.write(head("101 Switching Protocols", ["Upgrade: websocket", "Connection: Upgrade"]) + b"\x81\x00")
    await writer.drain()
    return True


async def hang(server: OddUpstream, writer: Writer, method: str, target: str, marker: str) -> bool:
    await asyncio.sleep(3600)
    return False


async def slow(server: OddUpstream, writer: Writer, method: str, target: str, marker: str) -> bool:
    """Answers after 0.3 s: slow enough for other requests to overtake it."""
    await asyncio.sleep(0.3)
    return await plain_answer(server, writer, method, target, marker)


SCENARIOS: dict[str, Scenario] = {
    "plain": plain_answer, "interim": interim, "interim-together": interim_together, "chunked": chunked,
    "close": close_after, "until-close": until_close, "cut-short": cut_short, "cut-short-large": cut_short_large,
    "head": head_answer, "no-content": no_content, "not-modified": not_modified, "trickle": trickle,
    "extra-answer": extra_answer, "head-after": head_after, "garbage-after": garbage_after, "late-answer": late_answer,
    "switch-protocols": switch_protocols, "hang": hang, "slow": slow,
}
