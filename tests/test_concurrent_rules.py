"""Rules that read before they write hold when the requests race: bursts of simultaneous requests through the
gateway never store a part-of cycle, two overlapping relations, two holders of one post or two records for one
identifier, and a create retried many times at once answers 201 once and 200 (or a 409 naming body.id) after."""

from __future__ import annotations

import asyncio
import random
from collections import Counter

import httpx
import pytest
from stdnum import luhn

from tests.registry_helpers import create_organisation, create_person, create_post, unique, with_etag
from tests.support import assert_problem


def at_once(stack, requests: list[tuple[str, dict]]) -> list[httpx.Response]:
    """POSTs every (path, httpx arguments) at once, each on its own connection; the answers in the same order."""
    async def send_all() -> list[httpx.Response]:
        clients = [httpx.AsyncClient(base_url=stack.gateway_url, timeout=120) for _ in requests]
        try:
            return list(await asyncio.gather(*(client.post(path, **arguments)
                                               for client, (path, arguments) in zip(clients, requests, strict=True))))
        finally:
            await asyncio.gather(*(client.aclose() for client in clients))
    return asyncio.run(send_all())


def burst(stack, headers: dict[str, str], path: str, bodies: list[dict]) -> list[httpx.Response]:
    """POSTs every body to one path at once."""
    return at_once(stack, [(path, {"json": body, "headers": headers}) for body in bodies])


def statuses(responses: list[httpx.Response]) -> Counter[int]:
    return Counter(r.status_code for r in responses)


def losers(responses: list[httpx.Response], status: int) -> list[httpx.Response]:
    return [r for r in responses if r.status_code == status]


def org_number() -> str:
    digits = "55" + "".join(random.choice("0123456789") for _ in range(7))
    return digits + luhn.calc_check_digit(digits)


def test_part_of_both_ways_at_once_stores_one_and_refuses_the_cycle(gateway, stack, admin_key):
    for _ in range(5):
        a = create_organisation(gateway, admin_key, name="Race Cycle A", kind="other")["id"]
        b = create_organisation(gateway, admin_key, name="Race Cycle B", kind="other")["id"]

        answers = burst(stack, admin_key, "/actors/relations",
                        [{"kind": "part_of", "subject_id": a, "object_id": b},
                         {"kind": "part_of", "subject_id": b, "object_id": a}])

        assert sorted(r.status_code for r in answers) == [201, 422], [r.text for r in answers]
        assert_problem(losers(answers, 422)[0], 422, field="body.object_id", rule="part_of_cycle")
        stored = gateway.get("/actors/relations", params={"organisation": a, "kind": "part_of"}).json()
        assert stored["count"] == 1
        winner = losers(answers, 201)[0].json()
        assert [(r["subject"]["id"], r["object"]["id"]) for r in stored["items"]] == \
            [(winner["subject"]["id"], winner["object"]["id"])]


def test_ten_identical_relations_at_once_store_one(gateway, stack, admin_key):
    owner = create_organisation(gateway, admin_key, name="Race Owner", kind="other")["id"]
    owned = create_organisation(gateway, admin_key, name="Race Owned", kind="rd_unit")["id"]
    body = {"kind": "owner_of", "subject_id": owner, "object_id": owned, "valid_from": "2020-01-01"}

    answers = burst(stack, admin_key, "/actors/relations", [body] * 10)

    assert statuses(answers) == {201: 1, 409: 9}, [r.text for r in answers]
    for answer in losers(answers, 409):
        assert_problem(answer, 409, field="body.valid_from", rule="conflict")
    assert gateway.get("/actors/relations", params={"organisation": owned}).json()["count"] == 1


def test_ten_organisations_with_one_organisation_number_at_once_store_one(gateway, stack, admin_key):
    number = org_number()
    bodies = [{"id": unique("race-orgnr"), "kind": "other", "name": f"Race Orgnr {i}",
               "identifiers": [{"scheme": "org_number", "value": number}]} for i in range(10)]

    answers = burst(stack, admin_key, "/actors/organisations", bodies)

    assert statuses(answers) == {201: 1, 409: 9}, [r.text for r in answers]
    for answer in losers(answers, 409):
        assert_problem(answer, 409, field="body.identifiers.0.value", rule="conflict")
    stored = [gateway.get(f"/actors/organisations/{b['id']}").status_code for b in bodies]
    assert sorted(stored) == [200] + [404] * 9


def _organisation(gateway, admin_key, i: int) -> dict:
    return {"kind": "other", "name": f"Race Same Id {i}"}


def _person(gateway, admin_key, i: int) -> dict:
    return {"given_name": "Samma", "family_name": f"Idsson {i}"}


def _post(gateway, admin_key, i: int) -> dict:
    group = create_organisation(gateway, admin_key, name=f"Race posts {i}", kind="working_committee")
    return {"organisation_id": group["id"], "role": "chair"}


def _relation(gateway, admin_key, i: int) -> dict:
    owner = create_organisation(gateway, admin_key, name="Race rel owner", kind="other")["id"]
    owned = create_organisation(gateway, admin_key, name="Race rel owned", kind="other")["id"]
    return {"kind": "owner_of", "subject_id": owner, "object_id": owned, "valid_from": f"{2000 + i}-01-01"}


def _membership(gateway, admin_key, i: int) -> dict:
    group = create_organisation(gateway, admin_key, name=f"Race holders {i}", kind="working_committee")
    post = create_post(gateway, admin_key, organisation_id=group["id"], role="chair")
    person = create_person(gateway, admin_key, given_name="Samma", family_name="Medlemsson")
    return {"post_id": post["id"], "person_id": person["id"], "valid_from": f"{2000 + i}-01-01"}


def _stored_membership(gateway, admin_key, body: dict) -> list[str]:
    listed = gateway.get("/actors/memberships", params={"post": body["post_id"]}, headers=admin_key).json()
    return [m["id"] for m in listed["items"]]


def _stored(path: str, field: str):
    def read(gateway, admin_key, body: dict) -> str:
        return gateway.get(f"{path}/{body['id']}", headers=admin_key).json()[field]
    return read


def _organisation_of_post(gateway, admin_key, body: dict) -> str:
    return gateway.get(f"/actors/posts/{body['id']}", headers=admin_key).json()["organisation"]["id"]


# record: (where it is created, a body made of fresh records, what the register shows of the stored one,
#          what that should be for the body that won)
RECORDS = {
    "organisation": ("/actors/organisations", _organisation, _stored("/actors/organisations", "name"),
                     lambda body: body["name"]),
    "person": ("/actors/people", _person, _stored("/actors/people", "family_name"), lambda body: body["family_name"]),
    "post": ("/actors/posts", _post, _organisation_of_post, lambda body: body["organisation_id"]),
    "relation": ("/actors/relations", _relation, _stored("/actors/relations", "valid_from"),
                 lambda body: body["valid_from"]),
    "membership": ("/actors/memberships", _membership, _stored_membership, lambda body: [body["id"]]),
}


@pytest.mark.parametrize("record", RECORDS)
def test_twenty_retries_of_one_create_at_once_answer_201_once_and_200_after(gateway, stack, admin_key, record):
    path, make, stored, expected = RECORDS[record]
    body = {**make(gateway, admin_key, 0), "id": unique(f"race-{record}")}

    answers = burst(stack, admin_key, path, [body] * 20)

    assert statuses(answers) == {201: 1, 200: 19}, [r.text for r in answers if r.status_code not in (200, 201)]
    assert {r.json()["id"] for r in answers} == {body["id"]}
    assert stored(gateway, admin_key, body) == expected(body)


@pytest.mark.parametrize("record", RECORDS)
def test_twenty_different_creates_with_one_id_at_once_store_one(gateway, stack, admin_key, record):
    path, make, stored, expected = RECORDS[record]
    record_id = unique(f"race-{record}")
    bodies = [{**make(gateway, admin_key, i), "id": record_id} for i in range(20)]

    answers = burst(stack, admin_key, path, bodies)

    assert statuses(answers) == {201: 1, 409: 19}, [r.text for r in answers if r.status_code not in (201, 409)]
    for answer in losers(answers, 409):
        assert_problem(answer, 409, field="body.id", rule="conflict")
    winner = bodies[[r.status_code for r in answers].index(201)]
    assert stored(gateway, admin_key, winner) == expected(winner)


def test_creates_racing_an_import_of_the_same_id_store_it_once(gateway, stack, admin_key):
    raced = unique("race-import")
    rows = [[unique("race-import"), "other", f"Race Import {i}"] for i in range(199)] + \
        [[raced, "other", "Race Import Raced"]]
    csv_body = "id,kind,name\r\n" + "".join(",".join(row) + "\r\n" for row in rows)
    single = {"id": raced, "kind": "other", "name": "Race Import Raced"}
    imported = ("/actors/imports/organisations",
                {"content": csv_body.encode(), "headers": {**admin_key, "Content-Type": "text/csv; charset=utf-8"}})

    answers = at_once(stack, [imported] + [("/actors/organisations", {"json": single, "headers": admin_key})] * 5)

    assert answers[0].status_code == 200, answers[0].text
    singles = statuses(answers[1:])
    assert set(singles) <= {200, 201}, [r.text for r in answers[1:]]
    assert singles[201] + answers[0].json()["created"] - 199 == 1
    assert gateway.get(f"/actors/organisations/{raced}").json()["name"] == "Race Import Raced"


def test_relations_created_while_their_organisation_closes_never_outlast_it(gateway, stack, admin_key):
    """A close reads the organisation's relations, a relation's create reads its organisations' periods: racing,
    either the close sees the new relations (409) or the creates see the closed organisation (422), never both
    stored with the relation holding after the organisation ceased."""
    for _ in range(8):
        closing = create_organisation(gateway, admin_key, name="Race Stängs", kind="rd_unit",
                                      valid_from="2015-01-01")["id"]
        others = [create_organisation(gateway, admin_key, name=f"Race Nätverk {i}", kind="other")["id"]
                  for i in range(4)]
        current = with_etag(admin_key, gateway.get(f"/actors/organisations/{closing}"))
        answers = at_once(stack, [(f"/actors/organisations/{closing}/close",
                                   {"json": {"valid_to": "2020-01-01"}, "headers": current}),
                                  *(("/actors/relations", {"json": {"kind": "member_of", "subject_id": closing,
                                                                    "object_id": other}, "headers": admin_key})
                                    for other in others)])
        assert {r.status_code for r in answers} <= {200, 201, 409, 422}, [r.text for r in answers]
        stored = gateway.get("/actors/relations", params={"organisation": closing, "limit": 50}).json()["items"]
        if answers[0].status_code == 200:
            assert all(r["valid_to"] is not None and r["valid_to"] <= "2020-01-01" for r in stored), stored
            for refused in answers[1:]:
                if refused.status_code == 422:
                    assert_problem(refused, 422, field="body.subject_id", rule="outside_existence")
        else:
            assert_problem(answers[0], 409, rule="outside_existence")
            assert stored, "a close refused for relations that were then not stored"
