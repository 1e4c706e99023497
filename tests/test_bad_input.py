"""Bad input gets a problem+json that names the field and the rule."""

import pytest

from shared.pagination import encode_cursor
from tests.support import assert_problem


def test_unknown_municipality_code_is_404(gateway, county_key):
    body = assert_problem(gateway.get("/actors/municipalities/2099", headers=county_key), 404)
    assert "2099" in body["detail"]


def test_unknown_county_code_is_404(gateway):
    assert_problem(gateway.get("/actors/counties/02"), 404)


@pytest.mark.parametrize("path", ["/actors/municipalities/208", "/actors/municipalities/20800",
                                  "/actors/municipalities/20a0", "/actors/counties/2"])
def test_malformed_code_names_the_path_parameter(gateway, path):
    assert_problem(gateway.get(path), 422, field="path.code", rule="string_pattern_mismatch")


@pytest.mark.parametrize(("params", "rule"), [
    ({"limit": "0"}, "greater_than_equal"),
    ({"limit": "501"}, "less_than_equal"),
    ({"limit": "many"}, "int_parsing"),
])
def test_bad_page_size_names_limit(gateway, params, rule):
    assert_problem(gateway.get("/actors/municipalities", params=params), 422, field="query.limit", rule=rule)


def test_a_cursor_that_was_not_handed_out_is_refused(gateway):
    assert_problem(gateway.get("/actors/municipalities", params={"cursor": "not-a-cursor!"}), 422,
                   field="query.cursor", rule="cursor_format")


def test_filter_by_a_county_that_does_not_exist_is_refused(gateway):
    assert_problem(gateway.get("/actors/municipalities", params={"county": "02"}), 422,
                   field="query.county", rule="unknown_reference")
    assert_problem(gateway.get("/actors/municipalities", params={"county": "Dalarna"}), 422,
                   field="query.county", rule="string_pattern_mismatch")


@pytest.mark.parametrize("path", ["/actors/organisations", "/actors/relations", "/actors/posts", "/actors/memberships",
                                  "/actors/people", "/actors/audit", "/actors/counties", "/actors/municipalities"])
def test_a_well_formed_cursor_of_the_wrong_shape_is_refused_on_every_list(gateway, admin_key, path):
    forged = encode_cursor([42])  # decodes fine, but no list here sorts by a number
    if path == "/actors/audit":
        forged = encode_cursor(["not-an-event-id"])
    assert_problem(gateway.get(path, params={"cursor": forged}, headers=admin_key), 422,
                   field="query.cursor", rule="cursor_format")


@pytest.mark.parametrize("content_type", [None, "application/x-www-form-urlencoded", "text/plain"])
def test_a_json_body_sent_as_another_type_is_415_naming_the_type_to_send(gateway, county_key, content_type):
    """As curl's -d sends it, without -H 'Content-Type: application/json': 415 says what to send; nothing stored."""
    body = b'{"id":"sent-as-form","kind":"rd_unit","name":"FoU Formul\xc3\xa4r","county_code":"20"}'
    headers = {**county_key, **({"Content-Type": content_type} if content_type else {})}
    response = gateway.post("/actors/organisations", content=body, headers=headers)
    problem = assert_problem(response, 415)
    assert "Content-Type: application/json" in problem["detail"] and problem["expected"] == "application/json"
    assert gateway.get("/actors/organisations/sent-as-form", headers=county_key).status_code == 404
    for path in ("/funding/agreements", "/surveys/rounds"):
        assert gateway.post(path, content=b"{}", headers=headers).status_code == 415
