"""Search latency and recall on the demo district, and on a generated corpus of N items.

Run: .venv/bin/python bench/search_latency.py [N]   (uses a throwaway SQLite or the
DATABASE_URL database's test copy; never the real data). Prints p50/p95 in ms and recall.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guanwu.settings.test")

import django

django.setup()

from django.core.management import call_command
from django.test.utils import (
    setup_databases,
    setup_test_environment,
)


def main(extra: int) -> None:
    setup_test_environment()
    setup_databases(verbosity=0, interactive=False)
    call_command("load_demo", verbosity=0)

    from guanwu.portal.models import SearchDocument
    from guanwu.portal.search import search
    from guanwu.portal.search.backends import backend
    from guanwu.portal.search.text import segment

    if extra:
        rng = random.Random(7)
        bodies = [d.body_text + d.fields_text for d in SearchDocument.objects.all()]
        alphabet = "".join(bodies)
        base = 10_000_000
        rows = []
        for i in range(extra):
            text = "".join(rng.choice(alphabet) for _ in range(300))
            rows.append((base + i, segment(f"生成条目{i}"), "", segment(text)))
        backend().upsert(rows)

    docs = list(SearchDocument.objects.all())
    rng = random.Random(1)
    samples = []
    for _ in range(300):
        doc = rng.choice(docs)
        text = doc.body_text or doc.fields_text
        start = rng.randrange(0, max(1, len(text) - 4))
        word = "".join(ch for ch in text[start : start + 4] if "\u4e00" <= ch <= "\u9fff")
        if len(word) >= 2:
            samples.append((word, doc.page_id))
    found, timings = 0, []
    for word, page_id in samples:
        started = time.perf_counter()
        results = search(word, page_size=1000)
        timings.append((time.perf_counter() - started) * 1000)
        hit = page_id in {h.page.pk for h in results.hits}
        found += hit
        if not hit and os.environ.get("SHOW_MISSES"):
            print("miss:", word, page_id)
    timings.sort()
    p95 = timings[int(len(timings) * 0.95) - 1]
    print(
        f"documents={len(docs)} + generated={extra} queries={len(samples)} "
        f"recall={found / len(samples):.1%} p50={statistics.median(timings):.2f}ms p95={p95:.2f}ms"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 0)
