"""Integrity of reference_data/structures.yaml, the reference structures the actor registry ships.

Plain pytest on the file alone (PyYAML safe_load, no database, no application code), so that it can run before
anything is loaded: ids, kinds, references, periods, the counts the domain fixes (21 regions, 24 RSS, the nine
agencies of the council, the 2013 hosting counts of seed 004) and the absence of anything personal.
"""

from __future__ import annotations

import csv
import re
from collections import Counter, defaultdict
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

REFERENCE_DIR = Path(__file__).resolve().parents[1] / "reference_data"
STRUCTURES = REFERENCE_DIR / "structures.yaml"

ORGANISATION_KINDS = {
    "county", "municipality", "region", "rss", "municipal_association", "local_federation", "regional_association",
    "rd_unit", "university", "national_body", "government_agency", "national_network", "steering_group",
    "reference_group", "working_committee", "user_organisation", "private_provider", "other",
}
RELATION_KINDS = {"part_of", "member_of", "owner_of", "hosts", "employer_of", "funds", "governs", "successor_of"}
POST_ROLES = {
    "ordinary_member", "substitute", "chair", "co_opted", "contact_person", "contact_point", "platform_leader",
    "process_leader", "development_leader", "coordinator", "responsible_for_funds",
}
NATIONAL_KINDS = {"national_body", "government_agency", "national_network"}
REGIONAL_KINDS = {"region", "rss", "municipal_association", "local_federation", "regional_association", "rd_unit",
                  "university", "steering_group"}

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}[a-z0-9]$")  # the registry's record-id pattern
GENERATED_ID = re.compile(r"^(county-\d{2}|municipality-\d{4})$")

ORGANISATION_KEYS = {"id", "kind", "county", "valid_from", "valid_to", "names", "identifiers", "source", "note"}
NAME_KEYS = {"name", "short_name", "valid_from", "valid_to"}
RELATION_KEYS = {"kind", "subject", "object", "valid_from", "valid_to", "reported", "source", "note"}
POST_KEYS = {"id", "organisation", "role", "label", "on_behalf_of", "valid_from", "valid_to", "source"}
IDENTIFIER_SCHEMES = {"org_number", "scb_county", "scb_municipality"}

# Column limits of the registry's tables, so that everything in the file can be loaded as it is.
MAX_NAME, MAX_SHORT_NAME, MAX_NOTE, MAX_SOURCE, MAX_LABEL = 200, 60, 1000, 300, 200

AGENCIES = {"socialstyrelsen", "ehalsomyndigheten", "folkhalsomyndigheten", "forte", "ivo", "lakemedelsverket",
            "mfd", "sbu", "tlv"}
REGION_NAMES = {
    "01": "Region Stockholm", "03": "Region Uppsala", "04": "Region Sörmland", "05": "Region Östergötland",
    "06": "Region Jönköpings län", "07": "Region Kronoberg", "08": "Region Kalmar län", "09": "Region Gotland",
    "10": "Region Blekinge", "12": "Region Skåne", "13": "Region Halland", "14": "Västra Götalandsregionen",
    "17": "Region Värmland", "18": "Region Örebro län", "19": "Region Västmanland", "20": "Region Dalarna",
    "21": "Region Gävleborg", "22": "Region Västernorrland", "23": "Region Jämtland Härjedalen",
    "24": "Region Västerbotten", "25": "Region Norrbotten",
}
VG_RSS = {"rss-14-fyrbodal", "rss-14-sjuharad", "rss-14-skaraborg", "rss-14-goteborgsregionen"}


def _codes(file: str) -> set[str]:
    with open(REFERENCE_DIR / file, encoding="utf-8", newline="") as f:
        return {row["code"] for row in csv.DictReader(f)}


COUNTY_CODES = _codes("counties.csv")
MUNICIPALITY_CODES = _codes("municipalities.csv")
GENERATED_IDS = {f"county-{c}" for c in COUNTY_CODES} | {f"municipality-{c}" for c in MUNICIPALITY_CODES}


@pytest.fixture(scope="module")
def data() -> dict[str, Any]:
    with open(STRUCTURES, encoding="utf-8") as f:
        return yaml.safe_load(f)


@pytest.fixture(scope="module")
def orgs(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {o["id"]: o for o in data["organisations"]}


def _kind_of(orgs: dict[str, dict[str, Any]], org_id: str) -> str:
    """Kind of an organisation in the file or of a generated one."""
    if org_id in orgs:
        return orgs[org_id]["kind"]
    return "county" if org_id.startswith("county-") else "municipality"


def _county_of(orgs: dict[str, dict[str, Any]], org_id: str) -> str | None:
    if org_id in orgs:
        return orgs[org_id]["county"]
    return org_id.split("-")[1][:2]


def _overlaps(a_from: date | None, a_to: date | None, b_from: date | None, b_to: date | None) -> bool:
    """Open ends (None) reach infinitely far, as in the registry's own overlap rule."""
    return (b_to is None or a_from is None or a_from < b_to) and (a_to is None or b_from is None or a_to > b_from)


def _current_name(org: dict[str, Any]) -> str:
    return org["names"][-1]["name"]


def _relations(data: dict[str, Any], kind: str, *, subject: str | None = None,
               object: str | None = None) -> list[dict[str, Any]]:
    return [r for r in data["relations"] if r["kind"] == kind and (subject is None or r["subject"] == subject)
            and (object is None or r["object"] == object)]


def _walk(value: Any, path: str = ""):
    """Every (path, key, value) in the loaded document, keys included."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield path, key, item
            yield from _walk(item, f"{path}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _walk(item, f"{path}[{i}]")


# ---------------------------------------------------------------------------------------------------------------
# Shape, ids and kinds
# ---------------------------------------------------------------------------------------------------------------

def test_top_level_sections(data: dict[str, Any]) -> None:
    assert set(data) == {"organisations", "relations", "posts"}
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
        reported = r.get("reported")
        assert reported is None or (type(reported) is int and 1900 <= reported <= 2100), r


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
            assert not _overlaps(a.get("valid_from"), a.get("valid_to"), b.get("valid_from"), b.get("valid_to")), \
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
               if _overlaps(a.get("valid_from"), a.get("valid_to"), b.get("valid_from"), b.get("valid_to"))]
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
        when = r["valid_from"].isoformat() if r.get("valid_from") else str(r.get("reported") or "undated")
        keys.append(f"ref-{r['kind']}-{r['subject']}-{r['object']}-{when}".replace("_", "-"))
    assert [k for k in keys if len(k) > 64 or not ID_PATTERN.match(k)] == []
    assert [k for k, n in Counter(keys).items() if n > 1] == []


def test_part_of_has_no_cycle(data: dict[str, Any]) -> None:
    parents: dict[str, set[str]] = defaultdict(set)
    for r in _relations(data, "part_of"):
        parents[r["subject"]].add(r["object"])

    def reaches(start: str, target: str, seen: set[str]) -> bool:
        return any(p == target or (p not in seen and reaches(p, target, seen | {p})) for p in parents[start])
    assert [s for s in list(parents) if reaches(s, s, {s})] == []


# ---------------------------------------------------------------------------------------------------------------
# What the registry must contain
# ---------------------------------------------------------------------------------------------------------------

def test_exactly_21_regions_one_per_county_with_current_names(orgs: dict[str, dict[str, Any]]) -> None:
    regions = {i: o for i, o in orgs.items() if o["kind"] == "region"}
    assert set(regions) == {f"region-{c}" for c in COUNTY_CODES}
    assert all(o["county"] == i.split("-")[1] for i, o in regions.items())
    assert {o["county"]: _current_name(o) for o in regions.values()} == REGION_NAMES
    assert all(o["names"][-1].get("valid_to") is None for o in regions.values())


def test_exactly_24_rss_four_of_them_in_vastra_gotaland(orgs: dict[str, dict[str, Any]]) -> None:
    rss = {i: o for i, o in orgs.items() if o["kind"] == "rss"}
    assert len(rss) == 24
    per_county = Counter(o["county"] for o in rss.values())
    assert per_county["14"] == 4 and set(per_county) == COUNTY_CODES
    assert all(n == 1 for c, n in per_county.items() if c != "14")
    assert {i for i, o in rss.items() if o["county"] == "14"} == VG_RSS
    assert all(i == f"rss-{o['county']}" for i, o in rss.items() if o["county"] != "14")


def test_skr_keeps_the_skl_name_history(orgs: dict[str, dict[str, Any]], data: dict[str, Any]) -> None:
    names = [(n["short_name"], n.get("valid_from"), n.get("valid_to")) for n in orgs["skr"]["names"]]
    assert names == [("SKL", date(2007, 3, 1), date(2019, 11, 27)), ("SKR", date(2019, 11, 27), None)]
    assert {r["object"] for r in _relations(data, "successor_of", subject="skr")} == \
        {"svenska-kommunforbundet", "landstingsforbundet"}


def test_the_nine_agencies_are_members_of_the_council_chaired_by_socialstyrelsen(
        data: dict[str, Any], orgs: dict[str, dict[str, Any]]) -> None:
    council = "radet-styrning-kunskap"
    assert orgs[council]["kind"] == "national_body"
    members = {r["subject"] for r in _relations(data, "member_of", object=council)}
    assert members == AGENCIES
    assert all(orgs[a]["kind"] == "government_agency" for a in AGENCIES)
    chairs = [p for p in data["posts"] if p["organisation"] == council and p["role"] == "chair"]
    assert [p.get("on_behalf_of") for p in chairs] == ["socialstyrelsen"]


def test_every_rss_is_in_the_national_network_and_the_partnership(data: dict[str, Any],
                                                                  orgs: dict[str, dict[str, Any]]) -> None:
    rss = {i for i, o in orgs.items() if o["kind"] == "rss"}
    assert orgs["network-rss"]["kind"] == "national_network"
    assert {r["subject"] for r in _relations(data, "member_of", object="network-rss")} >= rss
    partners = {r["subject"] for r in _relations(data, "member_of", object="partnerskapet")}
    assert partners == rss | {"skr", "socialstyrelsen"}


def test_the_seven_focus_area_networks(orgs: dict[str, dict[str, Any]]) -> None:
    networks = {"network-barn-och-unga": "Barn och unga", "network-digitalisering": "Digitalisering inom socialtjänst",
                "network-funktionshinder": "Funktionshinder", "network-kvinnofrid": "Kvinnofrid",
                "network-milk": "Missbruk och beroende", "network-systematisk-uppfoljning": "Systematisk uppföljning",
                "network-aldre": "Äldre"}
    assert {i: _current_name(orgs[i]) for i in networks} == networks
    assert all(orgs[i]["kind"] == "national_network" for i in networks)


def test_2013_hosting_reproduces_seed_004(data: dict[str, Any], orgs: dict[str, dict[str, Any]]) -> None:
    """Seed 004 (2013 plans): 12 platforms at a regional association or regionkommun, 5 counties at a kommun- or
    kommunalförbund, 3 with the county council as employer, 1 at a university, 1 at an R&D unit.

    How the file models it: every 2013 fact is a relation with `reported: 2013` whose object is the county's RSS.
    The 19 counties with a host organisation have `hosts` relations; the three county-council employers are
    `employer_of` relations from the region (the county council under its present id), so Stockholm, which seed
    004 counts in both lists, has one of each, and Blekinge and Sörmland have only the employer. Västra Götaland
    is one county in seed 004 but has four RSS, each hosted by its kommunalförbund, so hosting is counted in
    distinct counties (the RSS's county), not in relations: 22 `hosts` relations cover 19 counties.
    """
    hosted: dict[str, set[str]] = defaultdict(set)
    hosts_2013 = [r for r in _relations(data, "hosts") if r.get("reported") == 2013]
    for r in hosts_2013:
        assert _kind_of(orgs, r["object"]) == "rss", r
        category = {"regional_association": "regional", "region": "regional", "municipal_association": "municipal",
                    "local_federation": "municipal", "university": "university",
                    "rd_unit": "rd_unit"}[_kind_of(orgs, r["subject"])]
        hosted[category].add(_county_of(orgs, r["object"]))
    assert hosted == {
        "regional": {"20", "09", "21", "13", "23", "06", "08", "07", "03", "24", "19", "18"},
        "municipal": {"25", "12", "01", "22", "14"},
        "university": {"17"},
        "rd_unit": {"05"},
    }
    assert {k: len(v) for k, v in hosted.items()} == {"regional": 12, "municipal": 5, "university": 1, "rd_unit": 1}
    assert len(hosts_2013) == 22
    employers_2013 = [r for r in _relations(data, "employer_of") if r.get("reported") == 2013]
    assert all(_kind_of(orgs, r["subject"]) == "region" and _kind_of(orgs, r["object"]) == "rss"
               for r in employers_2013)
    assert {_county_of(orgs, r["object"]) for r in employers_2013} == {"10", "01", "04"}
    assert len(employers_2013) == 3
    covered = {_county_of(orgs, r["object"]) for r in hosts_2013 + employers_2013}
    assert covered == COUNTY_CODES
    rss_ids = {i for i, o in orgs.items() if o["kind"] == "rss"}
    assert {r["object"] for r in hosts_2013 + employers_2013} == rss_ids


def test_stockholm_2018_2019(data: dict[str, Any], orgs: dict[str, dict[str, Any]]) -> None:
    parties = {"storsthlm", "stockholms-stad-fou", "fou-nordost", "fou-nordvast", "fou-nu", "fou-sodertorn",
               "aldrecentrum", "nestor-fou"}
    assert {r["subject"] for r in _relations(data, "member_of", object="rss-01")} == parties
    group = "rss-01-steering-group"
    assert orgs[group]["kind"] == "steering_group"
    assert _relations(data, "part_of", subject=group, object="rss-01")
    assert _relations(data, "governs", subject=group, object="rss-01")
    seats = [p for p in data["posts"] if p["organisation"] == group]
    assert sorted(p["on_behalf_of"] for p in seats) == sorted(parties)
    assert all(p["role"] == "ordinary_member" for p in seats)
    funds = [p for p in data["posts"] if p["role"] == "responsible_for_funds"]
    assert [p["organisation"] for p in funds] == ["storsthlm"]


def test_fou_sodertorn_ownership(data: dict[str, Any]) -> None:
    owners = {r["subject"]: r.get("valid_from") for r in _relations(data, "owner_of", object="fou-sodertorn")}
    nine = {f"municipality-{c}" for c in ("0127", "0136", "0126", "0182", "0192", "0128", "0181", "0138", "0120")}
    assert owners == {**{m: date(2011, 1, 1) for m in nine}, "municipality-0980": date(2013, 1, 1)}
    side = _relations(data, "member_of", subject="municipality-0140", object="fou-sodertorn")
    assert len(side) == 1 and "hängavtal" in side[0]["note"]


def test_dalarna(data: dict[str, Any]) -> None:
    assert _relations(data, "hosts", subject="region-20", object="rss-20")
    sud = {r["subject"] for r in _relations(data, "member_of", object="sud")}
    dalarna = {f"municipality-{c}" for c in MUNICIPALITY_CODES if c.startswith("20")}
    assert len(dalarna) == 15 and sud == dalarna | {"region-20", "hogskolan-dalarna"}


# ---------------------------------------------------------------------------------------------------------------
# No persons
# ---------------------------------------------------------------------------------------------------------------

# No key may be about people or their contact details. `contact` is refused too: an organisation's fixed-function
# mailbox may only be added where a seed gives an organisational (non-personal) address, and the seeds give none.
PERSONAL_KEY = re.compile(r"person|people|holder|e-?mail|mail|phone|telefon|tel$|mobile|first_?name|last_?name"
                          r"|surname|given_?name|contact", re.IGNORECASE)
PHONE = re.compile(r"(\+46|\b0\d{1,3})[\s-]?\d{2,3}[\s-]?\d{2}[\s-]?\d{2}\b")


def test_no_key_is_about_persons_or_contact_details(data: dict[str, Any]) -> None:
    assert [f"{path}.{key}" for path, key, _ in _walk(data) if PERSONAL_KEY.search(str(key))] == []


def test_no_value_looks_like_an_email_address_or_phone_number(data: dict[str, Any]) -> None:
    strings = [(path, key, value) for path, key, value in _walk(data) if isinstance(value, str)]
    assert [(p, k) for p, k, v in strings if "@" in v] == []
    assert [(p, k) for p, k, v in strings if PHONE.search(v)] == []
    raw = STRUCTURES.read_text(encoding="utf-8")
    assert "@" not in raw and "mailto" not in raw.lower()
