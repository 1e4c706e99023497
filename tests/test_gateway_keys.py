"""API keys as records in the gateway's key store, managed by national administrators at /keys, through the real
gateway (and a second gateway process on the same store, as a second replica)."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from deploy.stack import ROOT, Stack
from gateway.api_keys import hash_key, new_key
from gateway.keys.models import Base
from gateway.keys.service import KeyService
from gateway.keys.setup import SETUP_CALLER, import_keys_file
from gateway.keys.store import GATEWAY_DIR, KeyStore
from shared import migrations
from shared.database import create_engine, create_sessionmaker
from tests.support import assert_problem, free_port
from tests.test_migrations import schema_differences, table_names

DALARNA = {"label": "Region Dalarna, RSS-systemet (test)", "role": "county", "county_code": "20"}
REVOCATION_SECONDS = 1.0  # a revoked key is refused by every replica within this


@contextmanager
def another_gateway(stack: Stack, **env: str) -> Iterator[httpx.Client]:
    """One more gateway process with the stack's settings (so the same key store), as a second replica."""
    port = free_port()
    environment = stack.env_for("gateway") | {"GATEWAY_LOG_FILE": str(stack.log_file(f"gateway-{port}"))} | env
    process = subprocess.Popen(stack.command("gateway", port), cwd=ROOT, env=environment, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(base + "/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert process.poll() is None, "the second gateway exited while starting"
            time.sleep(0.1)
        with httpx.Client(base_url=base, timeout=15) as client:
            yield client
    finally:
        process.terminate()
        process.wait(timeout=10)


def refused_within(client: httpx.Client, key: str, seconds: float = REVOCATION_SECONDS) -> bool:
    """Whether a request with `key` is refused (401) by the time `seconds` have passed: asked again and again,
    the last time once the time is up."""
    deadline = time.monotonic() + seconds
    while True:
        sent = time.monotonic()
        if client.get("/actors/counties/20", headers={"X-API-Key": key}).status_code == 401:
            return True
        if sent >= deadline:
            return False
        time.sleep(min(0.05, max(0.0, deadline - time.monotonic())))


def make_key(gateway: httpx.Client, admin_key: dict[str, str], **terms: str) -> dict:
    created = gateway.post("/keys", json=terms or DALARNA, headers=admin_key)
    assert created.status_code == 201, created.text
    return created.json()


def test_a_new_key_works_at_once_and_its_secret_is_shown_only_when_it_is_made(gateway, admin_key):
    created = gateway.post("/keys", json=DALARNA, headers=admin_key)
    assert created.status_code == 201, created.text
    key = created.json()
    assert created.headers["location"] == f"/keys/{key['key_id']}"
    assert created.headers["cache-control"] == "no-store"
    assert key["secret"].startswith("rss_") and key["active"] is True
    assert (key["role"], key["county_code"], key["label"]) == ("county", "20", DALARNA["label"])
    assert key["created_by"] == "skr-national-admin" and key["revoked_at"] is None

    own = {"X-API-Key": key["secret"]}
    assert gateway.get("/whoami", headers=own).json() == {"subject": key["subject"], "role": "county",
                                                          "county_code": "20"}
    assert gateway.get("/actors/counties/20", headers=own).status_code == 200

    one = gateway.get(f"/keys/{key['key_id']}", headers=admin_key)
    assert one.status_code == 200
    assert "secret" not in one.json() and key["secret"] not in one.text and hash_key(key["secret"]) not in one.text
    listed = gateway.get("/keys", params={"limit": 500}, headers=admin_key)
    assert listed.status_code == 200
    assert key["key_id"] in {k["key_id"] for k in listed.json()["items"]}
    assert "secret" not in listed.text and "sha256" not in listed.text and key["secret"] not in listed.text


def test_the_development_keys_are_in_the_store(gateway, admin_key, stack):
    for key_id in ("county-20", "skr-admin", "dashboard", "municipality-2080", "service-reporting"):
        record = gateway.get(f"/keys/{key_id}", headers=admin_key)
        assert record.status_code == 200, record.text
        assert record.json()["created_by"] == "setup" and record.json()["active"] is True
    assert gateway.get("/keys/county-20", headers=admin_key).json()["label"] == \
        "Region Dalarna, county system (development)"
    respondent = gateway.get("/keys/municipality-2080", headers=admin_key).json()
    assert (respondent["role"], respondent["organisation_id"], respondent["subject"]) == (
        "respondent", "2080", "organisation:2080")
    assert "service-reporting" in stack.service_keys


def test_only_national_administrators_manage_keys(gateway, county_key, dashboard_key, stack):
    made = gateway.post("/keys", json=DALARNA, headers={"X-API-Key": stack.keys["skr-admin"]}).json()
    respondent = {"X-API-Key": stack.keys["municipality-2080"]}
    for headers in (county_key, dashboard_key, respondent):
        assert_problem(gateway.get("/keys", headers=headers), 403)
        assert_problem(gateway.post("/keys", json=DALARNA, headers=headers), 403)
        assert_problem(gateway.post(f"/keys/{made['key_id']}/revoke", headers=headers), 403)
        assert_problem(gateway.post(f"/keys/{made['key_id']}/rotate", headers=headers), 403)
        assert_problem(gateway.get("/keys/audit", headers=headers), 403)
    assert_problem(gateway.get("/keys"), 401)
    assert_problem(gateway.get("/keys", headers={"X-API-Key": "rss_not_a_key"}), 401)
    assert gateway.get("/whoami", headers={"X-API-Key": made["secret"]}).status_code == 200, "the key still works"


def test_a_revoked_key_is_refused_within_a_second(gateway, admin_key):
    key = make_key(gateway, admin_key)
    assert gateway.get("/actors/counties/20", headers={"X-API-Key": key["secret"]}).status_code == 200

    revoked = gateway.post(f"/keys/{key['key_id']}/revoke", headers=admin_key)
    assert revoked.status_code == 200, revoked.text
    assert revoked.json()["active"] is False and revoked.json()["revoked_by"] == "skr-national-admin"
    assert refused_within(gateway, key["secret"])
    assert_problem(gateway.get("/whoami", headers={"X-API-Key": key["secret"]}), 401)

    again = gateway.post(f"/keys/{key['key_id']}/revoke", headers=admin_key)
    assert again.status_code == 200 and again.json()["revoked_at"] == revoked.json()["revoked_at"]
    revoked_ids = {k["key_id"] for k in gateway.get("/keys", params={"revoked": "true", "limit": 500},
                                                      headers=admin_key).json()["items"]}
    working_ids = {k["key_id"] for k in gateway.get("/keys", params={"revoked": "false", "limit": 500},
                                                      headers=admin_key).json()["items"]}
    assert key["key_id"] in revoked_ids and key["key_id"] not in working_ids
    assert "skr-admin" in working_ids
    assert_problem(gateway.post("/keys/key-0000000000000000/revoke", headers=admin_key), 404)


def test_a_rotated_key_is_replaced_by_a_new_one_for_the_same_caller(gateway, admin_key):
    old = make_key(gateway, admin_key)
    rotated = gateway.post(f"/keys/{old['key_id']}/rotate", headers=admin_key)
    assert rotated.status_code == 201, rotated.text
    new = rotated.json()
    assert new["rotated_from"] == old["key_id"] and new["key_id"] != old["key_id"]
    assert (new["subject"], new["role"], new["county_code"], new["label"]) == (
        old["subject"], old["role"], old["county_code"], old["label"])
    assert new["secret"] != old["secret"]

    assert gateway.get("/actors/counties/20", headers={"X-API-Key": new["secret"]}).status_code == 200
    assert refused_within(gateway, old["secret"])
    assert gateway.get(f"/keys/{old['key_id']}", headers=admin_key).json()["active"] is False
    body = assert_problem(gateway.post(f"/keys/{old['key_id']}/rotate", headers=admin_key), 409,
                          field="path.key_id")
    assert new["key_id"] in body["detail"]

    events = gateway.get("/keys/audit", params={"key_id": old["key_id"]}, headers=admin_key).json()["items"]
    assert [e["action"] for e in events] == ["create", "rotate"]
    assert events[1]["actor"] == "skr-national-admin" and events[1]["after"]["replaced_by"] == new["key_id"]
    assert "secret" not in json.dumps(events) and old["secret"] not in json.dumps(events)


def test_a_rotation_may_leave_the_old_key_working_for_a_grace_period(gateway, admin_key):
    old = make_key(gateway, admin_key)
    new = gateway.post(f"/keys/{old['key_id']}/rotate", json={"grace_seconds": 3600}, headers=admin_key).json()
    for secret in (old["secret"], new["secret"]):
        assert gateway.get("/actors/counties/20", headers={"X-API-Key": secret}).status_code == 200
    record = gateway.get(f"/keys/{old['key_id']}", headers=admin_key).json()
    assert record["active"] is True and record["revoked_at"] is not None  # when the grace period ends

    assert gateway.post(f"/keys/{old['key_id']}/revoke", headers=admin_key).json()["active"] is False
    assert refused_within(gateway, old["secret"])
    assert gateway.get("/actors/counties/20", headers={"X-API-Key": new["secret"]}).status_code == 200
    for grace in (8 * 24 * 3600, -1, False, "3600"):
        assert_problem(gateway.post(f"/keys/{new['key_id']}/rotate", json={"grace_seconds": grace},
                                    headers=admin_key), 422, field="body.grace_seconds")
    assert gateway.get(f"/keys/{new['key_id']}", headers=admin_key).json()["active"] is True


@pytest.mark.parametrize(("terms", "field", "rule"), [
    ({**DALARNA, "role": "superuser"}, "body.role", "literal_error"),
    ({**DALARNA, "role": "anonymous"}, "body.role", "literal_error"),
    ({**DALARNA, "county_code": "99"}, "body.county_code", "literal_error"),
    ({**DALARNA, "county_code": "2080"}, "body.county_code", "literal_error"),
    ({"label": "Region Dalarna", "role": "county"}, "body.county_code", "required"),
    ({"label": "Falu kommun", "role": "respondent", "county_code": "20"}, "body.organisation_id", "required"),
    ({"label": "Instrumentpanel", "role": "dashboard", "county_code": "20"}, "body.county_code", "not_allowed"),
    ({"label": "SKR", "role": "national_admin", "organisation_id": "2080"}, "body.organisation_id", "not_allowed"),
    ({**DALARNA, "label": ""}, "body.label", "string_too_short"),
    ({**DALARNA, "label": "å" * 201}, "body.label", "string_too_long"),
    ({**DALARNA, "label": "rad ett\nrad två"}, "body.label", "control_characters"),
    ({**DALARNA, "expires": "2030-01-01"}, "body.expires", "extra_forbidden"),
])
def test_bad_terms_are_refused_naming_the_field_and_nothing_is_stored(gateway, admin_key, terms, field, rule):
    before = gateway.get("/keys", params={"limit": 1}, headers=admin_key).json()["count"]
    assert_problem(gateway.post("/keys", json=terms, headers=admin_key), 422, field=field, rule=rule)
    assert gateway.get("/keys", params={"limit": 1}, headers=admin_key).json()["count"] == before


def test_a_respondent_key_answers_for_its_organisation(gateway, admin_key):
    key = make_key(gateway, admin_key, label="Borlänge kommun, enkätsvar", role="respondent", county_code="20",
                   organisation_id="2081")
    assert key["subject"] == "organisation:2081"
    assert gateway.get("/whoami", headers={"X-API-Key": key["secret"]}).json() == {
        "subject": "organisation:2081", "role": "respondent", "county_code": "20"}


def test_swedish_labels_are_kept(gateway, admin_key):
    key = make_key(gateway, admin_key, label="Region Jämtland Härjedalen, Östersund", role="county",
                   county_code="23")
    assert gateway.get(f"/keys/{key['key_id']}", headers=admin_key).json()["label"] == \
        "Region Jämtland Härjedalen, Östersund"


def test_a_used_key_shows_when_it_was_last_used(gateway, admin_key):
    key = make_key(gateway, admin_key)
    assert key["last_used_at"] is None
    assert gateway.get("/actors/counties/20", headers={"X-API-Key": key["secret"]}).status_code == 200
    deadline = time.monotonic() + 10
    while (seen := gateway.get(f"/keys/{key['key_id']}", headers=admin_key).json())["last_used_at"] is None:
        assert time.monotonic() < deadline, "last_used_at was never written"
        time.sleep(0.2)
    assert seen["last_used_at"] >= key["created_at"]


def test_two_gateways_on_one_store_both_refuse_a_revoked_key_within_a_second(stack, gateway, admin_key):
    with another_gateway(stack) as second:
        key = make_key(second, admin_key)  # made on the second, used on both
        for replica in (gateway, second):
            assert replica.get("/actors/counties/20", headers={"X-API-Key": key["secret"]}).status_code == 200

        assert gateway.post(f"/keys/{key['key_id']}/revoke", headers=admin_key).status_code == 200
        assert refused_within(second, key["secret"]), "the other replica still took the key after a second"
        assert refused_within(gateway, key["secret"])

        rotated = make_key(gateway, admin_key)
        second.get("/actors/counties/20", headers={"X-API-Key": rotated["secret"]})  # in the second's cache
        new = second.post(f"/keys/{rotated['key_id']}/rotate", headers=admin_key).json()
        assert refused_within(gateway, rotated["secret"])
        assert gateway.get("/actors/counties/20", headers={"X-API-Key": new["secret"]}).status_code == 200


def test_without_its_key_store_the_gateway_refuses_keys_but_serves_the_public(stack, tmp_path, county_key):
    unreachable = f"sqlite+aiosqlite:///{tmp_path / 'no-such-folder' / 'gateway.db'}"
    with another_gateway(stack, GATEWAY_KEYS_DATABASE_URL=unreachable) as lost:
        body = assert_problem(lost.get("/actors/counties/20", headers=county_key), 503)
        assert "key store" in body["detail"]
        assert lost.get("/actors/counties/20").status_code == 200  # public reference data needs no key
        assert "key store" in assert_problem(lost.get("/readyz"), 503)["detail"]


def test_the_aggregated_document_describes_the_key_administration(gateway):
    doc = gateway.get("/openapi.json").json()
    operations = {f"{method.upper()} {path}": op["operationId"] for path, item in doc["paths"].items()
                  if path.startswith("/keys") for method, op in item.items()}
    assert operations == {"POST /keys": "createKey", "GET /keys": "listKeys", "GET /keys/audit": "listKeyEvents",
                          "GET /keys/{key_id}": "getKey", "POST /keys/{key_id}/rotate": "rotateKey",
                          "POST /keys/{key_id}/revoke": "revokeKey"}
    create = doc["paths"]["/keys"]["post"]["responses"]
    assert {"201", "401", "403", "422", "429"} <= set(create)
    assert "secret" in doc["components"]["schemas"]["KeyCreated"]["properties"]
    assert "secret" not in doc["components"]["schemas"]["KeyOut"]["properties"]


# --- the store itself: its migrations, and a keys file imported into it -----------------------------------------


def test_the_key_store_migrations_build_the_models_schema_and_go_down_and_up(new_database_url):
    url = new_database_url("gateway_migrations")
    migrations.upgrade(GATEWAY_DIR, url)
    assert {"api_keys", "key_audit_events"} <= table_names(url)
    assert schema_differences(url, Base.metadata) == []
    migrations.downgrade(GATEWAY_DIR, url, "base")
    assert table_names(url) <= {"alembic_version"}
    migrations.upgrade(GATEWAY_DIR, url)
    assert schema_differences(url, Base.metadata) == []


def test_importing_a_keys_file_again_never_brings_back_a_revoked_key(new_database_url, tmp_path: Path):
    url = new_database_url("gateway_import")
    migrations.upgrade(GATEWAY_DIR, url)
    secret = new_key("county-20")
    keys_file = tmp_path / "gateway-keys.json"
    keys_file.write_text(json.dumps([{"key_id": "county-20", "subject": "county-20-dalarna", "role": "county",
                                      "county_code": "20", "sha256": hash_key(secret)}]), encoding="utf-8")
    assert import_keys_file(url, keys_file) == {"imported": 1, "replaced": 0, "kept": 0}
    assert import_keys_file(url, keys_file) == {"imported": 0, "replaced": 0, "kept": 1}

    async def revoke() -> None:
        engine = create_engine(url)
        async with create_sessionmaker(engine)() as session, session.begin():
            await KeyService(session, SETUP_CALLER).revoke("county-20")
        await engine.dispose()

    async def find() -> object:
        store = KeyStore(url)
        await store.start()
        try:
            return await store.find(secret)
        finally:
            await store.close()

    assert asyncio.run(find()) is not None
    asyncio.run(revoke())
    assert import_keys_file(url, keys_file) == {"imported": 0, "replaced": 0, "kept": 1}
    assert asyncio.run(find()) is None


def test_random_keys_cannot_grow_the_gateways_memory(new_database_url, monkeypatch):
    import gateway.keys.store as store_module

    monkeypatch.setattr(store_module, "MISSES_KEPT", 50)
    url = new_database_url("gateway_misses")
    migrations.upgrade(GATEWAY_DIR, url)

    async def guess() -> int:
        store = KeyStore(url)
        await store.start()
        try:
            for n in range(200):
                assert await store.find(f"rss_guess_{n}") is None
            return store.misses_kept
        finally:
            await store.close()

    assert asyncio.run(guess()) == 50


def test_a_keys_file_with_a_wrong_entry_imports_nothing_and_says_which(new_database_url, tmp_path: Path):
    url = new_database_url("gateway_bad_file")
    migrations.upgrade(GATEWAY_DIR, url)
    good = {"key_id": "county-20", "subject": "county-20-dalarna", "role": "county", "county_code": "20",
            "sha256": hash_key(new_key("county-20")), "label": "Region Dalarna"}
    keys_file = tmp_path / "gateway-keys.json"
    keys_file.write_text(json.dumps([good, {**good, "key_id": "county-99", "county_code": "99"}]), encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "gateway", "import-keys", str(keys_file)], cwd=ROOT,
                         capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT),
                                                              "GATEWAY_KEYS_DATABASE_URL": url})
    assert run.returncode == 1
    assert "entry 2: county_code" in run.stderr and "nothing imported" in run.stderr
    assert import_keys_file(url, tmp_path / "no-such-file.json") == {"imported": 0, "replaced": 0, "kept": 0}

    keys_file.write_text(json.dumps([good]), encoding="utf-8")
    assert import_keys_file(url, keys_file)["imported"] == 1, "the first entry was not stored by the failed run"
