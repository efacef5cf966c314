"""The uniform bulletin board (公开栏, seed 四.(一), 六.六, 六.八): categories 一, 五 and 六 of
one unit or one declaration hall on one sheet, A1 by default, A0 to A3 on request.

What a board shows (DESIGN rule 2; rule 1: live rows and live pages only, never a draft):

* A unit's board: the unit and its live sub-units one level down, with their windows,
  published phone lines and staff with work numbers. A division's board prints its sections'
  duties in full (sections have no board of their own); the district's board lists its
  divisions by name, address and phone lines, each division's duties being on that division's
  own board. A section's board shows the section with the phone lines of the units above it,
  so the public always finds a duty line.
* A hall's board: the hall, its windows with the staff at each, the units that staff them (and
  the hall's own unit) with their duties and phone lines.
* Category 五 and 六 on both: the integrity rules and commitments that apply there, i.e. those
  of the district's own organs (the district and its non-branch divisions, whose rules bind
  everyone) plus those of the branch customs (分关) the board's units belong to. Another
  branch's rules and commitments stay off. Category 五 also lists the reporting channels: the
  report lines of the district, the supervision office (监察室, seed 六.二) and the board's
  units, the supervision office's address and the website's reporting form.

Integrity rules are printed with their approved summary (the full text is one scan away on the
website); commitments with their whole promise and target. Nothing is cut to make it fit: the
type is set smaller, down to a floor still readable in front of the board, and only then does
the board run onto a second sheet (the build message says how many pages it has).
"""

from __future__ import annotations

import datetime
import html
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from guanwu.core.qr import qr_svg
from guanwu.disclosure import selectors as disclosure_selectors
from guanwu.disclosure.enums import Category, DisclosureMode, IntegrityRuleKind
from guanwu.disclosure.models import CommitmentPage, IntegrityRulePage
from guanwu.organization.enums import ContactLineKind, UnitFunction, UnitKind
from guanwu.organization.models import ContactLine, Hall, Post, Staff, Unit

from .content import Collected, Printed, printed

TEMPLATE = "printing/bulletin.html"

# Sheet sizes in millimetres (ISO 216), portrait.
SHEETS: dict[str, tuple[int, int]] = {
    "A0": (841, 1189),
    "A1": (594, 841),
    "A2": (420, 594),
    "A3": (297, 420),
}
REFERENCE_WIDTH_MM = 594  # the A1 sheet the type sizes below are set for

# Body type sizes on an A1 sheet, in mm, largest first. At 9 mm a Noto Sans CJK ideograph is
# about 8 mm tall, readable from two metres; a board with more to say steps down, the last
# step being the floor still readable standing in front of it. Headings and gaps follow the
# body size; every length scales with the sheet's width (A0 ×1.42, A2 ×0.71, A3 ×0.5), so a
# board reads the same from the same distance relative to its size.
BODY_STEPS_MM: tuple[float, ...] = (9.0, 8.4, 7.8, 7.2, 6.7, 6.2, 5.8, 5.4, 5.1, 4.8)
# Roughly how many body-sized characters (with their line spacing, headings and gaps) one
# A1 sheet holds at each step, per square millimetre of body size: calibrated on the demo
# boards, used to pick the first step to try (the layout then confirms it).
_FILL = 0.30
# Page margins and the footer's height on A1, in mm (the footer holds the QR code).
MARGIN_MM = 16
FOOTER_MM = 84
# A size is taken when it is predicted to fill at most this much of the sheet; laying a
# board out takes a second or more, so a build tries at most MAX_TRIES sizes.
TARGET_FILL = 0.96
MAX_TRIES = 4

# Order of the phone lines on the board: duty line first (seed 三.(一)).
_LINE_ORDER = {
    ContactLineKind.DUTY: 0,
    ContactLineKind.CONSULTATION: 1,
    ContactLineKind.CLEARANCE_110: 2,
    ContactLineKind.REPORT: 3,
}


# --- what the board shows ----------------------------------------------------------------


@dataclass
class UnitBlock:
    unit: Unit
    duties: list[str]
    main: bool = False
    # A division on the district's board: name, address and phone lines only, its duties being
    # on its own board (module doc).
    brief: bool = False


@dataclass
class PostRow:
    post: Post
    staff: list[Staff] = field(default_factory=list)


@dataclass
class RuleEntry:
    rule: IntegrityRulePage
    text: str


@dataclass
class RuleGroup:
    kind: str
    label: str
    entries: list[RuleEntry]


@dataclass
class Board:
    """Everything one board prints, in the order it prints it."""

    subject: str
    district: Unit | None
    hall: Hall | None
    units: list[UnitBlock]
    facts: list[tuple[str, str]]
    lines: list[ContactLine]
    hotlines: list[ContactLine]
    posts: list[PostRow]
    staff: list[Staff]
    rule_groups: list[RuleGroup]
    report_lines: list[ContactLine]
    supervision: Unit | None
    commitments: list[CommitmentPage]
    centre: Unit | None
    website_url: str
    report_url: str
    printed: list[Printed]

    def text_length(self) -> int:
        """About how many characters the board prints (to pick the first type size)."""
        parts: list[str] = [self.subject]
        parts += [b.unit.name + "".join(b.duties) for b in self.units]
        parts += [b.unit.address for b in self.units if b.brief]
        parts += [f"{a}{b}" for a, b in self.facts]
        for line in [*self.lines, *self.hotlines, *self.report_lines]:
            parts.append(f"{line.get_kind_display()}{line.number}{line.hours}{line.note}")
        for row in self.posts:
            parts.append(f"{row.post.sign_code}{row.post.name}{row.post.services}")
            parts += [f"{s.name}{s.work_number}" for s in row.staff]
        parts += [f"{s.work_number}{s.name}{s.title}" for s in self.staff]
        for group in self.rule_groups:
            parts.append(group.label)
            parts += [e.rule.title + e.text for e in group.entries]
        parts += [c.title + c.promise + c.target for c in self.commitments]
        # Every list entry starts a line: count a few characters for each one's ragged end.
        entries = len(parts) + sum(len(g.entries) for g in self.rule_groups)
        return sum(len(p) for p in parts) + 8 * entries


def build_bulletin_content(
    *, unit: Unit | None, hall: Hall | None, size: str, edition: Any
) -> Collected:
    """The board of ``unit`` or of ``hall``.

    With ``edition`` None (the staleness check) the objects are the same, but the type size is
    only estimated, never confirmed by laying the board out, and the footer has no edition.
    """
    # The board is a public notice in the site's language, whoever asked for it in whichever
    # language (the template switches to it as well: services render it after this returns).
    with translation.override(settings.LANGUAGE_CODE):
        board = collect_board(unit=unit, hall=hall)
        title = _("%(name)s关务公开栏") % {"name": board.subject}
        context: dict[str, Any] = {
            "board": board,
            "title": title,
            "board_language": settings.LANGUAGE_CODE,
        }
        context.update(_layout(board, size=size, edition=edition, context=context))
    note = _("；内容超出一张，须分张张贴") if context.get("overflow") else ""
    return Collected(
        template=TEMPLATE, title=title, context=context, objects=board.printed, note=note
    )


# --- collecting ---------------------------------------------------------------------------


class _Tree:
    """The live unit tree in memory: parents, branches and the functional bodies."""

    def __init__(self) -> None:
        self.units = {u.pk: u for u in Unit.objects.live()}
        self.district = next((u for u in self.units.values() if u.kind == UnitKind.DISTRICT), None)
        self.by_function = {u.function: u for u in self.units.values() if u.function}

    def chain(self, unit: Unit) -> list[Unit]:
        """``unit`` and its live ancestors, nearest first."""
        chain, seen = [], set()
        node: Unit | None = unit
        while node is not None and node.pk not in seen:
            seen.add(node.pk)
            chain.append(node)
            node = self.units.get(node.parent_id) if node.parent_id else None
        return chain

    def branch(self, unit_id: int | None) -> Unit | None:
        """The branch customs (分关) a unit belongs to; None for the district's own organs."""
        unit = self.units.get(unit_id) if unit_id else None
        if unit is None:
            return None
        return next(
            (u for u in self.chain(unit) if u.function == UnitFunction.BRANCH),
            None,
        )

    def applies(self, unit_id: int | None, branches: set[int]) -> bool:
        """A rule or commitment of ``unit_id`` applies where the board stands (module doc)."""
        if unit_id not in self.units:
            return False
        branch = self.branch(unit_id)
        return branch is None or branch.pk in branches


def collect_board(*, unit: Unit | None, hall: Hall | None) -> Board:
    """Read the live content of one board (no layout)."""
    tree = _Tree()
    if hall is not None:
        return _hall_board(tree, hall)
    if unit is None:
        raise ValidationError(_("公开栏须指定单位或报关大厅。"))
    return _unit_board(tree, unit)


def _live_unit(tree: _Tree, unit: Unit) -> Unit:
    live = tree.units.get(unit.pk)
    if live is None:
        raise ValidationError(_("单位“%(name)s”尚未公开，不能制作公开栏。") % {"name": unit.name})
    return live


def _unit_board(tree: _Tree, unit: Unit) -> Board:
    unit = _live_unit(tree, unit)
    children = sorted(
        (u for u in tree.units.values() if u.parent_id == unit.pk),
        key=lambda u: (u.sort_order, u.code),
    )
    scope = [unit, *children]
    scope_ids = [u.pk for u in scope]
    posts = [
        PostRow(post)
        for post in Post.objects.live()
        .filter(unit_id__in=scope_ids)
        .select_related("unit", "hall")
        .order_by("hall__sort_order", "hall__code", "sort_order", "sign_code")
    ]
    staff = list(
        _live_staff()
        .filter(unit_id__in=scope_ids)
        .order_by("unit__sort_order", "unit__code", "sort_order", "work_number")
    )
    facts = [
        (label, value)
        for label, value in ((_("办公地址"), unit.address), (_("办公时间"), unit.office_hours))
        if value
    ]
    blocks = [UnitBlock(unit, _paragraphs(unit.duties), main=True)]
    blocks += [
        UnitBlock(child, [] if brief else _paragraphs(child.duties), brief=brief)
        for child in children
        for brief in [child.kind == UnitKind.DIVISION]
    ]
    return _board(
        tree,
        subject=unit.name,
        hall=None,
        blocks=blocks,
        facts=facts,
        units=scope,
        posts=posts,
        staff=staff,
    )


def _hall_board(tree: _Tree, hall: Hall) -> Board:
    if not hall.live:
        raise ValidationError(
            _("报关大厅“%(name)s”尚未公开，不能制作公开栏。") % {"name": hall.name}
        )
    owner = _live_unit(tree, hall.unit)
    post_list = list(
        Post.objects.live()
        .filter(hall=hall, unit__live=True)
        .select_related("unit", "hall")
        .prefetch_related(Prefetch("staff", queryset=_live_staff()))
        .order_by("sort_order", "sign_code")
    )
    posts = [PostRow(post, list(post.staff.all())) for post in post_list]
    staff: dict[int, Staff] = {}
    for row in posts:
        for person in row.staff:
            staff.setdefault(person.pk, person)
    present: dict[int, Unit] = {owner.pk: owner}
    for row in posts:
        present.setdefault(row.post.unit_id, tree.units[row.post.unit_id])
    scope = sorted(present.values(), key=lambda u: (u.level, u.sort_order, u.code))
    facts = [
        (label, value)
        for label, value in ((_("地址"), hall.address), (_("开放时间"), hall.opening_hours))
        if value
    ]
    blocks = [UnitBlock(u, _paragraphs(u.duties), main=u.pk == owner.pk) for u in scope]
    return _board(
        tree,
        subject=hall.name,
        hall=hall,
        blocks=blocks,
        facts=facts,
        units=scope,
        posts=posts,
        staff=list(staff.values()),
        staff_on_posts=True,
    )


def _board(
    tree: _Tree,
    *,
    subject: str,
    hall: Hall | None,
    blocks: list[UnitBlock],
    facts: list[tuple[str, str]],
    units: list[Unit],
    posts: list[PostRow],
    staff: list[Staff],
    staff_on_posts: bool = False,
) -> Board:
    district = tree.district
    supervision = tree.by_function.get(UnitFunction.SUPERVISION)
    centre = tree.by_function.get(UnitFunction.CENTRE)
    # The units whose phone lines belong on the board: its own, and those above them short of
    # the district (a section's division answers for it); the district's lines and the
    # centre's hotlines are the district-wide ones, printed apart.
    above = {a.pk: a for u in units for a in tree.chain(u) if a.kind != UnitKind.DISTRICT}
    district_wide = [u.pk for u in (district, centre) if u is not None]
    all_lines = list(
        ContactLine.objects.live()
        .filter(unit_id__in={*above, *district_wide, *([supervision.pk] if supervision else [])})
        .select_related("unit")
    )
    lines = _sorted_lines(
        line for line in all_lines if line.unit_id in above and line.kind != ContactLineKind.REPORT
    )
    seen = {line.pk for line in lines}
    hotlines = _sorted_lines(
        line
        for line in all_lines
        if line.unit_id in district_wide
        and line.kind != ContactLineKind.REPORT
        and line.pk not in seen
    )
    # Report lines (seed 三.(五).2, 四.(三)): the district's, the supervision office's and
    # those of the board's own units.
    report_units = {*above, *([district.pk] if district else [])}
    if supervision is not None:
        report_units.add(supervision.pk)
    report_lines = _sorted_lines(
        line
        for line in all_lines
        if line.kind == ContactLineKind.REPORT and line.unit_id in report_units
    )

    branches = {b.pk for b in (tree.branch(u.pk) for u in units) if b is not None}
    rules = [
        r
        for r in _live_pages(IntegrityRulePage, Category.INTEGRITY)
        if tree.applies(r.owning_unit_id, branches)
    ]
    commitments = [
        c
        for c in _live_pages(CommitmentPage, Category.COMMITMENTS)
        if tree.applies(c.responsible_unit_id, branches)
    ]
    groups = [
        RuleGroup(kind, label, [RuleEntry(r, _rule_text(r)) for r in rules if r.rule_kind == kind])
        for kind, label in IntegrityRuleKind.choices
    ]
    groups = [g for g in groups if g.entries]

    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    main = next((b.unit for b in blocks if b.main), blocks[0].unit)
    website_url = base + reverse("unit-detail", args=[main.code])
    report_url = base + reverse("cases:new-kind", args=["integrity_report"])

    one, five, six = (
        int(c) for c in (Category.ORGANISATION, Category.INTEGRITY, Category.COMMITMENTS)
    )
    objects: list[Printed] = []
    if district is not None:
        objects.append(printed(district, one))
    if hall is not None:
        objects.append(printed(hall, one))
    objects += [printed(b.unit, one) for b in blocks]
    objects += [printed(line, one) for line in [*lines, *hotlines]]
    objects += [printed(row.post, one) for row in posts]
    objects += [printed(person, one) for person in staff]
    objects += [printed(e.rule, five) for g in groups for e in g.entries]
    objects += [printed(line, five) for line in report_lines]
    if supervision is not None:
        objects.append(printed(supervision, five))
    objects += [printed(c, six) for c in commitments]
    if centre is not None:
        objects.append(printed(centre, one))

    return Board(
        subject=subject,
        district=district,
        hall=hall,
        units=blocks,
        facts=facts,
        lines=lines,
        hotlines=hotlines,
        posts=posts,
        staff=[] if staff_on_posts else staff,
        rule_groups=groups,
        report_lines=report_lines,
        supervision=supervision,
        commitments=commitments,
        centre=centre,
        website_url=website_url,
        report_url=report_url,
        printed=objects,
    )


def _live_staff() -> QuerySet[Staff]:
    return (
        Staff.objects.live()
        .active()
        .filter(unit__live=True)
        .select_related("unit")
        .prefetch_related(Prefetch("posts", queryset=Post.objects.live().order_by("sign_code")))
    )


def _live_pages(model: type, category: int) -> list[Any]:
    """Live items of ``model`` in ``category`` that are public now (disclosure selectors),
    in the column's order; immediate items only between their start and their end."""
    public = disclosure_selectors.live_items().filter(category=category).values("pk")
    now = timezone.now()
    pages = (
        model.objects.filter(pk__in=public)
        .select_related("owning_unit", "subitem")
        .order_by("subitem__code", "path")
    )
    return [p for p in pages if _in_force(p, now)]


def _in_force(page: Any, now: datetime.datetime) -> bool:
    if page.mode != DisclosureMode.IMMEDIATE:
        return True
    started = page.starts_at is None or page.starts_at <= now
    return started and page.ends_at is not None and page.ends_at > now


def _sorted_lines(lines: Any) -> list[ContactLine]:
    return sorted(
        lines,
        key=lambda line: (
            line.unit.kind != UnitKind.DISTRICT,
            line.unit.sort_order,
            line.unit.code,
            _LINE_ORDER.get(line.kind, 9),
            line.sort_order,
            line.number,
        ),
    )


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.splitlines() if p.strip()]


def _rule_text(rule: IntegrityRulePage) -> str:
    """What the board prints of a rule: its approved summary, else its whole text."""
    return rule.summary.strip() or html.unescape(strip_tags(rule.rules)).strip()


# --- layout -------------------------------------------------------------------------------


def _layout(board: Board, *, size: str, edition: Any, context: dict[str, Any]) -> dict[str, Any]:
    """Sheet, type sizes, QR code and footer; the type size is the largest that fits."""
    width, height = SHEETS[size]
    layout: dict[str, Any] = {
        "sheet": {"size": size, "width": width, "height": height},
        "qr_svg": qr_svg(board.website_url, title=_("手机扫码查看网站公开内容"), css_class="qr"),
        "edition_label": _edition_label(edition),
        "overflow": False,
    }
    step = _first_step(board, width, height)
    layout.update(_sizes(width, step))
    if edition is None:
        return layout
    # Lay the board out at the estimated size, then move towards the size that fills the
    # sheet, from how full (or how overfull) each try came out; a few tries at most.
    tried: dict[int, float] = {}
    while step is not None and len(tried) < MAX_TRIES:
        tried[step] = _fill({**context, **layout}, width, height)
        step = _next_step(step, tried)
        if step is not None:
            layout.update(_sizes(width, step))
    fitting = [s for s, fill in tried.items() if fill <= 1]
    if fitting:
        layout.update(_sizes(width, min(fitting)))
    else:
        # Even the smallest type does not hold it: the board runs on, with page numbers in
        # its footer; the build message gives the page count.
        layout.update(_sizes(width, len(BODY_STEPS_MM) - 1))
        layout["overflow"] = True
    return layout


def _first_step(board: Board, width: int, height: int) -> int:
    """The largest type size the board's text is likely to fit in (the layout confirms)."""
    scale = width / REFERENCE_WIDTH_MM
    # The header and footer bands take about a fifth of the sheet.
    area = width * height * 0.78
    length = board.text_length()
    for step, body in enumerate(BODY_STEPS_MM):
        body_mm = body * scale
        if length <= _FILL * area / (body_mm * body_mm):
            return step
    return len(BODY_STEPS_MM) - 1


def _next_step(step: int, tried: dict[int, float]) -> int | None:
    """The step to try next, or None when ``tried`` already holds the answer.

    The blocks' height goes roughly with the square of the type size (lines get longer and
    there are more of them), so the fill of one try predicts the fill at another size.
    """
    fill = tried[step]
    body = BODY_STEPS_MM[step]
    last = len(BODY_STEPS_MM) - 1
    too_big = max((s for s, f in tried.items() if f > 1), default=-1)
    fits = min((s for s, f in tried.items() if f <= 1), default=last + 1)
    predicted = [s for s in range(last + 1) if fill * (BODY_STEPS_MM[s] / body) ** 2 <= TARGET_FILL]
    candidate = min(predicted) if predicted else last
    # Never retry a size, never try one known too big, nor one smaller than one that fits.
    candidate = max(candidate, too_big + 1)
    if candidate < fits and candidate not in tried:
        return candidate
    # The prediction offers nothing new: if this size ran over, the next smaller one.
    if fill > 1 and step + 1 <= last and step + 1 not in tried and step + 1 < fits:
        return step + 1
    return None


def _fill(context: dict[str, Any], width: int, height: int) -> float:
    """Lay the board out (no PDF written): the blocks' height over the height they have on
    the first sheet; above 1 the board runs onto a second sheet."""
    import weasyprint  # as in render.py: only the printing paths load Pango

    html = render_to_string(TEMPLATE, context)
    pages = weasyprint.HTML(string=html, base_url=str(settings.BASE_DIR)).render().pages
    px = 96 / 25.4  # WeasyPrint's anchors are in CSS pixels
    scale = width / REFERENCE_WIDTH_MM
    top = MARGIN_MM * scale * px
    bottom = (height - FOOTER_MM * scale) * px
    start = pages[0].anchors["board-start"][1]
    end = pages[-1].anchors["board-end"][1]
    if len(pages) == 1:
        return (end - start) / (bottom - start)
    needed = (bottom - start) + (len(pages) - 2) * (bottom - top) + (end - top)
    return needed / (bottom - start)


def _sizes(width: int, step: int) -> dict[str, Any]:
    """Every length of the sheet, in mm, from the type step and the sheet's width."""
    scale = width / REFERENCE_WIDTH_MM
    body = BODY_STEPS_MM[step] * scale
    content_width = width - 2 * MARGIN_MM * scale

    def mm(value: float) -> str:
        return f"{value:.2f}mm"

    css = {
        "body": mm(body),
        "small": mm(body * 0.84),
        "h2": mm(body * 1.5),
        "h3": mm(body * 1.12),
        "number": mm(body * 1.2),
        "gap": mm(body * 1.2),
        "pad": mm(body * 0.7),
        "rule": mm(max(0.3, body * 0.1)),
        # The header band and the footer keep their size whatever the body: they are read
        # first, from furthest away.
        "margin": mm(MARGIN_MM * scale),
        "band_title": mm(36 * scale),
        "band_district": mm(15 * scale),
        "band_subject": mm(19 * scale),
        "band_pad": mm(11 * scale),
        "footer": mm(8 * scale),
        "footer_big": mm(10 * scale),
        "footer_small": mm(6.5 * scale),
        "footer_height": mm(FOOTER_MM * scale),
        "qr": mm(64 * scale),
        "border": mm(1.8 * scale),
    }
    # About 24 characters a column: long enough for a phone line, short enough to read.
    columns = max(2, int(content_width // (body * 24)))
    return {"css": css, "step": step, "columns": columns}


def _edition_label(edition: Any) -> str:
    if edition is None:
        return _("样张 · 未编版次")
    day: datetime.date = timezone.localdate(edition.created_at or timezone.now())
    return _("第 %(number)s 版 · %(year)d年%(month)d月%(day)d日") % {
        "number": edition.number,
        "year": day.year,
        "month": day.month,
        "day": day.day,
    }
