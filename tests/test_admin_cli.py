"""The administrators' command line, `rss`, run as administrators run it (a process of its own) against the real
platform (keys, population figures) or against a stand-in that records what it is asked (the annual report, the
demo scenario: other parts of the platform)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from admin.platform import CommandFailed
from admin.scb import ScbFileError, read_population_table
from deploy.stack import ROOT
from tests.support import free_port
from tests.test_gateway_keys import refused_within

SECRET_LINE = re.compile(r"^Secret \(shown this once.*: (rss_\S+)$", re.MULTILINE)
COMMANDS = [[], ["keys"], ["keys", "create"], ["keys", "list"], ["keys", "show"], ["keys", "rotate"],
            ["keys", "revoke"], ["keys", "audit"], ["report"], ["report", "generate"], ["report", "show"],
            ["report", "send"], ["deliveries"], ["deliveries", "list"], ["population"], ["population", "import"],
            ["demo"], ["demo", "load"]]


def rss(*args: str, url: str | None = None, key: str | None = None, python_path: list[Path] = (),
        cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("RSS_URL", "RSS_API_KEY")}
    env |= {"PYTHONPATH": os.pathsep.join([*map(str, python_path), str(ROOT)]), "COLUMNS": "200",
            "NO_COLOR": "1"}
    if url is not None:
        env["RSS_URL"] = url
    if key is not None:
        env["RSS_API_KEY"] = key
    return subprocess.run([sys.executable, "-m", "admin", *args], capture_output=True, text=True, env=env,
                          cwd=cwd, timeout=120)


def one_line_failure(run: subprocess.CompletedProcess[str], status: int = 1) -> str:
    """The one line a failed command wrote (exit status 1; 2 when the command line itself was wrong)."""
    assert run.returncode == status, (run.returncode, run.stdout, run.stderr)
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and run.stdout == "", (run.stdout, run.stderr)
    assert "Traceback" not in run.stderr
    return lines[0]


@pytest.fixture(scope="module")
def platform(stack) -> dict[str, str]:
    return {"url": stack.gateway_url, "key": stack.keys["skr-admin"]}


# --- help ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "rss")
def test_every_command_explains_itself_with_an_example(command):
    run = rss(*command, "--help")
    assert run.returncode == 0, run.stderr
    assert "Usage: rss" in run.stdout and "Example" in run.stdout
    assert re.search(r"rss .*" + " ".join(command), run.stdout.split("Example", 1)[1]), run.stdout


# --- keys ----------------------------------------------------------------------------------------------------


def test_keys_made_listed_and_revoked_from_the_command_line(platform, gateway):
    made = rss("keys", "create", "--label", "Region Dalarna, RSS-systemet (kommandorad)", "--role", "county",
               "--county", "20", **platform)
    assert made.returncode == 0, made.stderr
    secret = SECRET_LINE.search(made.stdout).group(1)
    key_id = re.search(r"Key (key-[0-9a-f]{16}) made", made.stdout).group(1)
    assert gateway.get("/whoami", headers={"X-API-Key": secret}).json()["county_code"] == "20"

    listed = rss("keys", "list", **platform)
    assert listed.returncode == 0 and key_id in listed.stdout and "Region Dalarna, RSS-systemet" in listed.stdout
    assert secret not in listed.stdout
    as_json = json.loads(rss("--json", "keys", "list", "--state", "active", **platform).stdout)
    assert key_id in {k["key_id"] for k in as_json} and all("secret" not in k for k in as_json)

    revoked = rss("keys", "revoke", key_id, **platform)
    assert revoked.returncode == 0, revoked.stderr
    assert f"Key {key_id}" in revoked.stdout and "revoked" in revoked.stdout
    assert refused_within(gateway, secret)
    assert key_id in {k["key_id"] for k in json.loads(rss("--json", "keys", "list", "--state", "revoked",
                                                          **platform).stdout)}
    audit = rss("keys", "audit", "--key-id", key_id, **platform)
    assert audit.returncode == 0 and "create" in audit.stdout and "revoke" in audit.stdout


def test_a_key_rotated_from_the_command_line(platform, gateway):
    made = json.loads(rss("--json", "keys", "create", "--label", "Falu kommun, enkätsvar", "--role", "respondent",
                          "--county", "20", "--organisation", "2080", **platform).stdout)
    rotated = rss("keys", "rotate", made["key_id"], **platform)
    assert rotated.returncode == 0, rotated.stderr
    new_secret = SECRET_LINE.search(rotated.stdout).group(1)
    assert gateway.get("/whoami", headers={"X-API-Key": new_secret}).json()["subject"] == "organisation:2080"
    assert refused_within(gateway, made["secret"])


def test_bad_terms_are_the_platforms_problem_in_one_line(platform):
    line = one_line_failure(rss("keys", "create", "--label", "Region Dalarna", "--role", "county", **platform))
    assert line.startswith("rss: 422 Validation failed:") and "county" in line
    line = one_line_failure(rss("keys", "revoke", "key-0000000000000000", **platform))
    assert line.startswith("rss: 404 Not found:") and "key-0000000000000000" in line
    line = one_line_failure(rss("keys", "create", "--label", "x", "--role", "boss", **platform), status=2)
    assert "'boss' is not one of" in line and "rss keys create --help" in line


def test_a_key_that_is_not_an_administrators_is_refused_in_one_line(stack):
    line = one_line_failure(rss("keys", "list", url=stack.gateway_url, key="rss_not_a_real_key"))
    assert line == "rss: 401 Authentication required: The API key is not valid."
    line = one_line_failure(rss("keys", "list", url=stack.gateway_url, key=stack.keys["county-20"]))
    assert line.startswith("rss: 403 Forbidden:") and "national administrators" in line


def test_no_key_and_an_unreachable_platform_are_one_line_each(stack):
    assert "--key" in one_line_failure(rss("keys", "list", url=stack.gateway_url))
    port = free_port()  # nothing listens there
    line = one_line_failure(rss("keys", "list", url=f"http://127.0.0.1:{port}", key="rss_x"))
    assert line.startswith(f"rss: cannot reach http://127.0.0.1:{port}:")


# --- population figures as SCB publishes them --------------------------------------------------------------------

SCB_TITLE = "Folkmängden per region, ålder och kön. År 1968 - 2024"
SCB_ROWS = [("20 Dalarnas län", "män", 144800, 145100), ("20 Dalarnas län", "kvinnor", 142900, 143200),
            ("2039 Älvdalen", "män", 3650, 3640), ("2039 Älvdalen", "kvinnor", 3380, 3370),
            ("2023 Malung-Sälen", "män", 5300, 5310), ("2023 Malung-Sälen", "kvinnor", 4800, 4790),
            ("2082 Säter", "män", 5600, 5620), ("2082 Säter", "kvinnor", 5450, 5470)]


def scb_table(delimiter: str = ",") -> str:
    """SCB's table as its statistical database exports it: a title, a blank line, headings, rows."""
    def line(*cells: object) -> str:
        return delimiter.join(f'"{c}"' if isinstance(c, str) else str(c) for c in cells) + "\n"

    return (f'"{SCB_TITLE}"\n\n' + line("region", "ålder", "kön", "2023", "2024")
            + "".join(line(region, "totalt ålder", sex, a, b) for region, sex, a, b in SCB_ROWS))


SCB_TABLE = scb_table()
EXPECTED_2024 = {"2039": 3640 + 3370, "2023": 5310 + 4790, "2082": 5620 + 5470}


def test_scbs_population_table_is_imported_the_same_from_latin_1_and_utf_8(platform, gateway, tmp_path):
    latin_1 = tmp_path / "folkmangd-latin1.csv"
    latin_1.write_bytes(SCB_TABLE.replace("\n", "\r\n").encode("cp1252"))
    utf_8 = tmp_path / "folkmangd-utf8.csv"
    utf_8.write_bytes(b"\xef\xbb\xbf" + SCB_TABLE.encode("utf-8"))

    first = rss("population", "import", str(latin_1), "--year", "2024", "--id", "test-scb-dalarna-2024", **platform)
    assert first.returncode == 0, first.stderr
    assert "test-scb-dalarna-2024 stored: 3 municipalities, 28 200 people on 2024-12-31" in first.stdout
    again = rss("population", "import", str(utf_8), "--year", "2024", "--id", "test-scb-dalarna-2024", **platform)
    assert again.returncode == 0, again.stderr
    assert "already stored with the same figures" in again.stdout

    basis = gateway.get("/actors/population-bases/test-scb-dalarna-2024").json()
    assert {row["code"]: row["population"] for row in basis["rows"]} == EXPECTED_2024
    assert {row["name"] for row in basis["rows"]} == {"Älvdalen", "Malung-Sälen", "Säter"}
    assert basis["reference_date"] == "2024-12-31" and basis["county_code"] == "20"
    assert "Folkmängden per region, ålder och kön" in basis["source"]


def test_a_file_that_is_no_scb_table_is_refused_in_one_line_and_nothing_is_stored(platform, gateway, tmp_path):
    broken = tmp_path / "folkmangd.csv"
    broken.write_text(SCB_TABLE.replace("5310", ".."), encoding="utf-8")
    line = one_line_failure(rss("population", "import", str(broken), "--year", "2024", "--id", "test-scb-broken",
                                **platform))
    assert "line 8" in line and "no figure" in line
    line = one_line_failure(rss("population", "import", str(broken), "--year", "2019", **platform))
    assert "no column for 2019" in line and "2023, 2024" in line
    assert gateway.get("/actors/population-bases/test-scb-broken").status_code == 404


def test_scbs_other_layouts_read_to_the_same_figures():
    semicolons, tabs = scb_table(";"), scb_table("\t")
    long = ('"region";"kön";"år";"Folkmängd"\n'
            + "".join(f'"{code} {name}";"{sex}";"{year}";{value}\n'
                      for code, name in (("2039", "Älvdalen"), ("2023", "Malung-Sälen"), ("2082", "Säter"))
                      for year in (2023, 2024) for sex, value in (("totalt", EXPECTED_2024[code] + year - 2024),
                                                                  ("män", 1), ("kvinnor", 2))))
    for text in (SCB_TABLE, semicolons, tabs, long):
        table = read_population_table(text.encode("cp1252"), 2024)
        assert {row.code: row.population for row in table.rows} == EXPECTED_2024, text[:80]
    by_age = ('"region","ålder","2024"\n' + "".join(f'"2080 Falun","{age} år",{100 + age}\n' for age in range(101)))
    assert read_population_table(by_age.encode(), 2024).rows[0].population == sum(100 + a for a in range(101))
    with pytest.raises(ScbFileError, match="has no code"):
        read_population_table('"region","2024"\n"Falun",59000\n'.encode(), 2024)


# --- the annual report and the demo scenario, against a stand-in for the platform ---------------------------------


class RecordingPlatform:
    """Answers as the reporting service's contract says, and records every request (method, path, body)."""

    DOCUMENT = {"year": 2026, "version": 3, "as_of": "2026-12-06", "tables": [
        {"name": "money", "title": "Medel per överenskommelse och län", "rows": [{"county_code": "20"}]}]}

    def __init__(self) -> None:
        self.requests: list[tuple[str, str, object]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = json.loads(self.rfile.read(length)) if length else None
                outer.requests.append((self.command, self.path, body))
                status, media, payload = outer.answer(self.command, self.path)
                self.send_response(status)
                self.send_header("content-type", media)
                self.send_header("content-length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = _answer  # noqa: N815 (the standard library's names)

            def log_message(self, *_args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def answer(self, method: str, path: str) -> tuple[int, str, bytes]:
        def answer_json(status: int, value: object) -> tuple[int, str, bytes]:
            return status, "application/json", json.dumps(value).encode()

        if path.startswith("/reporting/reports/2001"):
            return 404, "application/problem+json", json.dumps({
                "type": "/problems/not-found", "title": "Not found", "status": 404,
                "detail": "No annual report for 2001 is stored."}).encode()
        if method == "POST" and path == "/reporting/reports":
            return answer_json(201, {k: self.DOCUMENT[k] for k in ("year", "version", "as_of")})
        if path == "/reporting/reports/2026" or path == "/reporting/reports/2026/versions/2":
            return answer_json(200, self.DOCUMENT)
        if path.endswith(".xlsx"):
            return 200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"PK\x03\x04xlsx"
        if path.endswith("/tables/money.csv"):
            return 200, "text/csv; charset=utf-8", "\ufeffLän,Fördelat\n20,1225535.00\n".encode()
        if method == "POST" and path.endswith("/deliveries"):
            return answer_json(202, {"id": "delivery-1", "status": "pending", "attempts": []})
        if path.startswith("/reporting/deliveries"):
            return answer_json(200, {"items": [{"id": "delivery-1", "year": 2026, "version": 3, "status": "failed",
                                                "attempts": [{"attempt": 1, "outcome": "failed",
                                                              "reason": "SKR svarade 503"}]}],
                                     "count": 1, "next_page": None})
        return 404, "application/problem+json", json.dumps({"title": "Not found", "status": 404,
                                                            "detail": f"No resource at {path}"}).encode()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture()
def recording() -> Iterator[RecordingPlatform]:
    server = RecordingPlatform()
    yield server
    server.close()


def test_the_report_commands_call_the_reporting_services_endpoints(recording, tmp_path):
    at = {"url": recording.url, "key": "rss_admin_key"}
    generated = rss("report", "generate", "2026", "--as-of", "2026-12-06", **at)
    assert generated.returncode == 0 and "version 3: new version" in generated.stdout, generated.stderr
    shown = rss("report", "show", "2026", **at)
    assert json.loads(shown.stdout)["version"] == 3
    money = json.loads(rss("report", "show", "2026", "--version", "2", "--table", "money", **at).stdout)
    assert money["title"] == "Medel per överenskommelse och län"
    workbook = tmp_path / "rapport.xlsx"
    saved = rss("report", "show", "2026", "--version", "3", "--format", "xlsx", "--output", str(workbook), **at)
    assert saved.returncode == 0 and workbook.read_bytes().startswith(b"PK"), saved.stderr
    csv = rss("report", "show", "2026", "--format", "csv", "--table", "money", **at)
    assert csv.stdout == "Län,Fördelat\n20,1225535.00\n"
    sent = rss("report", "send", "2026", **at)
    assert "delivery delivery-1, status pending" in sent.stdout, sent.stderr
    deliveries = rss("deliveries", "list", "--status", "failed", **at)
    assert "delivery-1" in deliveries.stdout and "SKR svarade 503" in deliveries.stdout

    assert [(method, path) for method, path, _ in recording.requests] == [
        ("POST", "/reporting/reports"),
        ("GET", "/reporting/reports/2026"),
        ("GET", "/reporting/reports/2026/versions/2"),
        ("GET", "/reporting/reports/2026/versions/3.xlsx"),
        ("GET", "/reporting/reports/2026"), ("GET", "/reporting/reports/2026/versions/3/tables/money.csv"),
        ("GET", "/reporting/reports/2026"), ("POST", "/reporting/reports/2026/versions/3/deliveries"),
        ("GET", "/reporting/deliveries?status=failed&limit=500"),
    ]
    assert recording.requests[0][2] == {"year": 2026, "as_of": "2026-12-06"}


def test_a_report_the_platform_does_not_have_is_one_line(recording, platform, gateway):
    line = one_line_failure(rss("report", "show", "2001", "--version", "1", "--format", "pdf",
                                url=recording.url, key="rss_admin_key"))
    assert line == "rss: 404 Not found: No annual report for 2001 is stored."
    line = one_line_failure(rss("report", "generate", "2026", "--as-of", "6 december", **platform), status=2)
    assert "--as-of" in line and "YYYY-MM-DD" in line
    if gateway.get("/reporting/reports").status_code == 404:  # the platform runs no reporting service
        line = one_line_failure(rss("report", "generate", "2026", **platform))
        assert line == "rss: 404 Not found: No resource at /reporting/reports"
        assert one_line_failure(rss("deliveries", "list", **platform)).startswith("rss: 404 Not found:")


def test_demo_load_without_the_scenario_says_so(monkeypatch):
    """An installation without deploy/demo_year.py (checked in-process: an editable install of the project
    finds the repository's scenario whatever a process's path says)."""
    import admin.demo

    monkeypatch.setattr(admin.demo, "DEMO_MODULE", "deploy.no_such_demo_year")
    with pytest.raises(CommandFailed, match="demo scenario is not in this installation"):
        admin.demo.demo_loader()
