"""The README's examples run as written: every ```sh block with a `curl` in it, in document order, against one
fresh stack, with the development keys and the stack's URL put in for `rss_county20_…` and the like and for
http://127.0.0.1:8000.

The blocks run as one bash script (`set -e` off; a variable one block sets is there for the next), with `curl` a
shell function that runs the real curl (`-s -S -w '\\n%{http_code}'`), records each call's block, status and
body, and hands the body on, so pipes and `$(…)` work as they would. Then:

- every call must answer 2xx, unless a comment line `# answers NNN` right before it in the block says the
  status it answers (a refusal the README shows on purpose);
- each call of a block must have been made (as many calls as the block has `curl` commands);
- a ```json block that follows an sh block directly is what it answers, trimmed with `…`: every `"key":scalar`
  pair it shows must be somewhere in the real answer, at any depth (a string with `…` in it matches any text in
  the place of each `…`). With as many JSON values as the block has curls, the n-th value is the n-th call's
  answer; otherwise the values are all the block's last call's.

Values that depend on the day the README was run (a requisition's date, a report's, `as_of`, timestamps) are
shown as of README_DAY, the day the README says it ran its examples: such a shown value matches today's date
(in UTC or in Sweden) in the real answer.

A block whose first line is `# not run: <reason>` is skipped; there may be at most MAX_NOT_RUN, each with a reason.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from deploy.stack import Stack
from tests.support import start_stack

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
README_URL = "http://127.0.0.1:8000"
README_DAY = "2026-12-01"  # "run against a fresh `make run` stack on 1 December 2026"
KEYS = {"rss_county20_…": "county-20", "rss_county01_…": "county-01", "rss_skradmin_…": "skr-admin",
        "rss_dashboard_…": "dashboard", "rss_municipality2080_…": "municipality-2080"}
MAX_NOT_RUN = 3

_FENCE = re.compile(r"^```(\w*)[ \t]*\n(.*?)^```[ \t]*$", re.M | re.S)
_CURL = re.compile(r"(?<![\w./$-])curl(?=\s)")
_ANSWERS = re.compile(r"^\s*#\s*answers\s+(\d{3})\b", re.M)
_NOT_RUN = re.compile(r"\A\s*#\s*not run:\s*(\S.*)$", re.M)
_KEY_THEN_NO_VALUE = re.compile(r'"([^"\\]+)"\s*:\s*(?!["{\[…\d-]|true\b|false\b|null\b)([^\s,}\]]{0,20})')
_PAIR = re.compile(r'"([^"\\]+)"\s*:\s*("(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)'
                   r'(?=\s*[,}\]])')

# Every `curl` of the README runs through this: the real curl, its status and body recorded under $RSS_CALLS,
# the body handed on to stdout. A file counts the calls, since a call in a pipe or in $(…) runs in a subshell.
PRELUDE = r"""
curl() {
  local n
  n=$(( $(cat "$RSS_CALLS/count") + 1 ))
  echo "$n" > "$RSS_CALLS/count"
  echo "$RSS_BLOCK" > "$RSS_CALLS/$n.block"
  command curl -s -S -w '\n%{http_code}' "$@" > "$RSS_CALLS/$n.out" 2> "$RSS_CALLS/$n.err"
  echo "$?" > "$RSS_CALLS/$n.rc"
  sed '$d' "$RSS_CALLS/$n.out"
}
echo 0 > "$RSS_CALLS/count"
"""


@dataclass
class Example:
    line: int  # of the ```sh fence in README.md
    script: str
    shown: str | None  # the ```json block right after it
    not_run: str | None
    curls: int = 0
    expected: list[int | None] = field(default_factory=list)  # per curl, in order: None means any 2xx


@dataclass
class Call:
    status: int
    body: str
    rc: int
    error: str


def examples(text: str) -> list[Example]:
    fences = [(m.start(), m.end(), m.group(1), m.group(2)) for m in _FENCE.finditer(text)]
    found = []
    for i, (start, end, kind, body) in enumerate(fences):
        if kind != "sh" or not _CURL.search(_without_comments(body)):
            continue
        shown = None
        if i + 1 < len(fences) and fences[i + 1][2] == "json" and not text[end:fences[i + 1][0]].strip():
            shown = fences[i + 1][3]
        not_run = _NOT_RUN.match(body)
        example = Example(line=text.count("\n", 0, start) + 1, script=body, shown=shown,
                          not_run=not_run.group(1).strip() if not_run else None)
        example.expected = _expected_statuses(body)
        example.curls = len(example.expected)
        found.append(example)
    return found


def _without_comments(script: str) -> str:
    return "\n".join(line for line in script.splitlines() if not line.lstrip().startswith("#"))


def _expected_statuses(script: str) -> list[int | None]:
    """One entry per curl command of the script, in order: the status a `# answers NNN` line before it names."""
    expected: list[int | None] = []
    pending: int | None = None
    for line in script.splitlines():
        if line.lstrip().startswith("#"):
            stated = _ANSWERS.match(line)
            if stated:
                pending = int(stated.group(1))
            continue
        for _ in _CURL.finditer(line):
            expected.append(pending)
            pending = None
    return expected


def json_values(shown: str) -> list[str]:
    """The top-level values of a trimmed JSON block (which does not parse as JSON), as text."""
    values, depth, start, in_string, escaped = [], 0, 0, False, False
    for i, ch in enumerate(shown):
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "{[":
            if depth == 0:
                start = i
            depth += 1
        elif ch in "}]":
            depth -= 1
            if depth == 0:
                values.append(shown[start:i + 1])
    return values


def shown_pairs(value: str) -> list[tuple[str, Any]]:
    return [(m.group(1), json.loads(m.group(2))) for m in _PAIR.finditer(value)]


def actual_pairs(answer: Any) -> Iterator[tuple[str, Any]]:
    if isinstance(answer, dict):
        for key, value in answer.items():
            if not isinstance(value, dict | list):
                yield key, value
            else:
                yield from actual_pairs(value)
    elif isinstance(answer, list):
        for item in answer:
            yield from actual_pairs(item)


def today_values() -> set[str]:
    return {datetime.now(UTC).date().isoformat(), datetime.now(ZoneInfo("Europe/Stockholm")).date().isoformat(),
            date.today().isoformat()}


def matches(shown: Any, actual: Any, today: set[str]) -> bool:
    if isinstance(shown, str):
        if not isinstance(actual, str):
            return False
        if shown.startswith(README_DAY) and any(actual.startswith(day) for day in today):
            return True
        if "…" in shown:
            pattern = ".*".join(re.escape(part) for part in shown.split("…"))
            return re.fullmatch(pattern, actual, re.S) is not None
        return shown == actual
    if isinstance(shown, bool) or isinstance(actual, bool) or shown is None or actual is None:
        return shown is actual
    return isinstance(actual, int | float) and shown == actual


def not_json(shown: str) -> list[str]:
    """Keys the shown text gives no JSON value (nor `…`): a placeholder left in the README."""
    return [f'"{m.group(1)}":{m.group(2)}' for m in _KEY_THEN_NO_VALUE.finditer(shown)]


def missing_pairs(shown: str, answer: Any) -> list[str]:
    pairs = list(actual_pairs(answer))
    today = today_values()
    return [f'"{key}":{json.dumps(value, ensure_ascii=False)}' for key, value in shown_pairs(shown)
            if not any(k == key and matches(value, a, today) for k, a in pairs)]


def body_of(call: Call) -> Any:
    text = call.body
    if text.startswith("HTTP/"):  # curl -i: the head first
        text = re.split(r"\r?\n\r?\n", text, maxsplit=1)[-1]
    return json.loads(text)


def substitute(script: str, stack: Stack) -> str:
    for placeholder, name in KEYS.items():
        script = script.replace(placeholder, stack.keys[name])
    return script.replace(README_URL, stack.gateway_url)


def run_readme(found: list[Example], stack: Stack, folder: Path) -> dict[int, list[Call]]:
    calls_dir = folder / "calls"
    work = folder / "work"
    calls_dir.mkdir()
    work.mkdir()
    parts = [PRELUDE]
    for n, example in enumerate(found):
        if example.not_run is None:
            parts.append(f"\nRSS_BLOCK={n}\n{substitute(example.script, stack)}\n")
    script = folder / "readme.sh"
    script.write_text("".join(parts), encoding="utf-8")
    env = os.environ | {"RSS_CALLS": str(calls_dir), "LC_ALL": "C.UTF-8"}
    done = subprocess.run(["bash", str(script)], cwd=work, env=env, capture_output=True, text=True, timeout=600)
    (folder / "readme.log").write_text(done.stdout + done.stderr, encoding="utf-8")
    calls: dict[int, list[Call]] = {}
    for n in range(1, int((calls_dir / "count").read_text()) + 1):
        out = (calls_dir / f"{n}.out").read_text(encoding="utf-8", errors="replace")
        body, _, status = out.rpartition("\n")
        calls.setdefault(int((calls_dir / f"{n}.block").read_text()), []).append(
            Call(status=int(status) if status.isdigit() else 0, body=body,
                 rc=int((calls_dir / f"{n}.rc").read_text()),
                 error=(calls_dir / f"{n}.err").read_text(encoding="utf-8", errors="replace")))
    return calls


@pytest.fixture(scope="module")
def readme_stack(tmp_path_factory: pytest.TempPathFactory, new_database_url: Callable[[str], str]) -> Iterator[Stack]:
    stack = start_stack(tmp_path_factory.mktemp("readme"), new_database_url)
    yield stack
    stack.stop()


def test_the_parser_reads_trimmed_json_and_stated_statuses() -> None:
    shown = '{"a":{"b":"x …","n":2,"f":1.0,"t":true,"z":null}, …}\n{"c":"…"}'
    assert json_values(shown) == ['{"a":{"b":"x …","n":2,"f":1.0,"t":true,"z":null}, …}', '{"c":"…"}']
    assert shown_pairs(json_values(shown)[0]) == [("b", "x …"), ("n", 2), ("f", 1.0), ("t", True), ("z", None)]
    assert missing_pairs(json_values(shown)[0], {"a": [{"b": "x y", "n": 2, "f": 1, "t": True, "z": None}]}) == []
    assert missing_pairs('{"n":1,"t":true}', {"n": True, "t": 1}) == ['"n":1', '"t":true']
    assert missing_pairs('{"d":"2026-12-01"}', {"d": datetime.now(UTC).date().isoformat()}) == []
    assert not_json('{"a":1,"b":"x","c":{…},"d":[…],"e":…,"f":-1,"g":null}') == []
    assert not_json('{"entries":ENTRIES,"n":nothing}') == ['"entries":ENTRIES', '"n":nothing']
    assert _expected_statuses("curl a\n# answers 412 (stale ETag)\ncurl -X PUT b \\\n  -d '{}'\nx=$(curl c)") == \
        [None, 412, None]


def test_every_readme_example_runs_as_written(readme_stack: Stack, tmp_path: Path) -> None:
    found = examples(README.read_text(encoding="utf-8"))
    assert found, "README.md has no curl examples"
    not_run = [e for e in found if e.not_run is not None]
    assert len(not_run) <= MAX_NOT_RUN, [f"README.md:{e.line}: {e.not_run}" for e in not_run]
    calls = run_readme(found, readme_stack, tmp_path)
    failures: list[str] = []
    for n, example in enumerate(found):
        if example.not_run is not None:
            continue
        made = calls.get(n, [])
        where = f"README.md:{example.line}"
        if len(made) != example.curls:
            failures.append(f"{where}: {example.curls} curl commands, {len(made)} calls made")
        for i, (call, expected) in enumerate(zip(made, example.expected, strict=False)):
            ok = call.status == expected if expected is not None else 200 <= call.status < 300
            if call.rc != 0 or not ok:
                failures.append(f"{where}, call {i + 1}: answered {call.status} (expected "
                                f"{expected or '2xx'}; curl exit {call.rc} {call.error.strip()}): {call.body[:600]}")
        if example.shown is None or not made:
            continue
        failures += [f"{where}: the shown answer gives {bad} no JSON value" for bad in not_json(example.shown)]
        values = json_values(example.shown)
        pairs = list(zip(made, values, strict=True)) if len(values) == len(made) else \
            [(made[-1], value) for value in values]
        for call, value in pairs:
            try:
                answer = body_of(call)
            except ValueError:
                failures.append(f"{where}: the answer is not JSON: {call.body[:300]}")
                continue
            missing = missing_pairs(value, answer)
            if missing:
                failures.append(f"{where}: shown but not in the answer: {', '.join(missing)}; answer: "
                                f"{json.dumps(answer, ensure_ascii=False)[:1500]}")
    assert not failures, "\n\n".join(failures)
