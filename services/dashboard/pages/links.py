"""The dashboard's own addresses, as the browser reaches them through the gateway (/dashboard/…): every link a
page holds is built here, from the gateway's forwarded prefix and the page's period."""

from __future__ import annotations

import re
from urllib.parse import urlencode

from services.dashboard.pages.schemas import Period, Span

_PREFIX = re.compile(r"^/[a-z][a-z0-9-]{0,30}$")


def forwarded_prefix(value: str | None) -> str:
    """The gateway's X-Forwarded-Prefix when it is a plain path segment (/dashboard), else none."""
    return value if value and _PREFIX.match(value) else ""


class Links:
    def __init__(self, prefix: str, period: Period | None = None) -> None:
        self.prefix = prefix
        self.period = period

    def url(self, path: str, query: dict[str, str] | None = None) -> str:
        return self.prefix + path + ("?" + urlencode(query) if query else "")

    def _period(self) -> dict[str, str]:
        return self.period.query() if self.period is not None else {}

    def home(self) -> str:
        return self.url("/", self._period())

    def county(self, code: str) -> str:
        return self.url(f"/lan/{code}", self._period())

    def history(self, code: str, span: Span | None = None) -> str:
        return self.url(f"/lan/{code}/historik", span.query() if span else None)

    def partnership(self) -> str:
        return self.url("/partnerskapet", self._period())

    def show(self) -> str:
        """Where the page's form sends its choice of county, year and date."""
        return self.prefix + "/visa"

    def table(self, view_path: str, name: str, file_format: str, query: dict[str, str]) -> str:
        return self.url(f"{view_path.rstrip('/')}/tabeller/{name}.{file_format}", query)

    def path(self, path: str) -> str:
        return self.prefix + path
