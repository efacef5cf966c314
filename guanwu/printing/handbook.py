"""The 关务公开手册 (seed 四.(二)): categories 二, 三 and 四, for the district or one unit.

Only live rows are read: a live page row is the revision legal review approved (DESIGN rule
1), so a pending draft, which lives only in later revisions, never reaches the paper. Withheld
items never do either (seed 五.三.4), and one-off notices only while they are in force.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.db.models import prefetch_related_objects as prefetch
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from wagtail.rich_text import expand_db_html

from guanwu.disclosure import selectors
from guanwu.disclosure.enums import (
    CATEGORY_DESCRIPTIONS,
    CATEGORY_NUMERALS,
    Category,
    DisclosureMode,
)
from guanwu.disclosure.models import DisclosureItemPage, SubItem
from guanwu.organization.enums import UnitFunction, UnitKind
from guanwu.organization.models import Hall, Unit

from . import parts
from .content import Collected, printed
from .enums import CATEGORIES, EditionKind
from .render import Rendered

TEMPLATE = "printing/handbook.html"

# Rich text comes from editors; on paper a link goes nowhere and an embed would make the
# renderer fetch something, so both are reduced to their text.
_DROPPED_TAGS = ("img", "iframe", "embed", "object", "video", "audio", "script", "style", "link")


@dataclass
class ItemView:
    """One item as the handbook lays it out."""

    page: DisclosureItemPage
    number: str
    anchor: str
    kind: str
    unit_name: str
    rich: dict[str, SafeString] = field(default_factory=dict)
    windows: list[Any] = field(default_factory=list)
    channels: list[Any] = field(default_factory=list)
    replaced_by: Any = None
    page_no: int | None = None  # where it starts in the book, once laid out

    @property
    def has_limits(self) -> bool:
        return bool(
            getattr(self.page, "statutory_limit_days", None)
            or getattr(self.page, "promised_limit_days", None)
        )


@dataclass
class Section:
    code: str
    name: str
    wording: str
    anchor: str
    items: list[ItemView] = field(default_factory=list)
    page_no: int | None = None


@dataclass
class Chapter:
    number: int
    numeral: str
    name: str
    description: str
    anchor: str
    sections: list[Section] = field(default_factory=list)
    page_no: int | None = None

    @property
    def heading(self) -> str:
        return f"{self.numeral}、{self.name}"

    @property
    def item_count(self) -> int:
        return sum(len(s.items) for s in self.sections)


# --- what is printed -----------------------------------------------------------------------


def unit_and_below(unit: Unit) -> set[int]:
    """The ids of ``unit`` and every unit under it (the tree is three levels deep)."""
    ids, frontier = {unit.pk}, {unit.pk}
    while frontier:
        frontier = set(Unit.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        frontier -= ids
        ids |= frontier
    return ids


def handbook_items(unit: Unit | None = None) -> QuerySet[DisclosureItemPage]:
    """The live, disclosable items of categories 二–四 (of ``unit`` and below), book order.

    ``selectors.live_items`` already leaves out drafts and withheld items; a notice (随时公开)
    is printed only while it is in force, since the paper outlives the notice.
    """
    items = (
        selectors.live_items()
        .filter(category__in=CATEGORIES[EditionKind.HANDBOOK])
        .filter(~Q(mode=DisclosureMode.IMMEDIATE) | selectors.in_force())
    )
    if unit is not None:
        items = items.filter(owning_unit_id__in=unit_and_below(unit))
    # Within a sub-item, the editors' order in the page tree; the id breaks ties.
    return items.order_by("category", "subitem__number", "path", "pk")


# --- titles --------------------------------------------------------------------------------


def district_of(unit: Unit | None) -> Unit | None:
    if unit is not None:
        return unit.path()[0]
    return Unit.objects.live().filter(kind=UnitKind.DISTRICT).first()


def unit_full_name(unit: Unit) -> str:
    """``海河新港海关综合业务一科``, ``海河海关法规处``: a name that stands alone on a cover.

    A branch customs house (分关) carries its own name; a division of the district's head
    office gets the district's name in front.
    """
    path = unit.path()
    district, below = path[0], path[1:]
    if not below:
        return district.name
    name = "".join(u.name for u in below)
    if below[0].function == UnitFunction.BRANCH or name.startswith(district.name):
        return name
    return district.name + name


def scope_name(unit: Unit | None) -> str:
    """Whose handbook it is: the district's name, or the unit's full name."""
    if unit is None:
        district = district_of(None)
        return district.name if district is not None else ""
    return unit_full_name(unit)


def handbook_title(unit: Unit | None) -> str:
    return _("%(name)s关务公开手册") % {"name": scope_name(unit)}


# --- layout --------------------------------------------------------------------------------


def print_html(html: str) -> SafeString:
    """Editor rich text for paper: Wagtail's references expanded, links and embeds as text."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(expand_db_html(html or ""), "html.parser")
    for tag in soup.find_all(_DROPPED_TAGS):
        tag.decompose()
    for tag in soup.find_all("a"):
        tag.unwrap()
    return mark_safe(str(soup))  # noqa: S308 - editor rich text, reviewed, with embeds removed  # nosec B308, B703


_RICH_FIELDS = ("body", "rules")


def _prefetch(pages: list[DisclosureItemPage]) -> None:
    """Windows, reporting lines and replacements for all pages of a type in one query each."""
    by_type: dict[type, list[DisclosureItemPage]] = defaultdict(list)
    for page in pages:
        by_type[type(page)].append(page)
    prefetch(pages, "owning_unit")
    for model, group in by_type.items():
        names = {f.name for f in model._meta.get_fields()}
        lookups = [
            lookup
            for name, lookup in (
                ("windows", "windows__hall"),
                ("reporting_channels", "reporting_channels"),
                ("replaced_by", "replaced_by"),
                ("responsible_unit", "responsible_unit"),
            )
            if name in names
        ]
        if lookups:
            prefetch(group, *lookups)


def _view(page: DisclosureItemPage, number: str) -> ItemView:
    view = ItemView(
        page=page,
        number=number,
        anchor=f"item-{page.pk}",
        kind=getattr(page, "api_type", "general"),
        # Only reviewed (live) units, windows and lines are named on paper (DESIGN rule 1).
        unit_name=page.owning_unit.name if page.owning_unit.live else "",
    )
    for name in _RICH_FIELDS:
        value = getattr(page, name, None)
        if value:
            view.rich[name] = print_html(value)
    if hasattr(page, "windows"):
        view.windows = [w for w in page.windows.all() if w.live]
    if hasattr(page, "reporting_channels"):
        view.channels = [c for c in page.reporting_channels.all() if c.live]
    replaced_by = getattr(page, "replaced_by", None)
    if replaced_by is not None and replaced_by.live:
        view.replaced_by = replaced_by
    return view


def _chapters(pages: Iterable[DisclosureItemPage]) -> list[Chapter]:
    by_subitem: dict[tuple[int, int | None], list[DisclosureItemPage]] = defaultdict(list)
    for page in pages:
        by_subitem[(page.category, page.subitem_id)].append(page)
    subitems = SubItem.objects.filter(category__in=CATEGORIES[EditionKind.HANDBOOK])
    chapters = []
    for category in CATEGORIES[EditionKind.HANDBOOK]:
        chapter = Chapter(
            number=int(category),
            numeral=CATEGORY_NUMERALS[category],
            name=str(Category(category).label),
            description=str(CATEGORY_DESCRIPTIONS[category]),
            anchor=f"chapter-{int(category)}",
        )
        for subitem in subitems:
            if subitem.category == category and by_subitem.get((category, subitem.pk)):
                chapter.sections.append(
                    Section(
                        code=subitem.code,
                        name=subitem.short_name,
                        wording=subitem.name,
                        anchor=f"section-{subitem.code.replace('.', '-')}",
                        items=by_subitem[(category, subitem.pk)],
                    )
                )
        # Sub-items are required in these categories; anything left over still gets printed.
        if by_subitem.get((category, None)):
            chapter.sections.append(
                Section(
                    code=f"{int(category)}.0",
                    name=_("其他"),
                    wording="",
                    anchor=f"section-{int(category)}-other",
                    items=by_subitem[(category, None)],
                )
            )
        for section in chapter.sections:
            section.items = [
                _view(page, f"{section.code}.{n}") for n, page in enumerate(section.items, 1)
            ]
        chapters.append(chapter)
    return chapters


def build_handbook_content(
    *, unit: Unit | None, hall: Hall | None = None, size: str, edition: Any
) -> Collected:
    """The handbook's template context and the items it prints (``content.Builder``).

    With ``edition=None`` only the object list is wanted (a staleness check): the layout work
    is skipped, the list is the same.
    """
    pages = list(handbook_items(unit).specific())
    objects = [printed(page, category=page.category) for page in pages]
    title = handbook_title(unit)
    if edition is None:
        return Collected(template=TEMPLATE, title=title, context={}, objects=objects)

    if unit is not None and not unit.live:
        # Its name and scope would be printed before legal review approved them.
        raise ValidationError(_("该单位尚未公开，不能编印手册。"))
    _prefetch(pages)
    chapters = _chapters(pages)
    district = district_of(unit)
    today = timezone.localdate()
    context = {
        "title": title,
        "cover_name": scope_name(unit),
        "district_name": district.name if district is not None else "",
        "unit": unit,
        "edition": edition,
        "edition_number": edition.number,
        "date": today,
        "size": size,
        "chapters": [c for c in chapters if c.sections],
        "item_count": len(pages),
        "limit_items": [
            (chapter, [i for s in chapter.sections for i in s.items if i.has_limits])
            for chapter in chapters
            if any(i.has_limits for s in chapter.sections for i in s.items)
        ],
    }
    return Collected(
        template=TEMPLATE,
        title=title,
        context=context,
        objects=objects,
        renderer=render_handbook,
    )


# --- rendering ---------------------------------------------------------------------------


def render_handbook(template: str, context: dict[str, Any]) -> Rendered:
    """The handbook laid out in parts and bound into one PDF (``parts``).

    The parts: the cover and contents, each chapter, the time-limit index. Each starts a page
    anyway (``h1.part``), so the pages are those of the book laid out whole; only one part's
    layout is alive at a time in a process.

    The chapters are laid out without their running headers and page numbers, the only thing
    on their pages that depends on where a chapter starts; so they are laid out side by side
    in worker processes (``parts.lay_out_in_processes``), while this process lays out the
    contents once with blank page numbers to learn its length (the numbers' box has a fixed
    width, so they do not change the layout). The page each chapter, section and item starts
    on is then read from the laid-out chapters' anchors (the book laid out whole needed
    ``target-counter`` and a second pass over all its pages); the contents are laid out with
    them, then the index, then the chapters' headers and page numbers as one document of
    otherwise empty pages (the ``stamp`` part), which ``parts.bind`` lays over the chapters'
    pages.
    """
    base_url = str(settings.BASE_DIR)
    chapters: list[Chapter] = context["chapters"]

    def html(part: str, first_page: int = 1, **extra: Any) -> str:
        return render_to_string(
            template,
            {
                "page_placeholder": "",
                **context,
                **extra,
                "part": part,
                "first_page": first_page,
                # WeasyPrint's first page is a right-hand one: an even-numbered first page
                # turns the part's left and right pages round.
                "flip": first_page % 2 == 0,
            },
        )

    # Three digits hold the place of the numbers: the widest the contents will print.
    placeholder_front = html("front", page_placeholder="000")
    front_pages = 0

    def count_front() -> None:
        nonlocal front_pages
        front_pages = parts.count_pages(placeholder_front, base_url)

    chapter_htmls = [html("chapter", chapter=chapter) for chapter in chapters]
    laid_out = parts.lay_out_in_processes(
        chapter_htmls,
        base_url,
        processes=settings.GUANWU_HANDBOOK_PROCESSES,
        meanwhile=count_front,
    )
    del chapter_htmls
    starts = _anchor_pages(laid_out, front_pages + 1)
    for chapter in chapters:
        chapter.page_no = starts.get(chapter.anchor)
        for section in chapter.sections:
            section.page_no = starts.get(section.anchor)
            for item in section.items:
                item.page_no = starts.get(item.anchor)
    page = front_pages + 1 + sum(part.page_count for part in laid_out)
    htmls = [html("front", limits_page_no=page)]
    front = parts.lay_out(htmls[0], base_url)
    if front.page_count != front_pages:  # pragma: no cover - the numbers' box is fixed
        raise RuntimeError("the contents changed length when their page numbers were set")
    # The chapters' pages only (before the index joins ``laid_out``).
    stamp_pages: list[str] = []
    for chapter, part in zip(chapters, laid_out, strict=True):
        stamp_pages += [chapter.heading] + [""] * (part.page_count - 1)
    if context["limit_items"]:
        htmls.append(html("index", page))
        laid_out.append(parts.lay_out(htmls[-1], base_url))
    stamps = None
    if stamp_pages:
        stamps = parts.lay_out(html("stamp", front_pages + 1, stamp_pages=stamp_pages), base_url)
        if stamps.page_count != len(stamp_pages):  # pragma: no cover - one div, one page
            raise RuntimeError("the running headers do not match the chapters' pages")
    laid_out.insert(0, front)
    return Rendered(
        pdf=parts.bind(laid_out, stamps=stamps, stamp_from=front_pages),
        page_count=sum(part.page_count for part in laid_out),
        html="".join(htmls),
    )


def _anchor_pages(laid_out: list[parts.Part], first_page: int) -> dict[str, int]:
    """Anchor -> the book's page number it is on, for parts laid out from ``first_page``."""
    pages: dict[str, int] = {}
    for part in laid_out:
        for name, (page, _x, _y) in part.anchors.items():
            pages.setdefault(name, first_page + page)
        first_page += part.page_count
    return pages
