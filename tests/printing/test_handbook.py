"""The 关务公开手册 (seed 四.(二)): what it prints, read back from the PDF.

Full renders take seconds, so the district handbook and one unit's are built once for the
module, inside a transaction rolled back at its end; each test rolls back its own changes
inside that one as usual.
"""

from __future__ import annotations

import hashlib
import io
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import override_settings

import pytest
from pypdf import PdfReader

from guanwu.disclosure.enums import DisclosureMode
from guanwu.disclosure.models import DisclosureItemPage, LicensingGuidePage, ProcedurePage
from guanwu.organization.models import Staff, Unit
from guanwu.printing import parts, services
from guanwu.printing.enums import EditionKind
from guanwu.printing.handbook import build_handbook_content, handbook_items
from guanwu.printing.models import Edition
from tests.factories import make_item, publish

pytestmark = pytest.mark.django_db

UNIT = "HH-XG"  # 海河新港海关: a division with items of its own
SECTION = "HH-XG-ZHYW"  # one of its sections
SECTION_ITEM = "新港海关综合业务科预约加班办理须知"
DRAFTED = "保税仓库设立审批办事指南"  # a live licensing guide that gets a pending draft
DRAFT_TEXT = "草稿专用标记：本段文字尚未经法规处审核"
DEMO_DRAFT = "进出口货物报关通关作业流程（2026年修订稿）"  # the demo's own pending draft
WITHHELD = "在办走私案件线索核查和查处进展情况"
A4 = (595.28, 841.89)
A5 = (419.53, 595.28)


@dataclass
class Built:
    edition: Edition
    pdf: bytes
    path: Path
    layout: list[str]  # pdftotext -layout, one string a page
    text: list[str]  # pdftotext in reading order, one string a page

    @property
    def compact(self) -> str:
        return squeeze("".join(self.text))


def poppler(*args: str) -> str:
    """Run a poppler-utils tool on a PDF of these tests."""
    return subprocess.run(  # noqa: S603
        args,
        capture_output=True,
        check=True,
        text=True,
    ).stdout


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def read_back(edition: Edition, folder: Path) -> Built:
    with edition.pdf.open("rb") as file:
        pdf = file.read()
    path = folder / Path(edition.pdf.name).name
    path.write_bytes(pdf)

    def pages(*flags: str) -> list[str]:
        return poppler("pdftotext", *flags, str(path), "-").split("\f")[: edition.page_count]

    return Built(edition, pdf, path, pages("-layout"), pages())


@pytest.fixture(scope="module")
def handbooks(django_db_setup, django_db_blocker, tmp_path_factory):
    """The district handbook (A4) and the new-port customs' (A5), built once."""
    folder = tmp_path_factory.mktemp("handbooks")
    with django_db_blocker.unblock(), transaction.atomic():
        legal = get_user_model().objects.get(username="legal")
        liaison = get_user_model().objects.get(username="liaison")
        # An item owned by a section below the unit: the unit's handbook carries it.
        publish(
            make_item(category=3, subitem="3.1", unit=SECTION, title=SECTION_ITEM), reviewer=legal
        )
        # A pending draft on a live item: the public, and the paper, keep the approved text.
        page = LicensingGuidePage.objects.get(title=DRAFTED)
        page.title = f"{DRAFTED}（草稿）"
        page.summary = DRAFT_TEXT
        page.save_revision(user=liaison)

        # The district's chapters are laid out in two worker processes, as a large book's
        # are (the demo's is below parts.PARALLEL_MIN_BYTES) when the setting asks for two;
        # the unit's in this process.
        threshold, parts.PARALLEL_MIN_BYTES = parts.PARALLEL_MIN_BYTES, 0
        try:
            with override_settings(GUANWU_HANDBOOK_PROCESSES=2):
                district = services.build_edition(kind=EditionKind.HANDBOOK, size="A4")
        finally:
            parts.PARALLEL_MIN_BYTES = threshold
        unit = services.build_edition(
            kind=EditionKind.HANDBOOK, unit=Unit.objects.get(code=UNIT), size="A5"
        )
        yield {"district": read_back(district, folder), "unit": read_back(unit, folder)}
        transaction.set_rollback(True)


@pytest.fixture
def district(handbooks) -> Built:
    return handbooks["district"]


@pytest.fixture
def unit_book(handbooks) -> Built:
    return handbooks["unit"]


def live_titles(*categories: int) -> list[str]:
    return list(
        DisclosureItemPage.objects.live()
        .filter(category__in=categories)
        .exclude(mode=DisclosureMode.WITHHELD)
        .values_list("title", flat=True)
    )


# --- contents -----------------------------------------------------------------------------


def test_rule_2_the_handbook_carries_categories_2_to_4_and_nothing_else(district):
    printed_titles = set(toc_items(district))
    assert printed_titles == {squeeze(p.title) for p in handbook_items()}
    for title in live_titles(2, 3, 4):
        if title.startswith("关于"):  # notices only while in force; the demo's have ended
            continue
        assert squeeze(title) in printed_titles, title
    text = district.compact
    for title in live_titles(1, 5, 6):
        assert squeeze(title) not in text, title
    assert district.edition.title == "海河海关关务公开手册"
    assert "第1版" in squeeze(district.text[0])
    assert "海河海关编印" in squeeze(district.text[0])


def test_rule_1_withheld_items_and_pending_drafts_are_not_printed(district):
    text = district.compact
    assert squeeze(WITHHELD) not in text
    assert squeeze(DEMO_DRAFT) not in text
    assert squeeze(DRAFT_TEXT) not in text
    assert f"{DRAFTED}（草稿）" not in text
    assert DRAFTED in text  # the approved revision is what is printed


def test_unit_handbook_holds_only_that_unit_and_the_units_below(unit_book):
    unit = Unit.objects.get(code=UNIT)
    assert unit_book.edition.title == "海河新港海关关务公开手册"
    own = handbook_items(unit)
    assert SECTION_ITEM in {page.title for page in own}
    assert set(toc_items(unit_book)) == {squeeze(page.title) for page in own}
    assert {e.object_id for e in unit_book.edition.entries.all()} == {str(p.pk) for p in own}
    # Other units' items are not printed (their titles may still be cited in a text).
    others = handbook_items().exclude(pk__in=own.values("pk"))
    assert others.exists()
    headings = squeeze("".join(unit_book.layout))
    for page in others:
        assert not re.search(r"\d\.\d\.\d+" + re.escape(squeeze(page.title)), headings)


def test_sizes_are_real_paper_sizes(district, unit_book):
    for built, (width, height) in ((district, A4), (unit_book, A5)):
        reader = PdfReader(io.BytesIO(built.pdf))
        assert len(reader.pages) == built.edition.page_count
        for page in reader.pages:
            box = page.mediabox
            assert float(box.width) == pytest.approx(width, abs=1)
            assert float(box.height) == pytest.approx(height, abs=1)


# --- page numbers ---------------------------------------------------------------------------

LEADER = re.compile(r"^\s*(?P<label>\S.*?)\s*\.{3,}\s*(?P<page>\d+)\s*$")


def toc_entries(built: Built) -> list[tuple[str, int]]:
    """(label, page) of each TOC line; a title wrapped onto a second line is joined."""
    entries, pending = [], ""
    for page in built.layout[1:]:
        lines = [line for line in page.splitlines() if line.strip()]
        if not any(LEADER.match(line) for line in lines):
            break  # the first page after the contents
        for line in lines[1:-1]:  # no running header, no page number
            if line.strip() == "目录":
                continue
            match = LEADER.match(line)
            if match is None:
                pending += line.strip()
                continue
            entries.append((squeeze(pending + match["label"]), int(match["page"])))
            pending = ""
    return entries


def toc_items(built: Built) -> dict[str, int]:
    """Item title -> page, from the contents (item entries start with their number)."""
    return {
        re.sub(r"^\d+\.\d+\.\d+", "", label): page
        for label, page in toc_entries(built)
        if re.match(r"\d+\.\d+\.\d+", label)
    }


def test_every_page_but_the_cover_shows_its_own_number(district):
    assert district.layout[0].split()[-1] != "1"  # the cover has no number
    for number, page in enumerate(district.layout[1:], 2):
        assert page.split()[-1] == str(number)


def test_toc_page_numbers_are_the_pages_the_chapters_and_items_start_on(district):
    entries = toc_entries(district)
    chapters = [(label, page) for label, page in entries if label[1] == "、"]
    assert [label for label, _page in chapters] == ["二、执法依据", "三、办事程序", "四、执法权限"]
    for label, page in chapters:
        lines = [line.strip() for line in district.layout[page - 1].splitlines() if line.strip()]
        # The chapter title heads its page; the running header of right-hand (odd) pages
        # names the chapter from there on, that of left-hand pages the handbook.
        assert squeeze(lines[1]) == label
        right = page if page % 2 else page + 1
        assert label in squeeze(district.layout[right - 1].splitlines()[0])
        assert district.edition.title in squeeze(district.layout[right].splitlines()[0])
    items = [(label, page) for label, page in entries if re.match(r"\d\.\d\.\d+", label)]
    assert len(items) == len(district.edition.entries.all())
    for label, page in entries:
        if label == "时限索引":
            continue
        assert label in squeeze(district.layout[page - 1]), (label, page)


def test_time_limit_index_lists_every_item_with_a_limit_and_its_page(district):
    collected = build_handbook_content(unit=None, size="A4", edition=district.edition, hall=None)
    expected = [
        item
        for _chapter, items in collected.context["limit_items"]
        for item in items
        if item.page.statutory_limit_days or item.page.promised_limit_days
    ]
    with_limits = [
        p
        for p in handbook_items().specific()
        if isinstance(p, ProcedurePage | LicensingGuidePage)
        and (p.statutory_limit_days or p.promised_limit_days)
    ]
    assert {item.page.pk for item in expected} == {p.pk for p in with_limits}
    index_start = dict(toc_entries(district))["时限索引"]
    rows = {}
    for page in district.layout[index_start - 1 :]:
        for line in page.splitlines():
            match = re.match(r"^\s*(\d+\.\d+\.\d+)\s+.*?\s(\d+)\s*$", line)
            if match:
                rows[match[1]] = int(match[2])
    assert set(rows) == {item.number for item in expected}
    for item in expected:
        page = district.layout[rows[item.number] - 1]
        assert squeeze(f"{item.number}{item.page.title}") in squeeze(page), item.number


def test_contents_and_index_links_go_to_the_pages_they_name(district):
    """The book is laid out in parts (printing.parts): the links from the contents and the
    time-limit index into the chapters are bound afterwards, and must land where the printed
    number says."""
    reader = PdfReader(io.BytesIO(district.pdf))
    entries = toc_entries(district)
    contents_pages = range(1, entries[0][1] - 1)  # 0-based: from the page after the cover
    targets = []
    for number in contents_pages:
        for annotation in reader.pages[number].get("/Annots") or []:
            link = annotation.get_object()
            if link.get("/Subtype") == "/Link":
                targets.append(reader.get_page_number(link["/Dest"][0].get_object()) + 1)
    # One link a contents line (a title wrapped onto two lines may give two), in book order.
    assert len(targets) >= len(entries)
    # (A title filling its last line pushes its number onto a line of its own, without
    # leader dots, which toc_entries does not read: hence a subset.)
    assert {page for _label, page in entries} <= set(targets)
    assert targets == sorted(targets)
    index_start = dict(entries)["时限索引"]
    index_targets = [
        reader.get_page_number(a.get_object()["/Dest"][0].get_object()) + 1
        for page in reader.pages[index_start - 1 :]
        for a in page.get("/Annots") or []
    ]
    assert index_targets
    printed = [
        int(m[1])
        for page in district.layout[index_start - 1 :]
        for m in re.finditer(r"^\s*\d+\.\d+\.\d+\s+.*?\s(\d+)\s*$", page, re.MULTILINE)
    ]
    assert index_targets == printed


def test_outline_holds_the_parts_chapters_sections_and_items(district):
    reader = PdfReader(io.BytesIO(district.pdf))
    top = [item for item in reader.outline if not isinstance(item, list)]
    titles = [item.title for item in top]
    assert titles[:2] == [district.edition.title, "目录"]
    assert [t for t in titles if t[1:2] == "、"] == ["二、执法依据", "三、办事程序", "四、执法权限"]
    assert titles[-1] == "时限索引"
    for item in top:
        page = reader.get_destination_page_number(item) + 1
        assert squeeze(item.title) in squeeze(district.layout[page - 1]), item.title


def test_parts_bind_links_across_parts():
    first = parts.lay_out('<p><a href="#far">to the second part</a></p>', ".")
    second = parts.lay_out(
        '<p style="break-after: page">one</p><h1 id="far" style="margin-top: 5cm">far</h1>', "."
    )
    assert (first.page_count, second.page_count) == (1, 2)
    assert second.anchors["far"][0] == 1
    reader = PdfReader(io.BytesIO(parts.bind([first, second])))
    assert len(reader.pages) == 3
    (annotation,) = reader.pages[0]["/Annots"]
    destination = annotation.get_object()["/Dest"]
    assert reader.get_page_number(destination[0].get_object()) == 2
    # The anchor's top, in PDF points from the page's foot: 5 cm below the top of the page
    # area (WeasyPrint's default page margin is 75 px, 56.25 pt).
    assert abs(float(destination[3]) - (841.89 - 56.25 - 5 / 2.54 * 72)) < 1


# --- fonts ------------------------------------------------------------------------------------


def test_noto_cjk_is_embedded_and_no_other_font_was_needed(district):
    out = poppler("pdffonts", str(district.path))
    fonts = [line.split() for line in out.splitlines()[2:] if line.strip()]
    assert fonts
    for font in fonts:
        name, emb = font[0], font[-5]
        # A glyph missing from Noto CJK would have pulled in a fallback font (DejaVu, say).
        assert "Noto" in name and "CJK" in name, name
        assert emb == "yes", name


def test_every_printed_character_has_a_noto_cjk_glyph(district, unit_book):
    from fontTools.ttLib import TTCollection

    covered: set[int] = set()
    for path in (
        "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    ):
        for font in TTCollection(path).fonts:
            if font["name"].getDebugName(1).endswith(" SC"):
                covered |= set(font.getBestCmap())
    printed_chars = set(district.compact + unit_book.compact)
    assert not sorted(ch for ch in printed_chars if ord(ch) not in covered)


# --- editions ---------------------------------------------------------------------------------


def test_edition_records_the_live_revision_of_every_printed_item(district):
    entries = {e.object_id: e.revision_id for e in district.edition.entries.all()}
    items = list(handbook_items())
    assert entries == {str(p.pk): p.live_revision_id for p in items}
    drafted = LicensingGuidePage.objects.get(title=DRAFTED)
    assert drafted.latest_revision_id != drafted.live_revision_id
    assert entries[str(drafted.pk)] == drafted.live_revision_id
    assert district.edition.sha256 == hashlib.sha256(district.pdf).hexdigest()


def test_staleness_follows_approved_revisions_not_drafts(district):
    edition = district.edition
    assert not services.is_out_of_date(edition)

    page = DisclosureItemPage.objects.get(title="中华人民共和国关税法").specific
    draft = page.get_latest_revision_as_object()
    draft.summary = "又一份待审核的草稿。"
    draft.save_revision()
    assert not services.is_out_of_date(edition)

    page.refresh_from_db()
    page.summary = "经法规处审核的新摘要。"
    publish(page)
    assert services.is_out_of_date(edition)
    assert services.changes_since_built(edition).changed == ["中华人民共和国关税法"]


def test_a_new_edition_lists_what_was_added_changed_and_removed(unit_book):
    unit = Unit.objects.get(code=UNIT)
    first = unit_book.edition
    own = list(handbook_items(unit).specific())
    changed, removed = own[0], own[-1]
    changed.summary = "修订后的摘要。"
    publish(changed)
    removed.unpublish()
    added = publish(
        make_item(
            category=4,
            subitem="4.5",
            unit=UNIT,
            title="新港海关罚没物品公开拍卖须知",
            liaison=Staff.objects.filter(unit__code=SECTION).first(),
        )
    )

    second = services.build_edition(kind=EditionKind.HANDBOOK, unit=unit, size="A5")

    assert second.number == first.number + 1
    assert services.previous_edition(second) == first
    changes = services.changes_since_previous(second)
    assert changes.added == [added.title]
    assert changes.changed == [changed.title]
    assert changes.removed == [removed.title]
    assert not services.is_out_of_date(second)


# --- command ----------------------------------------------------------------------------------


def test_command_builds_reports_and_copies(tmp_path):
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "build_handbook", unit="hh-jbc", size="a5", output=str(tmp_path), stdout=out, stderr=err
    )
    edition = Edition.objects.get(kind=EditionKind.HANDBOOK, scope="unit:HH-JBC")
    copied = tmp_path / Path(edition.pdf.name).name
    assert hashlib.sha256(copied.read_bytes()).hexdigest() == edition.sha256
    report = out.getvalue()
    assert "海河海关加工贸易及保税监管处关务公开手册 第 1 版" in report
    assert f"页数：{edition.page_count}" in report
    assert edition.sha256 in report
    assert "100%" in err.getvalue()
    assert edition.size == "A5"


def test_command_refuses_an_unknown_unit_or_size_in_chinese():
    before = Edition.objects.count()
    with pytest.raises(CommandError, match="没有代码为“NOPE”的单位"):
        call_command("build_handbook", unit="NOPE")
    with pytest.raises(CommandError, match="手册只能用：A4、A5"):
        call_command("build_handbook", size="A3")
    assert Edition.objects.count() == before


def test_parts_laid_out_in_worker_processes_are_those_laid_out_here(monkeypatch):
    """The chapters of a large book are laid out in worker processes (spawned: no Django,
    no database); the parts come back in order and as this process lays them out."""
    htmls = [
        f'<h1 id="p{n}">part {n}</h1>' + "<p style='break-before: page'>more</p>" * n
        for n in range(1, 4)
    ]
    assert parts.groups([len(h) for h in htmls], 2) == [[2], [0, 1]]
    monkeypatch.setattr(parts, "PARALLEL_MIN_BYTES", 0)
    ran = []
    laid_out = parts.lay_out_in_processes(htmls, ".", processes=2, meanwhile=lambda: ran.append(1))
    assert ran == [1]
    here = [parts.lay_out(h, ".") for h in htmls]
    assert [p.page_count for p in laid_out] == [p.page_count for p in here] == [2, 3, 4]
    assert [p.anchors for p in laid_out] == [p.anchors for p in here]
