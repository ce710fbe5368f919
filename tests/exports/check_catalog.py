#!/usr/bin/env python3
"""Parses the DCAT-AP catalogue of a running plan-api as RDF with rdflib (a maintained RDF
library, `pip install rdflib pyshacl`), in JSON-LD and in Turtle, checks that both are the same
graph, validates it with pySHACL against the official DCAT-AP 2.1.1 SHACL shapes (violations
fail, warnings are reported), and checks what a CKAN-style harvester (ckanext-dcat) needs:
one dcat:Catalog with a title, publisher and datasets; every dataset with a title, description,
publisher, languages, temporal coverage, themes, modification date and distributions; every
distribution with an access URL, a format and a media type; every CSV/JSON download URL answers
200 with its media type; each plan's data package is a dataset whose distributions conform to the
Frictionless Data Package specification (`frictionless validate` checks the package itself).

    python3 tests/exports/check_catalog.py http://127.0.0.1:8000

Loopback only: the script fetches the catalogue and the downloads it lists from the given
server, nothing else. Prints 'N passed, 0 failed' and exits 0 when every check holds.
"""

import sys
import urllib.request
from urllib.parse import urlsplit

from pathlib import Path

from pyshacl import validate
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, SH

BASE = (sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000").rstrip("/")
assert urlsplit(BASE).hostname in ("127.0.0.1", "localhost", "::1"), "loopback only"

passed = failed = 0


def check(cond, what):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print(f"FAIL: {what}")


def fetch(url):
    with urllib.request.urlopen(url, timeout=30) as r:
        return r.status, r.headers.get("content-type", ""), r.read()


status, ctype, body = fetch(f"{BASE}/exports/catalog.jsonld")
check(status == 200 and ctype.startswith("application/ld+json"), "catalogue is JSON-LD")
g = Graph()
g.parse(data=body, format="json-ld", publicID=f"{BASE}/exports/catalog.jsonld")
print(f"{len(g)} triples")

status, ctype, ttl = fetch(f"{BASE}/exports/catalog.ttl")
check(status == 200 and ctype.startswith("text/turtle"), "catalogue is Turtle")
t = Graph()
t.parse(data=ttl, format="turtle")
check(isomorphic(g, t), f"JSON-LD and Turtle are the same graph ({len(g)} and {len(t)} triples)")

req = urllib.request.Request(f"{BASE}/exports/catalog", headers={"Accept": "text/turtle"})
with urllib.request.urlopen(req, timeout=30) as r:
    check(r.headers.get("content-type", "").startswith("text/turtle"), "Accept: text/turtle")

shapes = Graph()
shapes.parse(Path(__file__).with_name("dcat-ap_2.1.1_shacl_shapes.ttl"), format="turtle")
conforms, report, text = validate(g, shacl_graph=shapes, inference="none")
severities = {}
for result in report.subjects(RDF.type, SH.ValidationResult):
    sev = str(report.value(result, SH.resultSeverity)).rsplit("#", 1)[-1]
    severities[sev] = severities.get(sev, 0) + 1
print(f"DCAT-AP 2.1.1 SHACL: conforms={conforms}, results by severity: {severities or 'none'}")
check(severities.get("Violation", 0) == 0, "no SHACL violation:\n" + text)

catalogs = list(g.subjects(RDF.type, DCAT.Catalog))
check(len(catalogs) == 1, "one dcat:Catalog")
cat = catalogs[0]
check(g.value(cat, DCTERMS.title) is not None, "catalogue title")
publisher = g.value(cat, DCTERMS.publisher)
check(publisher is not None and g.value(publisher, FOAF.name) is not None, "catalogue publisher")
datasets = list(g.objects(cat, DCAT.dataset))
check(len(datasets) >= 15, f"at least 15 datasets ({len(datasets)})")

DATA_PACKAGE = "https://datapackage.org/standard/data-package/"
downloads = packages = 0
for ds in datasets:
    check((ds, RDF.type, DCAT.Dataset) in g, f"{ds} is a dcat:Dataset")
    for p in (DCTERMS.title, DCTERMS.description, DCTERMS.publisher, DCTERMS.modified,
              DCTERMS.temporal, DCTERMS.identifier):
        check(g.value(ds, p) is not None, f"{ds} has {p}")
    check(len(set(g.objects(ds, DCTERMS.language))) == 4, f"{ds} in four languages")
    check(len(set(g.objects(ds, DCAT.theme))) >= 1, f"{ds} has a theme")
    temporal = g.value(ds, DCTERMS.temporal)
    check(g.value(temporal, DCAT.startDate) is not None, f"{ds} temporal start")
    dists = list(g.objects(ds, DCAT.distribution))
    if str(ds).endswith("/datapackage"):
        packages += 1
        check(len(dists) == 4, f"{ds} has the data package in four languages")
        for d in dists:
            check(g.value(d, DCTERMS.conformsTo) == URIRef(DATA_PACKAGE),
                  f"{d} conforms to the Data Package specification")
    else:
        check(len(dists) >= 8, f"{ds} has CSV and JSON in four languages")
    for d in dists:
        check(g.value(d, DCAT.accessURL) is not None, f"{d} access URL")
        check(g.value(d, DCTERMS.format) is not None, f"{d} format")
        media = g.value(d, DCAT.mediaType)
        check(media is not None, f"{d} media type")
        check(g.value(d, DCTERMS.license) is not None or g.value(d, DCTERMS.rights) is not None,
              f"{d} licence or rights")
        url = g.value(d, DCAT.downloadURL)
        if url is not None:
            status, ctype, _ = fetch(str(url))
            check(status == 200 and str(media).endswith(ctype.split(";")[0]),
                  f"{url} answers with {media} ({status} {ctype})")
            downloads += 1

check(packages >= 1, "a data package per plan")
print(f"{downloads} downloads fetched")
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
