"""Handbook build time, peak memory and page count at N items (default 500).

Run: .venv/bin/python bench/handbook.py [N] [--screenshots]

Works in a throwaway test database (never the real data): loads the demo district, adds live
items to categories 二–四 until the handbook holds N of them — real pages, published through
legal approval like the demo's, copied from the demo's items so the mix of types and the
length of texts stay realistic — and builds the district handbook through
``services.build_edition``. Prints the figures as a Markdown row.

``--add-only N`` adds the items to the database of the environment (DATABASE_URL, the
settings named by DJANGO_SETTINGS_MODULE) and builds nothing: bench/handbook_build.py uses it
on a throwaway site, then builds in a process of its own.

``--screenshots`` first renders the demo district's handbook as it is and writes its cover,
first contents page and first chapter page to docs/screenshots/handbook-p1/p2/p3.png.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guanwu.settings.test")

import django

django.setup()

from django.core.management import call_command
from django.test.utils import setup_databases, setup_test_environment

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "docs" / "screenshots"


def peak_mib() -> float:
    """The process's peak resident set so far (getrusage ru_maxrss, KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def poppler(*args: str) -> str:
    """Run a poppler-utils tool (Debian's poppler-utils, fixed arguments)."""
    return subprocess.run(  # noqa: S603
        args,
        capture_output=True,
        check=True,
        text=True,
    ).stdout


def screenshots() -> None:
    """Cover, contents and the first chapter page of the demo district's handbook."""
    import re

    from guanwu.printing import services

    edition = services.build_edition(kind="handbook", size="A4")
    with tempfile.TemporaryDirectory() as folder:
        pdf = Path(folder) / "handbook.pdf"
        with edition.pdf.open("rb") as file:
            pdf.write_bytes(file.read())
        text = poppler("pdftotext", "-layout", str(pdf), "-").split("")
        # The first page whose heading (after the running header) is a chapter title.
        heading = re.compile(r"二\s*、\s*执\s*法\s*依\s*据")
        lines = [[line for line in page.splitlines() if line.strip()] for page in text]
        first_chapter = next(
            n
            for n, page in enumerate(lines, 1)
            if len(page) > 1 and heading.fullmatch(page[1].strip())
        )
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for name, page in (("handbook-p1", 1), ("handbook-p2", 2), ("handbook-p3", first_chapter)):
            poppler(
                *("pdftoppm", "-png", "-r", "60", "-f", str(page), "-l", str(page)),
                *("-singlefile", str(pdf), str(SCREENSHOTS / name)),
            )
    print(f"screenshots: {SCREENSHOTS}/handbook-p1.png, -p2 (contents), -p3 (page {first_chapter})")


def add_items(target: int) -> tuple[int, float]:
    """Copies of the demo's category 二–四 items, published, until ``target`` are printed."""
    from django.contrib.auth import get_user_model

    from guanwu.demo import content
    from guanwu.demo.content_loader import PAGE_TYPES, _values
    from guanwu.disclosure.models import CategoryPage
    from guanwu.disclosure.services import content_publish_with_legal_approval
    from guanwu.printing.handbook import handbook_items

    specs = [
        spec
        for spec in content.ITEMS
        if spec["category"] in (2, 3, 4)
        and spec["mode"] not in ("withheld", "immediate")
        and not spec.get("replaced_by")
    ]
    categories = {page.number: page for page in CategoryPage.objects.all()}
    reviewer = get_user_model().objects.get(username="legal")
    missing = max(0, target - handbook_items().count())
    started = time.perf_counter()
    for n in range(missing):
        spec = specs[n % len(specs)]
        values, m2m = _values(spec)
        values["title"] = f"{values['title']}（样例{n + 1}）"
        page = PAGE_TYPES[spec["type"]](slug=f"bench-{n + 1}", live=False, **values)
        for name, objects in m2m.items():
            getattr(page, name).set(objects)
        categories[spec["category"]].add_child(instance=page)
        content_publish_with_legal_approval(obj=page, reviewer=reviewer, comment="bench")
    return missing, time.perf_counter() - started


def main(target: int, with_screenshots: bool) -> None:
    setup_test_environment()
    setup_databases(verbosity=0, interactive=False)
    call_command("load_demo", verbosity=0)
    if with_screenshots:
        screenshots()

    from guanwu.printing import services
    from guanwu.printing.handbook import handbook_items

    added, seconds = add_items(target)
    items = handbook_items().count()
    print(f"items: {items} (demo + {added} generated, published in {seconds:.1f} s)")

    marks: dict[int, float] = {}

    def progress(percent: int, message: str) -> None:
        marks[percent] = time.perf_counter()

    before = peak_mib()
    started = time.perf_counter()
    edition = services.build_edition(kind="handbook", size="A4", progress=progress)
    total = time.perf_counter() - started
    after = peak_mib()
    collect, layout, store = marks[20] - marks[5], marks[90] - marks[20], marks[100] - marks[90]
    print(
        "| items | pages | collect s | render s | store s | total s "
        "| peak RSS MiB (ru_maxrss, before → after) | PDF MB |"
    )
    print("|---|---|---|---|---|---|---|---|")
    print(
        f"| {items} | {edition.page_count} | {collect:.2f} | {layout:.2f} | {store:.2f} "
        f"| {total:.2f} | {before:.0f} → {after:.0f} | {edition.pdf.size / 1e6:.2f} |"
    )


if __name__ == "__main__":
    arguments = [a for a in sys.argv[1:] if not a.startswith("--")]
    if "--add-only" in sys.argv[1:]:
        added, seconds = add_items(int(arguments[0]) if arguments else 500)
        print(f"added {added} items in {seconds:.1f} s")
        sys.exit(0)
    main(int(arguments[0]) if arguments else 500, "--screenshots" in sys.argv[1:])
