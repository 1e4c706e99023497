"""Integrity of reference_data/structures.yaml, the reference structures the actor registry ships.

Plain pytest on the file alone (PyYAML safe_load, no database, no application code), so that it can run before
anything is loaded: ids, kinds, references, periods, the counts the domain fixes (21 regions, 24 RSS, the nine
agencies of the council, the 2013 hosting counts of seed 004) and the absence of anything personal.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from datetime import date, datetime
from typing import Any

from services.actors.tests.structures_support import (
    COUNTY_CODES,
    GENERATED_ID,
    GENERATED_IDS,
    ID_PATTERN,
    IDENTIFIER_SCHEMES,
    MAX_LABEL,
    MAX_NAME,
    MAX_NOTE,
    MAX_SHORT_NAME,
    MAX_SOURCE,
    NAME_KEYS,
    NATIONAL_KINDS,
    ORGANISATION_KEYS,
    ORGANISATION_KINDS,
    POST_KEYS,
    POST_ROLES,
    REGIONAL_KINDS,
    RELATION_KEYS,
    RELATION_KINDS,
    STRUCTURES,
    overlaps,
    relations,
)

# ---------------------------------------------------------------------------------------------------------------
# Shape, ids and kinds
# ---------------------------------------------------------------------------------------------------------------

def test_top_level_sections(data: dict[str, Any]) -> None:
    assert set(data) == {"organisations", "relations", "network_memberships", "posts"}
    assert all(isinstance(data[k], list) and data[k] for k in data)


def test_organisation_ids_are_unique_well_formed_and_not_generated(data: dict[str, Any]) -> None:
    ids = [o["id"] for o in data["organisations"]]
    assert [i for i, n in Counter(ids).items() if n > 1] == []
    assert [i for i in ids if not ID_PATTERN.match(i)] == []
    assert [i for i in ids if GENERATED_ID.match(i)] == [], "counties and municipalities are generated"


def test_post_ids_are_unique_and_well_formed(data: dict[str, Any]) -> None:
    ids = [p["id"] for p in data["posts"]]
    assert [i for i, n in Counter(ids).items() if n > 1] == []
    assert [i for i in ids if not ID_PATTERN.match(i)] == []


def test_organisations_have_known_keys_kinds_and_counties(data: dict[str, Any]) -> None:
    for o in data["organisations"]:
        assert set(o) <= ORGANISATION_KEYS, o["id"]
        assert {"id", "kind", "county", "names", "source"} <= set(o), o["id"]
        assert o["kind"] in ORGANISATION_KINDS, o["id"]
        assert o["kind"] not in {"county", "municipality"}, f"{o['id']}: counties and municipalities are generated"
        assert o["county"] is None or o["county"] in COUNTY_CODES, o["id"]
        if o["kind"] in NATIONAL_KINDS:
            assert o["county"] is None, f"{o['id']} is national"
        if o["kind"] in REGIONAL_KINDS:
            assert o["county"] is not None, f"{o['id']} is regional and needs its county"
        assert isinstance(o["source"], str) and o["source"].strip() and len(o["source"]) <= MAX_SOURCE, o["id"]
        assert o.get("note") is None or (isinstance(o["note"], str) and len(o["note"]) <= MAX_NOTE), o["id"]
        for identifier in o.get("identifiers") or []:
            assert set(identifier) == {"scheme", "value"} and identifier["scheme"] in IDENTIFIER_SCHEMES, o["id"]


def test_county_codes_are_quoted_strings_in_the_file_itself() -> None:
    """safe_load reads an unquoted 08 as a string, but YAML 1.2 parsers read it as the number 8: always quote."""
    lines = [line.strip() for line in STRUCTURES.read_text(encoding="utf-8").splitlines()
             if line.strip().startswith("county:")]
    assert lines and [line for line in lines if not re.fullmatch(r"county: (null|'\d{2}'|\"\d{2}\")", line)] == []


def test_relations_have_known_keys_and_kinds(data: dict[str, Any]) -> None:
    for r in data["relations"]:
        assert set(r) <= RELATION_KEYS, r
        assert {"kind", "subject", "object", "source"} <= set(r), r
        assert r["kind"] in RELATION_KINDS, r
        assert isinstance(r["source"], str) and r["source"].strip() and len(r["source"]) <= MAX_SOURCE, r
        assert r.get("note") is None or len(r["note"]) <= MAX_NOTE, r
        attested = r.get("attested") or []
        assert all((type(a) is int and 1900 <= a <= 2100) or type(a) is date for a in attested), r
        assert r.get("evidence", "year") in {"exact", "month", "year"} and r.get("joint", False) in {True, False}, r


def test_posts_have_known_keys_and_roles(data: dict[str, Any]) -> None:
    for p in data["posts"]:
        assert set(p) <= POST_KEYS, p["id"]
        assert {"id", "organisation", "role", "source"} <= set(p), p["id"]
        assert p["role"] in POST_ROLES, p["id"]
        assert p.get("label") is None or len(p["label"]) <= MAX_LABEL, p["id"]
        assert isinstance(p["source"], str) and p["source"].strip() and len(p["source"]) <= MAX_SOURCE, p["id"]


# ---------------------------------------------------------------------------------------------------------------
# References
# ---------------------------------------------------------------------------------------------------------------

def test_every_reference_resolves(data: dict[str, Any], orgs: dict[str, dict[str, Any]]) -> None:
    known = set(orgs) | GENERATED_IDS
    dangling = [(r["kind"], end, r[end]) for r in data["relations"] for end in ("subject", "object")
                if r[end] not in known]
    dangling += [(r["kind"], "unit", r["unit"]) for r in data["relations"] if r.get("unit") and r["unit"] not in known]
    dangling += [(p["id"], field, p[field]) for p in data["posts"] for field in ("organisation", "on_behalf_of")
                 if p.get(field) is not None and p[field] not in known]
    assert dangling == []


def test_no_organisation_relates_to_itself(data: dict[str, Any]) -> None:
    assert [r for r in data["relations"] if r["subject"] == r["object"]] == []


# ---------------------------------------------------------------------------------------------------------------
# Dates and periods
# ---------------------------------------------------------------------------------------------------------------

def test_dates_are_dates_and_periods_are_ordered(data: dict[str, Any]) -> None:
    """Bare YAML dates load as datetime.date (never a string or a datetime); valid_to is after valid_from."""
    records = ([("organisation", o["id"], o) for o in data["organisations"]]
               + [("name", o["id"], n) for o in data["organisations"] for n in o["names"]]
               + [("relation", f"{r['kind']} {r['subject']} {r['object']}", r) for r in data["relations"]]
               + [("post", p["id"], p) for p in data["posts"]])
    for what, key, record in records:
        for field in ("valid_from", "valid_to"):
            value = record.get(field)
            assert value is None or (isinstance(value, date) and not isinstance(value, datetime)), (what, key, field)
        if record.get("valid_from") and record.get("valid_to"):
            assert record["valid_from"] < record["valid_to"], (what, key)


def test_name_histories_are_contiguous_and_do_not_overlap(data: dict[str, Any]) -> None:
    """A rename ends one name and starts the next on the same day (the registry's rename rule)."""
    for o in data["organisations"]:
        names = o["names"]
        assert isinstance(names, list) and names, o["id"]
        for n in names:
            assert set(n) <= NAME_KEYS and "name" in n, o["id"]
            assert isinstance(n["name"], str) and n["name"] == n["name"].strip() and n["name"], o["id"]
            assert len(n["name"]) <= MAX_NAME and len(n.get("short_name") or "") <= MAX_SHORT_NAME, o["id"]
        for earlier, later in zip(names, names[1:]):
            assert earlier.get("valid_to") is not None, f"{o['id']}: a former name needs the day it ended"
            assert earlier["valid_to"] == later.get("valid_from"), f"{o['id']}: names must meet on the rename day"
        for a, b in ((a, b) for i, a in enumerate(names) for b in names[i + 1:]):
            assert not overlaps(a.get("valid_from"), a.get("valid_to"), b.get("valid_from"), b.get("valid_to")), \
                o["id"]
        assert names[0].get("valid_from") in (None, o.get("valid_from")), o["id"]
        assert names[-1].get("valid_to") in (None, o.get("valid_to")), o["id"]


def test_no_relation_is_recorded_twice_for_overlapping_periods(data: dict[str, Any]) -> None:
    """The registry refuses the same kind/subject/object twice in overlapping periods; so must the file."""
    by_triple: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
    for r in data["relations"]:
        by_triple[(r["kind"], r["subject"], r["object"])].append(r)
    clashes = [triple for triple, rels in by_triple.items()
               for i, a in enumerate(rels) for b in rels[i + 1:]
               if overlaps(a.get("valid_from"), a.get("valid_to"), b.get("valid_from"), b.get("valid_to"))]
    assert clashes == []


def test_dated_relations_and_posts_lie_within_their_organisations(data: dict[str, Any],
                                                                   orgs: dict[str, dict[str, Any]]) -> None:
    """Where both are dated, nothing starts before an end exists or after it ceased (successions excepted)."""
    def inside(org_id: str, start: date | None, end: date | None) -> bool:
        org = orgs.get(org_id, {})
        begins, ceases = org.get("valid_from"), org.get("valid_to")
        return not ((start and ceases and start >= ceases) or (end and begins and end <= begins)
                    or (start and begins and start < begins) or (end and ceases and end > ceases))
    bad = [(r["kind"], r["subject"], r["object"]) for r in data["relations"] if r["kind"] != "successor_of"
           and not all(inside(r[e], r.get("valid_from"), r.get("valid_to")) for e in ("subject", "object"))]
    bad += [p["id"] for p in data["posts"]
            if not all(inside(p[f], p.get("valid_from"), p.get("valid_to"))
                       for f in ("organisation", "on_behalf_of") if p.get(f))]
    assert bad == []


def test_relation_keys_fit_a_record_id(data: dict[str, Any]) -> None:
    """A relation's natural key, "ref-<kind>-<subject>-<object>-<valid_from, else reported year, else undated>", is
    unique and fits the registry's 64-character record id, so ids derived from it are never cut short (a cut can
    leave a trailing '-', which the id pattern refuses) nor ambiguous. Keep organisation ids short enough."""
    keys = []
    for r in data["relations"]:
        when = r["valid_from"].isoformat() if r.get("valid_from") else str(max(r.get("attested") or ["undated"]))
        keys.append(f"ref-{r['kind']}-{r['subject']}-{r['object']}-{when}".replace("_", "-"))
    assert [k for k in keys if len(k) > 64 or not ID_PATTERN.match(k)] == []
    assert [k for k, n in Counter(keys).items() if n > 1] == []


def test_part_of_has_no_cycle(data: dict[str, Any]) -> None:
    parents: dict[str, set[str]] = defaultdict(set)
    for r in relations(data, "part_of"):
        parents[r["subject"]].add(r["object"])

    def reaches(start: str, target: str, seen: set[str]) -> bool:
        return any(p == target or (p not in seen and reaches(p, target, seen | {p})) for p in parents[start])
    assert [s for s in list(parents) if reaches(s, s, {s})] == []


