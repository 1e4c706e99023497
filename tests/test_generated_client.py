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


def _client(generated: ModuleType, stack: Stack, key: str):  # type: ignore[no-untyped-def]
    return generated.Client(base_url=stack.gateway_url, headers={"X-API-Key": stack.keys[key]},
                            timeout=httpx.Timeout(60))


def _key() -> str:
    return str(uuid.uuid4())


def test_dalarnas_funding_year_through_the_generated_client(generated: ModuleType, stack: Stack) -> None:
    """Agreement to verified ledger with typed calls only: a receiver with its signatory, the agreement, Dalarna's
    allocation, the county's requisition, approval and payment (no body), the spending report, the ledger's
    verify and the shares as an XLSX workbook."""
    from openpyxl import load_workbook
    from rss_generated_client import models

    from tests.funding_requests import org_number

    admin, dalarna = _client(generated, stack, "skr-admin"), _client(generated, stack, "county-20")
    run = uuid.uuid4().hex[:8]
    receiver, signatory = f"mottagare-{run}", f"firmatecknare-{run}"
    since = datetime.date(2020, 1, 1)
    made = [
        api("create_organisation").sync_detailed(client=admin, body=models.OrganisationIn(
            id=receiver, kind=models.OrganisationKind.REGION, name="Region Dalarna (demomottagare)",
            county_code="20", valid_from=since,
            identifiers=[models.IdentifierIn(scheme=models.IdentifierScheme.ORG_NUMBER, value=org_number())])),
        api("create_person").sync_detailed(client=admin, body=models.PersonIn(
            id=signatory, given_name="Exempel", family_name="Firmatecknarsson")),
        api("create_post").sync_detailed(client=admin, body=models.PostIn(
            id=f"{receiver}-signatory", organisation_id=receiver, role=models.PostRole.SIGNATORY, valid_from=since)),
        api("create_membership").sync_detailed(client=admin, body=models.MembershipIn(
            post_id=f"{receiver}-signatory", person_id=signatory, valid_from=since)),
    ]
    assert [m.status_code for m in made] == [201, 201, 201, 201], [m.content for m in made]

    agreement_id, line_id = f"rss-{run}", f"rss-{run}-stod"
    agreement = api("create_agreement").sync_detailed(client=admin, body=models.AgreementIn(
        id=agreement_id, name="Stöd till regionala stödstrukturer", registry_number=f"S2025/{run}",
        first_year=2025, last_year=2025, areas=["regional stödstruktur"],
        lines=[models.FundingLineIn(id=line_id, area="regional stödstruktur", year=2025, total="21000000.00",
                                    allocation_key=models.AllocationKey.EQUAL,
                                    requisition_last_date=datetime.date(2099, 6, 30),
                                    report_due_date=datetime.date(2099, 12, 31))]))
    assert agreement.status_code == 201 and isinstance(agreement.parsed, models.AgreementOut), agreement.content

    allocation = api("create_allocation").sync_detailed(
        agreement_id, line_id, client=admin, idempotency_key=_key(), body=models.AllocationCreate(
            id=f"{agreement_id}-dalarna", total="1000000.00", key=models.AllocationKey.EQUAL,
            recipients=[models.RecipientIn(id=receiver)]))
    assert allocation.status_code == 201, allocation.content
    assert [(s.recipient_id, s.amount) for s in allocation.parsed.shares] == [(receiver, "1000000.00")]

    requisition = api("create_requisition").sync_detailed(client=dalarna, idempotency_key=_key(),
                                                           body=models.RequisitionIn(
        id=f"{agreement_id}-1", allocation_id=f"{agreement_id}-dalarna", recipient_id=receiver,
        amount="400000.00", signed_by=signatory))
    assert requisition.status_code == 201 and requisition.parsed.status == "submitted", requisition.content
    move = api("move_requisition").sync_detailed
    approved = move(f"{agreement_id}-1", models.MoveRequisitionStep.APPROVE, client=admin, idempotency_key=_key())
    assert approved.status_code == 200 and approved.parsed.status == "approved", approved.content
    paid = move(f"{agreement_id}-1", models.MoveRequisitionStep.PAY, client=admin, idempotency_key=_key())
    assert paid.status_code == 200 and paid.parsed.status == "paid", paid.content
    receipt = paid.headers.get("Ledger-Receipt")

    report = api("create_report").sync_detailed(client=dalarna, idempotency_key=_key(), body=models.ReportIn(
        id=f"{agreement_id}-rapport", allocation_id=f"{agreement_id}-dalarna", recipient_id=receiver,
        spent="300000.00", comment="Två utvecklingsledare, Älvdalen–Avesta"))
    assert report.status_code == 201, report.content
    assert (report.parsed.spent, report.parsed.unspent) == ("300000.00", "100000.00")

    verified = api("verify_ledger").sync_detailed(agreement_id, client=dalarna, receipt=receipt)
    assert verified.status_code == 200 and verified.parsed.intact, verified.content

    shares = api("export_agreement_shares_xlsx").sync_detailed(agreement_id, client=dalarna)
    assert shares.status_code == 200, shares.content
    sheet = load_workbook(shares.parsed.payload).active
    rows = {row[0].value: [c.value for c in row] for row in sheet.iter_rows()}
    assert any(receiver in row for row in rows.values())


def test_a_survey_round_through_the_generated_client(generated: ModuleType, stack: Stack) -> None:
    """A round to Falun, Falun's own answer with its respondent key, closed, aggregated and exported as CSV and
    XLSX; the questionnaire as a workbook, imported as a new questionnaire and replaced: typed calls only."""
    from openpyxl import load_workbook
    from rss_generated_client import models
    from rss_generated_client.types import File

    from tests.surveys_requests import needs_answers

    admin, falun = _client(generated, stack, "skr-admin"), _client(generated, stack, "municipality-2080")
    round_id = f"behov-falun-{uuid.uuid4().hex[:8]}"
    today = datetime.date.today()
    created = api("create_round").sync_detailed(client=admin, body=models.RoundIn(
        id=round_id, questionnaire_id="behovsinventering", version=1, title="Behovsinventering Falun",
        opens_on=today - datetime.timedelta(days=1), closes_on=datetime.date(2099, 12, 31),
        targets=models.TargetSetIn(organisation_ids=["2080"])))
    assert created.status_code == 201, created.content

    answered = api("create_response").sync_detailed(round_id, client=falun, idempotency_key=_key(),
                                                    body=models.ResponseIn(
        respondent_id="2080", answers=models.ResponseInAnswers.from_dict(needs_answers(1)), submit=True))
    assert answered.status_code == 201 and answered.parsed.status == "submitted", answered.content

    closed = api("close_round").sync_detailed(round_id, client=admin)
    assert closed.status_code == 200 and closed.parsed.status == "closed", closed.content
    distribution = api("get_distribution").sync_detailed(round_id, client=admin)
    assert distribution.status_code == 200 and isinstance(distribution.parsed, models.DistributionOut)

    csv_file = api("export_responses_csv").sync_detailed(round_id, client=admin)
    assert csv_file.status_code == 200 and isinstance(csv_file.parsed, str), csv_file.content
    assert "2080" in csv_file.parsed and "Älvdalen" in csv_file.parsed
    xlsx_file = api("export_responses_xlsx").sync_detailed(round_id, client=admin)
    assert xlsx_file.status_code == 200, xlsx_file.content
    assert load_workbook(xlsx_file.parsed.payload).active.max_row >= 2

    workbook = api("export_workbook").sync_detailed("behovsinventering", 1, client=admin)
    assert workbook.status_code == 200 and workbook.parsed is not None, workbook.content
    content = workbook.parsed.payload.read()
    copy = f"behov-kopia-{uuid.uuid4().hex[:8]}"
    imported = api("import_workbook").sync_detailed(copy, client=admin, body=models.ImportWorkbookBody(
        file=File(payload=io.BytesIO(content), file_name="behov.xlsx")))
    assert imported.status_code == 201 and imported.parsed.status == "draft", imported.content
    replaced = api("replace_from_workbook").sync_detailed(copy, 1, client=admin, body=models.ReplaceFromWorkbookBody(
        file=File(payload=io.BytesIO(content), file_name="behov.xlsx")))
    assert replaced.status_code == 200 and replaced.parsed.id == copy, replaced.content


def test_the_annual_report_through_the_generated_client(generated: ModuleType, stack: Stack) -> None:
    """SKR composes a year's report, reads its version and document as typed answers, its workbook and PDF as
    files; Dalarna records its own county's activity and may not compose."""
    from rss_generated_client import models

    admin, dalarna = _client(generated, stack, "skr-admin"), _client(generated, stack, "county-20")
    activity = api("record_activity").sync_detailed(client=dalarna, body=models.ActivityIn(
        title="Länsträff om kvinnofrid", kind=models.ActivityKind.MEETING, starts_on=datetime.date(2003, 4, 2),
        ends_on=datetime.date(2003, 4, 2), county_code="20", rss_ids=["rss-20"]))
    assert activity.status_code == 201 and activity.parsed.county_code == "20", activity.content
    refused = api("generate_report").sync_detailed(client=dalarna, body=models.AnnualReportIn(year=2003))
    assert refused.status_code == 403 and isinstance(refused.parsed, models.ProblemDocument)

    made = api("generate_report").sync_detailed(client=admin, body=models.AnnualReportIn(
        year=2003, as_of=datetime.date(2003, 12, 31)))
    assert made.status_code in (200, 201) and isinstance(made.parsed, models.ReportVersionOut), made.content
    version = made.parsed.version
    document = api("get_report_version").sync_detailed(2003, version, client=dalarna)
    assert document.status_code == 200 and isinstance(document.parsed, models.AnnualReport), document.content
    assert document.parsed.content_hash == made.parsed.content_hash and document.parsed.empty is False
    activities = next(t for t in document.parsed.tables if t.name == "activities")
    assert "Länsträff om kvinnofrid" in [row.to_dict()["title"] for row in activities.rows]
    for operation in ("get_report_workbook", "get_report_pdf"):
        file = api(operation).sync_detailed(2003, version, client=dalarna)
        assert file.status_code == 200 and file.parsed.payload.read(4) in (b"PK\x03\x04", b"%PDF"), operation
