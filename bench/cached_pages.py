"""Cached public pages: through Django (gunicorn, 2 workers) and behind nginx.

Issue 9, target 2: a cached public page is served at ≥ 2,000 req/s through Django, and at
≥ 50 % of nginx's own static-file rate with nginx in front as ``deploy/nginx.conf`` puts it
(its short ``proxy_cache``). The reference — nginx serving a ~5.5 KB static file — is measured
in the same run, on the same machine, so the ratio does not depend on how fast the machine is.

The site is the demo district on SQLite, with production settings and the page cache at its
default lifetime. Django's cache is the single-host default (files under ``var/cache``,
shared by every process of the host) and, as an extra row, Redis (a database number of its
own, flushed before and after). Each page gets one warm request, then a wrk load.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import subprocess
import time
from pathlib import Path
from typing import Any

from lib import ROOT, Gunicorn, Result, Site, free_port, get, log, nginx, wrk

DJANGO_TARGET = 2000.0
NGINX_SHARE_TARGET = 0.5
REDIS_DB = 11  # nobody else in this repository uses it; flushed before and after
STATIC_NAME = "static-reference.html"


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of these processes so far (from /proc/<pid>/stat)."""
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def pages(port: int) -> dict[str, str]:
    """Home, a category, an item of it, the directory: the pages visitors load most."""
    status, body = get(port, "/api/v1/items/?category=2&page_size=5")
    if status != 200:
        raise RuntimeError(f"/api/v1/items/ answered {status}")
    items = json.loads(body)
    results = items["results"] if isinstance(items, dict) else items
    item_url = results[0]["url"]
    item_path = re.sub(r"^https?://[^/]+", "", item_url)
    category_path = "/" + item_path.strip("/").split("/")[0] + "/"
    return {"home": "/", "category": category_path, "item": item_path, "directory": "/directory/"}


def warm(port: int, paths: dict[str, str]) -> None:
    """A few requests per page (both workers), then check the copy comes from the cache."""
    for name, path in paths.items():
        for _ in range(4):
            status, _body = get(port, path)
            if status != 200:
                raise RuntimeError(f"{name} {path} answered {status}")
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            seen = response.getheader("X-Cache", "")
        finally:
            conn.close()
        if seen != "hit":
            raise RuntimeError(f"{name} {path} is not served from the cache (X-Cache={seen!r})")


def load(url: str, seconds: float, pids: list[int] | None = None) -> dict[str, Any]:
    """wrk on one URL after a short warm-up load; with ``pids``, their CPU per request."""
    wrk(url, duration_s=min(2.0, seconds))
    before = cpu_seconds(pids or [])
    figures = wrk(url, duration_s=seconds)
    if pids and figures["requests"]:
        spent = cpu_seconds(pids) - before
        figures["worker_cpu_ms_per_request"] = 1000 * spent / figures["requests"]
    if figures["errors"] or figures["bad"]:
        raise RuntimeError(f"{url}: {figures['errors']} errors, {figures['bad']} bad responses")
    return figures


def django_rows(
    server: Gunicorn, paths: dict[str, str], seconds: float, label: str, key: str
) -> list[Result]:
    rows = []
    for name, path in paths.items():
        figures = load(server.base + path, seconds, server.worker_pids())
        rate = figures["req_per_s"]
        log(f"{label} {name}: {rate:,.0f} req/s")
        rows.append(
            Result(
                key=f"cached_pages.{key}.{name}",
                figure=f"Cached {name} page ({path}) through Django, {label}",
                target=f"≥ {DJANGO_TARGET:,.0f} req/s",
                measured=round(rate),
                unit="req/s",
                met=rate >= DJANGO_TARGET,
                note=(
                    f"gunicorn 2 sync workers, wrk -t2 -c16 {seconds:.0f} s; "
                    f"p50 {figures['p50_ms']:.2f} ms, p99 {figures['p99_ms']:.2f} ms, "
                    f"{figures.get('worker_cpu_ms_per_request', float('nan')):.2f} ms "
                    "worker CPU a request"
                ),
                extra=figures,
            )
        )
    return rows


def front_config(app_port: int, port: int, static_root: str) -> str:
    """deploy/nginx.conf with its rules unchanged, on plain HTTP, a free port, this app.

    Every replacement must hit: a change of deploy/nginx.conf that the bench cannot follow
    fails here instead of silently measuring something else.
    """
    text = (ROOT / "deploy/nginx.conf").read_text()
    # Drop the port-80 redirect server (the last server block).
    redirect = text.rindex("server {\n    listen 80;")
    text = text[:redirect]
    replacements = [
        ("proxy_cache_path /var/cache/nginx/guanwu ", "proxy_cache_path {work}/pages "),
        ("server 127.0.0.1:8000 ", f"server 127.0.0.1:{app_port} "),
        ("listen 443 ssl http2;", f"listen 127.0.0.1:{port};"),
        ("    ssl_certificate     /etc/ssl/guanwu/fullchain.pem;\n", ""),
        ("    ssl_certificate_key /etc/ssl/guanwu/privkey.pem;\n", ""),
        ("    ssl_protocols TLSv1.2 TLSv1.3;\n", ""),
        ("alias /srv/guanwu/var/static/;", f"alias {static_root}/;"),
    ]
    for old, new in replacements:
        if text.count(old) != 1:
            raise RuntimeError(f"deploy/nginx.conf changed: {old.strip()!r} not found once")
        text = text.replace(old, new)
    return text


def static_config(port: int) -> str:
    return (
        f"server {{\n  listen 127.0.0.1:{port};\n  root {{work}}/www;\n"
        f"  location / {{ try_files $uri =404; }}\n}}\n"
    )


def nginx_rows(server: Gunicorn, site: Site, paths: dict[str, str], seconds: float) -> list[Result]:
    static_port, front_port = free_port(), free_port()
    _status, home = get(server.port, "/")
    body = front_config(server.port, front_port, str(site.work / "var/static"))
    body += "\n" + static_config(static_port)
    with nginx(body) as work:
        # nginx's workers run as another user when we are root: let them read the file.
        work.chmod(0o755)
        (work / "www").mkdir(mode=0o755, exist_ok=True)
        # The reference: a copy of the home page's HTML, straight from disk.
        (work / "www" / STATIC_NAME).write_bytes(home)
        time.sleep(0.2)
        reference = load(f"http://127.0.0.1:{static_port}/{STATIC_NAME}", seconds)
        static_rate = reference["req_per_s"]
        log(f"nginx static file: {static_rate:,.0f} req/s")
        rows = [
            Result(
                key="cached_pages.nginx_static",
                figure=f"nginx serving a static file (the home page's HTML, {len(home) / 1024:.1f} KB)",
                target="",
                measured=round(static_rate),
                unit="req/s",
                met=None,
                note=f"wrk -t2 -c16 {seconds:.0f} s; p50 {reference['p50_ms']:.2f} ms",
                extra=reference,
            )
        ]
        for name, path in paths.items():
            _s, _b = get(front_port, path)  # the first fills nginx's cache
            figures = load(f"http://127.0.0.1:{front_port}{path}", seconds)
            rate = figures["req_per_s"]
            share = rate / static_rate if static_rate else 0.0
            log(f"nginx front {name}: {rate:,.0f} req/s ({share:.0%} of static)")
            rows.append(
                Result(
                    key=f"cached_pages.nginx.{name}",
                    figure=f"Cached {name} page ({path}) behind nginx (deploy/nginx.conf)",
                    target=f"≥ {NGINX_SHARE_TARGET:.0%} of the static rate",
                    measured=round(rate),
                    unit="req/s",
                    met=share >= NGINX_SHARE_TARGET,
                    reference="cached_pages.nginx_static",
                    note=(
                        f"{share:.0%} of the static rate; proxy_cache 10 s; "
                        f"p50 {figures['p50_ms']:.2f} ms"
                    ),
                    extra={**figures, "share_of_static": share},
                )
            )
    return rows


def redis_cli(*args: str) -> str:
    return subprocess.run(  # noqa: S603
        ["redis-cli", "-n", str(REDIS_DB), *args],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def run(smoke: bool) -> list[Result]:
    seconds = 1.0 if smoke else 10.0
    rows: list[Result] = []
    with Site("cached", "sqlite") as site:
        site.prepare()
        with Gunicorn(site) as server:
            paths = pages(server.port)
            warm(server.port, paths)
            rows += django_rows(server, paths, seconds, "file cache (single-host default)", "file")
            rows += nginx_rows(server, site, paths, seconds)
        if redis_cli("ping") != "PONG":
            log("redis does not answer: no Redis rows")
            return rows
        redis_cli("flushdb")
        try:
            env = {"REDIS_URL": f"redis://127.0.0.1:6379/{REDIS_DB}"}
            with Gunicorn(site, env=env) as server:
                warm(server.port, paths)
                rows += django_rows(server, paths, seconds, "Redis cache", "redis")
        finally:
            redis_cli("flushdb")
    return rows


if __name__ == "__main__":
    import sys

    for row in run("--smoke" in sys.argv):
        print(json.dumps(row.as_dict(), ensure_ascii=False))
