"""Small numbers through the gateway: an aggregate of too few responses is suppressed for every caller who does not
own the answers (another county, the dashboard), in the API and in the exported distribution; the county whose
answers they are and the national administrators read it in full; above the minimum group size (3) everyone does.
A table that would let another be subtracted down to one respondent is withheld too."""

from __future__ import annotations

import pytest

from tests.surveys_requests import answer, export_rows, needs_answers, open_round

FALUN, BORLANGE, AVESTA, GAVLE = "2080", "2081", "2084", "2180"


@pytest.fixture(scope="module")
def stockholm_key(stack) -> dict[str, str]:
    return {"X-API-Key": stack.keys["county-01"]}


def tables(gateway, url: str, headers: dict, county: str) -> dict:
    found = gateway.get(f"{url}/distribution", params={"county": county}, headers=headers)
    assert found.status_code == 200, found.text
    return found.json()


def counts(table: dict, link_id: str) -> dict:
    return {v["value"]: v["count"] for v in next(i for i in table["items"] if i["link_id"] == link_id)["values"]}


def assert_suppressed(table: dict, rule: str = "min_group_size") -> None:
    assert table["suppressed"] is True and table["suppression"]["rule"] == rule, table
    assert table["suppression"]["minimum"] == 3
    for item in table["items"]:
        assert item["answered"] is None and item["mean"] is None
        assert all(v["suppressed"] and v["count"] is None and v["denominator"] is None and v["share"] is None
                   for v in item["values"])


def test_one_municipalitys_answers_are_read_by_its_county_and_no_other(gateway, admin_key, county_key,
                                                                       stockholm_key, dashboard_key):
    round_ = open_round(gateway, admin_key)
    url = f"/surveys/rounds/{round_['id']}"
    falun = needs_answers(2)
    assert answer(gateway, county_key, round_["id"], FALUN, falun).status_code == 201

    # Stockholm and the dashboard: county 20's table is Falun's answer, and so is the nation's.
    for headers in (stockholm_key, dashboard_key):
        read = tables(gateway, url, headers, "20")
        assert_suppressed(read["county"])
        assert_suppressed(read["nation"])
        assert read["county"]["submitted"] == 1  # as the response rates say
        urgency = next(i for i in read["county"]["items"] if i["link_id"] == "behov.aldre.angelagenhet")
        assert [v["value"] for v in urgency["values"]] == ["1", "2", "3", "4", "5"]  # the steps, not the answer
        needs = gateway.get(f"{url}/needs", params={"county": "20"}, headers=headers).json()
        for scope in ("nation", "county"):
            assert needs[scope]["suppressed"] and needs[scope]["suppression"]["rule"] == "min_group_size"
            assert all(a["rank"] is None and a["mean"] is None and a["count"] is None and a["suppressed"]
                       for a in needs[scope]["focus_areas"])
        exported = gateway.get(f"{url}/exports/distribution.csv", params={"county": "20"}, headers=headers)
        rows = export_rows(exported)
        assert rows and all(r["suppressed"] == "ja" and r["count"] == "" and r["share"] == "" for r in rows)

    # Dalarna's own answers, and the national administrators: in full.
    for headers in (county_key, admin_key):
        read = tables(gateway, url, headers, "20")
        assert not read["county"]["suppressed"] and read["county"]["suppression"] is None
        assert not read["nation"]["suppressed"]
        assert counts(read["county"], "behov.aldre.angelagenhet") == {
            str(n): int(falun["behov.aldre.angelagenhet"] == n) for n in range(1, 6)}
        exported = gateway.get(f"{url}/exports/distribution.csv", params={"county": "20"}, headers=headers)
        rows = export_rows(exported)
        assert all(r["suppressed"] == "nej" for r in rows)
        assert sum(int(r["count"]) for r in rows if r["link_id"] == "behov.aldre.angelagenhet"
                   and r["scope"] == "20") == 1

    # From three respondents on, another county reads the county's table and the nation's.
    for code, n in ((BORLANGE, 3), (AVESTA, 4)):
        assert answer(gateway, county_key, round_["id"], code, needs_answers(n)).status_code == 201
    for headers in (stockholm_key, dashboard_key):
        read = tables(gateway, url, headers, "20")
        assert not read["county"]["suppressed"] and not read["nation"]["suppressed"]
        assert sum(counts(read["county"], "behov.aldre.angelagenhet").values()) == 3
        needs = gateway.get(f"{url}/needs", params={"county": "20"}, headers=headers).json()
        assert [a["rank"] for a in needs["county"]["focus_areas"]] == list(range(1, 8))


def test_a_table_that_would_leave_one_respondent_by_subtraction_is_withheld(gateway, admin_key, county_key,
                                                                           stockholm_key, dashboard_key):
    """Three Dalarna municipalities and Gävle: the nation minus Dalarna is Gävle's answer."""
    round_ = open_round(gateway, admin_key, organisation_ids=[FALUN, BORLANGE, AVESTA, GAVLE])
    url = f"/surveys/rounds/{round_['id']}"
    for code, n in ((FALUN, 2), (BORLANGE, 3), (AVESTA, 4)):
        assert answer(gateway, county_key, round_["id"], code, needs_answers(n)).status_code == 201
    assert answer(gateway, admin_key, round_["id"], GAVLE, needs_answers(5)).status_code == 201

    # Dalarna reads its own county; the nation, less its own answers, is Gävle alone.
    read = tables(gateway, url, county_key, "20")
    assert not read["county"]["suppressed"]
    assert_suppressed(read["nation"])
    # Stockholm and the dashboard: Gävle's table is one respondent, and Dalarna's is withheld beside it, so that
    # the nation (four responses) minus Dalarna does not give Gävle's answer.
    for headers in (stockholm_key, dashboard_key):
        assert_suppressed(tables(gateway, url, headers, "21")["county"])
        read = tables(gateway, url, headers, "20")
        assert_suppressed(read["county"], rule="complementary")
        assert not read["nation"]["suppressed"]
        assert sum(counts(read["nation"], "behov.aldre.angelagenhet").values()) == 4
    read = tables(gateway, url, admin_key, "21")
    assert not read["county"]["suppressed"] and not read["nation"]["suppressed"]
