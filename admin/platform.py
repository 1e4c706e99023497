"""The running platform as the command line reaches it: HTTP through the gateway, with the administrator's key.

Whatever goes wrong becomes a `CommandFailed` holding one line for the administrator: the problem's status,
title and detail when the platform answered with a problem (RFC 9457), "cannot reach <url>: ..." when it could
not be reached.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx

DEFAULT_URL = "http://127.0.0.1:8000"
TIMEOUT_SECONDS = 120.0  # composing a report or importing a file may take a while


class CommandFailed(Exception):
    """A command could not do what it was asked; the message is the one line shown."""


def one_line(text: str) -> str:
    return " ".join(str(text).split())


def problem_line(response: httpx.Response) -> str:
    """One line for an answer that is not a success: the problem's status, title and detail."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict) and ("title" in body or "detail" in body):
        title = body.get("title") or response.reason_phrase
        detail = body.get("detail") or ""
        return one_line(f"{response.status_code} {title}: {detail}" if detail else f"{response.status_code} {title}")
    text = one_line(response.text)[:200]
    return f"{response.status_code} {response.reason_phrase}" + (f": {text}" if text else "")


@dataclass
class Platform:
    """One platform (its gateway's URL) called with one key."""

    url: str = DEFAULT_URL
    key: str | None = None
    json_output: bool = False
    _client: httpx.Client | None = field(default=None, repr=False)

    @property
    def client(self) -> httpx.Client:
        if self._client is None:
            headers = {"X-API-Key": self.key} if self.key else {}
            self._client = httpx.Client(base_url=self.url.rstrip("/"), headers=headers, timeout=TIMEOUT_SECONDS)
        return self._client

    def require_key(self) -> None:
        if not self.key:
            raise CommandFailed("no API key: pass --key or set RSS_API_KEY (a national administrator's key)")

    def request(self, method: str, path: str, *, expect: tuple[int, ...] = (200, 201, 202), **kwargs: Any,
                ) -> httpx.Response:
        """The answer to one request; CommandFailed for any other status than `expect` or no answer."""
        self.require_key()
        try:
            response = self.client.request(method, path, **kwargs)
        except httpx.TimeoutException:
            raise CommandFailed(f"cannot reach {self.url}: no answer within {TIMEOUT_SECONDS:g} s") from None
        except httpx.HTTPError as exc:
            raise CommandFailed(f"cannot reach {self.url}: {one_line(str(exc)) or type(exc).__name__}") from None
        if response.status_code not in expect:
            raise CommandFailed(problem_line(response))
        return response

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.request("GET", path, expect=(200,), **kwargs).json()

    def post(self, path: str, body: Any = None, **kwargs: Any) -> httpx.Response:
        return self.request("POST", path, json=body, **kwargs)

    def pages(self, path: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        """Every item of a paged list, following next_page to its end."""
        items: list[dict[str, Any]] = []
        page = self.get(path, params={**params, "limit": 500})
        while True:
            items.extend(page["items"])
            if not page.get("next_page"):
                return items
            page = self.get(page["next_page"])

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
