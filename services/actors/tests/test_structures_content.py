"""What the shipped reference structures must contain: 21 regions, 24 RSS (four in Västra Götaland), SKR with
its SKL name, the council's nine agencies, the national networks, the 2013 hosting counts of seed 004, and
nothing personal. Plain pytest on reference_data/structures.yaml alone, like test_structures_file.py."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from datetime import date
from typing import Any

from services.actors.relations.presenter import sources_of
from services.actors.tests.structures_support import (
    AGENCIES,
    COUNTY_CODES,
    MUNICIPALITY_CODES,
    REGION_NAMES,
    STRUCTURES,
    VG_RSS,
    county_of,
    current_name,
    kind_of,
    relations,
    walk,
)

# ---------------------------------------------------------------------------------------------------------------
# What the registry must contain
# ---------------------------------------------------------------------------------------------------------------

def test_exactly_21_regions_one_per_county_with_current_names(orgs: dict[str, dict[str, Any]]) -> None:
    regions = {i: o for i, o in orgs.items() if o["kind"] == "region"}
    assert set(regions) == {f"region-{c}" for c in COUNTY_CODES}
    assert all(o["county"] == i.split("-")[1] for i, o in regions.items())
    assert {o["county"]: current_name(o) for o in regions.values()} == REGION_NAMES
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
    assert {r["object"] for r in relations(data, "successor_of", subject="skr")} == \
        {"svenska-kommunforbundet", "landstingsforbundet"}


def test_the_nine_agencies_are_members_of_the_council_chaired_by_socialstyrelsen(
        data: dict[str, Any], orgs: dict[str, dict[str, Any]]) -> None:
    council = "radet-styrning-kunskap"
    assert orgs[council]["kind"] == "national_body"
    members = {r["subject"] for r in relations(data, "member_of", object=council)}
    assert members == AGENCIES
    assert all(orgs[a]["kind"] == "government_agency" for a in AGENCIES)
    chairs = [p for p in data["posts"] if p["organisation"] == council and p["role"] == "chair"]
    assert [p.get("on_behalf_of") for p in chairs] == ["socialstyrelsen"]


def test_every_rss_is_in_the_national_network_and_the_partnership(data: dict[str, Any],
                                                                  orgs: dict[str, dict[str, Any]]) -> None:
    rss = {i for i, o in orgs.items() if o["kind"] == "rss"}
    assert orgs["network-rss"]["kind"] == "national_network"
    assert {r["subject"] for r in relations(data, "member_of", object="network-rss")} >= rss
    partners = {r["subject"] for r in relations(data, "member_of", object="partnerskapet")}
    assert partners == rss | {"skr", "socialstyrelsen"}


def test_the_seven_focus_area_networks(orgs: dict[str, dict[str, Any]]) -> None:
    networks = {"network-barn-och-unga": "Barn och unga", "network-digitalisering": "Digitalisering inom socialtjänst",
                "network-funktionshinder": "Funktionshinder", "network-kvinnofrid": "Kvinnofrid",
                "network-milk": "Missbruk och beroende", "network-systematisk-uppfoljning": "Systematisk uppföljning",
                "network-aldre": "Äldre"}
    assert {i: current_name(orgs[i]) for i in networks} == networks
    assert all(orgs[i]["kind"] == "national_network" for i in networks)


def test_2013_hosting_reproduces_seed_004(data: dict[str, Any], orgs: dict[str, dict[str, Any]]) -> None:
    """Seed 004 (2013 plans): 12 platforms at a regional association or regionkommun, 5 counties at a kommun- or
    kommunalförbund, 3 with the county council as employer, 1 at a university, 1 at an R&D unit.

    How the file models it: every 2013 fact is a relation with 2013 among its `attested` years whose object is the
    county's RSS.
    The 19 counties with a host organisation have `hosts` relations; the three county-council employers are
    `employer_of` relations from the region (the county council under its present id), so Stockholm, which seed
    004 counts in both lists, has one of each, and Blekinge and Sörmland have only the employer. Västra Götaland
    is one county in seed 004 but has four RSS, each hosted by its kommunalförbund, so hosting is counted in
    distinct counties (the RSS's county), not in relations: 22 `hosts` relations cover 19 counties.
    """
    hosted: dict[str, set[str]] = defaultdict(set)
    hosts_2013 = [r for r in relations(data, "hosts") if 2013 in (r.get("attested") or [])]
    for r in hosts_2013:
        assert kind_of(orgs, r["object"]) == "rss", r
        category = {"regional_association": "regional", "region": "regional", "municipal_association": "municipal",
                    "local_federation": "municipal", "university": "university",
                    "rd_unit": "rd_unit"}[kind_of(orgs, r["subject"])]
        hosted[category].add(county_of(orgs, r["object"]))
    assert hosted == {
        "regional": {"20", "09", "21", "13", "23", "06", "08", "07", "03", "24", "19", "18"},
        "municipal": {"25", "12", "01", "22", "14"},
        "university": {"17"},
        "rd_unit": {"05"},
    }
    assert {k: len(v) for k, v in hosted.items()} == {"regional": 12, "municipal": 5, "university": 1, "rd_unit": 1}
    assert len(hosts_2013) == 22
    employers_2013 = [r for r in relations(data, "employer_of") if 2013 in (r.get("attested") or [])]
    assert all(kind_of(orgs, r["subject"]) == "region" and kind_of(orgs, r["object"]) == "rss"
               for r in employers_2013)
    assert {county_of(orgs, r["object"]) for r in employers_2013} == {"10", "01", "04"}
    assert len(employers_2013) == 3
    covered = {county_of(orgs, r["object"]) for r in hosts_2013 + employers_2013}
    assert covered == COUNTY_CODES
    rss_ids = {i for i, o in orgs.items() if o["kind"] == "rss"}
    assert {r["object"] for r in hosts_2013 + employers_2013} == rss_ids


def test_stockholm_2018_2019(data: dict[str, Any], orgs: dict[str, dict[str, Any]]) -> None:
    parties = {"storsthlm", "stockholms-stad-fou", "fou-nordost", "fou-nordvast", "fou-nu", "fou-sodertorn",
               "aldrecentrum", "nestor-fou"}
    assert {r["subject"] for r in relations(data, "member_of", object="rss-01")} == parties
    group = "rss-01-steering-group"
    assert orgs[group]["kind"] == "steering_group"
    assert relations(data, "part_of", subject=group, object="rss-01")
    assert relations(data, "governs", subject=group, object="rss-01")
    seats = [p for p in data["posts"] if p["organisation"] == group]
    assert sorted(p["on_behalf_of"] for p in seats) == sorted(parties)
    assert all(p["role"] == "ordinary_member" for p in seats)
    funds = [p for p in data["posts"] if p["role"] == "responsible_for_funds"]
    assert [p["organisation"] for p in funds] == ["storsthlm"]


def test_fou_sodertorn_ownership(data: dict[str, Any]) -> None:
    owners = {r["subject"]: r.get("valid_from") for r in relations(data, "owner_of", object="fou-sodertorn")}
    nine = {f"municipality-{c}" for c in ("0127", "0136", "0126", "0182", "0192", "0128", "0181", "0138", "0120")}
    assert owners == {**{m: date(2011, 1, 1) for m in nine}, "municipality-0980": date(2013, 1, 1)}
    side = relations(data, "member_of", subject="municipality-0140", object="fou-sodertorn")
    assert len(side) == 1 and "hängavtal" in side[0]["note"]


def test_dalarna(data: dict[str, Any]) -> None:
    assert relations(data, "hosts", subject="region-20", object="rss-20")
    sud = {r["subject"] for r in relations(data, "member_of", object="sud")}
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
    assert [f"{path}.{key}" for path, key, _ in walk(data) if PERSONAL_KEY.search(str(key))] == []


def test_no_value_looks_like_an_email_address_or_phone_number(data: dict[str, Any]) -> None:
    strings = [(path, key, value) for path, key, value in walk(data) if isinstance(value, str)]
    assert [(p, k) for p, k, v in strings if "@" in v] == []
    assert [(p, k) for p, k, v in strings if PHONE.search(v)] == []
    raw = STRUCTURES.read_text(encoding="utf-8")
    assert "@" not in raw and "mailto" not in raw.lower()


def test_each_relation_source_is_cited_whole(data: dict[str, Any]) -> None:
    """A relation's sources answer one per item; a semicolon inside a source's parentheses stays in it."""
    assert sources_of("seed 003 (sections 2, 5; 'Regionbildningen 2019'); public record (formed 2019-01-01)") == [
        "seed 003 (sections 2, 5; 'Regionbildningen 2019')", "public record (formed 2019-01-01)"]
    torn = [(r.get("subject"), r.get("object"), s) for r in data["relations"]
            for s in sources_of(r.get("source")) if s.count("(") != s.count(")")]
    assert torn == []
