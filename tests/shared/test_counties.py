"""The county names exports show beside county codes are the registry's reference data's."""

import csv
from pathlib import Path

from shared.counties import COUNTY_NAMES, county_name

MUNICIPALITIES = Path(__file__).resolve().parents[2] / "services/actors/reference_data/municipalities.csv"


def test_the_county_names_are_the_registry_reference_datas():
    with MUNICIPALITIES.open(encoding="utf-8") as rows:
        registry = {row["county_code"]: row["county_name"] for row in csv.DictReader(rows)}
    assert COUNTY_NAMES == registry
    assert (county_name("20"), county_name(None), county_name("nation")) == ("Dalarnas län", None, None)
