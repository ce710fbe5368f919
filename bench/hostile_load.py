#!/usr/bin/env python3
"""Normal traffic while hostile queries arrive: does the API stay responsive?

Sends realistic queries from several threads for a fixed time while other threads send
hostile ones (deep, wide, aliased, batched, huge, over-sized pages), against a running
plan-api on loopback. Prints latency percentiles of the normal traffic (alone, then under
attack) and how the hostile requests were answered. Stdlib only; bounded in time and count.

Usage: python3 bench/hostile_load.py [http://127.0.0.1:8000/graphql] [seconds]
"""
import json
import statistics
import sys
import threading
import time
import urllib.error
import urllib.request

URL = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000/graphql"
SECONDS = float(sys.argv[2]) if len(sys.argv) > 2 else 10.0
assert URL.startswith("http://127.0.0.1") or URL.startswith("http://localhost"), "loopback only"

NORMAL = [
    '{ plan { title strategicLines { code title actions { code title } } } }',
    '{ actions(first: 10, filter: { strategicLine: "LE1" }) { totalCount nodes { code title responsibleUnits { name } } } }',
    '{ search(text: "cooperacion", first: 10) { type code snippet } }',
    '{ municipality(ineCode: "08101") { name actions { code } } }',
]

def nest(depth):
    q = "code"
    for i in range(depth):
        q = f"actions {{ {q} }}" if i % 2 == 0 else f"strategicLine {{ {q} }}"
    return f'{{ action(code: "LE1.1") {{ {q} }} }}'

HOSTILE = {
    "deep": json.dumps({"query": nest(30)}),
    "wide": json.dumps({"query": nest(9)}),
    "aliased": json.dumps({"query": "{ " + " ".join(f"a{i}: plan {{ code }}" for i in range(500)) + " }"}),
    "batched": json.dumps([{"query": "{ plan { code } }"}] * 200),
    "huge": json.dumps({"query": "{ plan { code } } #" + "x" * 200_000}),
    "page": json.dumps({"query": "{ organizations(first: 100000) { totalCount } }"}),
}

def post(body):
    req = urllib.request.Request(URL, data=body.encode(), headers={"content-type": "application/json"})
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            r.read()
            status = r.status
    except urllib.error.HTTPError as e:
        e.read()
        status = e.code
    return status, time.perf_counter() - start

def run(bodies, threads, seconds, out):
    stop = time.monotonic() + seconds
    def worker(i):
        n = i
        while time.monotonic() < stop and len(out) < 200_000:
            name, body = bodies[n % len(bodies)]
            out.append((name, *post(body)))
            n += 1
    ts = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()

def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))] * 1000

normal = [("normal", json.dumps({"query": q})) for q in NORMAL]
alone = []
run(normal, 4, SECONDS, alone)
under, attack = [], []
t = threading.Thread(target=run, args=(list(HOSTILE.items()), 4, SECONDS, attack))
t.start()
run(normal, 4, SECONDS, under)
t.join()

def summary(label, rows):
    lat = [r[2] for r in rows]
    ok = sum(1 for r in rows if r[1] == 200)
    print(f"{label}: {len(rows)} requests, {ok} ok, {len(rows)/SECONDS:.0f}/s, "
          f"p50 {pct(lat, .5):.1f} ms, p95 {pct(lat, .95):.1f} ms, max {max(lat)*1000:.1f} ms")

summary("normal traffic alone       ", alone)
summary("normal traffic under attack", under)
for name in HOSTILE:
    rows = [r for r in attack if r[0] == name]
    if rows:
        codes = sorted({r[1] for r in rows})
        print(f"hostile {name:8}: {len(rows)} requests, statuses {codes}, "
              f"p95 {pct([r[2] for r in rows], .95):.1f} ms")
