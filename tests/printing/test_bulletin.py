"""The uniform bulletin board (公开栏, seed 四.(一), 六.六): what it prints, read back from the
PDF, on one sheet, with its QR code and its record of revisions.

Laying a board out takes seconds (it is laid out more than once to find the type size that
fills the sheet), so the boards are built once for the module, inside a transaction rolled back
at its end; each test rolls back its own changes inside that one as usual.
"""

from __future__ import annotations

import hashlib
import io
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import transaction
from django.template.loader import render_to_string
from django.test import override_settings
from django.utils import timezone, translation

import pytest
from pypdf import PdfReader

from guanwu.disclosure.enums import DisclosureMode
from guanwu.disclosure.models import (
    CommitmentPage,
    DisclosureItemPage,
    IntegrityRulePage,
    LegalBasisPage,
    LicensingGuidePage,
)
from guanwu.organization.models import ContactLine, Hall, Post, Staff, Unit
from guanwu.printing import bulletin, services
from guanwu.printing.enums import EditionKind
from guanwu.printing.models import Edition
from tests.factories import publish

pytestmark = pytest.mark.django_db

BASE_URL = "https://guanwu.example.cn"
UNIT = "HH-XG"  # 海河新港海关, a branch customs with a hall, windows and staff
DISTRICT = "HH"  # the demo unit with the most to print (its divisions, their lines, heads)
HALL = "HH-JC-HALL2"  # 机场海关旅检服务大厅
OTHER_HALL = "HH-JC-HALL1"
DUTY_LINE = "022-6010 1000"  # 新港海关值班室
OTHER_UNITS_LINE = "022-6020 1000"  # 机场海关值班室: another branch's
DISTRICT_REPORT_LINE = "022-6000 1010"
SUPERVISION_REPORT_LINE = "022-6000 1012"
OWN_COMMITMENT = "查验及时承诺"  # 新港海关's own
DISTRICT_COMMITMENT = "首问负责承诺"  # the centre's: binds every unit
OTHER_BRANCH_COMMITMENT = "一次性告知承诺"  # 开发区海关's
OTHER_BRANCH_RULE_UNIT = "HH-KFQ"
DRAFT_PROMISE = "草稿专用标记：本承诺修订稿尚未经法规处审核"
DRAFT_DUTIES = "草稿专用标记：职责调整稿尚未经法规处审核"
A1 = (1683.78, 2383.94)  # 594 × 841 mm in points
A3 = (841.89, 1190.55)


@dataclass
class Built:
    edition: Edition
    pdf: bytes
    path: Path
    text: str  # pdftotext -raw, all pages, whitespace removed
    pages: list[str]

    @property
    def first_page(self) -> str:
        return self.pages[0]


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def run(*args: str, check: bool = True) -> str:
    """Run a poppler-utils (or zbar) tool on a file of these tests; its standard output."""
    return subprocess.run(args, capture_output=True, check=check, text=True).stdout  # noqa: S603


def read_back(edition: Edition, folder: Path) -> Built:
    with edition.pdf.open("rb") as file:
        pdf = file.read()
    path = folder / Path(edition.pdf.name).name
    path.write_bytes(pdf)
    pages = run("pdftotext", "-raw", str(path), "-").split("\f")[: edition.page_count]
    return Built(edition, pdf, path, squeeze("".join(pages)), [squeeze(p) for p in pages])


@pytest.fixture(scope="module")
def boards(django_db_setup, django_db_blocker, tmp_path_factory):
    """A unit's board (A1, the default), the district's (A1 and A3) and a hall's (through the
    command, A2), built once, with pending drafts in place."""
    folder = tmp_path_factory.mktemp("boards")
    with (
        django_db_blocker.unblock(),
        transaction.atomic(),
        override_settings(WAGTAILADMIN_BASE_URL=BASE_URL),
    ):
        if not Unit.objects.exists():  # a transactional test flushed it (see conftest.demo)
            call_command("load_demo", verbosity=0)
        liaison = get_user_model().objects.get(username="liaison")
        # Pending drafts of a live commitment page and of a live snippet: the public, and
        # the board, keep the approved text (DESIGN rule 1).
        page = CommitmentPage.objects.get(title=OWN_COMMITMENT)
        page.promise = DRAFT_PROMISE
        page.save_revision(user=liaison)
        unit = Unit.objects.get(code=UNIT)
        draft = unit.get_latest_revision_as_object()
        draft.duties = DRAFT_DUTIES
        draft.save_revision(user=liaison)

        built = {
            "unit": services.build_edition(kind=EditionKind.BULLETIN, unit=unit),
            "district_a1": services.build_edition(
                kind=EditionKind.BULLETIN, unit=Unit.objects.get(code=DISTRICT), size="A1"
            ),
            "district_a3": services.build_edition(
                kind=EditionKind.BULLETIN, unit=Unit.objects.get(code=DISTRICT), size="A3"
            ),
        }
        out, err = io.StringIO(), io.StringIO()
        call_command(
            "build_bulletin",
            hall=HALL.lower(),
            size="a2",
            output=str(folder / "copies") + "/",
            stdout=out,
            stderr=err,
        )
        built["hall"] = Edition.objects.get(kind=EditionKind.BULLETIN, scope=f"hall:{HALL}")
        result = {name: read_back(edition, folder) for name, edition in built.items()}
        result["command"] = (out.getvalue(), err.getvalue(), folder / "copies")
        yield result
        transaction.set_rollback(True)


@pytest.fixture
def unit_board(boards) -> Built:
    return boards["unit"]


@pytest.fixture
def hall_board(boards) -> Built:
    return boards["hall"]


def live_titles(model) -> list[str]:
    return list(model.objects.live().values_list("title", flat=True))


# --- DESIGN rule 2: categories 一, 五, 六 of the board's own unit --------------------------


def test_rule_2_the_bulletin_carries_categories_1_5_and_6_only(unit_board):
    text = unit_board.text
    for heading in ("一机构设置", "五廉政纪律", "六对外承诺"):
        assert heading in text
    for heading in ("二执法依据", "三办事程序", "四执法权限"):
        assert heading not in text
    # No item of categories 二–四: neither a licensing guide nor a legal basis.
    for title in [*live_titles(LicensingGuidePage)[:3], *live_titles(LegalBasisPage)[:3]]:
        assert squeeze(title) not in text, title
    categories = set(unit_board.edition.entries.values_list("category", flat=True))
    assert categories == {1, 5, 6}


def test_a_unit_board_shows_its_own_lines_windows_and_staff_and_no_other_branch(unit_board):
    text = unit_board.text
    unit = Unit.objects.get(code=UNIT)
    assert squeeze(unit.name) in text
    assert unit_board.edition.title == "海河新港海关关务公开栏"
    for number in (DUTY_LINE, DISTRICT_REPORT_LINE, SUPERVISION_REPORT_LINE):
        assert squeeze(number) in text, number
    assert squeeze(OTHER_UNITS_LINE) not in text
    for post in Post.objects.live().filter(unit__parent=unit):
        assert squeeze(f"{post.sign_code}{post.name}") in text, post
    for person in Staff.objects.live().active().filter(unit__in=[unit, *unit.children.all()]):
        assert squeeze(f"{person.work_number}{person.name}") in text, person
    # Category 五: the integrity rules of the district's organs and of this branch; 六: the
    # same for commitments. Another branch's commitment stays off.
    assert DISTRICT_COMMITMENT in text
    assert OWN_COMMITMENT in text
    assert OTHER_BRANCH_COMMITMENT not in text
    for rule in IntegrityRulePage.objects.live().exclude(owning_unit__code=OTHER_BRANCH_RULE_UNIT):
        assert squeeze(rule.title) in text, rule.title
    assert squeeze(f"{BASE_URL}/cases/new/integrity_report/") in text


def test_a_hall_board_shows_that_halls_windows_and_their_staff(hall_board):
    text = hall_board.text
    hall = Hall.objects.get(code=HALL)
    assert hall_board.edition.title == f"{hall.name}关务公开栏"
    assert hall_board.edition.hall == hall
    assert squeeze(hall.opening_hours) in text
    for post in Post.objects.live().filter(hall=hall):
        assert squeeze(f"{post.sign_code}{post.name}") in text, post
        for person in post.staff.all():
            assert squeeze(f"{person.name}{person.work_number}") in text, person
    for post in Post.objects.live().filter(hall__code=OTHER_HALL):
        assert squeeze(f"{post.sign_code}{post.name}") not in text, post
    assert squeeze(OTHER_UNITS_LINE) in text  # the airport customs' own duty line
    assert squeeze(DUTY_LINE) not in text  # not the new port's


def test_a_sections_board_shows_its_divisions_duty_line_and_the_district_lists_divisions(demo):
    section = bulletin.collect_board(unit=Unit.objects.get(code="HH-XG-ZHYW"), hall=None)
    assert DUTY_LINE in [line.number for line in section.lines]
    assert [block.unit.code for block in section.units] == ["HH-XG-ZHYW"]
    district = bulletin.collect_board(unit=Unit.objects.get(code=DISTRICT), hall=None)
    divisions = [block for block in district.units if not block.main]
    assert len(divisions) == Unit.objects.live().filter(parent__code=DISTRICT).count()
    # Each division's duties are on its own board; the district's lists name and address.
    assert all(block.brief and not block.duties for block in divisions)
    main = next(block for block in district.units if block.main)
    assert main.duties and not main.brief


# --- DESIGN rule 1: only what legal review approved ----------------------------------------


def test_rule_1_pending_drafts_are_not_printed(unit_board):
    text = unit_board.text
    assert squeeze(DRAFT_PROMISE) not in text
    assert squeeze(DRAFT_DUTIES) not in text
    page = CommitmentPage.objects.get(title=OWN_COMMITMENT)
    assert page.latest_revision_id != page.live_revision_id
    assert squeeze(page.promise) in text  # the approved revision is what is printed
    unit = Unit.objects.get(code=UNIT)
    assert squeeze(unit.duties.splitlines()[0]) in text


def test_the_edition_records_the_live_revision_of_every_printed_object(unit_board):
    edition = unit_board.edition
    entries = {(e.content_type.model, e.object_id): e.revision_id for e in edition.entries.all()}
    page = CommitmentPage.objects.get(title=OWN_COMMITMENT)
    assert entries[("commitmentpage", str(page.pk))] == page.live_revision_id
    unit = Unit.objects.get(code=UNIT)
    assert entries[("unit", str(unit.pk))] == unit.live_revision_id != unit.latest_revision_id
    line = ContactLine.objects.get(number=DUTY_LINE)
    assert entries[("contactline", str(line.pk))] == line.live_revision_id
    for model in ("post", "staff", "integrityrulepage"):
        assert any(key[0] == model for key in entries), model
    assert all(revision is not None for revision in entries.values())
    assert edition.sha256 == hashlib.sha256(unit_board.pdf).hexdigest()


def test_a_published_change_to_a_printed_line_makes_the_edition_out_of_date(unit_board):
    edition = unit_board.edition
    assert not services.is_out_of_date(edition)  # drafts do not count
    line = ContactLine.objects.get(number=DUTY_LINE)
    line.hours = "全天24小时，节假日照常"
    publish(line)
    assert services.is_out_of_date(edition)
    assert services.changes_since_built(edition).changed == [str(line)]


def test_the_staleness_check_collects_the_same_objects_without_laying_out(unit_board, monkeypatch):
    def no_layout(*args, **kwargs):
        raise AssertionError("laid out for a staleness check")

    monkeypatch.setattr(bulletin, "_fill", no_layout)
    collected = bulletin.build_bulletin_content(
        unit=unit_board.edition.unit, hall=None, size="A1", edition=None
    )
    keys = {(type(p.obj)._meta.model_name, str(p.obj.pk)) for p in collected.objects}
    assert keys == {(e.content_type.model, e.object_id) for e in unit_board.edition.entries.all()}
    assert collected.context["edition_label"] == "样张 · 未编版次"


def test_the_board_is_in_the_sites_language_whoever_asks(unit_board):
    with translation.override("en"):
        collected = bulletin.build_bulletin_content(
            unit=unit_board.edition.unit, hall=None, size="A1", edition=None
        )
        html = render_to_string(collected.template, collected.context)
    assert collected.title == "海河新港海关关务公开栏"
    assert "关务公开栏" in html
    assert "单位值班电话" in html
    assert "Customs disclosure board" not in html


# --- the sheet ---------------------------------------------------------------------------------


def sizes(built: Built) -> list[tuple[float, float]]:
    reader = PdfReader(io.BytesIO(built.pdf))
    return [(float(p.mediabox.width), float(p.mediabox.height)) for p in reader.pages]


def test_a1_by_default_a3_on_request_and_one_sheet_even_for_the_largest_unit(boards):
    assert boards["unit"].edition.size == "A1"
    for name, size in (("unit", A1), ("district_a1", A1), ("district_a3", A3)):
        built = boards[name]
        assert built.edition.page_count == 1, name
        assert sizes(built) == [pytest.approx(size, abs=1)], name
    # The district's board lists all its divisions and their lines, and still fits.
    district = boards["district_a3"].text
    for unit in Unit.objects.live().filter(parent__code=DISTRICT):
        assert squeeze(unit.name) in district, unit.name
    assert "本栏分页张贴" not in district


def test_footer_has_the_edition_number_and_date(unit_board):
    edition = unit_board.edition
    day = timezone.localdate(edition.created_at)
    label = f"第{edition.number}版·{day.year}年{day.month}月{day.day}日"
    assert label in unit_board.first_page


def test_the_qr_code_leads_to_the_units_page_on_the_website(unit_board, tmp_path):
    url = f"{BASE_URL}/directory/{UNIT}/"
    assert squeeze(url) in unit_board.first_page  # printed under the code too
    if shutil.which("zbarimg") is None:
        pytest.skip("zbarimg (zbar-tools) is not installed; the printed URL was checked")
    # ~1000 px across an A1 sheet: the code is still about 100 px wide.
    run(
        "pdftoppm",
        "-png",
        "-r",
        "43",
        "-f",
        "1",
        "-l",
        "1",
        str(unit_board.path),
        str(tmp_path / "page"),
    )
    image = next(tmp_path.glob("page*.png"))
    # zbarimg exits non-zero when it finds no code: the assertion says so.
    decoded = run("zbarimg", "-q", "--raw", str(image), check=False).split()
    assert decoded == [url]


def test_noto_cjk_is_embedded_and_no_other_font_was_needed(boards):
    for name in ("unit", "hall"):
        out = run("pdffonts", str(boards[name].path))
        fonts = [line.split() for line in out.splitlines()[2:] if line.strip()]
        assert fonts
        for font in fonts:
            font_name, emb = font[0], font[-5]
            # A glyph missing from Noto CJK would have pulled in a fallback font.
            assert "Noto-Sans-CJK-SC" in font_name, font_name
            assert emb == "yes", font_name


def test_every_printed_character_has_a_noto_cjk_glyph(boards):
    from fontTools.ttLib import TTCollection

    covered: set[int] = set()
    for path in (
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    ):
        for font in TTCollection(path).fonts:
            if font["name"].getDebugName(1).endswith(" SC"):
                covered |= set(font.getBestCmap())
    printed_chars = set(boards["unit"].text + boards["hall"].text + boards["district_a1"].text)
    assert "\ufffd" not in printed_chars
    assert not sorted(ch for ch in printed_chars if ord(ch) not in covered)


def test_a_board_too_long_for_one_sheet_runs_on_and_says_so(demo, monkeypatch, tmp_path):
    # Type too large for anything to fit: the board must run on, nothing cut.
    monkeypatch.setattr(bulletin, "BODY_STEPS_MM", (16.0,))
    edition = services.build_edition(
        kind=EditionKind.BULLETIN, hall=Hall.objects.get(code=HALL), size="A3"
    )
    built = read_back(edition, tmp_path)
    assert edition.page_count > 1
    assert str(edition.page_count) in edition.message
    # Everything the edition records as printed is on one of its pages.
    for entry in edition.entries.select_related("content_type"):
        if entry.content_type.model == "staff":
            assert entry.content_object.work_number in built.text
        else:
            assert squeeze(entry.title) in built.text, entry.title
    for number, page in enumerate(built.pages, 1):
        assert f"本栏分页张贴，页码：{number}/{edition.page_count}" in page


# --- command -------------------------------------------------------------------------------


def test_command_builds_reports_and_copies(boards):
    out, err, copies = boards["command"]
    edition = boards["hall"].edition
    assert edition.size == "A2"
    copied = copies / Path(edition.pdf.name).name
    assert hashlib.sha256(copied.read_bytes()).hexdigest() == edition.sha256
    assert f"{edition.title} 第 {edition.number} 版" in out
    assert f"页数：{edition.page_count}" in out
    assert edition.sha256 in out
    assert "100%" in err
    assert "超出一张" not in err


def test_command_refuses_unknown_units_halls_and_sizes_in_chinese(demo):
    before = Edition.objects.count()
    with pytest.raises(CommandError, match="没有代码为“NOPE”的单位"):
        call_command("build_bulletin", unit="NOPE")
    with pytest.raises(CommandError, match="没有代码为“NOPE”的报关大厅"):
        call_command("build_bulletin", hall="NOPE")
    with pytest.raises(CommandError, match="公开栏只能用：A0、A1、A2、A3"):
        call_command("build_bulletin", unit=UNIT, size="A4")
    with pytest.raises(CommandError, match="--unit"):
        call_command("build_bulletin")
    with pytest.raises(CommandError, match="不属于"):
        call_command("build_bulletin", unit=UNIT, hall=HALL)
    assert Edition.objects.count() == before


def test_withheld_and_ended_items_are_not_on_the_board(unit_board):
    text = unit_board.text
    for page in DisclosureItemPage.objects.filter(category__in=[5, 6]).exclude(live=True):
        assert squeeze(page.title) not in text, page.title
    for page in DisclosureItemPage.objects.filter(mode=DisclosureMode.WITHHELD):
        assert squeeze(page.title) not in text, page.title
