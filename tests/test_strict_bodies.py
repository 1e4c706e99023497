"""A field a body does not know is refused with 422 naming it, never ignored, on every operation of every service:
the document says so (`additionalProperties: false` on every object a body holds, maps aside) and the services
do it."""

from __future__ import annotations

from deploy.stack import SERVICES
from tests.support import assert_problem
from tests.surveys_requests import needs_answers, open_round


def test_every_body_object_of_the_document_refuses_unknown_fields(gateway):
    document = gateway.get("/openapi.json").json()
    schemas = document["components"]["schemas"]
    loose = []
    for path, item in document["paths"].items():
        if path.split("/")[1] not in SERVICES:
            continue
        for method, operation in item.items():
            schema = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
            if schema and "$ref" in schema:
                name = schema["$ref"].rsplit("/", 1)[-1]
                if schemas[name].get("additionalProperties") is not False:
                    loose.append(f"{method.upper()} {path}: {name}")
    assert not loose, "bodies that would ignore an unknown field:\n" + "\n".join(loose)


def test_a_misspelt_field_is_refused_and_nothing_is_stored(gateway, admin_key, county_key):
    round_ = open_round(gateway, admin_key)
    url = f"/surveys/rounds/{round_['id']}/responses"
    body = {"respondent_id": "2085", "answers": needs_answers(2), "submitted": True}  # `submit` is meant
    refused = gateway.post(url, json=body, headers={**county_key, "Idempotency-Key": "strict-bodies-1"})
    assert_problem(refused, 422, field="body.submitted", rule="extra_forbidden")
    assert_problem(gateway.get(f"{url}/2085", headers=county_key), 404)
    nested = gateway.post("/actors/organisations", headers=county_key, json={
        "id": "strict-nested", "kind": "rd_unit", "name": "FoU Strikt", "county_code": "20",
        "contacts": [{"kind": "email", "value": "fou@example.org", "lable": "typo"}]})
    assert_problem(nested, 422, field="body.contacts.0.lable", rule="extra_forbidden")
