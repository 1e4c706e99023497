"""The SCB reference data, read through the gateway as a county system or the public would."""

import httpx

NATIONAL_POPULATION_2023 = 10_551_707  # SCB's published total, 31 December 2023


def all_pages(gateway: httpx.Client, path: str, headers: dict[str, str] | None = None, **params) -> tuple[list, int]:
    items: list = []
    response = gateway.get(path, params={"limit": 100, **params}, headers=headers)
    while True:
        assert response.status_code == 200, response.text
        page = response.json()
        items.extend(page["items"])
        if page["next_page"] is None:
            return items, page["count"]
        response = gateway.get(page["next_page"], headers=headers)


def test_falun_is_served_to_a_county_system(gateway, county_key):
    response = gateway.get("/actors/municipalities/2080", headers=county_key)

    assert response.status_code == 200
    falun = response.json()
    assert (falun["code"], falun["name"], falun["county_code"], falun["county_name"]) == \
        ("2080", "Falun", "20", "Dalarnas län")
    assert falun["populations"] == [
        {"year": 2021, "population": 59837},
        {"year": 2022, "population": 59818},
        {"year": 2023, "population": 59986},
    ]
    assert (falun["population"], falun["population_year"]) == (59986, 2023)


def test_all_290_municipalities_and_21_counties_page_through_the_gateway(gateway, county_key):
    municipalities, count = all_pages(gateway, "/actors/municipalities", county_key)
    counties, county_count = all_pages(gateway, "/actors/counties", county_key)

    assert count == len(municipalities) == 290
    assert len({m["code"] for m in municipalities}) == 290
    assert county_count == len(counties) == 21
    assert sum(c["municipality_count"] for c in counties) == 290
    assert sum(c["population"] for c in counties) == NATIONAL_POPULATION_2023


def test_dalarna_has_its_15_municipalities(gateway):
    dalarna = gateway.get("/actors/counties/20").json()
    listed, count = all_pages(gateway, "/actors/municipalities", county="20")

    assert dalarna["name"] == "Dalarnas län"
    assert dalarna["municipality_count"] == 15 == count == len(listed)
    assert [m["name"] for m in dalarna["municipalities"]][:3] == ["Vansbro", "Malung-Sälen", "Gagnef"]
    assert {m["code"][:2] for m in listed} == {"20"}


def test_swedish_names_round_trip_unharmed(gateway):
    assert gateway.get("/actors/municipalities/2023").json()["name"] == "Malung-Sälen"
    assert gateway.get("/actors/municipalities/2039").json()["name"] == "Älvdalen"
    response = gateway.get("/actors/counties/05")
    assert response.json()["name"] == "Östergötlands län"
    assert "Östergötlands län".encode() in response.content  # UTF-8 on the wire, not \\u escapes


def test_name_search_ignores_case_and_swedish_letters(gateway):
    malung = gateway.get("/actors/municipalities", params={"name": "malung"}).json()
    ostergotland = gateway.get("/actors/counties", params={"name": "ostergotland"}).json()
    upper = gateway.get("/actors/municipalities", params={"name": "ÄLVDALEN"}).json()

    assert [m["name"] for m in malung["items"]] == ["Malung-Sälen"]
    assert [c["name"] for c in ostergotland["items"]] == ["Östergötlands län"]
    assert [m["code"] for m in upper["items"]] == ["2039"]


def test_county_and_name_filters_combine(gateway):
    in_dalarna = gateway.get("/actors/municipalities", params={"county": "20", "name": "s"}).json()
    names = {m["name"] for m in in_dalarna["items"]}

    assert "Säter" in names and "Malung-Sälen" in names
    assert all(m["county_code"] == "20" for m in in_dalarna["items"])
    assert in_dalarna["count"] == len(in_dalarna["items"])


def test_pages_do_not_overlap_and_keep_their_order(gateway):
    first = gateway.get("/actors/municipalities", params={"limit": 5}).json()
    second = gateway.get(first["next_page"]).json()

    assert first["next_page"].startswith("/actors/municipalities?")
    codes = [m["code"] for m in first["items"] + second["items"]]
    assert codes == sorted(codes) and len(set(codes)) == 10
