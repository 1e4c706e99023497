"""The registry's "today", read and confirmed through the gateway: a host that only 2012-2013 sources attest is
unknown after its last attested year, and the overview names it as the last known host with that year; a county's
system confirms its own RSS's host from a day, and from then the overview shows it as host today."""

from __future__ import annotations

from datetime import date

from tests.registry_helpers import create_organisation, create_relation, unique, with_etag

LATER = "2026-06-01"
UPPSALA_HOST = {"id": "test-rss-03-host-region-2026", "kind": "hosts", "subject_id": "region-03",
                "object_id": "rss-03", "confirmed_from": "2026-03-01",
                "source": "Region Uppsala, the county's RSS, 2026-03-01"}


def overview(gateway, rss_id, **params):
    response = gateway.get(f"/actors/rss/{rss_id}", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def test_uppsala_host_today_is_unknown_until_the_county_confirms_the_region(gateway, admin_key, county_key):
    before = overview(gateway, "rss-03", as_of=LATER)
    if before["hosts"]:  # the stack is shared by the session: a rerun finds the confirmation already stored
        assert [h["organisation"]["id"] for h in before["hosts"]] == ["region-03"]
    else:
        assert before["employers"] == []
        unknown = before["placement_unknown"]
        assert (unknown["last_before"]["organisation"]["name"], unknown["last_attested"],
                unknown["last_known_until"], unknown["next_after"]) == (
            "Regionförbundet Uppsala län", "2013", "2014-01-01", None)
        assert "Last known host: Regionförbundet Uppsala län, last attested 2013." in unknown["note"]
        # The stored relation is as the sources allow it, until the association was dissolved.
        assert (unknown["last_before"]["valid_from"], unknown["last_before"]["valid_to"],
                unknown["last_before"]["attested"], unknown["last_before"]["attested_until"]) == (
            "2012-01-01", "2017-01-01", ["2012", "2013"], "2014-01-01")
    assert [h["organisation"]["id"] for h in overview(gateway, "rss-03", as_of="2013-06-01")["hosts"]] == [
        "regionforbund-03"]
    association = gateway.get("/actors/organisations/regionforbund-03").json()
    assert association["valid_to"] == "2017-01-01" and "2017-01-01" in association["source"]

    refused = gateway.post("/actors/relations", json=UPPSALA_HOST, headers=county_key)  # Dalarna's key
    assert refused.status_code == 403, refused.text
    confirmed = gateway.post("/actors/relations", json=UPPSALA_HOST, headers=admin_key)
    assert confirmed.status_code in (200, 201), confirmed.text
    assert (confirmed.json()["evidence"], confirmed.json()["confirmed_from"]) == ("attested", "2026-03-01")

    after = overview(gateway, "rss-03", as_of=LATER)
    assert [(h["organisation"]["id"], h["organisation"]["name"], h["confirmed_from"]) for h in after["hosts"]] == [
        ("region-03", "Region Uppsala", "2026-03-01")]
    assert after["placement_unknown"] is None
    if date.today() >= date(2026, 3, 1):  # today, without a date
        assert [h["organisation"]["id"] for h in overview(gateway, "rss-03")["hosts"]] == ["region-03"]
    earlier = overview(gateway, "rss-03", as_of="2025-06-01")["placement_unknown"]
    assert (earlier["last_before"]["organisation"]["id"], earlier["next_after"]["organisation"]["id"],
            earlier["next_known_from"]) == ("regionforbund-03", "region-03", "2026-03-01")


def test_a_county_confirms_its_own_attested_relation_and_no_other_countys(gateway, county_key, stack):
    """Dalarna's key confirms a relation of its county that a source attests for 2013 only: unknown in 2026 until
    the confirmation, known from its day on; Stockholm's key may not confirm it."""
    owner = create_organisation(gateway, county_key, name="Kommunalförbundet Bekräftar", kind="municipal_association",
                                county_code="20", id=unique("test-owner"))
    unit = create_organisation(gateway, county_key, name="FoU Bekräftad", county_code="20", id=unique("test-unit"))
    created = create_relation(gateway, county_key, kind="owner_of", subject=owner["id"], obj=unit["id"],
                              evidence="attested", attested=["2013"], source="Årsredovisning 2013")
    assert created.status_code == 201, created.text
    relation = created.json()
    assert (relation["valid_to"], relation["attested_until"]) == (None, "2014-01-01")
    url = f"/actors/relations/{relation['id']}"

    def known(as_of):
        return gateway.get(url, params={"as_of": as_of}).json()["active"]

    def listed(as_of):
        page = gateway.get("/actors/relations", params={"organisation": unit["id"], "as_of": as_of}).json()
        return [r["id"] for r in page["items"]]

    assert (known("2013-06-01"), known(LATER), listed(LATER)) == (True, False, [])
    stockholm = {"X-API-Key": stack.keys["county-01"]}
    assert gateway.post(f"{url}/confirm", json={"on": "2026-01-01"},
                        headers=with_etag(stockholm, gateway.get(url))).status_code == 403
    assert gateway.post(f"{url}/confirm", json={"on": "2026-01-01"}, headers=county_key).status_code == 428
    confirmed = gateway.post(f"{url}/confirm", json={"on": "2026-01-01", "source": "Dalarnas länssystem, 2026"},
                             headers=with_etag(county_key, gateway.get(url)))
    assert confirmed.status_code == 200, confirmed.text
    assert (confirmed.json()["confirmed_from"], confirmed.json()["sources"]) == (
        "2026-01-01", ["Årsredovisning 2013", "Dalarnas länssystem, 2026"])
    assert (known("2013-06-01"), known("2020-06-01"), known(LATER), listed(LATER)) == (
        True, False, True, [relation["id"]])
    assert (confirmed.json()["valid_to"], confirmed.json()["attested"]) == (None, ["2013"])  # as stored
    trail = gateway.get("/actors/audit", params={"entity_id": relation["id"]}, headers=county_key).json()
    assert "confirm" in [e["action"] for e in trail["items"]]
