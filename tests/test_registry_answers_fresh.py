"""The representatives answer is kept in memory by each actors replica, and is never stale: every committed change
to the register moves the registry's change counter, and a kept answer is served only at the number it was
computed at. Its ETag follows the same number, so a polling county system gets 304 until something changed.

Two actors replicas behind the gateway: requests alternate between them, so both keep answers, and a change
written through one must show at once on the other.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from deploy.stack import Stack
from tests.registry_helpers import create_organisation, create_person, create_post, unique, with_etag
from tests.support import start_stack


@pytest.fixture(scope="module")
def replicated_stack(tmp_path_factory, new_database_url) -> Iterator[Stack]:
    stack = start_stack(tmp_path_factory.mktemp("replicated"), new_database_url, extra_replicas={"actors": 1})
    yield stack
    stack.stop()


@pytest.fixture(scope="module")
def replicated(replicated_stack) -> Iterator[tuple[httpx.Client, dict[str, str]]]:
    with httpx.Client(base_url=replicated_stack.gateway_url, timeout=30) as client:
        yield client, {"X-API-Key": replicated_stack.keys["skr-admin"]}


def _seat(gateway: httpx.Client, admin: dict[str, str]) -> dict[str, str]:
    network = create_organisation(gateway, admin, name=unique("Fokusnätverk"), kind="national_network")
    municipality_body = create_organisation(gateway, admin, name="Östhammars FoU-enhet", kind="rd_unit",
                                            county_code="03")
    post = create_post(gateway, admin, organisation_id=network["id"], on_behalf_of_id=municipality_body["id"])
    return {"network": network["id"], "unit": municipality_body["id"], "post": post["id"]}


def _ask(gateway: httpx.Client, headers: dict[str, str], network: str, **extra: str) -> httpx.Response:
    response = gateway.get("/actors/representatives", headers=headers,
                           params={"county": "03", "network": network, "as_of": "2025-06-01", **extra})
    return response


def test_a_new_holder_shows_at_once_on_every_replica(replicated):
    gateway, admin = replicated
    seat = _seat(gateway, admin)
    before = [_ask(gateway, admin, seat["network"]).json() for _ in range(4)]  # both replicas keep the answer
    assert [[p["holder"] for p in answer["posts"]] for answer in before] == [[None]] * 4

    person = create_person(gateway, admin, given_name="Åsa", family_name="Öberg-Exempel",
                           email="asa.oberg@example.org")
    created = gateway.post("/actors/memberships", headers=admin,
                           json={"post_id": seat["post"], "person_id": person["id"], "valid_from": "2025-01-01"})
    assert created.status_code == 201, created.text

    after = [_ask(gateway, admin, seat["network"]).json() for _ in range(4)]
    assert [[p["holder"]["name"] for p in answer["posts"]] for answer in after] == [["Åsa Öberg-Exempel"]] * 4

    url = f"/actors/organisations/{seat['unit']}"
    renamed = gateway.post(f"{url}/names", headers=with_etag(admin, gateway.get(url, headers=admin)),
                           json={"name": "FoU Östhammar", "valid_from": "2025-03-01"})
    assert renamed.status_code == 200, renamed.text
    names = {_ask(gateway, admin, seat["network"]).json()["posts"][0]["on_behalf_of"]["name"] for _ in range(4)}
    assert names == {"FoU Östhammar"}


def test_no_caller_gets_the_contact_details_kept_for_one_who_may_see_them(replicated, replicated_stack):
    gateway, admin = replicated
    seat = _seat(gateway, admin)
    person = create_person(gateway, admin, given_name="Kontakt", family_name="Exempelsson",
                           email="kontakt@example.org", phone="+46 8 000 00 00")
    gateway.post("/actors/memberships", headers=admin,
                 json={"post_id": seat["post"], "person_id": person["id"], "valid_from": "2025-01-01"})

    for _ in range(2):
        assert _ask(gateway, admin, seat["network"]).json()["posts"][0]["holder"]["email"] == "kontakt@example.org"
    # Signed in or not, a caller who may not see the person's contacts (a national administrator's) gets the
    # answer without them, under its own ETag, on both replicas.
    hidden = {"id": person["id"], "name": "Kontakt Exempelsson", "email": None, "phone": None}
    kept_for_admin = _ask(gateway, admin, seat["network"]).headers["etag"]
    for key in (None, "dashboard", "county-01", "municipality-2080"):
        headers = {"X-API-Key": replicated_stack.keys[key]} if key else {}
        answers = [_ask(gateway, headers, seat["network"]) for _ in range(2)]
        assert [r.json()["posts"][0]["holder"] for r in answers] == [hidden] * 2, key
        assert kept_for_admin not in {r.headers["etag"] for r in answers}, key


def test_an_erased_holder_is_gone_at_once_from_every_kept_answer(replicated):
    gateway, admin = replicated
    seat = _seat(gateway, admin)
    person = create_person(gateway, admin, given_name="Glömd", family_name="Exempelsdotter",
                           email="glomd@example.org")
    gateway.post("/actors/memberships", headers=admin,
                 json={"post_id": seat["post"], "person_id": person["id"], "valid_from": "2025-01-01"})
    kept = [_ask(gateway, admin, seat["network"]).json()["posts"][0]["holder"]["name"] for _ in range(4)]
    assert kept == ["Glömd Exempelsdotter"] * 4

    url = f"/actors/people/{person['id']}"
    erased = gateway.post(f"{url}/erase", headers=with_etag(admin, gateway.get(url, headers=admin)))
    assert erased.status_code == 200, erased.text

    holders = [_ask(gateway, admin, seat["network"]).json()["posts"][0]["holder"] for _ in range(4)]
    assert {(h["id"], h["name"], h["email"]) for h in holders} == {(person["id"], "Erased person", None)}


def test_a_polling_system_gets_304_until_the_register_changes(replicated):
    gateway, admin = replicated
    seat = _seat(gateway, admin)
    first = _ask(gateway, admin, seat["network"])
    etag = first.headers["etag"]
    assert first.status_code == 200 and first.headers["cache-control"] == "no-cache"

    unchanged = [_ask(gateway, {**admin, "If-None-Match": etag}, seat["network"]) for _ in range(2)]
    assert [(r.status_code, r.content, r.headers["etag"]) for r in unchanged] == [(304, b"", etag)] * 2
    # Several ETags, weak ones, or any at all (*), as RFC 9110 allows in If-None-Match.
    for sent in (f'"r0-1999-01-01-a", {etag}', f"W/{etag}", "*"):
        assert _ask(gateway, {**admin, "If-None-Match": sent}, seat["network"]).status_code == 304, sent
    assert _ask(gateway, {**admin, "If-None-Match": '"r0-1999-01-01-a"'}, seat["network"]).status_code == 200

    # A write that is refused changes nothing, so the answer is still the same.
    refused = gateway.post("/actors/people", headers=admin, json={"given_name": "", "family_name": "Tom"})
    assert refused.status_code == 422
    assert _ask(gateway, {**admin, "If-None-Match": etag}, seat["network"]).status_code == 304

    # Any committed change moves the counter: the answer is sent again, with a new ETag.
    create_person(gateway, admin, given_name="Ny", family_name="Personsson")
    changed = _ask(gateway, {**admin, "If-None-Match": etag}, seat["network"])
    assert changed.status_code == 200 and changed.headers["etag"] != etag
    assert changed.json()["posts"][0]["id"] == seat["post"]

    # Another date is another answer, with its own ETag.
    other_day = _ask(gateway, {**admin, "If-None-Match": changed.headers["etag"]}, seat["network"],
                     as_of="2025-06-02")
    assert other_day.status_code == 200 and other_day.headers["etag"] != changed.headers["etag"]
