"""Delivering the annual report to SKR through the gateway, to a receiving endpoint run by the test: a version is
delivered once its endpoint answers 2xx (after a 503, tried again, every attempt visible), a refusal (400) fails
it at once, an endpoint that keeps failing is given up after the allowed attempts, and the body is the version's
JSON document signed by Standard Webhooks. A service that is down makes composing a 503 that stores nothing.
And the 2013 county plans of seed 004, brought in through the API, appear in the 2013 report as the seed counts
them."""

from __future__ import annotations

import base64
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from standardwebhooks import Webhook

from deploy.stack import Stack
from tests.support import assert_problem, free_port, start_stack
from tests.test_surveys_status_reports import COUNTIES, plan_2013, sent_in_november

SECRET = "whsec_" + base64.b64encode(b"a shared secret of the test, 32 b").decode()
MAX_ATTEMPTS = 4


class Receiver:
    """SKR's endpoint as the test runs it: answers each message id the statuses it was told, in turn (then
    200), and keeps every request it received."""

    def __init__(self) -> None:
        self.port = free_port()
        self.answers: dict[str, list[int]] = {}
        self.received: list[tuple[str, dict[str, str], bytes]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                headers = {k.lower(): v for k, v in self.headers.items()}
                message = headers.get("webhook-id", "")
                receiver.received.append((message, headers, body))
                planned = receiver.answers.get(message) or [200]
                status = planned.pop(0) if len(planned) > 1 else planned[0]
                self.send_response(status)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *_args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/skr/arsrapporter"

    def of(self, message: str) -> list[tuple[str, dict[str, str], bytes]]:
        return [r for r in self.received if r[0] == message]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    running = Receiver()
    yield running
    running.close()


@pytest.fixture(scope="module")
def delivering(tmp_path_factory, new_database_url, receiver) -> Iterator[Stack]:
    """A platform whose reporting delivers to the receiver, trying again within a fraction of a second."""
    stack = start_stack(tmp_path_factory.mktemp("delivering"), new_database_url, extra_env={
        "REPORTING_SKR_ENDPOINT": receiver.url, "REPORTING_SKR_WEBHOOK_SECRET": SECRET,
        "REPORTING_DELIVERY_POLL_SECONDS": "0.2", "REPORTING_DELIVERY_MAX_DELAY": "0.2",
        "REPORTING_DELIVERY_MAX_ATTEMPTS": str(MAX_ATTEMPTS)})
    yield stack
    stack.stop()


@pytest.fixture(scope="module")
def platform(delivering) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=delivering.gateway_url, timeout=30) as client:
        yield client


@pytest.fixture(scope="module")
def admin(delivering) -> dict[str, str]:
    return {"X-API-Key": delivering.keys["skr-admin"]}


def version_of(platform: httpx.Client, admin: dict[str, str], year: int, as_of: str | None = None) -> dict:
    answer = platform.post("/reporting/reports", headers=admin,
                           json={"year": year} | ({"as_of": as_of} if as_of else {}))
    assert answer.status_code in (200, 201), answer.text
    return answer.json()


def deliver(platform: httpx.Client, admin: dict[str, str], version: dict) -> httpx.Response:
    return platform.post(f"/reporting/reports/{version['year']}/versions/{version['version']}/deliveries",
                         headers=admin)


def settled(platform: httpx.Client, admin: dict[str, str], delivery_id: str) -> dict:
    """The delivery once it is no longer pending (waits for the worker, at most a minute)."""
    deadline = time.monotonic() + 60
    while True:
        delivery = platform.get(f"/reporting/deliveries/{delivery_id}", headers=admin).json()
        if delivery["status"] != "pending" or time.monotonic() > deadline:
            return delivery
        time.sleep(0.1)


def test_a_delivery_answered_503_is_tried_again_and_delivered(platform, admin, receiver):
    version = version_of(platform, admin, 2005)
    message = f"annual-report-2005-v{version['version']}"
    receiver.answers[message] = [503, 200]
    requested = deliver(platform, admin, version)
    assert requested.status_code == 202, requested.text
    assert (requested.json()["id"], requested.json()["status"]) == (message, "pending")
    assert requested.headers["location"] == f"/reporting/deliveries/{message}"

    delivery = settled(platform, admin, message)
    assert delivery["status"] == "delivered" and delivery["delivered_at"], delivery
    assert [(a["attempt"], a["status_code"], a["outcome"]) for a in delivery["attempts"]] == [
        (1, 503, "retry"), (2, 200, "delivered")]
    assert delivery["attempts"][0]["next_attempt_at"] and delivery["attempts"][1]["next_attempt_at"] is None
    assert len(receiver.of(message)) == 2

    again = deliver(platform, admin, version)  # asked again: the one delivery there is, not a second
    assert again.status_code == 200 and again.json()["id"] == message and again.json()["status"] == "delivered"
    assert len(receiver.of(message)) == 2
    listed = platform.get("/reporting/deliveries", params={"status": "delivered"}, headers=admin).json()
    assert message in {d["id"] for d in listed["items"]}
    trail = platform.get("/reporting/audit", params={"entity_id": message}, headers=admin).json()["items"]
    assert [(e["action"], e["actor"]) for e in trail] == [("request", "skr-national-admin"),
                                                          ("delivered", "reporting-delivery")]


def test_a_refused_delivery_fails_at_once_with_the_reason(platform, admin, receiver):
    version = version_of(platform, admin, 2007)
    message = f"annual-report-2007-v{version['version']}"
    receiver.answers[message] = [400]
    assert deliver(platform, admin, version).status_code == 202
    delivery = settled(platform, admin, message)
    assert delivery["status"] == "failed" and delivery["delivered_at"] is None, delivery
    assert [(a["attempt"], a["status_code"], a["outcome"]) for a in delivery["attempts"]] == [(1, 400, "failed")]
    assert "400" in delivery["reason"] and delivery["next_attempt_at"] is None
    time.sleep(1)  # a few of the worker's rounds: nothing is sent again
    assert len(receiver.of(message)) == 1


def test_an_endpoint_that_keeps_failing_is_given_up_after_the_allowed_attempts(platform, admin, receiver):
    version = version_of(platform, admin, 2009)
    message = f"annual-report-2009-v{version['version']}"
    receiver.answers[message] = [503] * (MAX_ATTEMPTS + 5)
    assert deliver(platform, admin, version).status_code == 202
    delivery = settled(platform, admin, message)
    assert delivery["status"] == "failed", delivery
    assert [a["outcome"] for a in delivery["attempts"]] == ["retry"] * (MAX_ATTEMPTS - 1) + ["failed"]
    assert delivery["reason"].startswith(f"gave up after {MAX_ATTEMPTS} attempts")


def test_the_body_is_the_versions_document_signed_by_standard_webhooks(platform, admin, receiver):
    version = version_of(platform, admin, 2008)
    message = f"annual-report-2008-v{version['version']}"
    assert deliver(platform, admin, version).status_code == 202
    assert settled(platform, admin, message)["status"] == "delivered"
    (_id, headers, body), = receiver.of(message)
    assert headers["webhook-id"] == message
    delivered = Webhook(SECRET).verify(body, headers)
    stored = platform.get(version["links"]["json"], headers=admin)
    assert body == stored.content and delivered == stored.json()
    with pytest.raises(Exception):
        Webhook("whsec_" + base64.b64encode(b"another secret, not the shared one").decode()).verify(body, headers)


def test_a_service_that_is_down_makes_composing_a_503_and_stores_nothing(delivering, platform, admin):
    before = platform.get("/reporting/reports", params={"year": 2010}, headers=admin).json()["count"]
    delivering.stop(("funding",))
    try:
        refused = platform.post("/reporting/reports", headers=admin, json={"year": 2010})
        body = assert_problem(refused, 503)
        assert "nothing was stored" in body["detail"] and refused.headers["retry-after"]
        assert platform.get("/reporting/reports", params={"year": 2010}, headers=admin).json()["count"] == before
        assert_problem(platform.get("/reporting/reports/2010", headers=admin), 404)
    finally:
        delivering.start(("funding",))
        delivering.wait_ready()
    assert version_of(platform, admin, 2010)["version"] == 1


def test_the_2013_county_plans_appear_in_the_2013_report_as_seed_004_counts_them(platform, admin):
    opened = platform.post("/surveys/status-reports", headers=admin, json={
        "year": 2013, "opens_on": "2013-04-01", "due_on": "2013-11-15"})
    assert opened.status_code == 201, opened.text
    url = f"/surveys/rounds/{opened.json()['round_id']}/responses"
    for county in COUNTIES:
        sent = platform.post(url, headers={**admin, "Idempotency-Key": f"plan-2013-{county}"}, json={
            "respondent_id": f"county-{county}", "answers": plan_2013(county), "submit": True,
            "submitted_on": sent_in_november(county)})
        assert sent.status_code == 201, sent.text

    version = version_of(platform, admin, 2013, as_of="2014-01-31")
    document = platform.get(version["links"]["json"], headers=admin).json()
    figures = {f["key"]: f for f in document["figures"]}
    assert figures["status_reports_submitted"]["text"] == "21 av 21 län har lämnat lägesrapport"
    assert figures["status_reports_on_time"]["text"] == \
        "21 av 21 inkomna lägesrapporter kom in i tid (senast 2013-11-15)"
    assert figures["status_reports_decided_politisk"]["text"] == \
        "15 av 21 lägesrapporter är beslutade på politisk nivå"  # "just over two thirds"
    assert (figures["status_reports_decided_tjansteman"]["value"],
            figures["status_reports_decided_tjansteman"]["of"]) == (7, 21)
    assert (figures["status_reports_signed_for_both"]["value"], figures["status_reports_signed_for_both"]["of"]) \
        == (11, 21)  # "just over half"
    signed = {key.removeprefix("status_reports_signed_by_"): f["value"] for key, f in figures.items()
              if key.startswith("status_reports_signed_by_")}
    assert signed == {"region_eller_forbundsdirektor": 14, "landstingsdirektor": 10, "fortroendevald": 2,
                      "forvaltningschef": 2, "enhetschef": 2, "fou_forestandare": 1}
    rows = {r["county_code"]: r for r in next(t for t in document["tables"] if t["name"] == "status_reports")["rows"]}
    assert rows["12"]["decision_level"] == "Politisk nivå; Tjänstemannanivå"  # Skåne: wholly or partly political
    assert (rows["20"]["submitted_on"], rows["20"]["on_time"]) == (sent_in_november("20"), True)
    assert document["as_of"] == "2014-01-31" and document["empty"] is False
    rss = next(t for t in document["tables"] if t["name"] == "rss")["rows"]
    assert len({r["county_code"] for r in rss}) == 21


def test_without_an_endpoint_a_delivery_stays_pending_and_says_why(gateway, admin_key):
    version = gateway.post("/reporting/reports", headers=admin_key, json={"year": 2001}).json()
    requested = gateway.post(f"/reporting/reports/2001/versions/{version['version']}/deliveries", headers=admin_key)
    assert requested.status_code in (200, 202), requested.text
    time.sleep(0.5)
    delivery = gateway.get(f"/reporting/deliveries/{requested.json()['id']}", headers=admin_key).json()
    assert (delivery["status"], delivery["reason"], delivery["attempts"]) == ("pending", "no endpoint set", [])
    assert_problem(gateway.post("/reporting/reports/2001/versions/99/deliveries", headers=admin_key), 404)
    assert_problem(gateway.get("/reporting/deliveries/annual-report-1999-v1", headers=admin_key), 404)


def test_only_national_administrators_ask_for_a_delivery(gateway, admin_key, county_key, dashboard_key):
    version = gateway.post("/reporting/reports", headers=admin_key, json={"year": 2001}).json()
    path = f"/reporting/reports/2001/versions/{version['version']}/deliveries"
    assert_problem(gateway.post(path, headers=county_key), 403)
    assert_problem(gateway.post(path, headers=dashboard_key), 403)
    assert gateway.get("/reporting/deliveries", headers=county_key).status_code == 200
