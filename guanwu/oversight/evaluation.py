"""The year-end evaluation (检查评估, seed 五.(六)): 原则上每年年底进行一次全面检查评估，并将关务
公开方面的工作情况和实际效果作为考核各部门工作的依据之一 (DESIGN rule 10: from the same data
as the dashboard and the circulars).

**Who is evaluated.** The divisions and branch customs (``Unit.kind=division``, level 2): they
are the 执行部门 of seed 六.八 and the level the seed holds accountable. A section's content,
cases, halls and corrective actions count for its division. The district itself is not
ranked (it is the sum of all). A live division with nothing to score in the year (no
content, cases, halls, hotline seats or corrective actions) is not ranked.

**The six parts,** each a share scored 0–100 (``100 × numerator / denominator``):

- ``coverage`` — the catalogue entries the unit answers for that have live content. A unit
  answers for every sub-item (and category 一/六, which have no sub-items) in which it owns a
  standing or periodic item in any state (live, draft, expired); the entry is covered when
  one of those items is live. For branch customs, category 一 (its organisation in the
  directory) and 六 (its own commitments) are what ``checks_content.coverage_units`` checks,
  covered when that check reports nothing.
- ``freshness`` — the unit's live items (withheld ones are never live) without a
  ``stale_standing``, ``stale_periodic`` or ``notice_past_end`` finding.
- ``on_time`` — ``stats.case_figures`` for the year: answered on time / answered.
- ``satisfaction`` — the same figures: satisfied (4–5) / rated.
- ``findings_closed`` — corrective actions (督办) assigned to the unit in the year: closed /
  all.
- ``channels`` — the unit's places that face the public: each live declaration hall (a
  current bulletin edition, a kiosk in service, the desk roster without gaps) and each
  staffed hotline seat (roster without gaps); a place counts when no ``channels_bulletin``,
  ``channels_kiosk`` or ``channels_roster`` finding (past working days) names it.

**Missing data is excluded, and the weights renormalised** (score = Σ wᵢ·sᵢ / Σ wᵢ over the
parts that apply). A neutral full mark would reward having nothing to show (a unit with no
cases would get 100 for on-time replies); a zero would punish units the part does not concern
(a functional division has no declaration hall). The figures say which parts applied.

**Point in time.** Cases and corrective actions are counted over the year up to the day of
computation (at most 31 December). Coverage, freshness and channels are the state of the
content on that day: the evaluation is computed at the year's end and kept (``Evaluation``
rows with every figure), so later years compare against what was stored.

Every sub-score and the score are rounded half up to 2 places; :func:`score_from_figures`
recomputes the score from the stored figures alone.
"""

from __future__ import annotations

import datetime
import io
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wagtail.log_actions import log

from guanwu.disclosure.enums import CATEGORIES_WITHOUT_SUBITEMS, DisclosureMode
from guanwu.disclosure.models import DisclosureItemPage
from guanwu.organization.enums import Role, UnitFunction, UnitKind
from guanwu.organization.models import ContactLine, Hall, Unit
from guanwu.organization.roles import user_has_role

from .enums import ActionState
from .models import CorrectiveAction, Evaluation, EvaluationWeights

FIGURES_VERSION = 1
HUNDRED = Decimal(100)
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Part:
    key: str  # also the EvaluationWeights field
    label: Promise
    measure: Promise  # what the share counts, for the figures table


PARTS = (
    Part("coverage", gettext_lazy("内容覆盖"), gettext_lazy("已公开的目录项 / 应公开的目录项")),
    Part("freshness", gettext_lazy("及时更新"), gettext_lazy("未超期的公开内容 / 公开内容")),
    Part("on_time", gettext_lazy("按时答复"), gettext_lazy("按时答复 / 已答复")),
    Part("satisfaction", gettext_lazy("满意度"), gettext_lazy("满意 / 已评价")),
    Part("findings_closed", gettext_lazy("整改销号"), gettext_lazy("已销号 / 督办事项")),
    Part("channels", gettext_lazy("公开渠道"), gettext_lazy("设施到位的场所 / 场所")),
)
PART_KEYS = tuple(part.key for part in PARTS)

# The checks whose findings feed the parts (findings.CHECKS names).
FRESHNESS_CHECKS = frozenset({"stale_standing", "stale_periodic", "notice_past_end"})
CHANNEL_CHECKS = frozenset({"channels_bulletin", "channels_kiosk", "channels_roster"})
COVERAGE_UNIT_CHECK = "coverage_units"


# --- permissions (seed 五.(六) 执法监督的职能部门; 六.一 办公室负责考核制度, 六.二 监察室检查监督) ----


def user_can_manage_evaluation(user: Any) -> bool:
    """The office and the supervision office set the weights, compute and read the results."""
    return user_has_role(user, Role.OFFICE) or user_has_role(user, Role.SUPERVISION)


# --- weights ---------------------------------------------------------------------------------------


def weights_for(year: int) -> EvaluationWeights:
    """The year's weights, or the defaults (an unsaved row) when none were set."""
    return EvaluationWeights.objects.filter(year=year).first() or EvaluationWeights(year=year)


def weight_values(weights: EvaluationWeights) -> dict[str, int]:
    return {key: int(getattr(weights, key) or 0) for key in PART_KEYS}


def validate_weights(values: dict[str, int] | EvaluationWeights) -> None:
    """Raise a Chinese ValidationError unless the six weights are whole percentages summing
    to 100."""
    if isinstance(values, EvaluationWeights):
        values = weight_values(values)
    errors = [
        _("“%(part)s”的权重应在 0 到 100 之间。") % {"part": part.label}
        for part in PARTS
        if not 0 <= int(values.get(part.key) or 0) <= 100
    ]
    total = sum(int(values.get(key) or 0) for key in PART_KEYS)
    if total != 100:
        errors.append(_("各项权重之和应为 100，目前为 %(total)s。") % {"total": total})
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def evaluation_weights_save(*, year: int, values: dict[str, int], user: Any) -> EvaluationWeights:
    """Set the year's weights (audited)."""
    if not user_can_manage_evaluation(user):
        raise ValidationError(_("只有办公室和监察室可以设置考核权重。"))
    validate_weights(values)
    weights, created = EvaluationWeights.objects.select_for_update().get_or_create(year=year)
    before = weight_values(weights)
    for key in PART_KEYS:
        setattr(weights, key, int(values[key]))
    weights.full_clean()
    weights.save()
    log(
        instance=weights,
        action="wagtail.create" if created else "wagtail.edit",
        user=user,
        data={"before": before, "after": weight_values(weights)},
    )
    return weights


# --- arithmetic -------------------------------------------------------------------------------------


def _round(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def share_score(numerator: int, denominator: int) -> Decimal | None:
    """100 × numerator / denominator, 2 places; ``None`` when there is nothing to count."""
    if not denominator:
        return None
    return _round(HUNDRED * Decimal(numerator) / Decimal(denominator))


def weighted_score(weights: dict[str, int], scores: dict[str, Decimal | None]) -> Decimal | None:
    """Σ wᵢ·sᵢ / Σ wᵢ over the parts that have a score (and a weight)."""
    applied = {k: weights[k] for k, s in scores.items() if s is not None and weights.get(k)}
    total = sum(applied.values())
    if not total:
        return None
    return _round(sum(Decimal(w) * scores[k] for k, w in applied.items()) / Decimal(total))  # type: ignore[operator]


def score_from_figures(figures: dict[str, Any]) -> Decimal | None:
    """The score, recomputed from nothing but the stored figures (weights, numerators and
    denominators)."""
    scores = {
        key: share_score(int(part["numerator"]), int(part["denominator"]))
        for key, part in figures["parts"].items()
    }
    return weighted_score({k: int(v) for k, v in figures["weights"].items()}, scores)


# --- gathering the figures ------------------------------------------------------------------------


def evaluated_units() -> list[Unit]:
    return list(Unit.objects.live().filter(kind=UnitKind.DIVISION).order_by("sort_order", "code"))


class _Tree:
    """Which division each unit belongs to (sections roll up to their division)."""

    def __init__(self) -> None:
        self.parent = dict(Unit.objects.values_list("pk", "parent_id"))
        self.kind = dict(Unit.objects.values_list("pk", "kind"))

    def division_of(self, unit_id: int | None) -> int | None:
        seen = 0
        while unit_id is not None and seen < 5:
            if self.kind.get(unit_id) == UnitKind.DIVISION:
                return unit_id
            unit_id = self.parent.get(unit_id)
            seen += 1
        return None


@dataclass
class Share:
    numerator: int = 0
    denominator: int = 0
    detail: dict[str, Any] | None = None

    def as_dict(self) -> dict[str, Any]:
        score = share_score(self.numerator, self.denominator)
        data: dict[str, Any] = {
            "numerator": self.numerator,
            "denominator": self.denominator,
            "score": str(score) if score is not None else None,
        }
        if self.detail:
            data["detail"] = self.detail
        return data


def _findings(as_of: datetime.date, names: Iterable[str]) -> list[Any]:
    from .engine import run_checks

    return run_checks(as_of, only=set(names))


def _coverage(tree: _Tree, findings: list[Any]) -> dict[int, Share]:
    """Catalogue entries each division answers for, and those with live content."""
    # A catalogue entry is a sub-item code, or "category:N" for categories 一 and 六.
    owned: dict[int, set[str]] = defaultdict(set)
    covered: dict[int, set[str]] = defaultdict(set)
    items = (
        DisclosureItemPage.objects.filter(
            mode__in=[DisclosureMode.STANDING, DisclosureMode.PERIODIC]
        )
        .order_by()
        .values_list("owning_unit_id", "subitem__code", "category", "live")
    )
    for unit_id, code, category, live in items:
        division = tree.division_of(unit_id)
        if division is None:
            continue
        entry = code or (f"category:{category}" if category in CATEGORIES_WITHOUT_SUBITEMS else "")
        if not entry:
            continue
        owned[division].add(entry)
        if live:
            covered[division].add(entry)
    # Branch customs: category 一 and 六 as checks_content.coverage_units checks them.
    branches = set(
        Unit.objects.live().filter(function=UnitFunction.BRANCH).values_list("pk", flat=True)
    )
    gaps: dict[int, set[str]] = defaultdict(set)
    for finding in findings:
        if finding.check == COVERAGE_UNIT_CHECK and finding.unit is not None:
            category = finding.about.rsplit(":", 1)[-1]
            gaps[finding.unit.pk].add(f"category:{category}")
    for branch in branches:
        for entry in ("category:1", "category:6"):
            owned[branch].add(entry)
            if entry in gaps[branch]:
                covered[branch].discard(entry)
            else:
                covered[branch].add(entry)
    return {
        division: Share(
            len(covered[division] & entries),
            len(entries),
            {"missing": sorted(entries - covered[division])}
            if entries - covered[division]
            else None,
        )
        for division, entries in owned.items()
    }


def _page_id(about: str) -> int | None:
    kind, _sep, rest = about.partition(":")
    head = rest.split(":", 1)[0]
    return int(head) if kind == "page" and head.isdigit() else None


def _freshness(tree: _Tree, findings: list[Any]) -> dict[int, Share]:
    stale = {
        pk
        for f in findings
        if f.check in FRESHNESS_CHECKS and (pk := _page_id(f.about)) is not None
    }
    shares: dict[int, Share] = defaultdict(Share)
    live = (
        DisclosureItemPage.objects.live()
        .exclude(mode=DisclosureMode.WITHHELD)
        .order_by()
        .values_list("pk", "owning_unit_id")
    )
    for pk, unit_id in live:
        division = tree.division_of(unit_id)
        if division is None:
            continue
        share = shares[division]
        share.denominator += 1
        if pk not in stale:
            share.numerator += 1
    return dict(shares)


def _cases(
    tree: _Tree, start: datetime.date, end: datetime.date
) -> tuple[dict[int, Share], dict[int, Share]]:
    """On-time replies and satisfaction per division, from the circulars' definitions."""
    from .stats import case_figures

    on_time: dict[int, Share] = defaultdict(Share)
    satisfaction: dict[int, Share] = defaultdict(Share)
    received: dict[int, int] = defaultdict(int)
    for row in case_figures(start, end)[1:]:  # the first row is the whole district
        division = tree.division_of(row.unit.pk if row.unit else None)
        if division is None:
            continue
        received[division] += row.received
        on_time[division].numerator += row.answered_on_time
        on_time[division].denominator += row.answered
        satisfaction[division].numerator += row.satisfied
        satisfaction[division].denominator += row.rated
    for division, share in on_time.items():
        share.detail = {"received": received[division]}
    return dict(on_time), dict(satisfaction)


def _actions(tree: _Tree, year: int, end: datetime.date) -> dict[int, Share]:
    start_at = timezone.make_aware(datetime.datetime(year, 1, 1))
    end_at = timezone.make_aware(datetime.datetime.combine(end, datetime.time.max))
    shares: dict[int, Share] = defaultdict(Share)
    actions = CorrectiveAction.objects.filter(
        assigned_at__gte=start_at, assigned_at__lte=end_at
    ).values_list("unit_id", "state", "closed_at")
    for unit_id, state, closed_at in actions:
        division = tree.division_of(unit_id)
        if division is None:
            continue
        share = shares[division]
        share.denominator += 1
        if state == ActionState.CLOSED and (closed_at is None or closed_at <= end_at):
            share.numerator += 1
    return dict(shares)


def _channels(tree: _Tree, findings: list[Any]) -> dict[int, Share]:
    """Halls and hotline seats with every channel in place (no finding names them)."""
    from .rosters import staffed_line_kinds

    failing: set[str] = set()
    for finding in findings:
        if finding.check not in CHANNEL_CHECKS:
            continue
        about = finding.about
        if finding.check == "channels_roster":
            if not about.endswith(":past"):
                continue  # a roster not yet made for the coming days is a warning, not a gap
            about = about.removesuffix(":past")
        failing.add(about)
    shares: dict[int, Share] = defaultdict(Share)
    places: list[tuple[int, str]] = [
        (unit_id, f"hall:{code}")
        for unit_id, code in Hall.objects.live().values_list("unit_id", "code")
    ]
    lines = ContactLine.objects.live().filter(kind__in=staffed_line_kinds())
    places += [
        (unit_id, f"line:{unit_code}:{number}")
        for unit_id, unit_code, number in lines.values_list("unit_id", "unit__code", "number")
    ]
    for unit_id, about in places:
        division = tree.division_of(unit_id)
        if division is None:
            continue
        share = shares[division]
        share.denominator += 1
        if about in failing:
            share.detail = share.detail or {"not_in_place": []}
            share.detail["not_in_place"].append(about)
        else:
            share.numerator += 1
    return dict(shares)


def as_of_date(year: int, today: datetime.date | None = None) -> datetime.date:
    """The day the year is measured at: today, or 31 December for a past year."""
    today = today or timezone.localdate()
    if today.year < year:
        raise ValidationError(_("%(year)s年尚未开始，不能考核。") % {"year": year})
    return min(today, datetime.date(year, 12, 31))


def gather_figures(year: int, today: datetime.date | None = None) -> dict[int, dict[str, Share]]:
    """Every part's share per division id (only the parts that have something to count)."""
    as_of = as_of_date(year, today)
    tree = _Tree()
    findings = _findings(as_of, {COVERAGE_UNIT_CHECK, *FRESHNESS_CHECKS, *CHANNEL_CHECKS})
    on_time, satisfaction = _cases(tree, datetime.date(year, 1, 1), as_of)
    parts = {
        "coverage": _coverage(tree, findings),
        "freshness": _freshness(tree, findings),
        "on_time": on_time,
        "satisfaction": satisfaction,
        "findings_closed": _actions(tree, year, as_of),
        "channels": _channels(tree, findings),
    }
    per_unit: dict[int, dict[str, Share]] = defaultdict(dict)
    for key, shares in parts.items():
        for division, share in shares.items():
            per_unit[division][key] = share
    return dict(per_unit)


# --- the evaluation --------------------------------------------------------------------------------


def _figures(
    unit: Unit, weights: dict[str, int], shares: dict[str, Share], as_of: datetime.date
) -> dict[str, Any]:
    parts = {key: (shares.get(key) or Share()).as_dict() for key in PART_KEYS}
    scores = {
        key: Decimal(part["score"]) if part["score"] is not None else None
        for key, part in parts.items()
    }
    score = weighted_score(weights, scores)
    return {
        "version": FIGURES_VERSION,
        "as_of": as_of.isoformat(),
        "unit": {"code": unit.code, "name": unit.name},
        "weights": weights,
        "parts": parts,
        "applied_weight": sum(w for k, w in weights.items() if scores[k] is not None),
        "score": str(score) if score is not None else None,
    }


def rank(scores: list[tuple[Any, Decimal]]) -> list[tuple[Any, Decimal, int]]:
    """Standard competition ranking (1, 2, 2, 4): equal scores share a place. ``scores`` must
    be in the order ties are listed (the unit tree's)."""
    ordered = sorted(scores, key=lambda pair: -pair[1])
    ranked = []
    for index, (item, score) in enumerate(ordered):
        place = ranked[-1][2] if ranked and ranked[-1][1] == score else index + 1
        ranked.append((item, score, place))
    return ranked


@transaction.atomic
def evaluate(year: int, today: datetime.date | None = None) -> list[Evaluation]:
    """Compute and store the year's evaluation of every division; returns the rows by rank.

    Units with nothing to score are left out, and a stored row of a unit that no longer has
    anything to score is removed. Raises ValidationError for weights not summing to 100.
    """
    weights_row = weights_for(year)
    validate_weights(weights_row)
    weights = weight_values(weights_row)
    as_of = as_of_date(year, today)
    shares = gather_figures(year, as_of)
    scored: list[tuple[tuple[Unit, dict[str, Any]], Decimal]] = []
    for unit in evaluated_units():
        figures = _figures(unit, weights, shares.get(unit.pk, {}), as_of)
        if figures["score"] is not None:
            scored.append(((unit, figures), Decimal(figures["score"])))
    kept = []
    for (unit, figures), score, place in rank(scored):
        evaluation, _created = Evaluation.objects.update_or_create(
            year=year, unit=unit, defaults={"score": score, "rank": place, "figures": figures}
        )
        kept.append(evaluation.pk)
    Evaluation.objects.filter(year=year).exclude(pk__in=kept).delete()
    return list(
        Evaluation.objects.filter(year=year)
        .select_related("unit")
        .order_by("rank", "unit__sort_order", "unit__code")
    )


# --- reading it back (screens and exports) ---------------------------------------------------------


@dataclass
class EvaluationRow:
    evaluation: Evaluation
    previous: Evaluation | None

    @property
    def unit(self) -> Unit:
        return self.evaluation.unit

    @property
    def score(self) -> Decimal:
        return self.evaluation.score

    @property
    def change(self) -> Decimal | None:
        return self.score - self.previous.score if self.previous else None

    def parts(self) -> list[dict[str, Any]]:
        figures = self.evaluation.figures
        rows = []
        for part in PARTS:
            data = figures["parts"].get(part.key, {})
            rows.append(
                {
                    "key": part.key,
                    "label": part.label,
                    "numerator": data.get("numerator", 0),
                    "denominator": data.get("denominator", 0),
                    "score": Decimal(data["score"]) if data.get("score") is not None else None,
                    "weight": figures["weights"].get(part.key, 0),
                }
            )
        return rows


def evaluation_rows(year: int) -> list[EvaluationRow]:
    """The year's stored evaluation by rank, each with the unit's row of the year before."""
    current = list(
        Evaluation.objects.filter(year=year)
        .select_related("unit")
        .order_by("rank", "unit__sort_order", "unit__code")
    )
    previous = {
        e.unit_id: e
        for e in Evaluation.objects.filter(year=year - 1, unit_id__in=[e.unit_id for e in current])
    }
    return [EvaluationRow(e, previous.get(e.unit_id)) for e in current]


def last_computed(year: int) -> datetime.datetime | None:
    evaluation = Evaluation.objects.filter(year=year).order_by("-computed_at").first()
    return evaluation.computed_at if evaluation else None


def _number(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def export_xlsx(year: int) -> bytes:
    """One sheet: rank, unit, score, every part's numerator, denominator and sub-score, the
    weights, last year's score and the change."""
    import openpyxl
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    from guanwu.disclosure.spreadsheets import set_cell

    rows = evaluation_rows(year)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = _("%(year)s年度考核") % {"year": year}
    headers: list[str] = [_("名次"), _("单位代码"), _("单位"), _("得分")]
    for part in PARTS:
        headers += [
            f"{part.label} {_('分项得分')}",
            f"{part.label} {_('权重')}",
            f"{part.label} {_('分子')}",
            f"{part.label} {_('分母')}",
        ]
    headers += [_("计入权重合计"), _("上年得分"), _("上年名次"), _("得分变化"), _("计算日期")]
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for column, header in enumerate(headers, start=1):
        cell = sheet.cell(row=1, column=column)
        set_cell(cell, header)
        cell.font, cell.fill = bold, fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for index, row in enumerate(rows, start=2):
        figures = row.evaluation.figures
        values: list[Any] = [row.evaluation.rank, row.unit.code, row.unit.name, _number(row.score)]
        for part in row.parts():
            values += [
                _number(part["score"]),
                part["weight"],
                part["numerator"],
                part["denominator"],
            ]
        values += [
            figures.get("applied_weight"),
            _number(row.previous.score) if row.previous else None,
            row.previous.rank if row.previous else None,
            _number(row.change),
            datetime.date.fromisoformat(figures["as_of"]) if figures.get("as_of") else None,
        ]
        for column, value in enumerate(values, start=1):
            set_cell(sheet.cell(row=index, column=column), value)
    widths = [6, 12, 24, 8] + [9] * (4 * len(PARTS)) + [9, 9, 9, 9, 12]
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.row_dimensions[1].height = 45
    sheet.freeze_panes = "D2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def organ_name() -> str:
    district = Unit.objects.districts().first()
    return district.name if district else ""


def render_pdf(year: int) -> bytes:
    from guanwu.printing.render import render_pdf as render

    rows = evaluation_rows(year)
    weights = rows[0].evaluation.figures["weights"] if rows else weight_values(weights_for(year))
    context = {
        "year": year,
        "organ": organ_name(),
        "rows": rows,
        "parts": PARTS,
        "weights": [(part, weights.get(part.key, 0)) for part in PARTS],
        "computed_at": last_computed(year),
        "as_of": rows[0].evaluation.figures.get("as_of") if rows else None,
        "printed_on": timezone.localdate(),
    }
    return render("oversight/evaluation.html", context).pdf


def units_without_score(year: int) -> list[Unit]:
    """Live divisions not ranked this year (nothing to score)."""
    ranked = Evaluation.objects.filter(year=year).values_list("unit_id", flat=True)
    return [u for u in evaluated_units() if u.pk not in set(ranked)]
