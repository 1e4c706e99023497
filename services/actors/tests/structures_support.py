"""Reading reference_data/structures.yaml for its integrity tests: the vocabularies the registry accepts, the
SCB codes, and small helpers over the loaded document. PyYAML and the CSV files only, no application code."""


from __future__ import annotations

import csv
import re
from datetime import date
from pathlib import Path
from typing import Any

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
    "process_leader", "development_leader", "coordinator", "responsible_for_funds", "signatory",
}
NATIONAL_KINDS = {"national_body", "government_agency", "national_network"}
REGIONAL_KINDS = {"region", "rss", "municipal_association", "local_federation", "regional_association", "rd_unit",
                  "university", "steering_group"}

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}[a-z0-9]$")  # the registry's record-id pattern
GENERATED_ID = re.compile(r"^(county-\d{2}|municipality-\d{4})$")

ORGANISATION_KEYS = {"id", "kind", "county", "valid_from", "valid_to", "names", "identifiers", "source", "note"}
NAME_KEYS = {"name", "short_name", "valid_from", "valid_to", "evidence"}
RELATION_KEYS = {"kind", "subject", "object", "valid_from", "valid_to", "evidence", "attested", "joint", "unit",
                 "source", "note"}
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


def codes_in(file: str) -> set[str]:
    with open(REFERENCE_DIR / file, encoding="utf-8", newline="") as f:
        return {row["code"] for row in csv.DictReader(f)}


COUNTY_CODES = codes_in("counties.csv")
MUNICIPALITY_CODES = codes_in("municipalities.csv")
GENERATED_IDS = {f"county-{c}" for c in COUNTY_CODES} | {f"municipality-{c}" for c in MUNICIPALITY_CODES}


def kind_of(orgs: dict[str, dict[str, Any]], org_id: str) -> str:
    """Kind of an organisation in the file or of a generated one."""
    if org_id in orgs:
        return orgs[org_id]["kind"]
    return "county" if org_id.startswith("county-") else "municipality"


def county_of(orgs: dict[str, dict[str, Any]], org_id: str) -> str | None:
    if org_id in orgs:
        return orgs[org_id]["county"]
    return org_id.split("-")[1][:2]


def overlaps(a_from: date | None, a_to: date | None, b_from: date | None, b_to: date | None) -> bool:
    """Open ends (None) reach infinitely far, as in the registry's own overlap rule."""
    return (b_to is None or a_from is None or a_from < b_to) and (a_to is None or b_from is None or a_to > b_from)


def current_name(org: dict[str, Any]) -> str:
    return org["names"][-1]["name"]


def relations(data: dict[str, Any], kind: str, *, subject: str | None = None,
               object: str | None = None) -> list[dict[str, Any]]:
    return [r for r in data["relations"] if r["kind"] == kind and (subject is None or r["subject"] == subject)
            and (object is None or r["object"] == object)]


def walk(value: Any, path: str = ""):
    """Every (path, key, value) in the loaded document, keys included."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield path, key, item
            yield from walk(item, f"{path}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from walk(item, f"{path}[{i}]")
