"""Memory of a gunicorn worker after serving varied public pages, uncached.

Issue 9, target 7: a web worker stays within 250 MB RSS. The worst case is measured: the page
cache off (``GUANWU_PAGE_CACHE_SECONDS=0``, so every request renders), on the demo district
(SQLite), 10,000 requests spread over home, every category (and its later pages), every
item, the directory and every unit page, search queries, the public API lists and a few
addresses that do not exist. Eight client threads cycle through the list (each from its own
starting point) until the total is reached; each worker's RSS is read from /proc at start
(after a request each) and at the end.
"""

from __future__ import annotations

import http.client
import itertools
import json
import re
import threading
import time
from collections import Counter
from typing import Any
from urllib.parse import quote

from lib import Gunicorn, Result, Site, get, log, percentile

TARGET_MIB = 250.0
SEARCHES = ["关税", "加工贸易", "报关", "原产地", "行政许可", "知识产权", "保税", "查验", "税率"]


def links(port: int, path: str, pattern: str) -> list[str]:
    status, body = get(port, path)
    if status != 200:
        raise RuntimeError(f"{path} answered {status}")
    return sorted(set(re.findall(pattern, body.decode())))


def public_paths(port: int) -> list[str]:
    """Every public page of the demo district a visitor can reach, plus searches, the API and
    a few 404s."""
    paths = ["/", "/directory/", "/directory/staff/", "/notices/"]
    _status, body = get(port, "/api/v1/categories/")
    categories = json.loads(body)["results"]
    for category in categories:
        number = category.get("number") or category.get("id")
        paths.append(f"/api/v1/items/?category={number}")
    items: list[str] = []
    page = "/api/v1/items/?page_size=200"
    while page:
        _status, body = get(port, page)
        data = json.loads(body)
        items += [re.sub(r"^https?://[^/]+", "", row["url"]) for row in data["results"]]
        page = re.sub(r"^https?://[^/]+", "", data["next"]) if data.get("next") else ""
    category_pages = sorted({"/" + url.strip("/").split("/")[0] + "/" for url in items})
    for category in category_pages:
        paths += [category, f"{category}?page=2"]
    paths += items
    paths += links(port, "/directory/", r'href="(/directory/[A-Z0-9-]+/)"')
    paths += [f"/search/?q={quote(word)}" for word in SEARCHES]
    paths += [f"/api/v1/search/?q={quote(word)}" for word in SEARCHES[:4]]
    paths += ["/api/v1/items/", "/api/v1/notices/", "/api/v1/categories/"]
    paths += ["/no-such-page/", "/legal-basis/no-such-item/", "/directory/NO-SUCH-UNIT/"]
    return paths


def load(port: int, paths: list[str], total: int, clients: int = 8) -> dict[str, Any]:
    """``total`` GETs over ``paths`` from ``clients`` threads; statuses and latencies."""
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    errors: list[str] = []
    lock = threading.Lock()
    counter = itertools.count()

    def client(offset: int) -> None:
        while (n := next(counter)) < total:
            path = paths[(offset + n) % len(paths)]
            started = time.perf_counter()
            try:
                status, _body = get(port, path, timeout=60)
            except (OSError, http.client.HTTPException) as exc:
                with lock:
                    errors.append(f"{path}: {exc!r}")
                continue
            with lock:
                latencies.append(time.perf_counter() - started)
                statuses[status] += 1

    threads = [
        threading.Thread(target=client, args=(i * len(paths) // clients,)) for i in range(clients)
    ]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {
        "requests": len(latencies),
        "seconds": time.monotonic() - started,
        "statuses": dict(statuses),
        "errors": len(errors),
        "first_error": errors[0] if errors else "",
        "p50_ms": 1000 * percentile(latencies, 50),
        "p95_ms": 1000 * percentile(latencies, 95),
    }


def run(smoke: bool) -> list[Result]:
    total = 300 if smoke else 10_000
    with Site("workermem", "sqlite") as site:
        site.prepare()
        with Gunicorn(site, env={"GUANWU_PAGE_CACHE_SECONDS": "0"}) as server:
            for _ in range(4):  # both workers have answered once: their RSS "at start"
                get(server.port, "/robots.txt")
            at_start = server.worker_rss_mib()
            paths = public_paths(server.port)
            log(f"{len(paths)} paths; RSS at start {[round(r) for r in at_start]} MiB")
            figures = load(server.port, paths, total)
            at_end = server.worker_rss_mib()
            pids = server.worker_pids()
        if figures["errors"]:
            raise RuntimeError(f"{figures['errors']} requests failed: {figures['first_error']}")
    worst = max(at_end)
    log(f"{figures['requests']} requests; RSS at end {[round(r) for r in at_end]} MiB")
    return [
        Result(
            key="worker_memory.max_rss",
            figure="Largest gunicorn worker RSS after varied uncached public requests",
            target=f"≤ {TARGET_MIB:.0f} MB",
            measured=round(worst, 1),
            unit="MiB",
            met=worst <= TARGET_MIB,
            note=(
                f"{figures['requests']:,} requests over {len(paths)} public paths, page cache "
                f"off, SQLite demo; RSS at start {', '.join(f'{r:.0f}' for r in at_start)} MiB, "
                f"at end {', '.join(f'{r:.0f}' for r in at_end)} MiB"
            ),
            extra={
                "requests": figures["requests"],
                "statuses": figures["statuses"],
                "seconds": round(figures["seconds"], 1),
                "paths": len(paths),
                "rss_start_mib": at_start,
                "rss_end_mib": at_end,
                "worker_pids": pids,
                "p50_ms": round(figures["p50_ms"], 1),
                "p95_ms": round(figures["p95_ms"], 1),
            },
        )
    ]


if __name__ == "__main__":
    import sys

    for row in run("--smoke" in sys.argv):
        print(json.dumps(row.as_dict(), ensure_ascii=False))
