"""`make bench` (dashboard part): the national overview's time on its server against the API calls it makes.

Starts its own stack (SQLite, free ports, a temporary data dir, JSON logs to files), loads the demo year through
the gateway, then measures
  - the page: GET /dashboard/ through the gateway, as a browser asks for it, many times; its time on the
    dashboard's server is the dashboard's own access line for the request (duration_ms, request id matched), the
    first request after start (every answer fetched) apart from the later ones (the platform client's kept answers
    revalidated with their ETags);
  - the API calls the page makes: how many is read from the gateway's access log (the page's request id goes
    with every call), their paths and queries from the page's composition run in this process on a recording
    client; each is then sent alone, one after another, through the gateway with the dashboard's key and no kept
    answer: the sum of their times is what a client would wait asking them in turn (goal: the page's server-side
    time within 2x that sum). Pages and passes of calls alternate, so both meet the same load on the machine;
  - the dashboard's own work for a page: its composition and rendering in this process, the platform's answers
    replayed from memory (no network).
Prints its figures and writes bench/results/dashboard-<timestamp>.json. A missed goal is reported, not a failure.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
import uuid
from pathlib import Path

import httpx

from bench.results_file import write_results
from deploy.demo_year import load_demo_year
from deploy.stack import PROCESSES, Stack, sqlite_urls
from services.dashboard import SERVICE_DIR
from services.dashboard.assets import Assets
from services.dashboard.formats import today_in_sweden
from services.dashboard.pages.links import Links
from services.dashboard.pages.schemas import read_period
from services.dashboard.pages.service import DashboardPages
from services.dashboard.web import Renderer
from shared.counties import COUNTY_NAMES
from shared.service_client import PlatformClient
from tests.support import free_port

GOAL = 2.0


def access_lines(path: Path, request_id: str) -> list[dict]:
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if request_id in line and line.startswith("{"):
            entry = json.loads(line)
            if entry.get("event") == "request" and entry.get("request_id") == request_id:
                lines.append(entry)
    return lines


def page_once(stack: Stack, client: httpx.Client) -> dict:
    """One page request through the gateway: its time at the client and on the dashboard's server, and the calls
    the gateway forwarded for it."""
    request_id = f"bench-dashboard-{uuid.uuid4().hex[:12]}"
    started = time.perf_counter()
    response = client.get("/dashboard/", headers={"X-Request-ID": request_id})
    seconds = time.perf_counter() - started
    assert response.status_code == 200, response.text[:300]
    for _ in range(100):  # the access line is written once the answer has gone out
        served = [e for e in access_lines(stack.log_file("dashboard"), request_id) if e.get("path") == "/"]
        if served:
            break
        time.sleep(0.02)
    calls = [e for e in access_lines(stack.log_file("gateway"), request_id) if e.get("caller") == "service-dashboard"]
    return {"client_ms": round(seconds * 1000, 2), "server_ms": served[0]["duration_ms"], "calls": len(calls),
            "calls_not_modified": sum(1 for e in calls if e.get("status") == 304),
            "calls_gateway_ms": round(sum(e["duration_ms"] for e in calls), 2)}


class Recording(httpx.AsyncBaseTransport):
    """The page's calls as the dashboard makes them: path and query, in the order they were sent, and each
    answer."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.urls: list[str] = []
        self.answers: dict[str, tuple[int, bytes, str | None]] = {}

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url.raw_path.decode()
        self.urls.append(url)
        response = await self.inner.handle_async_request(request)
        content = await response.aread()
        self.answers[url] = (response.status_code, content, response.headers.get("etag"))
        return httpx.Response(response.status_code, headers=response.headers, content=content)

    async def aclose(self) -> None:
        await self.inner.aclose()


def replaying(answers: dict[str, tuple[int, bytes, str | None]]) -> httpx.MockTransport:
    """The recorded answers, from memory: 304 to a kept answer's ETag, as the services answer."""

    def answer(request: httpx.Request) -> httpx.Response:
        status, content, etag = answers[request.url.raw_path.decode()]
        headers = {"content-type": "application/json", **({"etag": etag} if etag else {})}
        if etag and request.headers.get("if-none-match") == etag:
            return httpx.Response(304, headers=headers)
        return httpx.Response(status, headers=headers, content=content)

    return httpx.MockTransport(answer)


async def the_pages_calls(stack: Stack) -> tuple[list[str], dict[str, float]]:
    """The page's calls, and the dashboard's own work for a page (composing and rendering it, the answers from
    memory): median milliseconds over 20 pages."""
    recording = Recording()
    platform = PlatformClient(stack.gateway_url, stack.service_keys["service-dashboard"], transport=recording,
                              calls_per_request=500)
    period = read_period(None, None, today_in_sweden())
    links = Links("/dashboard", period)
    try:
        page = await DashboardPages(platform, links).national(period)
        assert not [s.key for s in page.sections if s.unavailable and s.key != "aktiviteter"], "a section is missing"
    finally:
        await platform.aclose()
    memory = PlatformClient("http://gateway", "key", transport=replaying(recording.answers), calls_per_request=500)
    renderer = Renderer(Assets(SERVICE_DIR / "static"))
    template = renderer.env.get_template("national.html")
    composed, rendered = [], []
    for _ in range(21):
        started = time.perf_counter()
        page = await DashboardPages(memory, links).national(period)
        middle = time.perf_counter()
        template.render(prefix="/dashboard", asset=lambda name: renderer.assets.url("/dashboard", name), page=page,
                        links=links, counties=COUNTY_NAMES, today=period.on,
                        table_url=lambda name, file_format: links.table("/", name, file_format, page.query))
        composed.append(middle - started)
        rendered.append(time.perf_counter() - middle)
    await memory.aclose()
    return recording.urls, {"compose_ms": round(statistics.median(composed[1:]) * 1000, 2),
                            "render_ms": round(statistics.median(rendered[1:]) * 1000, 2)}


def calls_in_turn(stack: Stack, urls: list[str]) -> dict:
    """Each call alone, one after another, with the dashboard's key and nothing kept: its full answer."""
    times = []
    with httpx.Client(base_url=stack.gateway_url, timeout=60,
                      headers={"X-API-Key": stack.service_keys["service-dashboard"]}) as client:
        for url in urls:
            started = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - started)
            assert response.status_code in (200, 404), (url, response.status_code)
    return {"sum_ms": round(sum(times) * 1000, 2), "calls": len(urls)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20, help="page requests after the first, each followed "
                                                                     "by a pass of its calls in turn")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="rss-bench-dashboard-") as tmp:
        data = Path(tmp)
        stack = Stack(data_dir=data, database_urls=sqlite_urls(data), environment="test", log_format="json",
                      log_to_files=True, ports={n: free_port() for n in PROCESSES})
        try:
            stack.prepare()
            stack.start()
            stack.wait_ready()
            demo = load_demo_year(stack.gateway_url, stack.keys["skr-admin"],
                                  {"20": stack.keys["county-20"], "01": stack.keys["county-01"]})
            results = run(stack, args, demo.year)
        finally:
            stack.stop()
    print(report(results))
    write_results("dashboard", results)
    return 0


def run(stack: Stack, args: argparse.Namespace, year: int) -> dict:
    with httpx.Client(base_url=stack.gateway_url, timeout=60) as browser:
        first = page_once(stack, browser)
        urls, own = asyncio.run(the_pages_calls(stack))
        warm, in_turn = [], []
        for _ in range(args.requests):  # alternating: a page, then its calls in turn
            warm.append(page_once(stack, browser))
            in_turn.append(calls_in_turn(stack, urls))
    calls_sum = statistics.median(r["sum_ms"] for r in in_turn)
    server = statistics.median(p["server_ms"] for p in warm)
    return {
        "own_work_ms": own,
        "database": "sqlite", "demo_year": year, "page": "/dashboard/", "requests": len(warm) + 1,
        "first_page": first,
        "page_server_ms_median": server,
        "page_server_ms_p90": sorted(p["server_ms"] for p in warm)[int(0.9 * (len(warm) - 1))],
        "page_client_ms_median": statistics.median(p["client_ms"] for p in warm),
        "calls_per_page": statistics.median(p["calls"] for p in warm),
        "calls_not_modified_per_page": statistics.median(p["calls_not_modified"] for p in warm),
        "calls": urls,
        "calls_in_turn_sum_ms_median": calls_sum,
        "ratio_per_pair_median": statistics.median(p["server_ms"] / c["sum_ms"] for p, c in zip(warm, in_turn)),
        "ratio_first_page": round(first["server_ms"] / calls_sum, 2),
        "ratio": round(server / calls_sum, 2),
        "goal": GOAL,
        "goal_met": server <= GOAL * calls_sum and first["server_ms"] <= GOAL * calls_sum,
    }


def report(r: dict) -> str:
    verdict = "met" if r["goal_met"] else "MISSED"
    return "\n".join([
        "",
        f"The national dashboard ({r['page']}, demo year {r['demo_year']}, {r['database']}), {r['requests']} requests",
        f"  the page's calls to the API:        {len(r['calls'])} (through the gateway, concurrently where "
        "independent)",
        f"  first page after start, on its server: {r['first_page']['server_ms']:.1f} ms "
        f"({r['first_page']['calls']} calls, every answer fetched)",
        f"  later pages, on the server:          median {r['page_server_ms_median']:.1f} ms, "
        f"p90 {r['page_server_ms_p90']:.1f} ms ({r['calls_not_modified_per_page']:g} of "
        f"{r['calls_per_page']:g} calls answered 304 to the kept answers' ETags)",
        f"  later pages, at the browser:         median {r['page_client_ms_median']:.1f} ms",
        f"  the same calls one after another:    {r['calls_in_turn_sum_ms_median']:.1f} ms (median of "
        f"{r['requests'] - 1} passes, each after a page)",
        f"  the dashboard's own work a page:     composing {r['own_work_ms']['compose_ms']:.1f} ms, rendering "
        f"{r['own_work_ms']['render_ms']:.1f} ms (the answers from memory)",
        f"  page / calls in turn:                {r['ratio']:.2f} (pair by pair, median "
        f"{r['ratio_per_pair_median']:.2f}; first page {r['ratio_first_page']:.2f}); "
        f"goal <= {r['goal']:g}: {verdict}",
    ])


if __name__ == "__main__":
    raise SystemExit(main())
