#!/usr/bin/env python3
"""Soak: is everything the server holds or writes bounded under sustained load?

Starts `plan-api serve` with default settings on a fresh SQLite file (loopback only), then for
SECONDS at once:
  - wrk, 256 connections, mixed normal queries (outline, filtered actions, search, municipality),
  - 2 threads of hostile requests (deep, aliased, batched, huge, forged tokens),
  - 500 slow connections that send their headers a byte a second (slowloris),
  - a probe of /healthz and /readyz every half second.
Reports failed requests (anything but 2xx, or 429/503 *with* Retry-After), latency, log bytes
per request, RSS and open file descriptors before and after, and how the probes fared.

With --baseline BIN, runs the same soak against BIN first and prints both side by side
(the machine is noisy: compare ratios). With --collector-down, runs the same build twice: first
without a trace collector, then exporting traces to one that is down (OTEL_EXPORTER_OTLP_ENDPOINT
on a loopback port nobody listens on), and prints the latency and throughput ratios: what a
collector that is away costs requests (#28). Every loop here is bounded in time and count, and
every address is loopback.

Usage:
  cargo build --profile dist
  python3 bench/soak.py [--binary PATH] [--baseline PATH | --collector-down] [--seconds 60]
                        [--connections 256] [--slow 500] [--env NAME=VALUE ...]
Needs wrk (Debian: apt-get install wrk).
"""
import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

NORMAL = [
    "query Outline { plan { code title strategicLines { code title actions { code title } } } }",
    'query Actions { actions(first: 10, filter: { strategicLine: "LE1" }) { totalCount nodes { code title responsibleUnits { name } } } }',
    'query Search { search(text: "cooperacion", first: 10) { type code snippet } }',
    'query Municipality { municipality(ineCode: "08101") { name actions { code title } } }',
]


def nest(depth):
    q = "code"
    for i in range(depth):
        q = f"actions {{ {q} }}" if i % 2 == 0 else f"strategicLine {{ {q} }}"
    return f'{{ action(code: "LE1.1") {{ {q} }} }}'


HOSTILE = [
    ({}, json.dumps({"query": nest(30)})),
    ({}, json.dumps({"query": "{ " + " ".join(f"a{i}: plan {{ code }}" for i in range(500)) + " }"})),
    ({}, json.dumps([{"query": "{ plan { code } }"}] * 200)),
    ({}, json.dumps({"query": "{ plan { code } } #" + "x" * 200_000})),
    ({"Authorization": "Bearer forged.token.value"}, json.dumps({"query": "{ plan { code } }"})),
    ({}, json.dumps({"query": "query ZZ_" + "x" * 40 + " { plan { code } }"})),
]

WRK_SCRIPT = r"""
local bodies = { %BODIES% }
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) statuses = {}; n = 0 end
function request()
  n = n + 1
  return wrk.format("POST", "/graphql", { ["Content-Type"] = "application/json" }, bodies[(n %% #bodies) + 1])
end
function response(status, headers, body)
  local key = tostring(status)
  if (status == 429 or status == 503) and headers["retry-after"] == nil and headers["Retry-After"] == nil then
    key = key .. "-without-retry-after"
  end
  statuses[key] = (statuses[key] or 0) + 1
end
function done(summary, latency, requests)
  local total = {}
  for _, t in ipairs(threads) do
    for k, v in pairs(t:get("statuses")) do total[k] = (total[k] or 0) + v end
  end
  local parts = {}
  for k, v in pairs(total) do table.insert(parts, string.format('"%s": %d', k, v)) end
  io.write(string.format('WRK {"requests": %d, "seconds": %.2f, "p50_ms": %.2f, "p99_ms": %.2f, "max_ms": %.2f, "socket_errors": %d, "statuses": {%s}}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    table.concat(parts, ", ")))
end
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def proc_stats(pid):
    rss_kb = 0
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                rss_kb = int(line.split()[1])
    fds = len(os.listdir(f"/proc/{pid}/fd"))
    return rss_kb / 1024, fds


def get(url, timeout=5):
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            r.read()
            status = r.status
    except urllib.error.HTTPError as e:
        status = e.code
    except Exception:
        status = None
    return status, (time.perf_counter() - start) * 1000


def post(url, body, headers):
    req = urllib.request.Request(url, data=body.encode(), headers={"content-type": "application/json", **headers})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            r.read()
            return r.status, r.headers.get("retry-after")
    except urllib.error.HTTPError as e:
        e.read()
        return e.code, e.headers.get("retry-after")
    except Exception:
        return None, None


def hostile(url, stop, out):
    n = 0
    while time.monotonic() < stop and n < 100_000:
        headers, body = HOSTILE[n % len(HOSTILE)]
        status, retry = post(url, body, headers)
        ok = bool(status is not None and (status < 500 or (status == 503 and retry)) and (status != 429 or retry))
        out.append(ok)
        n += 1


def slowloris(port, count, stop, out):
    """`count` connections sending a request head a byte a second; counts how many the
    server cut off and the most open at once."""
    head = b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n" + b"X-Slow: " + b"a" * 200
    socks = []
    for _ in range(count):
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=2)
            s.setblocking(False)
            socks.append([s, 0])
        except OSError:
            out["refused"] += 1
    out["opened"] = len(socks)
    while time.monotonic() < stop and socks:
        alive = []
        for entry in socks:
            s, i = entry
            try:
                s.send(head[i % len(head):i % len(head) + 1])
                try:
                    if s.recv(1024) == b"":
                        raise OSError("closed")
                except BlockingIOError:
                    pass
                entry[1] = i + 1
                alive.append(entry)
            except OSError:
                out["cut_off"] += 1
                s.close()
        socks = alive
        out["max_open"] = max(out["max_open"], len(socks))
        time.sleep(1)
    for s, _ in socks:
        s.close()


def probe(base, stop, out):
    while time.monotonic() < stop:
        for path in ("/healthz", "/readyz"):
            status, ms = get(base + path)
            out[path].append((status, ms))
        time.sleep(0.5)


def soak(binary, args, extra_env=None):
    work = tempfile.mkdtemp(prefix="plan-api-soak.")
    port = free_port()
    ops_port = free_port()
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DATABASE_URL": f"sqlite://{work}/plan.sqlite?mode=rwc",
        "PLAN_API_LISTEN": f"127.0.0.1:{port}",
        "PLAN_API_METRICS_LISTEN": f"127.0.0.1:{ops_port}",
        "PLAN_API_DATA_DIR": os.path.join(ROOT, "data"),
    }
    for item in args.env:
        name, _, value = item.partition("=")
        env[name] = value
    env.update(extra_env or {})
    log_path = os.path.join(work, "server.log")
    log = open(log_path, "wb")
    server = subprocess.Popen([binary, "serve"], env=env, stdout=log, stderr=subprocess.STDOUT, cwd=work)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            if get(base + "/healthz", timeout=1)[0] == 200:
                break
            time.sleep(0.2)
        else:
            sys.exit(f"server did not start; log in {log_path}")
        for q in NORMAL:
            post(base + "/graphql", json.dumps({"query": q}), {})
        rss0, fds0 = proc_stats(server.pid)
        log0 = os.path.getsize(log_path)

        script = os.path.join(work, "mixed.lua")
        bodies = ", ".join("[[" + json.dumps({"query": q}) + "]]" for q in NORMAL)
        with open(script, "w") as f:
            f.write(WRK_SCRIPT.replace("%BODIES%", bodies).replace("%%", "%"))
        stop = time.monotonic() + args.seconds
        hostile_out, probes = [], {"/healthz": [], "/readyz": []}
        slow = {"opened": 0, "refused": 0, "cut_off": 0, "max_open": 0}
        threads = [threading.Thread(target=hostile, args=(base + "/graphql", stop, hostile_out)) for _ in range(2)]
        threads.append(threading.Thread(target=slowloris, args=(port, args.slow, stop, slow)))
        threads.append(threading.Thread(target=probe, args=(base, stop, probes)))
        for t in threads:
            t.start()
        wrk = subprocess.run(
            ["wrk", "-t2", f"-c{args.connections}", f"-d{args.seconds}s", "--timeout", "10s", "-s", script, base + "/graphql"],
            capture_output=True, text=True, timeout=args.seconds + 60)
        for t in threads:
            t.join(timeout=args.seconds + 30)
        rss1, fds1 = proc_stats(server.pid)
        time.sleep(15)
        rss2, fds2 = proc_stats(server.pid)
        log_bytes = os.path.getsize(log_path) - log0
        line = next((l for l in wrk.stdout.splitlines() if l.startswith("WRK ")), None)
        if line is None:
            sys.exit("wrk printed no summary:\n" + wrk.stdout + wrk.stderr)
        w = json.loads(line[4:])
        with open(log_path, "rb") as f:
            longest = max((len(l) for l in f), default=0)
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{ops_port}/metrics", timeout=5) as r:
                metrics = r.read().decode()
        except Exception:
            metrics = ""
    finally:
        server.terminate()
        try:
            server.wait(timeout=40)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
    statuses = w["statuses"]
    deliberate = sum(v for k, v in statuses.items() if k in ("429", "503"))
    ok = sum(v for k, v in statuses.items() if k.startswith("2"))
    failed = sum(statuses.values()) - ok - deliberate + w["socket_errors"]
    total_requests = w["requests"] + len(hostile_out) + sum(len(v) for v in probes.values())
    def probe_summary(path):
        rows = probes[path]
        bad = sum(1 for s, _ in rows if s not in (200,))
        worst = max((ms for _, ms in rows), default=0)
        return f"{len(rows)} probes, {bad} failed, slowest {worst:.0f} ms"
    shutil.rmtree(work, ignore_errors=True)
    def series(name):
        return sum(float(l.rsplit(" ", 1)[1]) for l in metrics.splitlines() if l.startswith(name))
    return {
        "_raw": {"p50": w["p50_ms"], "p99": w["p99_ms"], "rps": w["requests"] / w["seconds"]},
        "normal requests (wrk)": f"{w['requests']:,} in {w['seconds']:.0f} s ({w['requests'] / w['seconds']:,.0f} req/s)",
        "answered 2xx": f"{ok:,}",
        "deliberate 429/503 with Retry-After": f"{deliberate:,}",
        "failed (other status, no Retry-After, socket error)": f"{failed:,}",
        "statuses": json.dumps(statuses, sort_keys=True),
        "latency p50 / p99 / max": f"{w['p50_ms']:.1f} / {w['p99_ms']:.1f} / {w['max_ms']:.0f} ms",
        "hostile requests answered as expected": f"{sum(hostile_out):,} of {len(hostile_out):,}",
        "slow connections opened / cut off / most open at once": f"{slow['opened']} / {slow['cut_off']} / {slow['max_open']}",
        "log bytes per request": f"{log_bytes / max(total_requests, 1):,.0f} ({log_bytes / 1e6:,.1f} MB in all; longest line {longest:,} B)",
        "RSS before / after / 15 s later": f"{rss0:.0f} / {rss1:.0f} / {rss2:.0f} MB",
        "open fds before / after / 15 s later": f"{fds0} / {fds1} / {fds2}",
        "/healthz": probe_summary("/healthz"),
        "/readyz": probe_summary("/readyz"),
        "trace spans exported / dropped (export failures)": (
            f"{series('plan_api_trace_spans_exported_total'):,.0f} / "
            f"{series('plan_api_trace_spans_dropped_total'):,.0f} "
            f"({series('plan_api_trace_export_failures_total'):,.0f})"
            if "plan_api_trace_" in metrics else "not exporting"
        ),
    }


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--binary", default=os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target")), "dist", "plan-api"))
    p.add_argument("--baseline")
    p.add_argument("--collector-down", action="store_true",
                   help="run twice: without a trace collector, then exporting to one that is down")
    p.add_argument("--seconds", type=int, default=60)
    p.add_argument("--connections", type=int, default=256)
    p.add_argument("--slow", type=int, default=500)
    p.add_argument("--env", action="append", default=[], help="NAME=VALUE for the server (default settings otherwise)")
    args = p.parse_args()
    assert args.seconds <= 600 and args.connections <= 1000 and args.slow <= 1000, "bounded runs only"
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed: apt-get install wrk")
    assert not (args.baseline and args.collector_down), "--baseline or --collector-down, not both"
    runs = []
    if args.collector_down:
        down = {"OTEL_EXPORTER_OTLP_ENDPOINT": f"http://127.0.0.1:{free_port()}"}
        runs.append(("no collector", soak(args.binary, args)))
        runs.append(("collector down", soak(args.binary, args, down)))
    else:
        if args.baseline:
            runs.append(("baseline", soak(args.baseline, args)))
        runs.append(("this build", soak(args.binary, args)))
    raws = [r.pop("_raw") for _, r in runs]
    width = max(len(k) for k in runs[0][1])
    print(f"soak: {args.seconds} s, {args.connections} connections, {args.slow} slow connections, settings: {args.env or 'defaults'}")
    print("| " + " | ".join(["measure"] + [name for name, _ in runs]) + " |")
    print("|" + "---|" * (len(runs) + 1))
    for key in runs[0][1]:
        print("| " + " | ".join([key.ljust(width)] + [r[key] for _, r in runs]) + " |")
    if len(runs) == 2:
        a, b = raws
        ratio = lambda k: b[k] / a[k] if a[k] else float("nan")
        print(f"\n{runs[1][0]} / {runs[0][0]}: latency p50 x{ratio('p50'):.2f}, "
              f"p99 x{ratio('p99'):.2f}; throughput x{ratio('rps'):.2f}")


if __name__ == "__main__":
    main()
