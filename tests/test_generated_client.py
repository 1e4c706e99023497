"""A county system's client, generated from the gateway's live OpenAPI document with openapi-python-client.

The generator must read the whole document without a warning (but one, below, with its reason), and the client
it writes must carry a county's everyday flow: read an organisation on a date, create one with its own id,
rename it with the create's ETag in If-Match, close it, import a CSV file as a multipart upload, export CSV.
The client is generated into a temporary folder and never kept.
"""

from __future__ import annotations

import datetime
import importlib
import io
import json
import os
import re
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import httpx
import pytest

from deploy.stack import Stack

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "openapi-python-client.yaml"
VENV_BIN = Path(sys.executable).parent
PACKAGE = "rss_generated_client"

# openapi-python-client 0.29 generates no request body for a text/* media type. The five CSV imports also take
# multipart/form-data (a `file` part), which it does generate, so the client can still import; the warning for
# the text/csv alternative of each is expected, and nothing else is.
ALLOWED_WARNINGS = {f"WARNING parsing POST /actors/imports/{table} within actors_bulk_exchange. "
                    "Unsupported content type text/csv"
                    for table in ("organisations", "relations", "people", "posts", "memberships")}


def generator_warnings(output: str) -> set[str]:
    """Each warning the generator printed: an operation's heading with the first line of its reason, and any
    other problem line (a schema it could not read, a formatter it could not run)."""
    found = {f"{heading} {reason}" for heading, reason in
             re.findall(r"^(WARNING parsing .*)\n\s*\n(.*)$", output, flags=re.MULTILINE)}
    found |= {line.strip() for line in output.splitlines()
              if line.strip().startswith(("Unable", "Cannot", "Could not", "Skipping", "Failure"))
              or "not in PATH" in line}
    return found


@pytest.fixture(scope="module")
def generated(stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    folder = tmp_path_factory.mktemp("generated-client")
    document = folder / "openapi.json"
    document.write_text(json.dumps(httpx.get(stack.gateway_url + "/openapi.json", timeout=30).json()))
    command = [str(VENV_BIN / "openapi-python-client"), "generate", "--path", str(document), "--config",
               str(CONFIG), "--meta", "none", "--output-path", str(folder / PACKAGE)]
    # The generator formats its output with ruff (a pinned dev dependency), which it looks for on PATH.
    env = {**os.environ, "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}", "NO_COLOR": "1"}
    run = subprocess.run(command, capture_output=True, text=True, timeout=300, env=env)
    output = run.stdout + run.stderr
    assert run.returncode == 0, output[-5000:]
    assert generator_warnings(output) == ALLOWED_WARNINGS, output[-20000:]
    sys.path.insert(0, str(folder))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(folder))
        for name in [m for m in sys.modules if m == PACKAGE or m.startswith(PACKAGE + ".")]:
            del sys.modules[name]


def api(name: str) -> ModuleType:
    """One generated operation module, named by its operationId (getOrganisation is get_organisation)."""
    package = importlib.import_module(f"{PACKAGE}.api")
    folder = Path(package.__file__).parent
    matches = [p for p in folder.glob(f"*/{name}.py")]
    assert len(matches) == 1, (name, matches)
    return importlib.import_module(f"{PACKAGE}.api.{matches[0].parent.name}.{matches[0].stem}")


def test_a_county_system_works_through_the_generated_client(generated: ModuleType, stack: Stack) -> None:
    from rss_generated_client import models
    from rss_generated_client.types import File

    client = generated.Client(base_url=stack.gateway_url, headers={"X-API-Key": stack.keys["county-20"]},
                              timeout=httpx.Timeout(60))
    on = datetime.date(2024, 6, 1)

    # Read RSS Dalarna as the register stood on a date.
    read = api("get_organisation").sync_detailed("rss-20", client=client, as_of=on)
    assert read.status_code == 200, read.content
    assert isinstance(read.parsed, models.OrganisationOut)
    assert read.parsed.id == "rss-20" and read.parsed.county_code == "20"
    assert read.parsed.kind == models.OrganisationKind.RSS and read.parsed.as_of == on and read.parsed.active
    assert read.headers["ETag"]

    # Create an organisation in Dalarna with an id the county system chose; a retry answers the stored record.
    own_id = f"dalarna-client-{uuid.uuid4().hex[:8]}"
    body = models.OrganisationIn(id=own_id, kind=models.OrganisationKind.WORKING_COMMITTEE,
                                 name="Arbetsutskott för RSS Dalarna", county_code="20",
                                 valid_from=datetime.date(2024, 1, 1))
    create = api("create_organisation").sync_detailed(client=client, body=body)
    assert create.status_code == 201, create.content
    assert isinstance(create.parsed, models.OrganisationOut)
    assert create.parsed.id == own_id and create.parsed.name == "Arbetsutskott för RSS Dalarna"
    assert create.headers["Location"].endswith(f"/organisations/{own_id}")
    retry = api("create_organisation").sync_detailed(client=client, body=body)
    assert retry.status_code == 200 and retry.parsed.id == own_id

    # Rename it from a date, with the create's ETag; the old name holds before that date, the new one after.
    renamed_on = datetime.date(2025, 1, 1)
    rename = api("rename_organisation").sync_detailed(
        own_id, client=client, if_match=create.headers["ETag"],
        body=models.RenameIn(name="Styrgrupp för RSS Dalarna", valid_from=renamed_on))
    assert rename.status_code == 200, rename.content
    assert rename.headers["ETag"] != create.headers["ETag"]
    stale = api("rename_organisation").sync_detailed(
        own_id, client=client, if_match=create.headers["ETag"],
        body=models.RenameIn(name="Något annat", valid_from=renamed_on))
    assert stale.status_code == 412 and isinstance(stale.parsed, models.ProblemDocument)
    get = api("get_organisation").sync
    assert get(own_id, client=client, as_of=datetime.date(2024, 6, 1)).name == "Arbetsutskott för RSS Dalarna"
    assert get(own_id, client=client, as_of=datetime.date(2025, 6, 1)).name == "Styrgrupp för RSS Dalarna"

    # Close it with the rename's ETag: active before, not after.
    close = api("close_organisation").sync_detailed(
        own_id, client=client, if_match=rename.headers["ETag"],
        body=models.CloseIn(valid_to=datetime.date(2025, 12, 31)))
    assert close.status_code == 200, close.content
    assert close.parsed.valid_to == datetime.date(2025, 12, 31)
    assert get(own_id, client=client, as_of=datetime.date(2025, 6, 1)).active
    assert not get(own_id, client=client, as_of=datetime.date(2026, 6, 1)).active

    # Import a CSV file through the multipart upload; the same file again changes nothing.
    imported_id = f"dalarna-import-{uuid.uuid4().hex[:8]}"
    csv_text = ("id;kind;name;county_code;valid_from\n"
                f"{imported_id};reference_group;Referensgrupp brukarinflytande;20;2024-03-01\n")
    import_organisations = api("import_organisations")

    def upload():
        body_model = next(getattr(models, n) for n in dir(models) if n.startswith("ImportOrganisations")
                          and n.endswith("Body"))
        upload_body = body_model(
            file=File(payload=io.BytesIO(csv_text.encode("utf-8")), file_name="organisations.csv",
                      mime_type="text/csv"))
        return import_organisations.sync_detailed(client=client, body=upload_body)

    first = upload()
    assert first.status_code == 200, first.content
    assert isinstance(first.parsed, models.ImportResult)
    assert (first.parsed.imported, first.parsed.created, first.parsed.ids) == (1, 1, [imported_id])
    again = upload()
    assert again.status_code == 200 and (again.parsed.created, again.parsed.unchanged) == (0, 1)
    assert get(imported_id, client=client, as_of=on).name == "Referensgrupp brukarinflytande"

    # Export the register's organisations on a date as Excel-ready CSV: both new organisations are in it.
    export = api("export_organisations_csv").sync_detailed(client=client, as_of=on)
    assert export.status_code == 200, export.content
    assert export.headers["content-type"].startswith("text/csv")
    text = export.content.decode("utf-8-sig")
    header, *rows = text.splitlines()
    assert header.split(";")[:3] == ["id", "kind", "name"]
    by_id = {row.split(";")[0]: row.split(";") for row in rows}
    assert by_id[own_id][2] == "Arbetsutskott för RSS Dalarna"
    assert by_id[imported_id][2] == "Referensgrupp brukarinflytande"
    assert "rss-20" in by_id
