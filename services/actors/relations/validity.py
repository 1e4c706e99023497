"""When a relation holds on a date: one rule, in Python (`holds`, `known_periods`) and in SQL (`holds_sql`), for
every read of the registry, on the driver and through the ORM alike.

A relation holds on a day inside its stored period [valid_from, valid_to). An attested-only relation (a source only
says it held in some years or on some dates, and its end was inferred: by the loader's rule in
reference_data/evidence.py, or because whoever recorded it gave none) is known through its last attestation only.
From `attested_until`, the day after that attestation, it is unknown (not ended) until a county system or a later
source confirms that it holds: from `confirmed_from` on it is known again, until it ends.

The stored period is never shortened by this rule: it stays the longest the sources allow (until a closing or the
next incompatible fact), so the register keeps what was recorded, and a confirmation only says from when the
register knows that the relation still holds. services/actors/tests/test_relation_validity.py holds the Python and
SQL forms to one answer.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from sqlalchemy import and_, or_
from sqlalchemy.sql import ColumnElement

from services.actors.relations.models import Evidence, Relation
from shared.periods import active_on, holds_on, overlaps

Period = tuple[date | None, date | None]


def attestation_end(value: str | int | date) -> date:
    """The first day after an attestation: 1 January after an attested year, the day after an attested date."""
    if isinstance(value, date):
        return value + timedelta(days=1)
    text = str(value)
    if len(text) == 4:
        return date(int(text) + 1, 1, 1)
    return date.fromisoformat(text) + timedelta(days=1)


def attested_until(evidence: str | None, attestations: Iterable[str | int | date], *, end_given: bool,
                   valid_to: date | None) -> date | None:
    """From when an attested-only relation is unknown: the day after its last attestation, when its evidence is
    `attested` and its end was inferred rather than given by a source (a given end is known, and kept), and the
    relation has not ended by then."""
    ends = [attestation_end(a) for a in attestations]
    if evidence != Evidence.ATTESTED.value or end_given or not ends:
        return None
    until = max(ends)
    return until if valid_to is None or until < valid_to else None


def holds(relation: Any, on: date) -> bool:
    """`relation`: a Relation, a row of its table, or any object with its period columns."""
    until, confirmed = getattr(relation, "attested_until", None), getattr(relation, "confirmed_from", None)
    return holds_on(relation.valid_from, relation.valid_to, on) and (
        until is None or on < until or (confirmed is not None and confirmed <= on))


def holds_sql(on: Any, table: Any = Relation) -> ColumnElement[bool]:
    """The same rule as a SQL condition on the relations table (or an alias of it); `on` a date or a bind
    parameter."""
    return and_(active_on(table.valid_from, table.valid_to, on),
                or_(table.attested_until.is_(None), table.attested_until > on,
                    and_(table.confirmed_from.is_not(None), table.confirmed_from <= on)))


def known_periods(relation: Any) -> list[Period]:
    """The periods in which the relation holds (one, or two around the unknown stretch), in order."""
    start, end = relation.valid_from, relation.valid_to
    until, confirmed = getattr(relation, "attested_until", None), getattr(relation, "confirmed_from", None)
    if until is None or (end is not None and until >= end) or (confirmed is not None and confirmed <= until):
        return [(start, end)]
    periods: list[Period] = []
    if start is None or until > start:
        periods.append((start, until))
    if confirmed is not None and (end is None or confirmed < end):
        periods.append((confirmed if start is None else max(confirmed, start), end))
    return periods


def known_overlap(a: Any, b: Any) -> bool:
    """Both relations hold on some day (the one-host rule's question)."""
    return any(overlaps(*p, *q) for p in known_periods(a) for q in known_periods(b))


def last_attested(relation: Any) -> str | None:
    """The latest attestation of an attested-only relation that is unknown after it ("2013"), else None."""
    if getattr(relation, "attested_until", None) is None:
        return None
    attested = [a for a in (relation.attested or "").split(",") if a]
    return max(attested, key=attestation_end) if attested else None
