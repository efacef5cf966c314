"""Oversight checks of disclosure content (seed 五.(四): 该公开的内容是否公布; 五.(五) 更新维护).

Coverage (seed 三; DESIGN rule 2) — which content each level must have live. Seed 二 says
"两级公开": the district (关级) and the divisions (处级) each disclose. What applies where:

- **The district** (关级): every sub-item of the catalogue (二.1–9, 三.1–3, 四.1–6, 五.1–3)
  and categories 一 and 六 (which have no sub-items) have at least one live item, whoever owns
  it. The enforcement basis, procedures, powers and integrity rules are the district's and are
  disclosed once for every unit, so categories 二–五 are checked at district level only.
- **Each branch customs** (分关, the divisions with declaration halls facing the public):
  its own organisation (category 一, 三.(一): live in the directory with its duties, a
  published duty telephone and at least one window sign) and its own commitments
  (category 六, an item owned by the branch or one of its sections).
- **Business and functional divisions**: district level only (their content is the
  district's; the supervision office's integrity rules are counted under 五.1–3).

Freshness: standing items past their check date, periodic items past due, immediate notices
still shown after their end (all three from ``disclosure.reminders``), approved changes not
published within 20 working days (政府信息公开条例 Art. 26), and the national website
inspection indicators (政府网站与政务新媒体检查指标, 国办秘书局 2019): the site not updated
for 2 weeks is a single-veto item; a notice or policy column not updated for 6 months, and
columns without content (a single veto when more than 5) are counted.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterator

from django.contrib.contenttypes.models import ContentType
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wagtail.admin.admin_url_finder import AdminURLFinder
from wagtail.models import Page

from guanwu.calendar.services import load_calendar
from guanwu.calendar.workdays import add_workdays
from guanwu.disclosure.enums import CATEGORY_NUMERALS, Category, DisclosureMode
from guanwu.disclosure.models import (
    CategoryPage,
    DisclosureItemPage,
    LegalApproval,
    SubItem,
)
from guanwu.disclosure.models.items import add_months
from guanwu.disclosure.models.review import owning_unit_of
from guanwu.disclosure.reminders import due_reminders
from guanwu.disclosure.selectors import live_items
from guanwu.organization.enums import ContactLineKind, UnitFunction, UnitKind
from guanwu.organization.models import ContactLine, Post, Staff, Unit

from .enums import Severity
from .findings import Finding, check

# 政府信息公开条例 Art. 26: 自该政府信息形成或者变更之日起20个工作日内及时公开.
PUBLISH_WITHIN_WORKDAYS = 20
# The inspection indicators' thresholds.
HOME_STALE_DAYS = 14
COLUMN_STALE_MONTHS = 6
EMPTY_COLUMNS_VETO = 5
# 20 working days are at least 28 calendar days: younger approvals need no look.
_MIN_CALENDAR_DAYS = PUBLISH_WITHIN_WORKDAYS // 5 * 7


def _edit_link(obj: object) -> str:
    return AdminURLFinder().get_edit_url(obj) or ""


def _explore_link(page: Page) -> str:
    return reverse("wagtailadmin_explore", args=[page.pk])


def _district() -> Unit | None:
    return Unit.objects.filter(kind=UnitKind.DISTRICT).first()


def _category_label(number: int) -> str:
    return f"{CATEGORY_NUMERALS[number]}、{Category(number).label}"


# --- coverage ----------------------------------------------------------------------------------


@check("coverage_catalogue", gettext_lazy("公开内容覆盖（全关）"))
def coverage_catalogue(today: datetime.date) -> Iterator[Finding]:
    """Every category and every sub-item of the catalogue has live content (seed 三)."""
    items = live_items().order_by()
    by_category = set(items.values_list("category", flat=True))
    by_subitem = set(items.exclude(subitem__isnull=True).values_list("subitem_id", flat=True))
    pages = {p.number: p for p in CategoryPage.objects.all()}
    district = _district()
    subitems: dict[int, list[SubItem]] = defaultdict(list)
    for subitem in SubItem.objects.all():
        subitems[subitem.category].append(subitem)
    for number in Category.values:
        page = pages.get(number)
        link = _explore_link(page) if page else ""
        if number not in by_category:
            # One finding for the whole category, not one per missing sub-item.
            yield Finding(
                check="coverage_catalogue",
                unit=district,
                severity=Severity.SERIOUS,
                subject=_("类别“%(category)s”没有任何公开内容")
                % {"category": _category_label(number)},
                detail=_("实施方案三要求六项内容全面公开，该类别目前没有一条已公开的内容。"),
                link=link,
                about=f"category:{number}",
            )
            continue
        for subitem in subitems[number]:
            if subitem.pk not in by_subitem:
                yield Finding(
                    check="coverage_catalogue",
                    unit=district,
                    severity=Severity.SERIOUS,
                    subject=_("子项 %(code)s“%(name)s”没有公开内容")
                    % {"code": subitem.code, "name": subitem.short_name},
                    detail=_("实施方案原文：%(text)s") % {"text": subitem.name},
                    link=link,
                    about=f"subitem:{subitem.code}",
                )


def _ids_within(unit: Unit, units: list[Unit]) -> set[int]:
    return {u.pk for u in units if u.pk == unit.pk or u.parent_id == unit.pk}


@check("coverage_units", gettext_lazy("公开内容覆盖（分关）"))
def coverage_units(today: datetime.date) -> Iterator[Finding]:
    """Each branch customs discloses its own organisation and commitments (seed 二 两级公开)."""
    branches = list(Unit.objects.live().filter(function=UnitFunction.BRANCH))
    if not branches:
        return
    units = list(Unit.objects.filter(Q(pk__in=[b.pk for b in branches]) | Q(parent__in=branches)))
    commitments = set(
        live_items()
        .order_by()
        .filter(category=Category.COMMITMENTS)
        .values_list("owning_unit_id", flat=True)
    )
    duty_lines = set(
        ContactLine.objects.filter(live=True, kind=ContactLineKind.DUTY).values_list(
            "unit_id", flat=True
        )
    )
    posts = set(Post.objects.filter(live=True).values_list("unit_id", flat=True))
    staff = set(Staff.objects.filter(live=True, is_active=True).values_list("unit_id", flat=True))
    for branch in branches:
        within = _ids_within(branch, units)
        missing = []
        if not branch.duties.strip():
            missing.append(_("职责权限"))
        if not within & duty_lines:
            missing.append(_("单位值班电话"))
        if not within & posts:
            missing.append(_("窗口（岗位）标识"))
        if not within & staff:
            missing.append(_("办事人员工号"))
        if missing:
            yield Finding(
                check="coverage_units",
                unit=branch,
                severity=Severity.WARNING,
                subject=_("%(unit)s的机构设置公开不完整") % {"unit": branch.name},
                detail=_("实施方案三.（一）要求公开的以下内容缺失：%(missing)s。")
                % {"missing": "、".join(missing)},
                link=_edit_link(branch),
                about=f"unit:{branch.code}:category:1",
            )
        if not within & commitments:
            yield Finding(
                check="coverage_units",
                unit=branch,
                severity=Severity.WARNING,
                subject=_("%(unit)s没有公开本单位的对外承诺") % {"unit": branch.name},
                detail=_("实施方案二“两级公开”、三.（六）：分关应公开本单位的各项对外承诺。"),
                link=_explore_link(page)
                if (page := CategoryPage.objects.filter(number=Category.COMMITMENTS).first())
                else "",
                about=f"unit:{branch.code}:category:6",
            )


# --- freshness ---------------------------------------------------------------------------------


def _reminders(today: datetime.date, kind: str) -> Iterator[object]:
    for reminder in due_reminders(today):
        if reminder.kind == kind and reminder.due <= today:
            yield reminder


@check("stale_standing", gettext_lazy("长期公开内容超过检查日期"))
def stale_standing(today: datetime.date) -> Iterator[Finding]:
    """Seed 五.(三).1: standing content is checked periodically to stay valid."""
    for reminder in _reminders(today, "check_due"):
        page = reminder.page
        yield Finding(
            check="stale_standing",
            unit=page.owning_unit,
            severity=Severity.WARNING,
            subject=_("“%(title)s”已超过检查日期") % {"title": page.title},
            detail=_(
                "长期公开内容应于 %(due)s 前检查维护（检查周期 %(months)s 个月），"
                "请联络员核对后点击“已检查，仍然有效”或提交修订。"
            )
            % {"due": reminder.due.isoformat(), "months": page.review_cycle_months},
            link=_edit_link(page),
            about=f"page:{page.pk}:check:{reminder.due.isoformat()}",
        )


@check("stale_periodic", gettext_lazy("定期公开内容超过更新日期"))
def stale_periodic(today: datetime.date) -> Iterator[Finding]:
    """Seed 五.(三).2: periodic content is renewed on its schedule."""
    for reminder in _reminders(today, "period_due"):
        page = reminder.page
        yield Finding(
            check="stale_periodic",
            unit=page.owning_unit,
            severity=Severity.WARNING,
            subject=_("“%(title)s”已到更新日期仍未更新") % {"title": page.title},
            detail=_("定期公开内容每 %(months)s 个月更新一次，应于 %(due)s 更新。")
            % {"months": page.period_months, "due": reminder.due.isoformat()},
            link=_edit_link(page),
            about=f"page:{page.pk}:period:{reminder.due.isoformat()}",
        )


@check("notice_past_end", gettext_lazy("随时公开内容过期仍在公开"))
def notice_past_end(today: datetime.date) -> Iterator[Finding]:
    """Seed 五.(三).3: a one-off notice comes down at its end (the public must not read an
    emergency arrangement that no longer holds)."""
    for reminder in _reminders(today, "past_end"):
        page = reminder.page
        yield Finding(
            check="notice_past_end",
            unit=page.owning_unit,
            severity=Severity.SERIOUS,
            subject=_("“%(title)s”已过截止时间仍在公开") % {"title": page.title},
            detail=_("截止时间 %(end)s，请撤下或改为长期公开。")
            % {"end": timezone.localtime(page.ends_at).strftime("%Y-%m-%d %H:%M")},
            link=_edit_link(page),
            about=f"page:{page.pk}:past_end",
        )


def _latest_approvals(before: datetime.datetime) -> list[LegalApproval]:
    """The newest legal approval of each object, among approvals older than ``before``."""
    latest: dict[tuple[int, str], LegalApproval] = {}
    approvals = (
        LegalApproval.objects.select_related("revision")
        .order_by("approved_at", "pk")
        .only("approved_at", "revision__id", "revision__content_type_id", "revision__object_id")
    )
    for approval in approvals:
        revision = approval.revision
        latest[(revision.content_type_id, revision.object_id)] = approval
    return [a for a in latest.values() if a.approved_at < before]


@check("unpublished_approvals", gettext_lazy("审核通过后20个工作日未公开"))
def unpublished_approvals(today: datetime.date) -> Iterator[Finding]:
    """政府信息公开条例 Art. 26: content is made public within 20 working days of being formed
    or changed. A change that legal review approved (the last step before publication, seed
    六.四) and that is still not live 20 working days later has stalled."""
    cutoff = timezone.make_aware(
        datetime.datetime.combine(
            today - datetime.timedelta(days=_MIN_CALENDAR_DAYS), datetime.time()
        )
    )
    approvals = _latest_approvals(cutoff)
    by_type: dict[int, dict[str, LegalApproval]] = defaultdict(dict)
    for approval in approvals:
        by_type[approval.revision.content_type_id][approval.revision.object_id] = approval
    calendar = load_calendar()
    for type_id, wanted in by_type.items():
        model = ContentType.objects.get_for_id(type_id).model_class()
        if model is None:
            continue
        for obj in model._default_manager.filter(pk__in=list(wanted)):
            approval = wanted[str(obj.pk)]
            published = getattr(obj, "last_published_at", None)
            if published is not None and published >= approval.approved_at:
                continue
            if getattr(obj, "mode", None) == DisclosureMode.WITHHELD:
                continue  # stays off every channel until the superior authority decides
            approved_on = timezone.localdate(approval.approved_at)
            limit = add_workdays(approved_on, PUBLISH_WITHIN_WORKDAYS, calendar)
            if limit >= today:
                continue
            specific = getattr(obj, "specific", obj)
            yield Finding(
                check="unpublished_approvals",
                unit=owning_unit_of(specific),
                severity=Severity.SERIOUS,
                subject=_("“%(title)s”审核通过后超过20个工作日仍未公开") % {"title": str(specific)},
                detail=_(
                    "法规处于 %(approved)s 审核通过，应于 %(limit)s 前公开"
                    "（《政府信息公开条例》第二十六条）。"
                )
                % {"approved": approved_on.isoformat(), "limit": limit.isoformat()},
                link=_edit_link(specific),
                about=f"revision:{approval.revision.pk}",
            )


def _newest(pages: object) -> datetime.date | None:
    newest = pages.aggregate(newest=Max("last_published_at"))["newest"]  # type: ignore[attr-defined]
    return timezone.localdate(newest) if newest else None


@check("site_not_updated", gettext_lazy("网站首页超过2周未更新"))
def site_not_updated(today: datetime.date) -> Iterator[Finding]:
    """Inspection indicator (single veto): nothing new on the site for 2 weeks."""
    newest = _newest(Page.objects.live().filter(depth__gt=1))
    if newest is None or (today - newest).days <= HOME_STALE_DAYS:
        return
    home = Page.objects.live().filter(depth=2).first()
    yield Finding(
        check="site_not_updated",
        unit=_district(),
        severity=Severity.VETO,
        subject=_("网站首页超过2周未更新"),
        detail=_("最近一次发布在 %(date)s，已 %(days)s 天没有更新（政府网站检查指标：单项否决）。")
        % {"date": newest.isoformat(), "days": (today - newest).days},
        link=_explore_link(home) if home else "",
        about="site:home",
    )


def _notices() -> object:
    """The notices column (通知公告): immediate items ever published, in force or archived."""
    return DisclosureItemPage.objects.filter(mode=DisclosureMode.IMMEDIATE).filter(
        Q(live=True) | Q(expired=True)
    )


@check("column_not_updated", gettext_lazy("栏目超过6个月未更新"))
def column_not_updated(today: datetime.date) -> Iterator[Finding]:
    """Inspection indicator: notice (通知公告) and policy (政策文件, our category 二 执法依据)
    columns not updated for 6 months."""
    policy = CategoryPage.objects.filter(number=Category.ENFORCEMENT_BASIS).first()
    columns = [
        ("notices", _("通知公告"), _notices(), reverse("notices")),
        (
            "policy",
            _("政策文件（执法依据）"),
            live_items().filter(category=Category.ENFORCEMENT_BASIS),
            _explore_link(policy) if policy else "",
        ),
    ]
    district = _district()
    for key, name, pages, link in columns:
        newest = _newest(pages)
        if newest is None:
            continue  # an empty column is column_empty's finding
        if add_months(newest, COLUMN_STALE_MONTHS) >= today:
            continue
        yield Finding(
            check="column_not_updated",
            unit=district,
            severity=Severity.SERIOUS,
            subject=_("“%(column)s”栏目超过6个月未更新") % {"column": name},
            detail=_(
                "最近一次更新在 %(date)s（政府网站检查指标：通知公告、政策文件类栏目6个月内应有更新）。"
            )
            % {"date": newest.isoformat()},
            link=link,
            about=f"column:{key}",
        )


@check("column_empty", gettext_lazy("空白栏目"))
def column_empty(today: datetime.date) -> Iterator[Finding]:
    """Inspection indicator: columns without content; more than 5 is a single veto."""
    filled = set(live_items().order_by().values_list("category", flat=True))
    empty: list[tuple[str, str, str]] = [
        (f"column:category:{page.number}", page.title, _explore_link(page))
        for page in CategoryPage.objects.live().order_by("number")
        if page.number not in filled
    ]
    if not _notices().exists():
        empty.append(("column:notices", str(_("通知公告")), reverse("notices")))
    severity = Severity.VETO if len(empty) > EMPTY_COLUMNS_VETO else Severity.WARNING
    district = _district()
    for about, name, link in empty:
        yield Finding(
            check="column_empty",
            unit=district,
            severity=severity,
            subject=_("“%(column)s”栏目没有内容") % {"column": name},
            detail=_("空白栏目共 %(count)s 个（政府网站检查指标：超过5个为单项否决）。")
            % {"count": len(empty)},
            link=link,
            about=about,
        )
