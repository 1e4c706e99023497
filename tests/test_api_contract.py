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


def test_an_unknown_reference_is_404_in_the_path_and_422_naming_it_in_a_query(gateway, county_key):
    assert_problem(gateway.get("/actors/counties/99"), 404)
    assert_problem(gateway.get("/actors/representatives", params={"county": "99", "network": "network-rss"},
                               headers=county_key), 422, field="query.county", rule="unknown_reference")
    assert_problem(gateway.get("/actors/representatives", params={"county": "20", "network": "no-such-network"},
                               headers=county_key), 422, field="query.network", rule="unknown_reference")
    for path, name in (("/actors/organisations", "county"), ("/actors/municipalities", "county"),
                       ("/actors/posts", "county"), ("/actors/posts", "organisation"),
                       ("/actors/posts", "on_behalf_of"), ("/actors/relations", "organisation"),
                       ("/actors/memberships", "person"), ("/actors/memberships", "post")):
        value = "99" if name == "county" else "no-such-record"
        assert_problem(gateway.get(path, params={name: value}, headers=county_key), 422,
                       field=f"query.{name}", rule="unknown_reference")
    assert gateway.get("/actors/posts", params={"county": "20", "limit": 1}, headers=county_key).status_code == 200

    paths = gateway.get("/openapi.json").json()["paths"]
    declared_404 = [f"{method.upper()} {path}" for path, item in paths.items() if path.startswith("/actors/")
                    for method, op in item.items() if method in HTTP_METHODS and "404" in op["responses"]
                    and not any(p["in"] == "path" for p in op.get("parameters", []))]
    assert declared_404 == [], "only an id in the path is answered 404"


def test_a_date_is_yyyy_mm_dd_in_a_query_and_in_a_body(gateway, admin_key):
    assert_problem(gateway.get("/actors/organisations", params={"as_of": "0"}), 422,
                   field="query.as_of", rule="date_format")
    assert_problem(gateway.get("/actors/organisations", params={"as_of": "2019-11-01T00:00:00"}), 422,
                   field="query.as_of", rule="date_format")
    assert gateway.get("/actors/organisations", params={"as_of": "2019-11-01", "limit": 1}).status_code == 200
    assert_problem(gateway.post("/actors/organisations", headers=admin_key,
                                json={"kind": "rd_unit", "name": "X", "valid_from": 0}), 422,
                   field="body.valid_from", rule="date_format")


def test_a_literal_path_lists_only_its_own_methods(gateway, admin_key):
    response = gateway.options("/funding/co-financing/preview")
    assert {m.strip() for m in response.headers["allow"].split(",")} == {"POST", "OPTIONS"}


def test_free_text_is_documented_without_control_characters(gateway):
    doc = gateway.get("/openapi.json").json()
    name = next(p for p in doc["paths"]["/actors/organisations"]["get"]["parameters"] if p["name"] == "name")
    assert name["schema"]["anyOf"][0]["pattern"] == "^[^\\u0000-\\u001f\\u007f]*$"
    organisation = doc["components"]["schemas"]["OrganisationIn"]["properties"]["name"]
    assert organisation["pattern"] == "^[^\\u0000-\\u001f\\u007f]*$"
    assert "400" in doc["paths"]["/actors/organisations"]["post"]["responses"], "a body that cannot be read"


def test_csv_imports_take_a_csv_body_or_a_multipart_file(gateway, county_key):
    header = "id;kind;name;short_name;county_code;org_number;valid_from;valid_to;note;source\n"
    as_body = gateway.post("/actors/imports/organisations", headers={**county_key, "content-type": "text/csv"},
                           content=(header + "contract-csv-body;rd_unit;FoU Body;;20;;;;;\n").encode())
    assert as_body.status_code == 200, as_body.text
    as_file = gateway.post("/actors/imports/organisations", headers=county_key,
                           files={"file": ("o.csv", header + "contract-csv-file;rd_unit;FoU File;;20;;;;;\n",
                                           "text/csv")})
    assert as_file.status_code == 200, as_file.text
    assert gateway.get("/actors/organisations/contract-csv-file").json()["name"] == "FoU File"
    assert_problem(gateway.post("/actors/imports/organisations", headers=county_key,
                                files={"other": ("o.csv", header, "text/csv")}), 422, field="body.file")
    content = gateway.get("/openapi.json").json()["paths"]["/actors/imports/organisations"]["post"]["requestBody"]
    assert set(content["content"]) == {"text/csv", "multipart/form-data"}
