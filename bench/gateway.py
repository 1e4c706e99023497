"""`make bench`: what the gateway costs, next to calling the actors service directly and through nginx.

Starts its own stack (SQLite, free ports, temporary data dir, gateway access log on as by default) and its own
nginx, loads each with wrk, prints a table and writes bench/results/gateway-<timestamp>.json. Missing the goals is
reported, not a failure: the exit code is non-zero only when the benchmark could not run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import httpx

from deploy.stack import ROOT, Stack, sqlite_urls
from shared.identity import Principal, Role, sign_identity
from tests.support import free_port

RESULTS_DIR = ROOT / "bench" / "results"
MIN_THROUGHPUT_RATIO = 0.70  # gateway requests/s as a share of direct, at full concurrency
MAX_ADDED_MEDIAN_MS = 0.5  # gateway's added median latency, one connection
# (name, path on the service; the gateway path is /actors + it)
TARGETS = [("county", "/counties/20"), ("service-info", "/")]
GOAL_TARGET = "service-info"  # the small JSON endpoint the goals are defined on
ROUTES = ("direct", "gateway", "nginx")
# The same gateway with its rate limiter off, beside the one with it on, to show what counting costs.
UNLIMITED_ROUTE = "gateway-unlimited"
# The gateway under test counts every request but never refuses one: wrk sends far more than any real budget.
UNREACHABLE_LIMITS = {f"GATEWAY_RATE_LIMIT_{kind}": "1000000000/minute"
                      for kind in ("COUNTY", "NATIONAL_ADMIN", "DASHBOARD", "ANONYMOUS", "FAILED_AUTH")}
NGINX_CONFIG = """\
daemon off;
worker_processes 1;  # one process, as the gateway has
user root;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log {dir}/access.log combined buffer=64k;
    client_body_temp_path {dir}/body; proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi; uwsgi_temp_path {dir}/uwsgi; scgi_temp_path {dir}/scgi;
    upstream actors {{ server 127.0.0.1:{upstream_port}; keepalive 64; }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://actors;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
        }}
    }}
}}
"""


def ensure_tool(binary: str, package: str) -> str:
    """The binary's path, installing the Debian package first when it is missing."""
    path = shutil.which(binary) or shutil.which(binary, path="/usr/sbin:/usr/bin")
    if path:
        return path
    print(f"{binary} not found; installing the Debian package {package} ...", flush=True)
    install = ["apt-get", "install", "-y", "-q", package]
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    if subprocess.run(install, env=env).returncode != 0:
        subprocess.run(["apt-get", "update", "-q"], env=env, check=True)
        subprocess.run(install, env=env, check=True)
    path = shutil.which(binary) or shutil.which(binary, path="/usr/sbin:/usr/bin")
    if not path:
        raise RuntimeError(f"{binary} is still missing after installing {package}")
    return path


def start_nginx(nginx: str, work_dir: Path, port: int, upstream_port: int) -> subprocess.Popen[bytes]:
    work_dir.mkdir(parents=True, exist_ok=True)
    config = work_dir / "nginx.conf"
    config.write_text(NGINX_CONFIG.format(dir=work_dir, port=port, upstream_port=upstream_port), encoding="utf-8")
    # -e: the compiled-in error log under /var/log is opened before the config is read.
    return subprocess.Popen([nginx, "-c", str(config), "-p", str(work_dir), "-e", str(work_dir / "error.log")],
                            start_new_session=True)


def stop_process(proc: subprocess.Popen[bytes] | None, sig: int = signal.SIGTERM) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(sig)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


_DURATION = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def run_wrk(wrk: str, url: str, headers: dict[str, str], *, threads: int, connections: int,
            seconds: int) -> dict[str, float]:
    """One wrk run: requests/s, median latency in ms, and how many answers were not 2xx/3xx or failed."""
    command = [wrk, f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "5s"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    done = subprocess.run([*command, url], capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr or done.stdout}")
    out = done.stdout
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    median = re.search(r"^\s+50%\s+([\d.]+)(us|ms|s|m)\s*$", out, re.MULTILINE)
    if not rps or not median:
        raise RuntimeError(f"could not read wrk's output:\n{out}")
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {"requests_per_s": float(rps.group(1)),
            "median_ms": float(median.group(1)) * _DURATION[median.group(2)],
            "bad_responses": int(bad.group(1)) if bad else 0,
            "socket_errors": sum(int(n) for n in errors.groups()) if errors else 0}


def check_same_answer(urls: dict[str, tuple[str, dict[str, str]]]) -> None:
    """Every route answers 200 with the same body (bar who the caller is); else the runs would do different work."""
    bodies = {}
    for route, (url, headers) in urls.items():
        resp = httpx.get(url, headers=headers, timeout=5)
        if resp.status_code != 200:
            raise RuntimeError(f"{route} {url} answered {resp.status_code}: {resp.text[:300]}")
        bodies[route] = {k: v for k, v in resp.json().items() if k != "caller"}
    if any(body != bodies["direct"] for body in bodies.values()):
        raise RuntimeError(f"the routes answer differently: {bodies}")


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time these processes have used so far (Linux /proc)."""
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def busy_seconds(pids: list[int]) -> tuple[float, float]:
    """(CPU time the whole machine has been busy, the part used by us: these processes, wrk and this script)."""
    user, nice, system, _idle, _iowait, irq, softirq, steal = map(int, Path("/proc/stat").read_text().split()[1:9])
    ours = os.times()
    return ((user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK"),
            cpu_seconds(pids) + ours.user + ours.system + ours.children_user + ours.children_system)


def measure(wrk: str, targets: dict[str, dict[str, tuple[str, dict[str, str]]]], pids: dict[str, list[int]],
            args: argparse.Namespace) -> dict:
    """Per target: a load run per route, then alternating 1-connection rounds (so drift hits all routes alike)."""
    results: dict[str, dict] = {}
    for target, urls in targets.items():
        check_same_answer(urls)
        load: dict[str, dict[str, float]] = {}
        for route, (url, headers) in urls.items():
            print(f"  {target}: {route} at {args.connections} connections ...", flush=True)
            run_wrk(wrk, url, headers, threads=args.threads, connections=args.connections, seconds=args.warmup)
            watched = {"service": pids["direct"], "proxy": pids[route]}
            before = {name: cpu_seconds(p) for name, p in watched.items()}
            load[route] = run_wrk(wrk, url, headers, threads=args.threads, connections=args.connections,
                                  seconds=args.duration)
            handled = load[route]["requests_per_s"] * args.duration
            for name, p in watched.items():  # CPU cost per request is steadier than requests/s on a busy box
                load[route][f"{name}_cpu_ms_per_request"] = (cpu_seconds(p) - before[name]) * 1000 / handled
        print(f"  {target}: all routes at 1 connection, {args.rounds} alternating rounds ...", flush=True)
        rounds: dict[str, list[dict[str, float]]] = {route: [] for route in urls}
        for route, (url, headers) in urls.items():
            run_wrk(wrk, url, headers, threads=1, connections=1, seconds=args.warmup)
        for _ in range(args.rounds):
            for route, (url, headers) in urls.items():
                rounds[route].append(run_wrk(wrk, url, headers, threads=1, connections=1,
                                             seconds=args.latency_duration))
        single = {route: {"median_ms": statistics.median(r["median_ms"] for r in runs),
                          "requests_per_s": statistics.median(r["requests_per_s"] for r in runs),
                          "round_medians_ms": [r["median_ms"] for r in runs],
                          "bad_responses": sum(r["bad_responses"] for r in runs),
                          "socket_errors": sum(r["socket_errors"] for r in runs)}
                  for route, runs in rounds.items()}
        limiter = {}
        if UNLIMITED_ROUTE in urls:
            limiter = {"rate_limiter": {
                "requests_per_s": {"on": load["gateway"]["requests_per_s"],
                                   "off": load[UNLIMITED_ROUTE]["requests_per_s"]},
                "proxy_cpu_ms_per_request": {"on": load["gateway"]["proxy_cpu_ms_per_request"],
                                             "off": load[UNLIMITED_ROUTE]["proxy_cpu_ms_per_request"]},
                "one_connection_median_ms": {"on": single["gateway"]["median_ms"],
                                             "off": single[UNLIMITED_ROUTE]["median_ms"]}}}
        ratio = load["gateway"]["requests_per_s"] / load["direct"]["requests_per_s"]
        added = single["gateway"]["median_ms"] - single["direct"]["median_ms"]
        results[target] = {
            "path": dict(TARGETS)[target],
            "load": load, "one_connection": single,
            "gateway_ratio": ratio,
            "nginx_ratio": load["nginx"]["requests_per_s"] / load["direct"]["requests_per_s"],
            "gateway_added_median_ms": added,
            "nginx_added_median_ms": single["nginx"]["median_ms"] - single["direct"]["median_ms"],
            "throughput_goal_met": ratio >= MIN_THROUGHPUT_RATIO,
            "latency_goal_met": added <= MAX_ADDED_MEDIAN_MS,
            **limiter,
        }
    return results


def report(results: dict, args: argparse.Namespace) -> str:
    head = f"{'target':<14}{'direct':>10}{'gateway':>10}{'nginx':>10}"
    lines = [f"\nThroughput (requests/s): wrk -t{args.threads} -c{args.connections} -d{args.duration}s",
             f"{head}{'gw/direct':>11}{'nginx/direct':>14}  goal: gateway >= {MIN_THROUGHPUT_RATIO:.0%} of direct"]
    for target, r in results.items():
        lines.append(f"{target:<14}" + "".join(f"{r['load'][x]['requests_per_s']:>10.0f}" for x in ROUTES)
                     + f"{r['gateway_ratio']:>10.0%} {r['nginx_ratio']:>13.0%}  "
                     + ("met" if r["throughput_goal_met"] else "MISSED"))
    lines += ["\nCPU ms per request in that run (direct: the actors service; gateway, nginx: the proxy alone)", head]
    for target, r in results.items():
        cpu = [r["load"]["direct"]["service_cpu_ms_per_request"]]
        cpu += [r["load"][x]["proxy_cpu_ms_per_request"] for x in ("gateway", "nginx")]
        lines.append(f"{target:<14}" + "".join(f"{ms:>10.3f}" for ms in cpu))
    lines += [f"\nMedian latency (ms): median of {args.rounds} alternating runs of "
              f"wrk -t1 -c1 -d{args.latency_duration}s",
              f"{head}{'gw added':>11}{'nginx added':>14}  goal: gateway adds <= {MAX_ADDED_MEDIAN_MS} ms"]
    for target, r in results.items():
        lines.append(f"{target:<14}" + "".join(f"{r['one_connection'][x]['median_ms']:>10.3f}" for x in ROUTES)
                     + f"{r['gateway_added_median_ms']:>+11.3f}{r['nginx_added_median_ms']:>+14.3f}  "
                     + ("met" if r["latency_goal_met"] else "MISSED"))
    lines += [f"\nThroughput at 1 connection (requests/s): median of the same {args.rounds} runs", head]
    for target, r in results.items():
        lines.append(f"{target:<14}" + "".join(f"{r['one_connection'][x]['requests_per_s']:>10.0f}" for x in ROUTES))
    for target, r in results.items():
        if "rate_limiter" in r:
            on_off = r["rate_limiter"]
            lines.append(f"\nRate limiter on the hot path ({target}, GET /actors{r['path']}): gateway with it on / off")
            for label, key, digits in ((f"requests/s at {args.connections} connections", "requests_per_s", 0),
                                       ("gateway CPU ms per request", "proxy_cpu_ms_per_request", 3),
                                       ("median ms at 1 connection", "one_connection_median_ms", 3)):
                lines.append(f"  {label:<32}{on_off[key]['on']:>10.{digits}f} / {on_off[key]['off']:.{digits}f}")
    lines += [""] + [f"WARNING {t} {kind} {route}: {n[key]} {key.replace('_', ' ')}"
                     for t, r in results.items() for kind in ("load", "one_connection")
                     for route, n in r[kind].items() for key in ("bad_responses", "socket_errors") if n[key]]
    # The goal is set for a small JSON endpoint (service-info); the county row shows the same hop in front of a
    # larger, cached database-backed answer and is reported beside it, with its own verdicts above.
    goal = results[GOAL_TARGET]
    met = goal["throughput_goal_met"] and goal["latency_goal_met"]
    others = [t for t, r in results.items() if t != GOAL_TARGET
              and not (r["throughput_goal_met"] and r["latency_goal_met"])]
    lines.append(f"Goals on the small JSON endpoint ({GOAL_TARGET}): " + ("met." if met else "MISSED.")
                 + (f" Also outside the goal on: {', '.join(others)}." if others else ""))
    return "\n".join(lines)


def _interrupt(_signum, _frame):  # type: ignore[no-untyped-def]
    # SIGTERM takes the same way out as Ctrl-C, so the finally blocks stop everything started.
    raise KeyboardInterrupt


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--duration", type=int, default=10, help="seconds per measured load run")
    parser.add_argument("--latency-duration", type=int, default=3, help="seconds per 1-connection run")
    parser.add_argument("--rounds", type=int, default=3, help="1-connection runs per route, alternating")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of unmeasured load before each run")
    parser.add_argument("--log-format", choices=("console", "json"), default="console",
                        help="the stack's log format: console as `make run`, json as docker-compose")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, _interrupt)

    wrk, nginx = ensure_tool("wrk", "wrk"), ensure_tool("nginx", "nginx")
    gateway_port, actors_port, funding_port, surveys_port, nginx_port, unlimited_port = (free_port() for _ in range(6))
    nginx_proc = unlimited = None
    with tempfile.TemporaryDirectory(prefix="rss-bench-") as tmp:
        data_dir = Path(tmp) / "data"
        # Logs go to files in the temp dir: the access log is written as in a deployment, not to this terminal.
        stack = Stack(data_dir=data_dir, database_urls=sqlite_urls(data_dir), log_to_files=True,
                      log_format=args.log_format,
                      # a deprecation notice per process is noise here
                      extra_env={"PYTHONWARNINGS": "ignore", **UNREACHABLE_LIMITS},
                      ports={"gateway": gateway_port, "actors": actors_port, "funding": funding_port,
                             "surveys": surveys_port, "reporting": free_port()})
        try:
            print(f"Preparing a stack in {tmp} (gateway :{gateway_port}, actors :{actors_port}, "
                  f"nginx :{nginx_port}) ...", flush=True)
            stack.prepare(demo=False)  # the reference data holds every county; demo data is not needed
            stack.start()
            unlimited = replace(stack, ports={**stack.ports, "gateway": unlimited_port}, processes={},
                                extra_env={**stack.extra_env, "GATEWAY_RATE_LIMIT_ENABLED": "false"})
            unlimited.start(("gateway",))
            nginx_proc = start_nginx(nginx, Path(tmp) / "nginx", nginx_port, actors_port)
            stack.wait_ready()
            unlimited.wait_ready()
            token = sign_identity(Principal(subject="bench", role=Role.COUNTY, county_code="20",
                                            expires_at=int(time.time()) + 3600, audience="actors"), stack.secret)
            identity = {"x-rss-identity": token}
            api_key = {"X-API-Key": stack.keys["county-20"]}
            targets = {name: {"direct": (f"{stack.service_url('actors')}{path}", identity),
                              "gateway": (f"{stack.gateway_url}/actors{path}", api_key),
                              "nginx": (f"http://127.0.0.1:{nginx_port}{path}", identity)}
                       for name, path in TARGETS}
            targets[GOAL_TARGET][UNLIMITED_ROUTE] = (f"{unlimited.gateway_url}/actors/", api_key)
            if nginx_proc.poll() is not None:
                raise RuntimeError(f"nginx exited with code {nginx_proc.returncode}; see its error log")
            pids = {"direct": [stack.processes["actors"].pid], "gateway": [stack.processes["gateway"].pid],
                    UNLIMITED_ROUTE: [unlimited.processes["gateway"].pid],
                    "nginx": [int(pid) for pid in  # the workers, which do nginx's proxying
                              Path(f"/proc/{nginx_proc.pid}/task/{nginx_proc.pid}/children").read_text().split()]}
            ours = ([p.pid for p in stack.processes.values()] + [nginx_proc.pid] + pids["nginx"]
                    + pids[UNLIMITED_ROUTE])
            print("Measuring ...", flush=True)
            started, (busy_before, ours_before) = time.monotonic(), busy_seconds(ours)
            results = measure(wrk, targets, pids, args)
            busy_after, ours_after = busy_seconds(ours)
            # Everything here shares the machine's cores, so other work running meanwhile skews the figures.
            others = max(0.0, (busy_after - busy_before) - (ours_after - ours_before)) / (time.monotonic() - started)
        finally:
            stop_process(nginx_proc, signal.SIGQUIT)  # QUIT: nginx's graceful stop
            if unlimited is not None:
                unlimited.stop()
            stack.stop()

    print(report(results, args))
    print(f"\nOther processes kept {others:.2f} of {os.cpu_count()} CPUs busy during the measurement"
          + (" -- WARNING: the figures are skewed by them." if others > 0.2 else "."))
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    out = RESULTS_DIR / f"gateway-{stamp}.json"
    out.write_text(json.dumps({
        "when": stamp, "settings": vars(args),
        "goals": {"min_throughput_ratio": MIN_THROUGHPUT_RATIO, "max_added_median_ms": MAX_ADDED_MEDIAN_MS},
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
                    "other_processes_cpus": others},
        "results": results,
    }, indent=2), encoding="utf-8")
    print(f"\nResults written to {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("\nInterrupted; everything started was stopped.", file=sys.stderr)
        sys.exit(130)
    except (RuntimeError, OSError, subprocess.CalledProcessError, httpx.HTTPError) as exc:
        print(f"Benchmark could not run: {exc}", file=sys.stderr)
        sys.exit(1)
