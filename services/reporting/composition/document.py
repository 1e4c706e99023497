"""The annual report's document (schema annual-report/v1): one generic table form, so that every format renders
every table the same way; figures as "12 av 21 län ..." sentences with their numbers; every table and figure
naming its source (service, endpoint, as-of date); and the content hash that decides whether a composition is a
new version.

The hash is sha256 over the canonical JSON (sorted keys, no whitespace, UTF-8) of the document without
`version`, `generated_at` and `content_hash`: two compositions of the same facts have the same hash whenever and
by whomever they were made.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

import orjson

SCHEMA_NAME = "annual-report/v1"
UNHASHED = ("version", "generated_at", "content_hash")
# The tables of the report, in its order.
TABLES = ("rss", "representatives", "money", "survey_response_rates", "needs_national", "needs_by_county",
          "status_reports", "activities", "participation", "national_totals")
ColumnType = Literal["string", "integer", "money", "percent", "date", "boolean"]
Cell = str | int | float | bool | None


@dataclass(frozen=True)
class Column:
    name: str
    title: str
    type: ColumnType

    def as_dict(self) -> dict[str, str]:
        return {"name": self.name, "title": self.title, "type": self.type}


@dataclass(frozen=True)
class Source:
    id: str
    service: str
    endpoint: str
    as_of: date

    def as_dict(self) -> dict[str, str]:
        return {"id": self.id, "service": self.service, "endpoint": self.endpoint, "as_of": self.as_of.isoformat()}


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    value: int | float
    of: int | None
    text: str
    source: str

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, "label": self.label, "value": self.value, "of": self.of, "text": self.text,
                "source": self.source}


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    source: str
    columns: tuple[Column, ...]
    rows: list[dict[str, Cell]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        names = [c.name for c in self.columns]
        for row in self.rows:
            if list(row) != names:
                raise ValueError(f"table {self.name}: a row's cells {list(row)} are not its columns {names}")
        return {"name": self.name, "title": self.title, "source": self.source,
                "columns": [c.as_dict() for c in self.columns], "rows": [dict(row) for row in self.rows]}


@dataclass
class Part:
    """What one part of the report adds: its tables, figures, the sources they cite and remarks."""

    tables: list[Table] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    has_data: bool = False


def percent(count: int, of: int) -> float | None:
    """count of `of` as a percentage with one decimal (None when there is nothing to divide by)."""
    if of <= 0:
        return None
    return round(count * 1000 / of) / 10


def canonical(document: dict[str, Any]) -> bytes:
    return orjson.dumps(document, option=orjson.OPT_SORT_KEYS)


def content_hash(document: dict[str, Any]) -> str:
    """sha256 over the canonical JSON of the document without version, generated_at and content_hash."""
    hashed = {key: value for key, value in document.items() if key not in UNHASHED}
    return "sha256:" + hashlib.sha256(canonical(hashed)).hexdigest()


def assemble(*, schema_url: str, year: int, as_of: date, parts: list[Part], notes: list[str]) -> dict[str, Any]:
    """The document of a composition, without its version and time: parts in the report's order; each source
    once (the first part to cite it names it); `empty` when no part holds data of the year."""
    sources: dict[str, Source] = {}
    for part in parts:
        for source in part.sources:
            sources.setdefault(source.id, source)
    cited = {t.source for p in parts for t in p.tables} | {f.source for p in parts for f in p.figures}
    missing = sorted(cited - set(sources))
    if missing:
        raise ValueError(f"tables or figures cite sources that are not listed: {missing}")
    empty = not any(part.has_data for part in parts)
    return {
        "schema": schema_url,
        "year": year,
        "as_of": as_of.isoformat(),
        "empty": empty,
        "notes": [*notes, *(note for part in parts for note in part.notes)],
        "sources": [s.as_dict() for s in sources.values()],
        "figures": [f.as_dict() for p in parts for f in p.figures],
        "tables": [t.as_dict() for t in sorted((t for p in parts for t in p.tables),
                                                key=lambda t: TABLES.index(t.name))],
    }


def finished(document: dict[str, Any], *, version: int, generated_at: datetime) -> dict[str, Any]:
    """The stored document: the composition with its hash, version and time, keys in the contract's order."""
    digest = content_hash(document)
    ordered = {"schema": document["schema"], "year": document["year"], "as_of": document["as_of"],
               "version": version, "generated_at": generated_at.isoformat(), "content_hash": digest}
    return {**ordered, **{k: v for k, v in document.items() if k not in ordered}}
