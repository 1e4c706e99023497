"""Organisations as plain records, for answers about many at once (list pages, exports, embedded references).

An OrganisationRecord carries what the presenters read (organisation_out, organisation_ref, name_on), filled by
the repository with one query per part (the organisations, their names, identifiers and contact channels)
instead of ORM objects, which cost more than the SQL itself for a page of fifty (docs/benchmarks.md, "Where the
figures in the code went"). An OrganisationHead carries what a reference reads (organisation_ref): id, kind,
county and names. No SQL here: the reads that fill them are in organisations/repository.py.
"""

from __future__ import annotations

from collections import namedtuple
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy.engine import Row


@dataclass(slots=True)
class OrganisationRecord:
    id: str
    kind: str
    county_code: str | None
    valid_from: date | None
    valid_to: date | None
    note: str | None
    source: str | None
    version: int
    names: list[Row[Any]] = field(default_factory=list)
    identifiers: list[Row[Any]] = field(default_factory=list)
    contacts: list[Row[Any]] = field(default_factory=list)


@dataclass(slots=True)
class OrganisationHead:
    id: str
    kind: str
    county_code: str | None
    names: list[Row[Any]] = field(default_factory=list)


NameRow = namedtuple("NameRow", "name short_name valid_from valid_to evidence")
IdentifierRow = namedtuple("IdentifierRow", "scheme value valid_from valid_to")
ContactRow = namedtuple("ContactRow", "kind value label")
