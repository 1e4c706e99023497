"""Stable keyset pagination: `limit` and an opaque `cursor`; pages carry `count` and a `next_page` link.

A cursor holds the sort key of the last row served, so a page costs the same wherever it is in the list and
rows added meanwhile neither repeat nor vanish across pages.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable, Sequence
from typing import Annotated, Any, Generic, TypeVar
from urllib.parse import quote

import orjson
from fastapi import Depends, Query, Request
from pydantic import BaseModel, Field
from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.interfaces import ORMOption
from sqlalchemy.sql import ColumnElement

from shared.problems import InvalidInput
from shared.text import control_character_in

T = TypeVar("T")

DEFAULT_LIMIT = 50
MAX_LIMIT = 500
FORWARDED_PREFIX_HEADER = "x-forwarded-prefix"


COUNT_CAP = 1_000
# Integer sort keys are SQL INTEGER columns: a cursor past their range is not one this API handed out (and
# PostgreSQL would refuse to compare with it).
INTEGER_KEY_RANGE = range(-(2**31), 2**31)


class Page(BaseModel, Generic[T]):
    items: list[T]
    count: int = Field(description=f"Rows matching the query, counted up to {COUNT_CAP:,}.")
    count_capped: bool = Field(False, description=f"True when more than {COUNT_CAP:,} rows match: count is then "
                                                  "a lower bound (follow next_page to the end to see them all).")
    next_page: str | None = None
    next_cursor: str | None = None


# The one page class every PageRequest builds (FastAPI checks it against the route's Page[Model]). Held here
# because pydantic keeps parametrised generic classes only weakly: unreferenced, Page[Any] was garbage collected
# and built anew (a new pydantic class, its schema and validator) on many requests, about a tenth of the CPU of
# an organisation list page in the profile of 2026-12-01 (docs/benchmarks.md).
AnyPage = Page[Any]


class PageRequest:
    def __init__(self, request: Request, limit: int, cursor: str | None) -> None:
        self.request = request
        self.limit = limit
        self.after: list[Any] | None = decode_cursor(cursor) if cursor else None

    def after_key(self, kind: type) -> Any:
        """The single sort key this API put in the cursor (None on the first page); 422 for any other shape,
        so a hand-made cursor never reaches the database as a value of the wrong type."""
        if self.after is None:
            return None
        if len(self.after) != 1 or not _fits(self.after[0], kind):
            raise _not_handed_out()
        return self.after[0]

    def after_keys(self, *kinds: type) -> list[Any] | None:
        """The sort keys of a list ordered by several columns (None on the first page), each of its column's type;
        422 for any other shape."""
        if self.after is None:
            return None
        if len(self.after) != len(kinds) or not all(_fits(key, kind) for key, kind in zip(self.after, kinds)):
            raise _not_handed_out()
        return self.after

    def page(self, rows: list[T], *, count: int, sort_key: Any) -> Page[T]:
        """`rows` is up to limit+1 rows fetched after the cursor; the extra row tells there is a next page."""
        has_more = len(rows) > self.limit
        rows = rows[: self.limit]
        next_cursor = encode_cursor(sort_key(rows[-1])) if has_more and rows else None
        return AnyPage(items=rows, count=min(count, COUNT_CAP), count_capped=count > COUNT_CAP,
                         next_cursor=next_cursor,
                         next_page=self._link(next_cursor) if next_cursor else None)

    def link_base(self) -> str:
        """What the page's links depend on besides the cursor: the public prefix and path."""
        return self.request.headers.get(FORWARDED_PREFIX_HEADER, "") + self.request.url.path

    def _link(self, cursor: str) -> str:
        prefix = self.request.headers.get(FORWARDED_PREFIX_HEADER, "")
        params = dict(self.request.query_params)
        params["cursor"] = cursor
        query = "&".join(f"{k}={_quote(v)}" for k, v in params.items())
        return f"{prefix}{self.request.url.path}?{query}"


def _fits(key: Any, kind: type) -> bool:
    """Whether a sort key has the type, and stays in the range, of the column it is compared with."""
    if type(key) is not kind:
        return False
    if kind is int:
        return key in INTEGER_KEY_RANGE
    if kind is str:
        return control_character_in(key) is None
    return True


def _not_handed_out() -> InvalidInput:
    return InvalidInput.field("query.cursor", "cursor_format",
                              "The cursor is not one this API handed out; start again without it.")


def _quote(value: str) -> str:
    return quote(value, safe="")


def encode_cursor(key: Any) -> str:
    return base64.urlsafe_b64encode(orjson.dumps(key)).rstrip(b"=").decode("ascii")


def decode_cursor(cursor: str) -> list[Any]:
    try:
        key = orjson.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, orjson.JSONDecodeError):
        raise _not_handed_out() from None
    if not isinstance(key, list):
        raise _not_handed_out()
    return key


async def page_request(
    request: Request,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Rows per page (1-500).")] = DEFAULT_LIMIT,
    cursor: Annotated[str | None, Query(description="Opaque cursor from the previous page's next_cursor.")] = None,
) -> PageRequest:
    return PageRequest(request, limit, cursor)


Paging = Annotated[PageRequest, Depends(page_request)]


def public_path(request: Request, path: str) -> str:
    """A path as the caller reaches it: behind the gateway it carries the service's public prefix."""
    return request.headers.get(FORWARDED_PREFIX_HEADER, "") + path


def capped_count(query: Select[Any]) -> Select[tuple[int]]:
    """The statement counting the rows `query` matches up to COUNT_CAP + 1: a page costs the same however large
    the table grows."""
    limited = query.order_by(None).limit(COUNT_CAP + 1).subquery()
    return select(func.count().label("count")).select_from(limited)


async def count_rows(session: AsyncSession, query: Select[Any]) -> int:
    """Rows matching `query`, counted up to COUNT_CAP + 1 (capped_count)."""
    return await session.scalar(capped_count(query)) or 0


async def keyset_page(session: AsyncSession, query: Select[tuple[T]], key: ColumnElement[Any], *, after: Any,
                      limit: int, options: Iterable[ORMOption] = ()) -> tuple[Sequence[T], int]:
    """One page of `query`'s records in `key` order: up to `limit` after the cursor's key (`after`, None on the
    first page), and how many match the query whatever the cursor (count_rows). `options` load what the page's
    presenter reads (selectinload of a collection) for the page's rows only."""
    count = await count_rows(session, query)
    if after is not None:
        query = query.where(key > after)
    page = query.order_by(key).limit(limit).options(*options)
    return (await session.scalars(page)).all(), count
