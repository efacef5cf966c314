"""Chinese full-text search at 100,000 items (issue 9, target 3), on SQLite and PostgreSQL.

For each engine: a Site with the demo district, then N generated live items (100,000; smoke
2,000) — real page rows cloned from demo items (so the API serialises them like any other
item) whose searchable text is derived from the demo items' sentences with seeded variations,
indexed through the project's own path (``SearchDocument`` rows and ``backend().upsert`` of
``segment()``-ed text, as ``index_pages`` does). Some documents carry known needles.

Rows per engine:
- ``search.<engine>.engine.p50/p95``: ``guanwu.portal.search.search()`` in-process (page 1 of
  10), over a mix of 1-, 2- and 4+-character words, phrases, two-word queries, words with no
  hit and common words such as 海关 and 关税 that match most of the corpus;
- ``search.<engine>.api.p50/p95``: sequential ``GET /api/v1/search/?q=`` through gunicorn
  (2 sync workers, production settings, page cache off), same query mix;
- ``search.<engine>.recall``: for every needle query, the share of the documents containing
  the query string (brute-force scan of the stored text) that the search finds.

The engine part runs in a child process with the Site's environment (``python bench/search.py
--worker``), which prints its figures as one JSON line.
"""

from __future__ import annotations

import json
import random
import re
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import quote

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import lib
from lib import Result, log, percentile

FULL_ITEMS = 100_000
SMOKE_ITEMS = 2_000
FULL_QUERIES = 600
SMOKE_QUERIES = 60
ENGINE_P95_MS = 10.0
API_P95_MS = 30.0

# Made-up words that occur nowhere in the demo district: (needle, share of the generated items).
NEEDLES = [
    ("鸭嘴兽条款", 0.0004),
    ("袋鼠", 0.00005),
    ("鸸鹋检疫证明", 0.004),
    ("麟", 0.0015),
    ("zq7x认证", 0.0002),
    ("考拉通关便利化试点", 0.001),
]
NO_HIT = ["鸵鸟蛋糕", "火星通关", "犰狳", "独角兽备案", "qqzzxx"]
COMMON = ["海关", "关税", "申报", "企业", "进出口", "税", "关"]
CJK_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")


# --- the worker: runs inside Django against the Site's database ---------------------------------


def _sentences(texts: list[str]) -> list[str]:
    pieces = []
    for text in texts:
        for piece in re.split(r"(?<=[。；！？\n])", text):
            piece = piece.strip()
            if 8 <= len(piece) <= 160:
                pieces.append(piece)
    return pieces


def _vary(sentence: str, rng: random.Random, units: list[str]) -> str:
    """A sentence with its numbers and (sometimes) its unit changed: same vocabulary, new text."""
    sentence = re.sub(r"\d+", lambda m: str(rng.randint(1, 9999)), sentence)
    if units and rng.random() < 0.3:
        sentence = rng.choice(units) + sentence
    return sentence


def generate(n: int, seed: int = 20261127) -> dict[str, Any]:
    """Insert ``n`` live items cloned from demo items, with generated searchable text."""
    from django.db import connection, transaction

    from guanwu.disclosure.models import DisclosureItemPage
    from guanwu.portal.models import SearchDocument
    from guanwu.portal.search.backends import backend
    from guanwu.portal.search.text import segment

    rng = random.Random(seed)
    docs = list(SearchDocument.objects.all())
    sources = list(
        DisclosureItemPage.objects.live()
        .filter(pk__in=[d.page_id for d in docs])
        .select_related("owning_unit")
        .specific()
    )
    by_id = {d.page_id: d for d in docs}
    body_pool = _sentences([d.body_text for d in docs]) or ["海关依法对进出口货物实施监管。"]
    field_pool = _sentences([d.fields_text for d in docs]) or body_pool
    titles = [d.title for d in docs]
    units = sorted({s.owning_unit.name for s in sources})

    # Needles: each goes into a fixed random set of generated items.
    needle_docs: dict[int, list[str]] = {}
    for needle, share in NEEDLES:
        count = max(3, round(share * n))
        for index in rng.sample(range(n), count):
            needle_docs.setdefault(index, []).append(needle)

    with connection.cursor() as cursor:
        cursor.execute("SELECT MAX(id) FROM wagtailcore_page")
        next_id = int(cursor.fetchone()[0]) + 1000

    # The rows of each table of a source's model chain (Page → DisclosureItemPage → type).
    def chain(page: Any) -> list[tuple[str, str, dict[str, Any]]]:
        out = []
        model = type(page)
        for klass in [*reversed(model._meta.get_parent_list()), model]:
            table, pk = klass._meta.db_table, klass._meta.pk.column
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT * FROM {table} WHERE {pk} = %s", [page.pk])  # noqa: S608  # nosec B608  # table and column names from the models
                names = [c[0] for c in cursor.description]
                out.append((table, pk, dict(zip(names, cursor.fetchone(), strict=True))))
        return out

    templates = {s.pk: chain(s) for s in sources}
    parents: dict[str, int] = {}  # parent path -> next child number
    start_step = int("K000", 36)
    tables: dict[str, tuple[list[str], list[tuple[Any, ...]]]] = {}
    search_docs, index_rows = [], []
    for i in range(n):
        source = sources[i % len(sources)]
        template = templates[source.pk]
        page_id = next_id + i
        parent_path = source.path[:-4]
        step = parents.get(parent_path, start_step)
        parents[parent_path] = step + 1
        digits = ""
        value = step
        for _ in range(4):
            value, rest = divmod(value, 36)
            digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"[rest] + digits
        title = f"{rng.choice(titles)}（{rng.choice(units)}第{i + 1}号）"
        fields = "\n".join(_vary(s, rng, units) for s in rng.sample(field_pool, rng.randint(2, 5)))
        body_parts = [_vary(s, rng, units) for s in rng.sample(body_pool, rng.randint(3, 8))]
        for needle in needle_docs.get(i, []):
            at = rng.randrange(len(body_parts))
            part = body_parts[at]
            # Only where a word can start: a Latin needle glued to other letters or digits
            # (A5073zq7x) is one token and is not found by zq7x — a limit of the token rules,
            # as it was before this benchmark (token rules: see portal/search/text.py).
            cuts = [
                c
                for c in range(len(part) + 1)
                if not (c > 0 and part[c - 1].isascii() and part[c - 1].isalnum())
                and not (c < len(part) and part[c].isascii() and part[c].isalnum())
            ]
            cut = rng.choice(cuts)
            body_parts[at] = part[:cut] + needle + part[cut:]
        body = "\n".join(body_parts)
        for table, pk, row in template:
            row = dict(row)
            row[pk] = page_id
            if table == "wagtailcore_page":
                row.update(
                    path=parent_path + digits,
                    numchild=0,
                    title=title,
                    draft_title=title,
                    slug=f"bench-{page_id}",
                    url_path=row["url_path"].rstrip("/").rsplit("/", 1)[0] + f"/bench-{page_id}/",
                    translation_key=str(uuid.UUID(int=rng.getrandbits(128))),
                )
            columns, values = tables.setdefault(table, (list(row), []))
            values.append(tuple(row[c] for c in columns))
        source_doc = by_id[source.pk]
        search_docs.append(
            SearchDocument(
                page_id=page_id,
                category=source_doc.category,
                subitem=source_doc.subitem,
                unit=source_doc.unit,
                title=title,
                fields_text=fields,
                body_text=body,
            )
        )
        index_rows.append((page_id, segment(title), segment(fields), segment(body)))

    with transaction.atomic(), connection.cursor() as cursor:
        for table in [t for t, _pk, _row in templates[sources[0].pk]] + sorted(
            {t for chains in templates.values() for t, _pk, _row in chains}
        ):
            if table not in tables:
                continue
            columns, values = tables.pop(table)
            sql = (
                f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608  # nosec B608  # table and column names from the models
                f"VALUES ({', '.join(['%s'] * len(columns))})"
            )
            for i in range(0, len(values), 5000):
                cursor.executemany(sql, values[i : i + 5000])
        for path, step in parents.items():
            cursor.execute(
                "UPDATE wagtailcore_page SET numchild = numchild + %s WHERE path = %s",
                [step - start_step, path],
            )
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('wagtailcore_page', 'id'), "
                "(SELECT MAX(id) FROM wagtailcore_page))"
            )
        SearchDocument.objects.bulk_create(search_docs, batch_size=2000)
        for i in range(0, len(index_rows), 5000):
            backend().upsert(index_rows[i : i + 5000])
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {"needles": [needle for needle, _share in NEEDLES]}


def query_mix(count: int, seed: int = 7) -> list[str]:
    """Words of every kind, drawn from the stored text (so most of them hit)."""
    from guanwu.portal.models import SearchDocument

    rng = random.Random(seed)
    texts = list(SearchDocument.objects.order_by("?").values_list("body_text", "fields_text")[:400])
    runs = [r for body, fields in texts for r in CJK_RUN.findall(body + "\n" + fields)]

    def word(length: int) -> str:
        for _ in range(100):
            run = rng.choice(runs)
            if len(run) >= length:
                start = rng.randrange(len(run) - length + 1)
                return run[start : start + length]
        return rng.choice(runs)[:length]

    kinds = [
        lambda: word(1),
        lambda: word(2),
        lambda: word(2),
        lambda: word(rng.randint(4, 6)),
        lambda: word(rng.randint(4, 6)),
        lambda: word(rng.randint(8, 12)),
        lambda: f"{word(2)} {word(rng.randint(2, 4))}",
        lambda: rng.choice(NO_HIT),
        lambda: rng.choice(COMMON),
        lambda: rng.choice([n for n, _s in NEEDLES]),
    ]
    return [rng.choice(kinds)() for _ in range(count)]


def recall() -> dict[str, Any]:
    """For each needle query: documents containing it (scan) vs. documents the search finds."""
    from guanwu.portal.models import SearchDocument
    from guanwu.portal.search import search
    from guanwu.portal.search.text import normalise

    texts = [
        (pk, normalise(f"{t}\n{f}\n{b}"))
        for pk, t, f, b in SearchDocument.objects.values_list(
            "page_id", "title", "fields_text", "body_text"
        ).iterator(chunk_size=5000)
    ]
    queries = [n for n, _s in NEEDLES] + ["鸭嘴兽条款 鸸鹋检疫证明", "麟 考拉"]
    out = []
    for query in queries:
        words = normalise(query).split()
        expected = {pk for pk, text in texts if all(w in text for w in words)}
        results = search(query, page_size=1000)
        found = {hit.page.pk for hit in results.hits}
        out.append(
            {
                "query": query,
                "expected": len(expected),
                "found": len(expected & found),
                "extra": len(found - expected),
                "total": results.total,
            }
        )
    return {"queries": out}


def engine_latency(queries: list[str]) -> dict[str, Any]:
    from django.db import connection, reset_queries

    from guanwu.portal.search import search

    for query in queries[:20]:  # warm the page cache of the database and the process
        search(query)
    timings, by_kind, cpu = [], {}, []
    query_counts = []
    for query in queries:
        reset_queries()
        started, cpu_started = time.perf_counter(), time.process_time()
        results = search(query)
        elapsed = (time.perf_counter() - started) * 1000
        cpu.append((time.process_time() - cpu_started) * 1000)
        timings.append(elapsed)
        query_counts.append(len(connection.queries))
        kind = "common" if query in COMMON else f"{len(query)}ch"
        by_kind.setdefault(kind, []).append(elapsed)
        del results
    return {
        "p50": percentile(timings, 50),
        "p95": percentile(timings, 95),
        "max": max(timings),
        # CPU of this process alone (SQLite runs in it; PostgreSQL's server is not counted):
        # the figure to trust on a loaded machine.
        "cpu_p50": percentile(cpu, 50),
        "cpu_p95": percentile(cpu, 95),
        "queries_per_search_max": max(query_counts),
        "by_kind_p95": {k: round(percentile(v, 95), 2) for k, v in sorted(by_kind.items())},
    }


def worker(args: dict[str, Any]) -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    settings.DEBUG = False
    connection.force_debug_cursor = True  # count queries per search
    out: dict[str, Any] = {}
    if args.get("generate"):
        started = time.monotonic()
        generate(args["generate"])
        out["generate_s"] = time.monotonic() - started
    queries = query_mix(args["queries"])
    out["queries"] = queries
    connection.force_debug_cursor = True
    out["engine"] = engine_latency(queries)
    connection.force_debug_cursor = False
    out["recall"] = recall()
    print(json.dumps(out, ensure_ascii=False))


def run_worker(site: lib.Site, args: dict[str, Any]) -> dict[str, Any]:
    result = subprocess.run(  # noqa: S603
        [sys.executable, str(Path(__file__).resolve()), "--worker", json.dumps(args)],
        cwd=lib.ROOT,
        env=site.env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"search worker failed:\n{result.stderr[-4000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


# --- the benchmark ---------------------------------------------------------------------------


def api_latency(site: lib.Site, queries: list[str]) -> dict[str, Any]:
    with lib.Gunicorn(site, env={"GUANWU_PAGE_CACHE_SECONDS": "0"}) as server:
        for query in queries[:20]:
            lib.get(server.port, "/api/v1/search/?q=" + quote(query))
        timings, bad = [], 0
        for query in queries:
            started = time.perf_counter()
            status, _body = lib.get(server.port, "/api/v1/search/?q=" + quote(query))
            timings.append((time.perf_counter() - started) * 1000)
            bad += status != 200
    return {"p50": percentile(timings, 50), "p95": percentile(timings, 95), "bad": bad}


def measure(site: lib.Site, n: int, queries: int) -> dict[str, Any]:
    started = time.monotonic()
    data = run_worker(site, {"generate": n, "queries": queries})
    log(f"search {site.engine}: {n} items generated in {data['generate_s']:.0f} s, engine done")
    data["api"] = api_latency(site, data["queries"])
    data["seconds"] = time.monotonic() - started
    return data


def rows_for(engine: str, n: int, data: dict[str, Any]) -> list[Result]:
    eng, api = data["engine"], data["api"]
    note = (
        f"{n:,} generated items + the demo district; {len(data['queries'])} queries "
        "(1/2/4–6/8–12 characters, two words, no hit, common words, needles)"
    )
    found = sum(q["found"] for q in data["recall"]["queries"])
    expected = sum(q["expected"] for q in data["recall"]["queries"])
    recall_pct = 100.0 * found / expected if expected else float("nan")
    misses = [q for q in data["recall"]["queries"] if q["found"] < q["expected"]]
    return [
        Result(
            f"search.{engine}.engine.p50",
            f"search() p50 at {n:,} items ({engine})",
            "",
            round(eng["p50"], 2),
            "ms",
            None,
            note=note,
        ),
        Result(
            f"search.{engine}.engine.p95",
            f"search() p95 at {n:,} items ({engine})",
            f"≤ {ENGINE_P95_MS:g} ms",
            round(eng["p95"], 2),
            "ms",
            eng["p95"] <= ENGINE_P95_MS,
            note=note,
            extra={
                "by_kind_p95": eng["by_kind_p95"],
                "max_ms": round(eng["max"], 2),
                "process_cpu_p50_ms": round(eng["cpu_p50"], 2),
                "process_cpu_p95_ms": round(eng["cpu_p95"], 2),
                "queries_per_search_max": eng["queries_per_search_max"],
            },
        ),
        Result(
            f"search.{engine}.api.p50",
            f"GET /api/v1/search/ p50 at {n:,} items ({engine})",
            "",
            round(api["p50"], 2),
            "ms",
            None,
            note="sequential requests, fresh connections, gunicorn 2 sync workers, page cache off",
        ),
        Result(
            f"search.{engine}.api.p95",
            f"GET /api/v1/search/ p95 at {n:,} items ({engine})",
            f"≤ {API_P95_MS:g} ms",
            round(api["p95"], 2),
            "ms",
            api["p95"] <= API_P95_MS and api["bad"] == 0,
            note="sequential requests, fresh connections, gunicorn 2 sync workers, page cache off"
            + (f"; {api['bad']} non-200 answers" if api["bad"] else ""),
        ),
        Result(
            f"search.{engine}.recall",
            f"search recall on needle queries ({engine})",
            "100 % (unchanged)",
            round(recall_pct, 2),
            "%",
            found == expected,
            note=f"{found} of {expected} documents containing the query strings found"
            + (f"; misses: {misses}" if misses else ""),
            extra={"queries": data["recall"]["queries"]},
        ),
    ]


def run(smoke: bool) -> list[Result]:
    n = SMOKE_ITEMS if smoke else FULL_ITEMS
    count = SMOKE_QUERIES if smoke else FULL_QUERIES
    rows: list[Result] = []
    for engine in ("sqlite", "postgresql"):
        with lib.Site("search", engine) as site:
            site.prepare()
            data = measure(site, n, count)
            log(
                f"search {engine}: engine p95 {data['engine']['p95']:.1f} ms, "
                f"api p95 {data['api']['p95']:.1f} ms in {data['seconds']:.0f} s"
            )
            rows += rows_for(engine, n, data)
    return rows


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--worker":
        worker(json.loads(sys.argv[2]))
    else:
        for row in run("--smoke" in sys.argv):
            print(json.dumps(row.as_dict(), ensure_ascii=False))
