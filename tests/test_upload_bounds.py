"""The registry's CSV imports through the gateway, against files built to cost the reading: a line is one record,
so a line of a hundred thousand delimiters (as many empty cells) is refused naming the line, and a file that is not
UTF-8 text is 422, never 500; nothing is stored."""

from __future__ import annotations

from tests.support import assert_problem
from tests.test_registry_bulk import post_csv


def test_a_line_longer_than_a_record_is_refused_naming_it(gateway, county_key):
    body = b"id;kind;name;county_code\r\nbulk-long;rd_unit;FoU;20" + b";" * 100_000 + b"\r\n"
    problem = assert_problem(post_csv(gateway, "organisations", body, county_key), 422, field="body",
                             rule="line_length")
    assert "Line 2" in problem["detail"]
    assert_problem(gateway.get("/actors/organisations/bulk-long", headers=county_key), 404)


def test_text_that_is_not_utf8_is_refused(gateway, county_key):
    for body in (b"id;kind;name\r\n\xff\xfe;rd_unit;FoU\r\n", "id;kind;name\r\n".encode("utf-16"),
                 b"id;kind;name\r\nx\x00;rd_unit;FoU\r\n"):
        assert_problem(post_csv(gateway, "organisations", body, county_key), 422, field="body", rule="encoding")
