"""The OpenAPI document says what the services do: error bodies, allowed methods, parameters, public paths."""

from __future__ import annotations

from tests.support import assert_problem

HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options"}


def test_every_error_response_is_declared_as_problem_json(gateway):
    doc = gateway.get("/openapi.json").json()
    wrong = []
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            if method not in HTTP_METHODS:
                continue
            for status, response in operation["responses"].items():
                if status[0] in "45" and set(response.get("content", {})) != {"application/problem+json"}:
                    wrong.append(f"{method.upper()} {path} {status}")
    assert wrong == []
    assert "HTTPValidationError" not in doc["components"]["schemas"]
    problem = doc["components"]["schemas"]["ProblemDocument"]
    assert {"current_etag", "rows", "rows_with_errors", "errors"} <= set(problem["properties"])


def test_options_names_every_method_of_the_path(gateway):
    response = gateway.options("/actors/organisations/region-20")
    assert response.status_code == 204
    allowed = {m.strip() for m in response.headers["allow"].split(",")}
    assert {"GET", "PATCH", "OPTIONS"} <= allowed


def test_a_method_the_path_does_not_take_is_405_with_the_whole_allow_list(gateway, admin_key):
    response = gateway.delete("/actors/organisations/region-20", headers=admin_key)
    body = assert_problem(response, 405)
    allowed = {m.strip() for m in response.headers["allow"].split(",")}
    assert {"GET", "PATCH"} <= allowed and "DELETE" not in allowed
    assert body["instance"] == "/actors/organisations/region-20"


def test_problems_name_the_public_path(gateway):
    body = assert_problem(gateway.get("/actors/organisations/nope"), 404)
    assert body["instance"] == "/actors/organisations/nope"
    assert "/actors/organisations/nope" in body["detail"] or "nope" in body["detail"]


def test_an_unknown_query_parameter_is_refused_by_name(gateway, county_key):
    response = gateway.get("/actors/relations", params={"subject": "region-20"}, headers=county_key)
    assert_problem(response, 422, field="query.subject", rule="unknown_parameter")

    listed = gateway.get("/actors/organisations", params={"kind": "region", "limit": 2})
    assert listed.status_code == 200, listed.text


def test_declared_parameters_are_accepted_on_every_list(gateway, county_key):
    doc = gateway.get("/openapi.json").json()
    for path, item in doc["paths"].items():
        operation = item.get("get")
        if not operation or "{" in path or not path.startswith("/actors/"):
            continue
        names = {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
        if "limit" in names:
            response = gateway.get(path, params={"limit": 1}, headers=county_key)
            assert response.status_code == 200, f"{path}: {response.text}"


def test_the_document_declares_what_a_generated_client_meets(gateway):
    paths = gateway.get("/openapi.json").json()["paths"]

    patch = paths["/actors/organisations/{organisation_id}"]["patch"]
    if_match = next(p for p in patch["parameters"] if p["in"] == "header" and p["name"].lower() == "if-match")
    assert if_match["required"] is True
    assert {"200", "401", "403", "404", "412", "422", "428", "429", "503", "504"} <= set(patch["responses"])

    create = paths["/actors/organisations"]["post"]["responses"]
    assert {"200", "201"} <= set(create), "a retried create answers 200"
    assert {"Location", "ETag"} <= set(create["201"]["headers"])
    assert "Retry-After" in create["429"]["headers"] and "RateLimit" in create["200"]["headers"]

    assert "401" in paths["/whoami"]["get"]["responses"]
