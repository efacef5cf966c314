"""Uncached public pages (issue 9 target 1): home, a category, an item and the directory.

For each database engine: a demo site, gunicorn (2 sync workers, production settings) with
the public page cache off (``GUANWU_PAGE_CACHE_SECONDS=0``), then wrk -t2 -c16 on each page.
Each page's query count is measured in the same installation (Django's test client in a
``manage.py shell``) and reported in the row's note; ``tests/portal/test_query_counts.py``
pins the same counts.
"""

from __future__ import annotations

import json
from typing import Any

import lib

PAGES = ("home", "category", "item", "directory")
TARGET_RPS = 300.0
TARGET_P50_MS = 40.0

# Runs inside the site's ``manage.py shell``: picks the pages and counts their queries.
_PICK = """
import json
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from guanwu.disclosure import selectors
from guanwu.disclosure.models import CategoryPage, LicensingGuidePage

counts = dict(
    selectors.live_items().order_by().values_list("category").annotate(n=Count("pk"))
    .values_list("category", "n")
)
category = max(CategoryPage.objects.live(), key=lambda page: (counts.get(page.number, 0), -page.number))
# A licensing guide (办事指南) is the richest item type: steps, documents, fees, windows.
item = (
    selectors.live_items().filter(pk__in=LicensingGuidePage.objects.live().values("pk")).first()
    or selectors.live_items().first()
)
urls = {"home": "/", "category": category.url, "item": item.specific.url, "directory": "/directory/"}
client = Client(HTTP_HOST="127.0.0.1")
queries = {}
for name, url in urls.items():
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        status = client.get(url).status_code
    queries[name] = {"status": status, "queries": len(captured.captured_queries)}
print("PAGES" + json.dumps({"urls": urls, "queries": queries, "items": counts.get(category.number, 0)}))
"""


def pick_pages(site: lib.Site) -> dict[str, Any]:
    out = site.manage("shell", "-c", _PICK, env={"GUANWU_PAGE_CACHE_SECONDS": "0"})
    line = next(line for line in out.splitlines() if line.startswith("PAGES"))
    return json.loads(line[len("PAGES") :])


def run(smoke: bool) -> list[lib.Result]:
    duration, warmup = (1.0, 0.0) if smoke else (10.0, 2.0)
    rows: list[lib.Result] = []
    for engine in ("sqlite", "postgresql"):
        with lib.Site(f"pages_{engine}", engine) as site:
            site.prepare()
            picked = pick_pages(site)
            with lib.Gunicorn(site, env={"GUANWU_PAGE_CACHE_SECONDS": "0"}) as server:
                for page in PAGES:
                    path = picked["urls"][page]
                    status, _body = lib.get(server.port, path)
                    if status != 200:
                        raise RuntimeError(f"{engine} {page} {path} answered {status}, not 200")
                    figures = lib.wrk(server.base + path, duration, warmup_s=warmup)
                    if figures["errors"] or figures["bad"]:
                        raise RuntimeError(f"{engine} {page} {path}: errors under load {figures}")
                    queries = picked["queries"][page]["queries"]
                    note = f"{path}: {queries} SQL queries per page, uncached (page cache off)"
                    if page == "category":
                        note += f", {picked['items']} live items in the category"
                    extra = {"path": path, "queries": queries, **figures}
                    lib.log(
                        f"{engine} {page}: {figures['req_per_s']:.0f} req/s, "
                        f"p50 {figures['p50_ms']:.1f} ms, {queries} queries"
                    )
                    rows.append(
                        lib.Result(
                            key=f"pages.{engine}.{page}.rps",
                            figure=f"Uncached {page} page, {engine}: throughput",
                            target=f"≥ {TARGET_RPS:.0f} req/s",
                            measured=round(figures["req_per_s"], 1),
                            unit="req/s",
                            met=figures["req_per_s"] >= TARGET_RPS,
                            note=note,
                            extra=extra,
                        )
                    )
                    rows.append(
                        lib.Result(
                            key=f"pages.{engine}.{page}.p50",
                            figure=f"Uncached {page} page, {engine}: median latency",
                            target=f"≤ {TARGET_P50_MS:.0f} ms",
                            measured=round(figures["p50_ms"], 2),
                            unit="ms",
                            met=figures["p50_ms"] <= TARGET_P50_MS,
                            note=note,
                            extra=extra,
                        )
                    )
    return rows
