#!/usr/bin/env python3
"""Monitoring at scale: every read shape, the downloads, a publication's first cache miss, the
server's memory and the writes' latency, at 1k to 1M synthetic monitoring records, on SQLite and
PostgreSQL.

Issue #25, item 6. For each database (a SQLite file, a throw-away PostgreSQL cluster) and each
level of --levels:
  1. builds a fresh database: `plan-api migrate` and `plan-api seed` on the plan of data/ and
     the plainly synthetic second plan of tests/fixtures/plans/ (a copy of both in the work
     folder), then bulk-inserts synthetic monitoring records with their `record_link` rows in
     one transaction (SQLite: executemany; PostgreSQL: CSV files, removed after, through psql's
     \\copy), each link with the copies of its record's plan, kind, state, year and owners that
     the API writes (migration 21). Every record is flagged `synthetic` and every text starts
     with "[Synthetic scale data]" (in its language). The records are spread over both plans
     (--second-plan-share), the kinds (progress updates, activities, funded projects,
     indicators with measurements, evaluations), the 36 municipalities, 15 AMB units, each
     plan's actions, lines, zones and partners, its years, and the review states (mostly
     PUBLISHED, some DRAFT, SUBMITTED, ARCHIVED); rows, payloads (keys sorted, as serde_json
     writes them), subjects and links are those the monitoring service writes
     (api/src/monitoring/service/create.rs, store/latest.rs subject_of);
  2. runs the floor: the summaries' aggregate (latest published progress per action of the
     current plan, counted by status) straight in the database (sqlite3 module, psql \\timing),
     as the newest record per action through the index (what the server's query does) and, for
     comparison, as a window over every published progress update; it then checks that plan
     progressSummary counts the same;
  3. starts `plan-api serve` on it (default settings, rate limiting off, a random HS256 secret)
     and checks that every shape answers without errors, and that 08101's activities, listed
     (activitiesConnection, activities(filter)) and counted from the copies their links
     carry, are as many as the records say (every state for a reader, published anonymously);
  4. times every shape with wrk (--connections, default 16, for --duration seconds): as a
     `reader` token's POST (never from the anonymous response cache) the shapes of the issue's
     table, the integrators' example queries and the trusted documents, and as an anonymous GET
     of a trusted document by hash (the portals' cached path); the connection fields the lead
     adds (`activitiesConnection`, ...) when the schema has them (--new-fields auto);
  5. times the downloads of progress updates (CSV) and activities (JSON) to their last byte,
     sampling the server's RSS meanwhile;
  6. publishes one submitted record as a coordinator and times the first anonymous GET of the
     LineProgress document after it, then does it again with --connections simultaneous GETs
     (if misses are computed once, the slowest of them costs about one miss);
  7. reads the server's VmRSS and VmHWM after the reads and after the downloads;
  8. times the writes (the issue's target: create and publish within 2x of today's at 1M),
     last, with --write-connections threads (default 4, each its own kept-alive connections)
     for --duration seconds per shape and at least 5 writes per thread: "write: create", a
     municipality's token (08101) reporting an activity of its own (createActivity, a fresh
     idempotency key each, texts starting "[Synthetic scale data]"); "write: update",
     updateActivity of one it created; "write: submit+publish", its submitRecord then a
     coordinator's publishRecord of one of them, timed together (each alone in --json). Every
     write must succeed (errors are counted and the first shown). On SQLite writes take turns
     (one writer). Then the link check of step 3 again, on what the writes added;
  9. prints one table per database (rows: shapes and the figures above; columns: levels; cells
     p50/p99 ms) with the ratio of the largest level to the smallest, and with --json writes
     every figure.

The machine is shared: compare ratios, not absolute figures. Every address is loopback, every
run is bounded in time, and the work folder (databases included) is removed at the end.

Usage:
  export CARGO_TARGET_DIR=/var/tmp/plan-api-target
  cargo build --profile dist --bin plan-api
  python3 bench/scale.py [--bin PATH] [--levels 1k,10k,100k,1m] [--databases sqlite,postgres]
                         [--duration 5] [--connections 16] [--shapes NAME,...]
                         [--write-connections 4] [--new-fields auto|on|off]
                         [--second-plan-share 0.3] [--load-only]
                         [--json out.json]
Needs wrk and PostgreSQL (Debian: apt-get install wrk postgresql); run as root (PostgreSQL
then runs as the postgres user) or as an ordinary user.
"""
import argparse
import base64
import csv
import hashlib
import hmac
import json
import os
import random
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from datetime import datetime, timedelta, timezone

sys.dont_write_bytecode = True  # importing portal.py must leave no __pycache__ in bench/
from portal import Postgres, Server, free_port, http as plain_http, run  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
TARGET = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
CURRENT_PLAN = "AMB-PI-2021-2025"
SECOND_PLAN = "SYNTH-2026-2030"
LABEL = {"en": "[Synthetic scale data]", "es": "[Datos sintéticos de escala]",
         "ca": "[Dades sintètiques d'escala]", "fr": "[Données synthétiques d'échelle]"}

# name -> (what it is, document, variables). Reader-token POSTs: nothing from the anonymous cache.
SHAPES = {
    "plan-summary": ("plan progressSummary", """{ plan { progressSummary { actions notReported
        meanPercentComplete byStatus { status count } indicatorsByStatus { status count } } } }""", None),
    "line-summaries": ("lines' progressSummary", """{ plan { strategicLines { code progressSummary {
        actions notReported meanPercentComplete byStatus { status count } } } } }""", None),
    "indicators": ("indicators(first: 20) with 5 measurements each", """{ indicators(first: 20) { totalCount
        nodes { id code status latestValue { year value }
        measurementsConnection(first: 5) { nodes { year value } } } } }""", None),
    "municipality-lists": ("municipality(08101) activities + fundedProjects, 20 each", """{
        municipality(ineCode: "08101") {
        activitiesConnection(first: 20) { totalCount nodes { id kind startDate } }
        fundedProjectsConnection(first: 20) { totalCount nodes { id programme grantAmount } } } }""", None),
    "action-history": ("action LE1.1 progressHistoryConnection(first: 20)", """{ action(code: "LE1.1") {
        currentProgress { year status } progressHistoryConnection(first: 20) { totalCount
        nodes { id year status percentComplete } } } }""", None),
    "deprecated-lists": ("deprecated plain lists (at most 1,000 each)", """{ municipality(ineCode: "08101") {
        activities { id kind startDate } fundedProjects { id programme grantAmount } }
        action(code: "LE1.1") { progressHistory { id year status percentComplete } } }""", None),
    "activities-filter": ("activities(filter: {municipality: 08101})", """{ activities(first: 20,
        filter: { municipality: "08101" }) { totalCount nodes { id kind startDate } } }""", None),
    "progress-updates": ("progressUpdates(first: 20)", """{ progressUpdates(first: 20) { totalCount
        nodes { id year status percentComplete } } }""", None),
    # docs/integrators.md, Example queries.
    "ex-outline": ("example: PlanOutline", """query PlanOutline { plan { title approvedOn generalObjective
        specificObjectives { code text } strategicLines { code title actions { code title
        responsibleUnits { code name } involvedActors { code name } } expectedResults { code text }
        zones { zone { name } text } } } }""", None),
    "ex-actions": ("example: ActionsOfALine", """query ActionsOfALine { actions(first: 10, filter: {
        strategicLine: "LE1", involvedOrganization: "08101" }) { totalCount pageInfo { hasNextPage endCursor }
        nodes { code title scope { code title } } } }""", None),
    "ex-municipality": ("example: MunicipalityAndSearch", """query MunicipalityAndSearch {
        municipality(ineCode: "08101") { name comarca actions { code title } }
        organization(code: "AMB-SRI") { name ledActions { code } members { code name } }
        search(text: "cooperacion", first: 5) { type code field snippet node { id } } }""", None),
}
# Trusted documents (documents/): POSTed with a reader token, and GET anonymously by hash.
DOCUMENTS = {
    "ActionCard": {"code": "LE1.1"},
    "LineProgress": {"code": "LE1"},
    "MunicipalityPage": {"ineCode": "08101"},
    "PlanOutline": {},
}
# Fields being added for #25 item 2: (type, field) -> shape.
NEW_FIELDS = {
    ("Municipality", "activitiesConnection"): ("new-muni-activities", "Municipality.activitiesConnection(first: 20)",
        '{ municipality(ineCode: "08101") { activitiesConnection(first: 20) { totalCount nodes { id } } } }'),
    ("Municipality", "fundedProjectsConnection"): ("new-muni-projects", "Municipality.fundedProjectsConnection(first: 20)",
        '{ municipality(ineCode: "08101") { fundedProjectsConnection(first: 20) { totalCount nodes { id } } } }'),
    ("Action", "progressHistoryConnection"): ("new-action-history", "Action.progressHistoryConnection(first: 20)",
        '{ action(code: "LE1.1") { progressHistoryConnection(first: 20) { totalCount nodes { id } } } }'),
    ("Indicator", "measurementsConnection"): ("new-measurements", "Indicator.measurementsConnection(first: 20)",
        '{ indicators(first: 20) { nodes { measurementsConnection(first: 20) { totalCount nodes { id } } } } }'),
}
DOWNLOADS = ["progress-updates.csv", "activities.json"]

WRK_SCRIPT = r"""
wrk.method = "%METHOD%"
%BODY%
function done(summary, latency, requests)
  io.write(string.format('WRK {"requests": %d, "seconds": %.3f, "p50_ms": %.3f, "p99_ms": %.3f, "socket_errors": %d, "bad_status": %d}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status))
end
"""


def level_count(text):
    m = re.fullmatch(r"(\d+)([km]?)", text.strip().lower())
    if not m:
        sys.exit(f"--levels: {text!r} is not like 1k, 10k, 1m or 500")
    return int(m.group(1)) * {"": 1, "k": 1000, "m": 1_000_000}[m.group(2)]


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def jwt(secret, role, **extra):
    """An HS256 token as `plan-api token` signs one (tests/common.rs claims)."""
    now = int(time.time())
    claims = {"sub": f"scale-{role}", "role": role, "iat": now, "exp": now + 6 * 3600, **extra}
    head = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode()) + "." + b64(json.dumps(claims).encode())
    return head + "." + b64(hmac.new(secret.encode(), head.encode(), hashlib.sha256).digest())


def request(url, body=None, headers=None, timeout=120):
    """(status, bytes, seconds) of a GET, or of a JSON POST when `body` is given."""
    import urllib.request
    import urllib.error
    h = {"accept": "application/json", **(headers or {})}
    if body is not None:
        h["content-type"] = "application/json"
    req = urllib.request.Request(url, data=body.encode() if body is not None else None, headers=h)
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            data = r.read()
            return r.status, data, time.perf_counter() - start
    except urllib.error.HTTPError as e:
        return e.code, e.read(), time.perf_counter() - start


def proc_memory(pid):
    """(VmRSS, VmHWM) of `pid` in MB."""
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(("VmRSS:", "VmHWM:")):
                out[line.split(":")[0]] = int(line.split()[1]) / 1024
    return out.get("VmRSS", 0.0), out.get("VmHWM", 0.0)


def wrk(work, url, method, body, headers, duration, connections):
    script = os.path.join(work, "req.lua")
    lines = []
    if body is not None:
        lines.append('wrk.body = [==[' + body + ']==]')
        lines.append('wrk.headers["Content-Type"] = "application/json"')
    for k, v in headers.items():
        lines.append(f'wrk.headers["{k}"] = "{v}"')
    with open(script, "w") as f:
        f.write(WRK_SCRIPT.replace("%METHOD%", method).replace("%BODY%", "\n".join(lines)))
    threads = min(2, connections)
    r = subprocess.run(["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--timeout", "30s",
                        "-H", "Accept: application/json", "-s", script, url],
                       capture_output=True, text=True, timeout=duration + 120)
    line = next((l for l in r.stdout.splitlines() if l.startswith("WRK ")), None)
    if line is None:
        sys.exit("wrk printed no summary:\n" + r.stdout + r.stderr)
    return json.loads(line[4:])


# ---------------------------------------------------------------- synthetic data

def i18n(text_en, text_es, text_ca, text_fr):
    return {"ca": f"{LABEL['ca']} {text_ca}", "en": f"{LABEL['en']} {text_en}",
            "es": f"{LABEL['es']} {text_es}", "fr": f"{LABEL['fr']} {text_fr}"}


class Vocabulary:
    """What the seeded database holds that records point at, per plan."""

    def __init__(self, rows):
        # rows: list of (table, plan_id or '', code, extra)
        self.plans = {}
        self.action_line = {}
        self.actions, self.results, self.zones, self.partners = {}, {}, {}, {}
        self.units, self.municipalities = [], []
        for table, plan, code, extra in rows:
            if table == "plan":
                self.plans[code] = (int(plan), *map(int, extra.split("-")))
            elif table == "action":
                self.actions.setdefault(int(plan), []).append(code)
                self.action_line[(int(plan), code)] = extra
            elif table == "result":
                self.results.setdefault(int(plan), []).append((code, extra))
            elif table == "zone":
                self.zones.setdefault(int(plan), []).append(code)
            elif table == "partner":
                self.partners.setdefault((int(plan), extra), []).append(code)
            elif table == "unit":
                self.units.append(code)
            elif table == "municipality":
                self.municipalities.append(code)
        # Sorted, so that both databases get the same records from the same seed.
        for lists in (self.actions, self.results, self.zones, self.partners):
            for v in lists.values():
                v.sort()
        self.units = sorted(self.units)[:15]
        self.municipalities.sort()

    QUERY = """
      select 'plan', cast(id as text), code, cast(start_year as text) || '-' || cast(end_year as text) from plan
      union all select 'action', cast(a.plan_id as text), a.code, l.code
        from action a join strategic_line l on l.id = a.line_id
      union all select 'result', cast(r.plan_id as text), r.code, l.code
        from expected_result r join strategic_line l on l.id = r.line_id
      union all select 'zone', cast(plan_id as text), code, '' from geographic_zone
      union all select 'partner', cast(p.plan_id as text), p.code, z.code
        from zone_partner p join geographic_zone z on z.id = p.zone_id
      union all select 'unit', '', code, kind from organization where kind in ('AMB_AREA', 'AMB_SERVICE')
      union all select 'municipality', '', ine_code, '' from organization
        where kind = 'MUNICIPALITY' and ine_code is not null
    """


NETWORKS = ["EMA", "MEDCITIES", "METROPOLIS", "EUROCITIES", "ICLEI", "CGLU", "UITP"]
ACTIVITY_KINDS = ["DELEGATION_RECEIVED", "EVENT", "FORUM", "JOINT_POSITION", "KNOWLEDGE_TRANSFER",
                  "NETWORK_MEETING", "STUDY_SEMINAR", "STUDY_VISIT"]
PROGRAMMES = ["EIB_LOAN", "FEDER", "HORIZON_EUROPE", "INTERREG", "LIFE", "NEXT_GENERATION_EU", "OTHER", "URBACT"]
PROJECT_STATUSES = ["APPLIED", "AWARDED", "CLOSED", "IN_EXECUTION", "REJECTED"]
# Kinds by share of the records (indicators are measured about 4 times each, once a year).
KIND_SHARES = [("PROGRESS_UPDATE", 0.40), ("ACTIVITY", 0.30), ("FUNDED_PROJECT", 0.10),
               ("MEASUREMENT", 0.15), ("EVALUATION", 0.01)]
STATE_SHARES = [("PUBLISHED", 0.85), ("DRAFT", 0.08), ("SUBMITTED", 0.05), ("ARCHIVED", 0.02)]
VERSION = {"PUBLISHED": 2, "DRAFT": 1, "SUBMITTED": 1, "ARCHIVED": 3}


def pick(rng, shares):
    x, acc = rng.random(), 0.0
    for value, share in shares:
        acc += share
        if x < acc:
            return value
    return shares[-1][0]


def stamp(dt, digits):
    text = dt.strftime("%Y-%m-%dT%H:%M:%S.%f")
    return text + ("000" if digits == 9 else "") + "+00:00"


def generate(vocab, total, second_share, first_id, first_link_id, seed=25, ts_digits=9):
    """Yields (record row, link rows) for `total` synthetic records. A record row:
    (id, public_id, plan_id, record_type, code, year, subject, state, version, payload,
     owner_sub, owner_role, owner_unit, owner_municipality, idempotency_key, request_hash,
     created_at, updated_at, published_at); a link row: LINK_COLUMNS, the record's copies
    equal to its own."""
    rng = random.Random(seed)
    plans = [(vocab.plans[CURRENT_PLAN], 1.0 - second_share)]
    if second_share > 0 and SECOND_PLAN in vocab.plans:
        plans.append((vocab.plans[SECOND_PLAN], second_share))
    next_id, next_link = first_id, first_link_id
    counts = [total] if len(plans) == 1 else [total - round(total * second_share), round(total * second_share)]
    for ((plan_id, start, end), _), n in zip(plans, counts):
        n_meas = round(n * 0.15)
        # A plan has a fixed set of indicators (up to two per action here): what grows with
        # the data is how often they are measured, not how many there are.
        n_ind = max(1, min(-(-n_meas // 4), 2 * len(vocab.actions.get(plan_id, [])))) if n >= 10 else 1
        n_meas = min(n_meas, max(0, n - n_ind))
        rest = n - n_ind - n_meas
        actions = vocab.actions.get(plan_id, [])
        results = vocab.results.get(plan_id, [])
        zones = vocab.zones.get(plan_id, [])
        years = list(range(start, end + 1))
        indicators = []  # (id, action or None)

        def row(kind, code, year, subject, payload, owner, links, state=None):
            nonlocal next_id, next_link
            state = state or pick(rng, STATE_SHARES)
            role, unit, ine = owner
            created = datetime(year or start, 1, 1, tzinfo=timezone.utc) + timedelta(seconds=rng.randrange(360 * 86400))
            updated = created + timedelta(seconds=rng.randrange(1, 20 * 86400))
            sub = f"synthetic-{role}-{unit or ine or 'coordinator'}"
            rid = next_id
            next_id += 1
            rec = (rid, str(uuid.UUID(int=rng.getrandbits(128), version=4)), plan_id, kind, code, year, subject,
                   state, VERSION[state], json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")),
                   sub, role, unit, ine, f"scale-{rid}", f"v2:{rng.getrandbits(64):016x}",
                   stamp(created, ts_digits), stamp(updated, ts_digits),
                   stamp(updated, ts_digits) if state in ("PUBLISHED", "ARCHIVED") else None)
            out = []
            for pos, (t, c) in enumerate(links):
                # The copies of the record's columns each link carries (migration 21).
                out.append((next_link, rid, t, c, pos, plan_id, kind, state, year, unit, ine))
                next_link += 1
            return rec, out

        def action_links(codes):
            links = []
            for a in codes:
                links.append(("ACTION", a))
                line = ("LINE", vocab.action_line[(plan_id, a)])
                if line not in links:
                    links.append(line)
            return links

        def owner(municipal_share):
            if rng.random() < municipal_share:
                return ("municipality", None, rng.choice(vocab.municipalities))
            return ("area", rng.choice(vocab.units), None)

        for i in range(n_ind):
            with_action = rng.random() < 0.5 or not results
            action = rng.choice(actions) if with_action else None
            result, line = (None, None) if with_action else rng.choice(results)
            base = rng.randrange(5, 200)
            payload = {"action": action, "baseline_value": str(base), "baseline_year": start - 1,
                       "direction": rng.choice(["INCREASE", "INCREASE", "DECREASE"]), "expected_result": result,
                       "name": i18n(f"Indicator {i + 1}", f"Indicador {i + 1}", f"Indicador {i + 1}", f"Indicateur {i + 1}"),
                       "target_value": str(base + rng.randrange(1, 50)), "target_year": end, "unit": "projects"}
            links = action_links([action]) if action else [("EXPECTED_RESULT", result), ("LINE", line)]
            rec, l = row("INDICATOR", f"SCALE-{i + 1}", None, None, payload, ("admin", None, None), links)
            indicators.append((rec[0], action))
            yield rec, l
        for j in range(n_meas):
            ind, action = indicators[j % len(indicators)]
            year = years[(j // len(indicators)) % len(years)]
            payload = {"indicator_id": ind, "notes": i18n("Made-up value.", "Valor inventado.", "Valor inventat.",
                                                          "Valeur inventée."),
                       "source": "Synthetic", "value": str(rng.randrange(0, 300))}
            links = [("INDICATOR", str(ind))] + (action_links([action]) if action else [])
            yield row("MEASUREMENT", None, year, str(ind), payload, ("admin", None, None), links)
        kinds = [(k, s) for k, s in KIND_SHARES if k != "MEASUREMENT"]
        scale = sum(s for _, s in kinds)
        kinds = [(k, s / scale) for k, s in kinds]
        for _ in range(rest):
            kind = pick(rng, kinds)
            year = rng.choice(years)
            if kind == "PROGRESS_UPDATE":
                action = rng.choice(actions)
                status = pick(rng, [("IN_PROGRESS", 0.55), ("COMPLETED", 0.15), ("DELAYED", 0.15),
                                    ("NOT_STARTED", 0.1), ("DISCONTINUED", 0.05)])
                percent = {"COMPLETED": 100, "NOT_STARTED": 0}.get(status, rng.randrange(5, 96))
                payload = {"action": action, "evidence_links": ["https://example.org/synthetic-evidence"],
                           "milestones": [{"date": f"{year}-06-30", "text": i18n("Fictitious milestone",
                                           "Hito ficticio", "Fita fictícia", "Jalon fictif")}],
                           "narrative": i18n(f"Fictitious progress of action {action} in {year}.",
                                             f"Avance ficticio de la acción {action} en {year}.",
                                             f"Avenç fictici de l'acció {action} el {year}.",
                                             f"Avancement fictif de l'action {action} en {year}."),
                           "percent_complete": percent, "status": status}
                yield row(kind, None, year, action, payload, ("area", rng.choice(vocab.units), None),
                          action_links([action]))
            elif kind == "ACTIVITY":
                own = owner(0.5)
                acts = rng.sample(actions, min(len(actions), rng.choice([1, 1, 2])))
                zone = [rng.choice(zones)] if zones and rng.random() < 0.8 else []
                partners = vocab.partners.get((plan_id, zone[0]), []) if zone else []
                partner = [rng.choice(partners)] if partners and rng.random() < 0.5 else []
                orgs = [rng.choice(NETWORKS)] if rng.random() < 0.3 else []
                munis = rng.sample(vocab.municipalities, rng.choice([0, 1, 1, 2]))
                if own[2]:
                    munis = [own[2]] + [m for m in munis if m != own[2]]
                k = rng.choice(ACTIVITY_KINDS)
                day = datetime(year, 1, 1) + timedelta(days=rng.randrange(360))
                payload = {"actions": acts, "end_date": (day + timedelta(days=rng.randrange(0, 4))).strftime("%Y-%m-%d"),
                           "kind": k, "links": [], "municipalities": munis, "organizations": orgs, "partners": partner,
                           "place": "Barcelona", "start_date": day.strftime("%Y-%m-%d"),
                           "summary": i18n("A made-up record.", "Registro inventado.", "Registre inventat.",
                                           "Un enregistrement inventé."),
                           "title": i18n(f"Fictitious activity ({k}, {year})", f"Actividad ficticia ({k}, {year})",
                                         f"Activitat fictícia ({k}, {year})", f"Activité fictive ({k}, {year})"),
                           "zones": zone}
                links = ([("KIND", k)] + action_links(acts) + [("ZONE", z) for z in zone]
                         + [("PARTNER", p) for p in partner] + [("ORGANIZATION", o) for o in orgs]
                         + [("MUNICIPALITY", m) for m in munis])
                yield row(kind, None, year, None, payload, own, links)
            elif kind == "FUNDED_PROJECT":
                own = owner(0.3)
                acts = [rng.choice(actions)]
                munis = rng.sample(vocab.municipalities, rng.choice([0, 1, 2]))
                if own[2]:
                    munis = [own[2]] + [m for m in munis if m != own[2]]
                prog = rng.choice(PROGRAMMES)
                total_budget = rng.randrange(100, 5000) * 1000
                status = rng.choice(PROJECT_STATUSES)
                payload = {"actions": acts, "continued_after_funding": rng.choice([None, True, False]),
                           "end_date": f"{min(end, year + rng.randrange(0, 3))}-12-31", "grant_amount":
                           str(total_budget * rng.randrange(30, 90) // 100), "links": [], "municipalities": munis,
                           "programme": prog, "role": rng.choice(["LEAD", "PARTNER"]), "start_date": f"{year}-01-01",
                           "status": status, "summary": i18n("Made-up amounts.", "Importes inventados.",
                                                             "Imports inventats.", "Montants inventés."),
                           "title": i18n(f"Fictitious {prog} project", f"Proyecto ficticio {prog}",
                                         f"Projecte fictici {prog}", f"Projet fictif {prog}"),
                           "total_budget": str(total_budget)}
                links = [("KIND", prog)] + action_links(acts) + [("MUNICIPALITY", m) for m in munis]
                yield row(kind, None, year, None, payload, own, links)
            else:
                k = rng.choice(["MID_TERM", "FINAL"])
                y = (start + end) // 2 if k == "MID_TERM" else end
                payload = {"document_link": None, "end_date": f"{y}-12-15", "findings": {}, "kind": k,
                           "recommendations": {}, "start_date": f"{y}-09-01",
                           "status": rng.choice(["PLANNED", "IN_PROGRESS", "COMPLETED"]),
                           "summary": i18n("Fictitious evaluation.", "Evaluación ficticia.", "Avaluació fictícia.",
                                           "Évaluation fictive.")}
                yield row(kind, None, y, None, payload, ("admin", None, None), [("KIND", k)])


RECORD_COLUMNS = ("id", "public_id", "plan_id", "record_type", "code", "year", "subject", "state", "version",
                  "payload", "owner_sub", "owner_role", "owner_unit", "owner_municipality", "idempotency_key",
                  "request_hash", "created_at", "updated_at", "published_at")
# A link carries copies of its record's plan, kind, state, year and owners (migration 21,
# entity/src/record_link.rs): lists narrowed by a link count and page from record_link alone.
LINK_COLUMNS = ("id", "record_id", "target_type", "target_code", "position",
                "plan_id", "record_type", "state", "year", "owner_unit", "owner_municipality")


# ---------------------------------------------------------------- databases

class SqliteDb:
    name = "sqlite"

    def __init__(self, work, level):
        self.path = os.path.join(work, f"scale-{level}.sqlite")
        self.url = f"sqlite://{self.path}?mode=rwc"

    def vocabulary(self):
        with sqlite3.connect(self.path) as c:
            return Vocabulary([tuple("" if v is None else str(v) for v in r) for r in c.execute(Vocabulary.QUERY)])

    def load(self, vocab, total, share):
        c = sqlite3.connect(self.path)
        try:
            # Durability is not measured here; the server opens the file with its own settings.
            c.execute("PRAGMA synchronous=OFF")
            first = c.execute("select coalesce(max(id), 0) + 1 from monitoring_record").fetchone()[0]
            first_link = c.execute("select coalesce(max(id), 0) + 1 from record_link").fetchone()[0]
            records, links = [], []
            c.execute("BEGIN")
            cols = ", ".join(RECORD_COLUMNS + ("synthetic",))
            for rec, ls in generate(vocab, total, share, first, first_link):
                records.append(rec + (1,))
                links.extend(ls)
                if len(records) >= 20000:
                    self._flush(c, cols, records, links)
            self._flush(c, cols, records, links)
            c.execute("COMMIT")
            c.execute("ANALYZE")
        finally:
            c.close()

    @staticmethod
    def _flush(c, cols, records, links):
        c.executemany(f"insert into monitoring_record ({cols}) values ({', '.join('?' * (len(RECORD_COLUMNS) + 1))})",
                      records)
        c.executemany(f"insert into record_link ({', '.join(LINK_COLUMNS)}) values ({', '.join('?' * len(LINK_COLUMNS))})",
                      links)
        records.clear()
        links.clear()

    def count(self):
        with sqlite3.connect(self.path) as c:
            return c.execute("select count(*) from monitoring_record").fetchone()[0]

    def row(self, sql):
        """The first row of `sql`, as integers."""
        with sqlite3.connect(self.path) as c:
            return tuple(int(v) for v in c.execute(sql).fetchone())

    def floor(self, way, repeat=5):
        """Milliseconds (median of `repeat`) of the summaries' aggregate done `way`, and its result."""
        c = sqlite3.connect(self.path)
        times, result = [], None
        for _ in range(repeat):
            start = time.perf_counter()
            result = c.execute(FLOORS[way].format(status=SQLITE_STATUS)).fetchall()
            times.append((time.perf_counter() - start) * 1000)
        c.close()
        return statistics.median(times), result

    def size_mb(self):
        return os.path.getsize(self.path) / 1e6

    def drop(self):
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(self.path + suffix):
                os.remove(self.path + suffix)


# The summaries' aggregate (latest published progress per action of the current plan, counted
# by status), two ways: a window over every published progress update (what a naive GROUP BY
# reads: grows with the records), and the newest per action through the index on (plan_id,
# record_type, state, subject, year, id), as store/latest.rs picks it (grows with the actions).
FLOOR_SCAN = """with latest as (
  select m.subject, {status} as status, row_number() over (partition by m.subject order by m.year desc, m.id desc) as n
  from monitoring_record m join plan p on p.id = m.plan_id
  where p.code = '%s' and m.record_type = 'PROGRESS_UPDATE' and m.state = 'PUBLISHED'
    and m.subject is not null and m.year is not null)
select status, count(*) from latest where n = 1 group by status order by status""" % CURRENT_PLAN
FLOOR_INDEX = """select status, count(*) from (select (select {status} from monitoring_record m
    where m.plan_id = a.plan_id and m.record_type = 'PROGRESS_UPDATE' and m.state = 'PUBLISHED'
      and m.subject = a.code and m.year is not null order by m.year desc, m.id desc limit 1) as status
  from action a join plan p on p.id = a.plan_id where p.code = '%s') latest
where status is not null group by status order by status""" % CURRENT_PLAN
FLOORS = {"scan": FLOOR_SCAN, "index": FLOOR_INDEX}
SQLITE_STATUS, PG_STATUS = "json_extract(m.payload, '$.status')", "(m.payload::jsonb ->> 'status')"


class PostgresDb:
    name = "postgres"

    def __init__(self, pg, level):
        self.pg, self.db = pg, f"scale_{level}"
        pg.psql("postgres", "-c", f"drop database if exists {self.db}")
        pg.psql("postgres", "-c", f"create database {self.db}")
        self.url = f"postgres://postgres@127.0.0.1:{pg.port}/{self.db}"

    def psql_rows(self, sql):
        out = self.pg.psql(self.db, "-At", "-F", "\t", "-c", sql)
        return [tuple(l.split("\t")) for l in out.splitlines() if l]

    def vocabulary(self):
        return Vocabulary(self.psql_rows(Vocabulary.QUERY))

    def load(self, vocab, total, share):
        first = int(self.psql_rows("select coalesce(max(id), 0) + 1 from monitoring_record")[0][0])
        first_link = int(self.psql_rows("select coalesce(max(id), 0) + 1 from record_link")[0][0])
        # One psql session, one transaction: both tables streamed as CSV to \copy from stdin.
        work = os.path.dirname(self.pg.dir)
        rec_csv, link_csv = os.path.join(work, "records.csv"), os.path.join(work, "links.csv")
        with open(rec_csv, "w", newline="") as rf, open(link_csv, "w", newline="") as lf:
            rw, lw = csv.writer(rf), csv.writer(lf)
            for rec, ls in generate(vocab, total, share, first, first_link, ts_digits=6):
                rw.writerow(["" if v is None else v for v in rec] + ["t"])
                lw.writerows(["" if v is None else v for v in link] for link in ls)
        script = (f"begin;\n\\copy monitoring_record ({', '.join(RECORD_COLUMNS)}, synthetic) from '{rec_csv}' with csv\n"
                  f"\\copy record_link ({', '.join(LINK_COLUMNS)}) from '{link_csv}' with csv\n"
                  "select setval(pg_get_serial_sequence('monitoring_record', 'id'), (select max(id) from monitoring_record));\n"
                  "select setval(pg_get_serial_sequence('record_link', 'id'), (select max(id) from record_link));\n"
                  # What autovacuum does after a large insert (PostgreSQL 13+): the visibility
                  # map lets counts read the indexes alone, as they do in a running service.
                  "commit;\nvacuum analyze;\n")
        try:
            self.pg.psql(self.db, "-c", "select 1")  # fail early, with psql's own message
            r = subprocess.run([f"{self.pg.bin}/psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1",
                                "-p", str(self.pg.port), "-U", "postgres", "-d", self.db],
                               input=script, capture_output=True, text=True, timeout=3600)
            if r.returncode != 0:
                sys.exit(f"loading PostgreSQL failed:\n{r.stdout}{r.stderr}")
        finally:
            os.remove(rec_csv)
            os.remove(link_csv)

    def count(self):
        return int(self.psql_rows("select count(*) from monitoring_record")[0][0])

    def row(self, sql):
        """The first row of `sql`, as integers."""
        return tuple(int(v) for v in self.psql_rows(sql)[0])

    def floor(self, way, repeat=5):
        script = "\\timing on\n" + (FLOORS[way].format(status=PG_STATUS) + ";\n") * repeat
        r = subprocess.run([f"{self.pg.bin}/psql", "-X", "-At", "-h", "127.0.0.1", "-p", str(self.pg.port),
                            "-U", "postgres", "-d", self.db], input=script, capture_output=True, text=True, timeout=600)
        times = [float(t) for t in re.findall(r"Time: ([0-9.]+) ms", r.stdout)]
        rows = [l for l in r.stdout.splitlines() if "|" in l]
        result = [tuple(l.split("|")) for l in rows[:len(rows) // max(1, repeat)]]
        return (statistics.median(times) if times else float("nan")), result

    def size_mb(self):
        return int(self.psql_rows(f"select pg_database_size('{self.db}')")[0][0]) / 1e6

    def drop(self):
        self.pg.psql("postgres", "-c", f"drop database if exists {self.db}")


# ---------------------------------------------------------------- one level on one database

def run_level(args, work, data_dir, db, level_name, total, secret):
    out = {"level": level_name, "records": total}
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", work),
           "DATABASE_URL": db.url, "RUST_LOG": "warn", "PLAN_API_DATA_DIR": data_dir,
           "PLAN_API_RATE_LIMIT_PER_MINUTE": "0", "PLAN_API_JWT_SECRET": secret}
    run([args.bin, "migrate"], env=env, cwd=work)
    run([args.bin, "seed"], env=env, cwd=work)
    vocab = db.vocabulary()
    start = time.monotonic()
    db.load(vocab, total, args.second_plan_share)
    out["load_s"] = time.monotonic() - start
    out["rows"] = db.count()
    out["db_mb"] = db.size_mb()
    out["floor_scan_ms"], scan_rows = db.floor("scan")
    out["floor_ms"], floor_rows = db.floor("index")
    print(f"[{db.name} {level_name}] loaded {out['rows']:,} records in {out['load_s']:.1f} s "
          f"({out['db_mb']:.0f} MB); floor {out['floor_ms']:.1f} ms by index, {out['floor_scan_ms']:.1f} ms "
          f"scanning: {floor_rows}" + ("" if [tuple(map(str, r)) for r in scan_rows] ==
                                      [tuple(map(str, r)) for r in floor_rows] else f" (scan: {scan_rows})"),
          flush=True)
    if args.load_only:
        return out

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    senv = dict(env, PLAN_API_LISTEN=f"127.0.0.1:{port}", PLAN_API_METRICS_LISTEN=f"127.0.0.1:{free_port()}")
    server = Server(f"serve-{db.name}-{level_name}", [args.bin, "serve"], senv, work, work,
                    lambda: plain_http(f"{base}/graphql", json.dumps({"query": "{ __typename }"}), 5)[0] == 200)
    try:
        server.wait_ready(600)
        pid = server.proc.pid
        reader = {"Authorization": "Bearer " + jwt(secret, "reader")}
        admin = {"Authorization": "Bearer " + jwt(secret, "admin")}

        out["visible"] = decode_check(base, reader, [c for c in (CURRENT_PLAN, SECOND_PLAN) if c in vocab.plans])
        print(f"  every field of every kind decodes; records by list and plan: {out['visible']}", flush=True)
        out["link_counts_agree"] = link_check(db, f"{base}/graphql", reader)
        shapes = {name: (label, query, variables) for name, (label, query, variables) in SHAPES.items()}
        docs = {}
        status, raw, _ = request(f"{base}/graphql/documents")
        manifest = json.loads(raw) if status == 200 else {}
        for name, variables in DOCUMENTS.items():
            with open(os.path.join(ROOT, "documents", f"{name}.graphql")) as f:
                text = f.read()
            shapes[f"doc-{name}"] = (f"document {name} (POST)", text, variables)
            digest = find_hash(manifest, name) or hashlib.sha256(text.encode()).hexdigest()
            docs[name] = f"{base}/graphql?" + urllib.parse.urlencode(
                {"documentId": f"sha256:{digest}", "variables": json.dumps(variables, separators=(",", ":"))})
        if args.new_fields != "off":
            present = introspect(base, reader)
            for (typ, field), (name, label, query) in NEW_FIELDS.items():
                if field in present.get(typ, set()) or args.new_fields == "on":
                    shapes[name] = (label, query, None)
        if args.shapes:
            wanted = set(args.shapes.split(","))
            shapes = {k: v for k, v in shapes.items() if k in wanted or k.removeprefix("doc-") in wanted}
            docs = {k: v for k, v in docs.items() if k in wanted or f"doc-{k}" in wanted}
        out["labels"] = {k: v[0] for k, v in shapes.items()}

        # Every shape answers, without errors, before anything is timed.
        bodies = {}
        for name, (label, query, variables) in shapes.items():
            body = json.dumps({"query": query, "variables": variables or {}})
            status, raw, secs = request(f"{base}/graphql", body, reader)
            if status != 200 or b'"errors"' in raw:
                sys.exit(f"[{db.name} {level_name}] shape {name} failed: HTTP {status} {raw[:600]!r}")
            bodies[name] = body
            if name == "plan-summary":
                # The floor computes what the summary answers: same counts, or it measures something else.
                served = {c["status"]: c["count"] for c in json.loads(raw)["data"]["plan"]["progressSummary"]["byStatus"]
                          if c["count"]}
                direct = {str(st): int(n) for st, n in floor_rows}
                out["floor_agrees"] = served == direct
                if served != direct:
                    print(f"  WARNING: the floor counts {direct}, plan progressSummary {served}", flush=True)
            print(f"  {name:22} {len(raw):>10,} B  first answer {secs * 1000:8.1f} ms  {summarize(raw)}", flush=True)
        for name, url in docs.items():
            status, raw, secs = request(url)
            if status != 200 or b'"errors"' in raw:
                sys.exit(f"[{db.name} {level_name}] GET of document {name} failed: HTTP {status} {raw[:600]!r}")

        gql = f"{base}/graphql"
        out["shapes"] = {}
        for name, body in bodies.items():
            if args.warmup:
                wrk(work, gql, "POST", body, reader, args.warmup, args.connections)
            w = wrk(work, gql, "POST", body, reader, args.duration, args.connections)
            if w["requests"] < 2 * args.connections:
                # Too few answers for a p99 (a slow shape queues behind 16 connections): once more,
                # longer, so every connection completes a few.
                w = wrk(work, gql, "POST", body, reader, min(60, args.duration * 6), args.connections)
            out["shapes"][name] = w
            print(f"  POST {name:22} p50 {w['p50_ms']:9.1f} ms  p99 {w['p99_ms']:9.1f} ms  "
                  f"{w['requests'] / w['seconds']:8.1f} req/s" + errors_note(w), flush=True)
        for name, url in docs.items():
            w = wrk(work, url, "GET", None, {}, max(1, args.duration // 2), args.connections)
            out["shapes"][f"get-{name}"] = w
            out["labels"][f"get-{name}"] = f"document {name} (anonymous GET, cached)"
            print(f"  GET  {name:22} p50 {w['p50_ms']:9.3f} ms  p99 {w['p99_ms']:9.3f} ms" + errors_note(w), flush=True)
        out["rss_reads"], out["hwm_reads"] = proc_memory(pid)

        out["downloads"] = {}
        for file in DOWNLOADS:
            out["downloads"][file] = download(f"{base}/exports/{CURRENT_PLAN}/{file}", reader, pid)
            d = out["downloads"][file]
            print(f"  download {file:22} {d['bytes'] / 1e6:8.1f} MB in {d['seconds'] * 1000:9.1f} ms, "
                  f"RSS during {d['rss_before']:.0f}-{d['rss_peak']:.0f} MB, after {d['rss_after']:.0f} MB", flush=True)
        out["rss_downloads"], out["hwm_downloads"] = proc_memory(pid)

        if "LineProgress" in docs:
            out["miss"] = first_miss(gql, docs["LineProgress"], admin, args.connections)
            m = out["miss"]
            print(f"  first miss after a publication: {m['single_ms']:.1f} ms (a hit {m['hit_ms']:.2f} ms); "
                  f"{args.connections} concurrent misses: slowest {m['concurrent_max_ms']:.1f} ms, "
                  f"median {m['concurrent_p50_ms']:.1f} ms", flush=True)
        out["rss_end"], out["hwm_end"] = proc_memory(pid)
        print(f"  RSS after reads {out['rss_reads']:.0f} MB, after downloads {out['rss_downloads']:.0f} MB, "
              f"peak (VmHWM) {out['hwm_end']:.0f} MB", flush=True)

        # Writes last, so that no read above sees what they add.
        if not args.shapes or set(args.shapes.split(",")) & {"writes", *WRITE_SHAPES}:
            for name, w in writes(gql, secret, admin, vocab, args.duration, args.write_connections).items():
                out["shapes"][name], out["labels"][name] = w, WRITE_SHAPES[name]
                print(f"  {name:27} p50 {w['p50_ms']:9.1f} ms  p99 {w['p99_ms']:9.1f} ms  "
                      f"{w['requests'] / w['seconds']:8.1f} writes/s ({w['requests']}, "
                      f"{args.write_connections} connections)" + errors_note(w), flush=True)
                if "submit_p50_ms" in w:
                    print(f"    of which submit p50 {w['submit_p50_ms']:.1f} ms  p99 {w['submit_p99_ms']:.1f} ms, "
                          f"publish p50 {w['publish_p50_ms']:.1f} ms  p99 {w['publish_p99_ms']:.1f} ms", flush=True)
                for e in w["errors"]:
                    print(f"    error: {e}", flush=True)
            # What the writes added (their links' copies written by the API, and `state` kept
            # in step by submit and publish) is counted as the records say, too.
            out["link_counts_agree_after_writes"] = link_check(db, gql, reader)
    finally:
        server.stop()
    return out


def find_hash(manifest, name):
    """The hash the server lists for document `name` (its manifest's layout aside)."""
    found = []

    def walk(v):
        if isinstance(v, dict):
            text = json.dumps(v)
            if name in text and len(v) <= 6:
                for x in v.values():
                    if isinstance(x, str) and re.fullmatch(r"(sha256:)?[0-9a-f]{64}", x):
                        found.append(x.removeprefix("sha256:"))
            for k, x in v.items():
                if isinstance(k, str) and re.fullmatch(r"(sha256:)?[0-9a-f]{64}", k) and name in json.dumps(x):
                    found.append(k.removeprefix("sha256:"))
                walk(x)
        elif isinstance(v, list):
            for x in v:
                walk(x)
    walk(manifest)
    return found[0] if found else None


LISTS = {"progressUpdates": "ProgressUpdate", "activities": "Activity", "fundedProjects": "FundedProject",
         "indicators": "Indicator", "evaluations": "Evaluation"}
TYPE_QUERY = """{ __schema { types { name fields { name args { type { kind } }
  type { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } } }"""


def leaves(types, name):
    """The fields of type `name` that are scalars or enums (lists of them too) and need no argument."""
    out = []
    for f in types.get(name) or []:
        t = f["type"]
        while t.get("ofType"):
            t = t["ofType"]
        if t["kind"] in ("SCALAR", "ENUM") and not any(a["type"]["kind"] == "NON_NULL" for a in f["args"]):
            out.append(f["name"])
    return out


def decode_check(base, headers, plans):
    """Every field of every kind of record, on the first 100 records of each list in each plan
    (measurements through their indicators): the server decodes what was loaded. Returns the
    lists' totalCount per plan."""
    status, raw, _ = request(f"{base}/graphql", json.dumps({"query": TYPE_QUERY}), headers)
    types = {t["name"]: t.get("fields") for t in json.loads(raw)["data"]["__schema"]["types"]}
    counts = {}
    for plan in plans:
        parts = []
        for root, typ in LISTS.items():
            extra = f" measurements {{ {' '.join(leaves(types, 'Measurement'))} }}" if typ == "Indicator" else ""
            parts.append(f'{root}(first: 100, filter: {{ plan: "{plan}" }}) {{ totalCount nodes {{ '
                         f'{" ".join(leaves(types, typ))}{extra} }} }}')
        status, raw, _ = request(f"{base}/graphql", json.dumps({"query": "{ " + " ".join(parts) + " }"}), headers)
        if status != 200 or b'"errors"' in raw:
            sys.exit(f"records of {plan} do not decode: HTTP {status} {raw[:800]!r}")
        data = json.loads(raw)["data"]
        counts[plan] = {root: data[root]["totalCount"] for root in LISTS}
    return counts


# The records of a municipality, straight from monitoring_record (not from the copies its links
# carry): every activity of the current plan (what a reader sees), and the published ones (what
# anyone sees).
LINK_CHECK_MUNICIPALITY = "08101"
LINK_CHECK_SQL = """select count(*), coalesce(sum(case when m.state = 'PUBLISHED' then 1 else 0 end), 0)
  from monitoring_record m join plan p on p.id = m.plan_id
  where p.code = '%s' and m.record_type = 'ACTIVITY' and m.id in (select l.record_id from record_link l
    where l.target_type = 'MUNICIPALITY' and l.target_code = '%s')""" % (CURRENT_PLAN, LINK_CHECK_MUNICIPALITY)
LINK_CHECK_QUERY = """{ municipality(ineCode: "%s") { activitiesConnection(first: 5) { totalCount nodes { id } } }
  activities(first: 5, filter: { municipality: "%s" }) { totalCount nodes { id } } }""" % (
    LINK_CHECK_MUNICIPALITY, LINK_CHECK_MUNICIPALITY)


def link_check(db, gql, reader):
    """The lists narrowed by a link count and page from the copies each record_link row carries
    (migration 21): a municipality's activitiesConnection and activities(filter: {municipality})
    must count what the records themselves say, for a reader (every state) and anonymously
    (published only). Prints a warning when they do not; returns whether they agree."""
    every, published = db.row(LINK_CHECK_SQL)
    body = json.dumps({"query": LINK_CHECK_QUERY})
    agree, seen = True, []
    for who, headers, direct in (("reader", reader, every), ("anonymous", {}, published)):
        status, raw, _ = request(gql, body, headers)
        if status != 200 or b'"errors"' in raw:
            sys.exit(f"the link check's query failed ({who}): HTTP {status} {raw[:600]!r}")
        data = json.loads(raw)["data"]
        for name, conn in (("activitiesConnection", data["municipality"]["activitiesConnection"]),
                           ("activities(filter)", data["activities"])):
            ok = conn["totalCount"] == direct and len(conn["nodes"]) == min(5, direct)
            agree = agree and ok
            seen.append(f"{who} {name} {conn['totalCount']} ({len(conn['nodes'])} on the page)")
    note = (f"{LINK_CHECK_MUNICIPALITY}'s activities: {every} in the database ({published} published); "
            + ", ".join(seen))
    print(("  " if agree else "  WARNING: the counts differ: ") + note, flush=True)
    return agree


def introspect(base, headers):
    q = '{ __schema { types { name fields { name } } } }'
    status, raw, _ = request(f"{base}/graphql", json.dumps({"query": q}), headers)
    if status != 200:
        return {}
    types = json.loads(raw).get("data", {}).get("__schema", {}).get("types", [])
    return {t["name"]: {f["name"] for f in (t.get("fields") or [])} for t in types}


def summarize(raw):
    """A few counts of an answer, to show that the records are there."""
    counts = re.findall(rb'"totalCount":(\d+)', raw)
    items = raw.count(b'"id":')
    return (f"totalCount {', '.join(c.decode() for c in counts[:3])}; " if counts else "") + f"{items} ids"


def errors_note(w):
    return f"  ({w['socket_errors']} socket errors, {w['bad_status']} non-2xx)" if w["socket_errors"] or w["bad_status"] else ""


def download(url, headers, pid):
    """Seconds to the last byte, bytes, and the server's RSS before, at its peak while
    streaming, and after."""
    import urllib.request
    rss_before = proc_memory(pid)[0]
    peak, stop = [rss_before], threading.Event()

    def sample():
        while not stop.is_set():
            peak.append(proc_memory(pid)[0])
            time.sleep(0.02)
    t = threading.Thread(target=sample, daemon=True)
    t.start()
    start, size = time.perf_counter(), 0
    first_byte = None
    try:
        req = urllib.request.Request(url, headers={**headers, "accept-encoding": "identity"})
        with urllib.request.urlopen(req, timeout=600) as r:
            while True:
                chunk = r.read(1 << 16)
                if first_byte is None:
                    first_byte = time.perf_counter() - start
                if not chunk:
                    break
                size += len(chunk)
    finally:
        seconds = time.perf_counter() - start
        stop.set()
        t.join()
    time.sleep(0.5)
    return {"seconds": seconds, "first_byte_s": first_byte or 0.0, "bytes": size, "rss_before": rss_before,
            "rss_peak": max(peak), "rss_after": proc_memory(pid)[0]}


def first_miss(gql, doc_url, admin, connections):
    """Publishes a submitted record, then times the first anonymous GET of `doc_url`; then
    publishes another and sends `connections` GETs at once."""
    find = json.dumps({"query": "{ progressUpdates(first: %d, filter: { state: SUBMITTED }) { nodes { id version } } }"
                       % 2})
    status, raw, _ = request(gql, find, admin)
    nodes = json.loads(raw)["data"]["progressUpdates"]["nodes"] if status == 200 else []
    if len(nodes) < 2:
        sys.exit(f"no two submitted progress updates to publish: {raw[:300]!r}")
    publish = "mutation($id: ID!, $v: Int!) { publishRecord(id: $id, expectedVersion: $v) { id state version } }"

    def publish_one(node):
        s, r, _ = request(gql, json.dumps({"query": publish, "variables": {"id": node["id"], "v": node["version"]}}),
                          admin)
        if s != 200 or b'"errors"' in r:
            sys.exit(f"publishRecord failed: {s} {r[:300]!r}")

    request(doc_url)  # cached before the publication
    hit = min(request(doc_url)[2] for _ in range(5))
    publish_one(nodes[0])
    status, raw, single = request(doc_url)
    publish_one(nodes[1])
    barrier, times = threading.Barrier(connections), []

    def one():
        barrier.wait()
        times.append(request(doc_url)[2])
    threads = [threading.Thread(target=one) for _ in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {"hit_ms": hit * 1000, "single_ms": single * 1000, "concurrent_max_ms": max(times) * 1000,
            "concurrent_p50_ms": statistics.median(times) * 1000}


# ---------------------------------------------------------------- writes

# The write target: "write latency (create, publish) within 2x of today's at 1M".
WRITE_SHAPES = {
    "write-create": "write: create (a municipality's createActivity)",
    "write-update": "write: update (updateActivity of an activity it created)",
    "write-submit-publish": "write: submit+publish (its submitRecord, then a coordinator's publishRecord)",
}
WRITE_MUNICIPALITY = LINK_CHECK_MUNICIPALITY  # the link check after the writes counts them
CREATE = """mutation($key: String!, $input: ActivityInput!) {
  createActivity(idempotencyKey: $key, input: $input) { id version state } }"""
UPDATE = """mutation($id: ID!, $v: Int!, $input: ActivityInput!) {
  updateActivity(id: $id, expectedVersion: $v, input: $input) { id version state } }"""
SUBMIT = "mutation($id: ID!, $v: Int!) { submitRecord(id: $id, expectedVersion: $v) { id version state } }"
PUBLISH = "mutation($id: ID!, $v: Int!) { publishRecord(id: $id, expectedVersion: $v) { id version state } }"


class Client:
    """One kept-alive HTTP connection posting GraphQL as one caller."""

    def __init__(self, gql, headers):
        import http.client
        u = urllib.parse.urlsplit(gql)
        self.path, self.headers = u.path, {"content-type": "application/json", "accept": "application/json",
                                           **headers}
        self.conn = http.client.HTTPConnection(u.hostname, u.port, timeout=120)

    def post(self, query, variables):
        """(seconds, the field's answer or None, what went wrong or None)."""
        body = json.dumps({"query": query, "variables": variables})
        start = time.perf_counter()
        try:
            self.conn.request("POST", self.path, body, self.headers)
            r = self.conn.getresponse()
            status, raw = r.status, r.read()
        except OSError as e:
            self.conn.close()  # reconnects on the next request
            return time.perf_counter() - start, None, f"socket: {e!r}"
        seconds = time.perf_counter() - start
        reply = json.loads(raw) if raw[:1] == b"{" else {}
        if status != 200 or reply.get("errors") or not reply.get("data"):
            return seconds, None, f"HTTP {status} {raw[:300]!r}"
        return seconds, next(iter(reply["data"].values())), None

    def close(self):
        self.conn.close()


def percentile(values, q):
    v = sorted(values)
    return v[max(0, min(len(v) - 1, -(-len(v) * q // 100) - 1))] if v else 0.0


def timed_phase(threads, duration, min_each, step):
    """Runs step(thread) in every thread until `duration` seconds have passed and each thread
    did `min_each` steps (or step returns None: nothing left). A step returns (seconds, error or
    None). Returns the figures as wrk's summary has them, with the first errors."""
    times, errors, lock = [], [], threading.Lock()
    start = time.perf_counter()

    def loop(t):
        done = 0
        while done < min_each or time.perf_counter() - start < duration:
            r = step(t)
            if r is None:
                break
            with lock:
                times.append(r[0])
                if r[1]:
                    errors.append(r[1])
            done += 1
    workers = [threading.Thread(target=loop, args=(t,)) for t in threads]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    seconds = time.perf_counter() - start
    return {"requests": len(times), "seconds": seconds, "p50_ms": percentile(times, 50) * 1000,
            "p99_ms": percentile(times, 99) * 1000, "socket_errors": sum("socket:" in e for e in errors),
            "bad_status": sum("socket:" not in e for e in errors), "errors": errors[:5]}


def writes(gql, secret, admin, vocab, duration, connections):
    """Times the writes of WRITE_SHAPES, each phase with `connections` threads (each its own
    municipality connection and coordinator connection) for `duration` seconds, at least 5
    writes per thread: creating activities of one municipality as its token (a fresh
    idempotency key each), updating them, then submitting each (its token) and publishing it
    (a coordinator), timed together. Returns {shape: figures}."""
    plan_id, start, end = vocab.plans[CURRENT_PLAN]
    actions = vocab.actions.get(plan_id, [])
    muni = {"Authorization": "Bearer " + jwt(secret, "municipality", ine=WRITE_MUNICIPALITY)}
    threads = [{"muni": Client(gql, muni), "admin": Client(gql, admin), "records": [], "next": 0,
                "rng": random.Random(i)} for i in range(connections)]
    counter = iter(range(1, 1 << 30))
    parts = {"submit": [], "publish": []}  # list.append is atomic: no lock

    def activity(t, n, edit):
        rng = t["rng"]
        year = rng.randrange(start, end + 1)
        k = rng.choice(ACTIVITY_KINDS)
        title = (f"Fictitious activity {n}{edit}", f"Actividad ficticia {n}{edit}", f"Activitat fictícia {n}{edit}",
                 f"Activité fictive {n}{edit}")
        return {"kind": k, "title": i18n(*title), "startDate": f"{year}-05-{rng.randrange(1, 29):02d}",
                "summary": i18n("Written by the scale benchmark.", "Escrito por el banco de pruebas de escala.",
                                "Escrit pel banc de proves d'escala.", "Écrit par le banc d'essai d'échelle."),
                "municipalities": [WRITE_MUNICIPALITY], "actions": [rng.choice(actions)] if actions else [],
                "place": "Barcelona"}

    def create(t):
        n = next(counter)
        secs, node, err = t["muni"].post(CREATE, {"key": str(uuid.uuid4()), "input": activity(t, n, "")})
        if node:
            t["records"].append([node["id"], node["version"], n])
        return secs, err

    def update(t):
        if not t["records"]:
            return None
        rec = t["records"][t["next"] % len(t["records"])]
        t["next"] += 1
        secs, node, err = t["muni"].post(UPDATE, {"id": rec[0], "v": rec[1], "input": activity(t, rec[2], " (edited)")})
        if node:
            rec[1] = node["version"]
        else:
            t["records"].remove(rec)
        return secs, err

    def submit_publish(t):
        if not t["records"]:
            return None
        rec = t["records"].pop()
        secs, node, err = t["muni"].post(SUBMIT, {"id": rec[0], "v": rec[1]})
        if err:
            return secs, "submit: " + err
        more, node, err = t["admin"].post(PUBLISH, {"id": node["id"], "v": node["version"]})
        if node and node["state"] != "PUBLISHED":
            err = f"published, but its state is {node['state']}"
        parts["submit"].append(secs)
        parts["publish"].append(more)
        return secs + more, ("publish: " + err) if err else None

    out = {}
    try:
        for name, step in (("write-create", create), ("write-update", update),
                           ("write-submit-publish", submit_publish)):
            out[name] = timed_phase(threads, duration, 5, step)
        for part, times in parts.items():
            out["write-submit-publish"][f"{part}_p50_ms"] = percentile(times, 50) * 1000
            out["write-submit-publish"][f"{part}_p99_ms"] = percentile(times, 99) * 1000
    finally:
        for t in threads:
            t["muni"].close()
            t["admin"].close()
    return out


# ---------------------------------------------------------------- the table

def cell(w):
    """p50 / p99 of a wrk run, with what went wrong in it."""
    if not w["requests"]:
        return f"no answer in {w['seconds']:.0f} s"
    errors = w["socket_errors"] + w["bad_status"]
    return (f"{w['p50_ms']:.1f} / {w['p99_ms']:.1f}" + (f" ({errors} errors)" if errors else "")
            + (f" ({w['requests']} requests)" if w["requests"] < 32 else ""))


def table(db_name, results, connections, duration):
    if not results:
        return
    levels = [r["level"] for r in results]
    first, last = results[0], results[-1]
    print()
    print(f"### {db_name}: p50/p99 ms at {connections} connections, {duration} s per shape "
          f"({time.strftime('%Y-%m-%d', time.gmtime())}, {os.cpu_count()} CPUs)")
    ratio_head = f"{levels[-1]}/{levels[0]} (p50)" if len(levels) > 1 else "ratio"
    print("| shape | " + " | ".join(f"{r['level']} ({r['rows']:,})" for r in results) + f" | {ratio_head} |")
    print("|---" * (len(levels) + 2) + "|")

    def row(label, cells, ratio):
        print(f"| {label} | " + " | ".join(cells) + f" | {ratio} |")

    def ratio(a, b):
        return f"{b / a:.1f}x" if a and b is not None and a > 0 else "-"

    names = list(first.get("shapes", {}))
    for r in results[1:]:
        names += [n for n in r.get("shapes", {}) if n not in names]
    for name in names:
        label = next((r["labels"].get(name) for r in results if name in r.get("labels", {})), name)
        cells = [cell(r["shapes"][name]) if name in r.get("shapes", {}) else "-" for r in results]
        a, b = first.get("shapes", {}).get(name), last.get("shapes", {}).get(name)
        row(label, cells, ratio(a["p50_ms"], b["p50_ms"]) if a and b and a["requests"] and b["requests"] else "-")
    for file in DOWNLOADS:
        cells = [f"{r['downloads'][file]['seconds'] * 1000:.0f} ms, {r['downloads'][file]['bytes'] / 1e6:.1f} MB, "
                 f"RSS peak {r['downloads'][file]['rss_peak']:.0f} MB" if file in r.get("downloads", {}) else "-"
                 for r in results]
        a, b = first.get("downloads", {}).get(file), last.get("downloads", {}).get(file)
        row(f"download {file} (to last byte)", cells, ratio(a["seconds"], b["seconds"]) if a and b else "-")
    cells = [f"{r['miss']['single_ms']:.1f} (x{connections}: {r['miss']['concurrent_max_ms']:.1f})" if "miss" in r
             else "-" for r in results]
    row("first anonymous GET after a publication (concurrent: slowest)", cells,
        ratio(first["miss"]["single_ms"], last["miss"]["single_ms"]) if "miss" in first and "miss" in last else "-")
    row("floor: the summaries' aggregate in the database, newest per action by index",
        [f"{r['floor_ms']:.1f}" for r in results], ratio(first["floor_ms"], last["floor_ms"]))
    row("the same aggregate as a window over every published progress update",
        [f"{r['floor_scan_ms']:.1f}" for r in results], ratio(first["floor_scan_ms"], last["floor_scan_ms"]))
    for key, label in [("rss_reads", "server RSS after reads (MB)"), ("rss_downloads", "server RSS after downloads (MB)"),
                       ("hwm_end", "server peak RSS, VmHWM (MB)")]:
        row(label, [f"{r[key]:.0f}" if key in r else "-" for r in results],
            ratio(first.get(key), last.get(key)) if key in first and key in last else "-")
    row("load: generate and insert (s)", [f"{r['load_s']:.1f}" for r in results], "-")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--bin", default=os.path.join(TARGET, "dist", "plan-api"), help="a plan-api of the dist profile")
    p.add_argument("--levels", default="1k,10k,100k,1m", help="record counts: 1k, 10k, 100k, 1m, or plain numbers")
    p.add_argument("--databases", default="sqlite,postgres")
    p.add_argument("--duration", type=int, default=5, help="seconds of wrk per shape")
    p.add_argument("--warmup", type=int, default=1, help="seconds of wrk per shape before it is timed")
    p.add_argument("--connections", type=int, default=16)
    p.add_argument("--shapes", help="comma-separated subset of the shape names (default: all); "
                   "`writes` (or any of write-create, write-update, write-submit-publish) times the writes")
    p.add_argument("--write-connections", type=int, default=4,
                   help="concurrent writers (threads, each one connection) per write shape")
    p.add_argument("--new-fields", choices=["auto", "on", "off"], default="auto",
                   help="the connection fields of #25 item 2: auto = when the schema has them")
    p.add_argument("--second-plan-share", type=float, default=0.3,
                   help="share of the records in the synthetic second plan (tests/fixtures/plans)")
    p.add_argument("--load-only", action="store_true", help="build, load and run the floor; no server")
    p.add_argument("--json", help="also write every figure here")
    args = p.parse_args()
    assert 1 <= args.duration <= 120 and 0 <= args.warmup <= 30 and 1 <= args.connections <= 256 \
        and 1 <= args.write_connections <= 64, "bounded runs only"
    assert 0 <= args.second_plan_share < 1
    levels = [(l.strip(), level_count(l)) for l in args.levels.split(",") if l.strip()]
    if any(n > 5_000_000 for _, n in levels):
        sys.exit("at most 5m records per level")
    dbs = [d for d in args.databases.split(",") if d]
    if not set(dbs) <= {"sqlite", "postgres"}:
        sys.exit("--databases from sqlite,postgres")
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed: apt-get install wrk")
    if not os.path.exists(args.bin):
        sys.exit(f"{args.bin} is missing: cargo build --profile dist --bin plan-api")

    work = tempfile.mkdtemp(prefix="plan-api-scale.")
    os.chmod(work, 0o755)
    data_dir = os.path.join(work, "data")
    shutil.copytree(os.path.join(ROOT, "data"), data_dir)
    if args.second_plan_share > 0:
        shutil.copytree(os.path.join(ROOT, "tests", "fixtures", "plans", SECOND_PLAN), os.path.join(data_dir, SECOND_PLAN))
    secret = base64.b64encode(os.urandom(32)).decode()
    results = {d: [] for d in dbs}
    pg = None
    try:
        if "postgres" in dbs:
            pg = Postgres(work)
            pg.start()
            print(f"PostgreSQL {pg.version()} on port {pg.port}; work folder {work}", flush=True)
        for d in dbs:
            for name, total in levels:
                db = SqliteDb(work, name) if d == "sqlite" else PostgresDb(pg, name)
                try:
                    results[d].append(run_level(args, work, data_dir, db, name, total, secret))
                finally:
                    db.drop()
    finally:
        if pg:
            pg.stop()
        shutil.rmtree(work, ignore_errors=True)
        if args.json:
            with open(args.json, "w") as f:
                json.dump(results, f, indent=1)
        for d in dbs:
            table(d, results[d], args.connections, args.duration)


if __name__ == "__main__":
    main()
