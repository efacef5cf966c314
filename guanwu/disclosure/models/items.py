"""The disclosure column's page tree: six category pages and typed items under them.

Every item is a page (so Wagtail's revisions, moderation workflow, scheduling and audit log
apply) with structured fields per type instead of one rich-text blob (seed 三).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _

from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page, PageManager, PageQuerySet, PageViewRestriction
from wagtail.search import index

from guanwu.organization.models import ContactLine, Post, Staff, Unit

from .. import blocks
from ..admin_forms import DisclosureItemForm
from ..enums import (
    CATEGORIES_WITHOUT_SUBITEMS,
    CATEGORY_DESCRIPTIONS,
    CATEGORY_NUMERALS,
    Category,
    DisclosureMode,
    IntegrityRuleKind,
    NoticeKind,
    ValidityStatus,
)
from ..guard import LegalReviewGuardMixin
from .catalogue import SubItem

ITEM_TYPES = [
    "disclosure.LegalBasisPage",
    "disclosure.ProcedurePage",
    "disclosure.FeeItemPage",
    "disclosure.LicensingGuidePage",
    "disclosure.CommitmentPage",
    "disclosure.IntegrityRulePage",
    "disclosure.GeneralItemPage",
    "disclosure.NoticePage",
]


class RoutedPageMixin:
    """A page whose view restrictions the home page's routing has already looked up.

    ``HomePage.route`` reads the page's ancestors in the query that finds it, with whether
    each has a view restriction, and sets ``_no_view_restrictions`` on the page it returns
    when none of them has one and none is an alias. Wagtail's check before serving
    (``check_view_restrictions``) then needs no query of its own; in every other case (a
    restriction, an alias, a page not found that way) Wagtail's own look-up runs.
    """

    _no_view_restrictions = False

    def get_view_restrictions(self) -> Any:
        if self._no_view_restrictions:
            return PageViewRestriction.objects.none()
        return super().get_view_restrictions()  # type: ignore[misc]


class CategoryPage(RoutedPageMixin, LegalReviewGuardMixin, Page):
    """One of the six categories (一 to 六) under the column's home page."""

    number = models.PositiveSmallIntegerField(_("类别"), choices=Category.choices, unique=True)
    intro = models.TextField(_("说明"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("number"), FieldPanel("intro")]
    parent_page_types = ["portal.HomePage"]
    subpage_types = ITEM_TYPES
    max_count = 6

    class Meta:
        verbose_name = _("公开类别")
        verbose_name_plural = _("公开类别")

    @property
    def numeral(self) -> str:
        return CATEGORY_NUMERALS[self.number]

    @property
    def description(self) -> str:
        return str(CATEGORY_DESCRIPTIONS[self.number])

    def subitems(self) -> models.QuerySet[SubItem]:
        return SubItem.objects.for_category(self.number)

    def get_context(self, request: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from django.core.paginator import Paginator
        from django.utils.http import urlencode

        from .. import selectors

        context = super().get_context(request, *args, **kwargs)
        subitem = request.GET.get("subitem", "")[:8]
        unit = request.GET.get("unit", "")[:32]
        mode = request.GET.get("mode", "")[:16]
        mode = mode if mode in DisclosureMode.values else ""
        # Plain rows with the columns a list line shows, links from url_path (selectors).
        items = selectors.filter_items(
            selectors.public_items(), category=self.number, subitem=subitem, unit=unit, mode=mode
        )
        lines = selectors.item_lines(selectors.in_force_first(items), "summary", "mode", "in_force")
        page_of_items = Paginator(lines, 20).get_page(request.GET.get("page"))
        page_of_items.object_list = selectors.lines_with_urls(
            page_of_items.object_list, selectors.PageUrls(request)
        )
        filters = {k: v for k, v in (("subitem", subitem), ("unit", unit), ("mode", mode)) if v}
        context.update(
            items=page_of_items,
            subitems=list(self.subitems().values("code", "name", "short_name")),
            units=list(
                Unit.objects.live()
                .filter(items__category=self.number)
                .distinct()
                .values("code", "name", "sort_order")
            ),
            modes=[(m.value, m.label) for m in DisclosureMode if m != DisclosureMode.WITHHELD],
            current_subitem=subitem,
            current_unit=unit.upper(),
            current_mode=mode,
            query_prefix=urlencode(filters) + "&" if filters else "",
        )
        return context


class ItemQuerySet(PageQuerySet):
    """Filters of items live in ``disclosure.selectors``; this keeps Wagtail's page queryset."""


ItemManager = PageManager.from_queryset(ItemQuerySet)


class DisclosureItemPage(RoutedPageMixin, LegalReviewGuardMixin, Page):
    """Fields every disclosure item has, whatever its type (DESIGN rule 3)."""

    category = models.PositiveSmallIntegerField(
        _("类别"), choices=Category.choices, editable=False, db_index=True, default=2
    )
    subitem = models.ForeignKey(
        SubItem,
        verbose_name=_("公开子项"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="items",
        help_text=_("实施方案的子项编号；类别一和类别六没有子项。"),
    )
    owning_unit = models.ForeignKey(
        Unit, verbose_name=_("责任单位"), on_delete=models.PROTECT, related_name="items"
    )
    liaison = models.ForeignKey(
        Staff,
        verbose_name=_("联络员"),
        on_delete=models.PROTECT,
        related_name="items",
        help_text=_("负责本条内容及时更新的联络员（实施方案五.五）。"),
    )
    summary = models.TextField(_("摘要"), max_length=500, blank=True)
    mode = models.CharField(
        _("公开方式"),
        max_length=16,
        choices=DisclosureMode.choices,
        default=DisclosureMode.STANDING,
    )
    review_cycle_months = models.PositiveSmallIntegerField(
        _("检查周期（月）"),
        null=True,
        blank=True,
        default=12,
        help_text=_("长期公开的内容按此周期检查维护，确保有效（实施方案五.三.1）。"),
    )
    period_months = models.PositiveSmallIntegerField(
        _("公开周期（月）"),
        null=True,
        blank=True,
        help_text=_("定期公开的内容每隔多少个月更新一次（实施方案五.三.2）。"),
    )
    schedule_note = models.CharField(_("公开安排"), max_length=200, blank=True)
    starts_at = models.DateTimeField(_("起始时间"), null=True, blank=True)
    ends_at = models.DateTimeField(
        _("截止时间"),
        null=True,
        blank=True,
        help_text=_("随时公开的内容到此时间自动撤下。"),
    )

    objects = ItemManager()

    is_creatable = False
    base_form_class = DisclosureItemForm
    parent_page_types = ["disclosure.CategoryPage"]
    subpage_types: list[str] = []

    common_panels = [
        MultiFieldPanel(
            [
                FieldPanel("subitem"),
                FieldRowPanel([FieldPanel("owning_unit"), FieldPanel("liaison")]),
                FieldPanel("summary"),
            ],
            heading=_("归属"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("mode"),
                FieldRowPanel([FieldPanel("review_cycle_months"), FieldPanel("period_months")]),
                FieldPanel("schedule_note"),
                FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")]),
            ],
            heading=_("公开方式"),
        ),
    ]
    attachment_panels = [InlinePanel("attachments", label=_("附件"))]

    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.FilterField("category"),
        index.FilterField("mode"),
        index.FilterField("owning_unit"),
        index.FilterField("subitem"),
    ]

    class Meta:
        verbose_name = _("公开事项")
        verbose_name_plural = _("公开事项")

    def __str__(self) -> str:
        return self.title

    # --- state ----------------------------------------------------------------------------

    @property
    def is_withheld(self) -> bool:
        return self.mode == DisclosureMode.WITHHELD

    @cached_property
    def last_checked_at(self) -> datetime.datetime | None:
        """The latest of publication and the liaison's last "still current" check."""
        if "latest_check_at" in self.__dict__:  # read with the page (serving_queryset)
            checked = self.latest_check_at
        else:
            check = self.content_checks.order_by("-checked_at").first()
            checked = check and check.checked_at
        dates = [d for d in (self.last_published_at, checked) if d]
        return max(dates) if dates else None

    def next_check_date(self) -> datetime.date | None:
        if self.mode != DisclosureMode.STANDING or not self.review_cycle_months:
            return None
        base = self.last_checked_at
        return add_months(timezone.localdate(base), self.review_cycle_months) if base else None

    def next_due_date(self) -> datetime.date | None:
        if (
            self.mode != DisclosureMode.PERIODIC
            or not self.period_months
            or not self.last_published_at
        ):
            return None
        return add_months(timezone.localdate(self.last_published_at), self.period_months)

    # --- invariants -----------------------------------------------------------------------

    def parent_category(self) -> int | None:
        parent = getattr(self, "_parent_for_validation", None)
        if parent is None and self.path and self.depth and self.depth > 1:
            parent = self.get_parent()
        specific = getattr(parent, "specific", None)
        return getattr(specific, "number", None)

    def clean(self) -> None:
        super().clean()
        errors: dict[str, list[Any]] = {}
        category = self.parent_category()
        if category is not None:
            self.category = category
            if category in CATEGORIES_WITHOUT_SUBITEMS:
                if self.subitem_id:
                    errors.setdefault("subitem", []).append(_("类别一和类别六没有子项。"))
            elif not self.subitem_id:
                errors.setdefault("subitem", []).append(_("请选择本条内容对应的实施方案子项。"))
            elif self.subitem.category != category:
                errors.setdefault("subitem", []).append(_("所选子项不属于本类别。"))
        if (
            self.liaison_id
            and self.owning_unit_id
            and not (
                self.liaison.unit.is_within(self.owning_unit)
                or self.owning_unit.is_within(self.liaison.unit)
            )
        ):
            errors.setdefault("liaison", []).append(_("联络员应为责任单位的工作人员。"))
        self._clean_mode(errors)
        if errors:
            raise ValidationError(errors)

    def _clean_mode(self, errors: dict[str, list[Any]]) -> None:
        if self.mode == DisclosureMode.STANDING and not self.review_cycle_months:
            errors.setdefault("review_cycle_months", []).append(_("长期公开的内容须设定检查周期。"))
        if self.mode == DisclosureMode.PERIODIC and not self.period_months:
            errors.setdefault("period_months", []).append(_("定期公开的内容须设定公开周期。"))
        if self.mode == DisclosureMode.IMMEDIATE:
            if not self.ends_at:
                errors.setdefault("ends_at", []).append(_("随时公开的内容须设定截止时间。"))
            elif self.starts_at and self.ends_at <= self.starts_at:
                errors.setdefault("ends_at", []).append(_("截止时间应晚于起始时间。"))
        if (
            self.mode != DisclosureMode.IMMEDIATE
            and self.ends_at
            and not isinstance(self, NoticePage)
        ):
            errors.setdefault("ends_at", []).append(_("只有随时公开的内容设定截止时间。"))

    def save(self, *args: Any, **kwargs: Any) -> Any:
        if self.path and self.depth and self.depth > 1 and kwargs.get("update_fields") is None:
            category = self.parent_category()
            if category is not None:
                self.category = category
        # Immediate items come down by themselves at their end (Wagtail's expiry).
        if self.mode == DisclosureMode.IMMEDIATE and self.ends_at:
            self.expire_at = self.ends_at
        return super().save(*args, **kwargs)

    def get_workflow(self) -> Any:
        """Immediate items take the expedited review path (seed 五.三.3)."""
        if self.mode == DisclosureMode.IMMEDIATE:
            from ..workflows import expedited_workflow

            workflow = expedited_workflow()
            if workflow is not None:
                return workflow
        return super().get_workflow()

    def get_template(self, request: Any, *args: Any, **kwargs: Any) -> str:
        return "disclosure/item_page.html"

    @classmethod
    def serving_queryset(cls, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        """The page as ``HomePage.route`` reads it to serve it: with what the page shows
        (the facts list's unit and sub-item, the latest content check) in the same query."""
        from .review import ContentCheck

        latest_check = (
            ContentCheck.objects.filter(page_id=OuterRef("pk"))
            .order_by("-checked_at")
            .values("checked_at")[:1]
        )
        return queryset.select_related("owning_unit", "subitem").annotate(
            latest_check_at=Subquery(latest_check)
        )

    def get_context(self, request: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from ..selectors import PageUrls

        context = super().get_context(request, *args, **kwargs)
        # The breadcrumbs' category: from the routing query when the page came that way.
        parent = getattr(self, "route_parent", None)
        if parent is not None:
            context["parent_link"] = {
                "title": parent["title"],
                "url": PageUrls(request)(parent["url_path"]),
            }
        else:
            page = self.get_parent()
            context["parent_link"] = {"title": page.title, "url": page.get_url(request=request)}
        return context

    # --- rendering ------------------------------------------------------------------------

    def attachments_with_documents(self) -> list[ItemAttachment]:
        """The attachments with their documents in one query (not one per attachment)."""
        return list(self.attachments.select_related("document"))

    def windows_with_halls(self) -> list[Post]:
        """The windows (办理/受理窗口) of the types that have them, with their halls, in one query."""
        return list(self.windows.select_related("hall"))  # type: ignore[attr-defined]


def require_text(page: Any, *names: str) -> None:
    """Rich-text fields count as empty when only markup is left (an empty editor posts <p></p>)."""
    errors = {
        name: _("请填写此项内容。")
        for name in names
        if not strip_tags(getattr(page, name) or "").strip()
    }
    if errors:
        raise ValidationError(errors)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` plus whole months, clamped to the month's last day (Jan 31 + 1 = Feb 28)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    next_month = datetime.date(year + month // 12, month % 12 + 1, 1)
    last_day = (next_month - datetime.timedelta(days=1)).day
    return datetime.date(year, month, min(day.day, last_day))


class ItemAttachment(Orderable):
    page = ParentalKey(DisclosureItemPage, on_delete=models.CASCADE, related_name="attachments")
    document = models.ForeignKey(
        "wagtaildocs.Document", on_delete=models.PROTECT, related_name="+", verbose_name=_("文件")
    )
    title = models.CharField(_("标题"), max_length=200, blank=True)

    panels = [FieldPanel("document"), FieldPanel("title")]

    class Meta(Orderable.Meta):
        verbose_name = _("附件")
        verbose_name_plural = _("附件")


class LegalBasisPage(DisclosureItemPage):
    """A law, regulation or rule the customs enforces (category 二 and elsewhere)."""

    api_type = "legal_basis"
    detail_template = "disclosure/types/legal_basis.html"

    document_number = models.CharField(_("文号"), max_length=100, blank=True)
    issuing_authority = models.CharField(_("发布机关"), max_length=100)
    issued_on = models.DateField(_("发布日期"), null=True, blank=True)
    effective_on = models.DateField(_("施行日期"), null=True, blank=True)
    validity = models.CharField(
        _("效力状态"), max_length=16, choices=ValidityStatus.choices, default=ValidityStatus.VALID
    )
    replaced_by = models.ForeignKey(
        "self",
        verbose_name=_("修订或替代文件"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="replaces",
    )
    validity_note = models.CharField(_("效力说明"), max_length=300, blank=True)
    body = RichTextField(_("主要内容"), blank=True)

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("document_number"), FieldPanel("issuing_authority")]),
                FieldRowPanel([FieldPanel("issued_on"), FieldPanel("effective_on")]),
                FieldRowPanel([FieldPanel("validity"), FieldPanel("replaced_by")]),
                FieldPanel("validity_note"),
            ],
            heading=_("文件信息"),
        ),
        FieldPanel("body"),
        *DisclosureItemPage.common_panels,
        *DisclosureItemPage.attachment_panels,
    ]
    search_fields = [
        *DisclosureItemPage.search_fields,
        index.SearchField("document_number"),
        index.SearchField("issuing_authority"),
        index.SearchField("body"),
    ]

    class Meta:
        verbose_name = _("法律依据")
        verbose_name_plural = _("法律依据")

    def clean(self) -> None:
        super().clean()
        if self.validity == ValidityStatus.VALID and self.replaced_by_id:
            raise ValidationError({"replaced_by": _("现行有效的文件不应指向替代文件。")})
        if self.replaced_by_id and self.replaced_by_id == self.pk:
            raise ValidationError({"replaced_by": _("文件不能替代自身。")})


class ProcedurePage(DisclosureItemPage):
    """A procedure with its steps, time limits and the windows where it is handled (三.1–2)."""

    api_type = "procedure"
    detail_template = "disclosure/types/procedure.html"

    steps = StreamField(blocks.STEPS, verbose_name=_("办理环节"), blank=True)
    statutory_limit_days = models.PositiveSmallIntegerField(
        _("法定时限（工作日）"), null=True, blank=True
    )
    promised_limit_days = models.PositiveSmallIntegerField(
        _("承诺时限（工作日）"), null=True, blank=True
    )
    limit_note = models.CharField(_("时限说明"), max_length=300, blank=True)
    legal_basis = models.TextField(_("法律依据"), blank=True)
    windows = ParentalManyToManyField(Post, verbose_name=_("办理窗口"), blank=True)
    body = RichTextField(_("补充说明"), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("steps"),
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [FieldPanel("statutory_limit_days"), FieldPanel("promised_limit_days")]
                ),
                FieldPanel("limit_note"),
            ],
            heading=_("办理时限"),
        ),
        FieldPanel("legal_basis"),
        FieldPanel("windows"),
        FieldPanel("body"),
        *DisclosureItemPage.common_panels,
        *DisclosureItemPage.attachment_panels,
    ]
    search_fields = [
        *DisclosureItemPage.search_fields,
        index.SearchField("steps"),
        index.SearchField("legal_basis"),
        index.SearchField("body"),
    ]

    class Meta:
        verbose_name = _("办事程序")
        verbose_name_plural = _("办事程序")

    def clean(self) -> None:
        super().clean()
        check_time_limits(self)


def check_time_limits(page: Any) -> None:
    statutory, promised = page.statutory_limit_days, page.promised_limit_days
    if statutory is not None and promised is not None and promised > statutory:
        raise ValidationError({"promised_limit_days": _("承诺时限不能长于法定时限。")})


class FeeItemPage(DisclosureItemPage):
    """A fee (三.3). "No fee" is an explicit, valid value."""

    api_type = "fee"
    detail_template = "disclosure/types/fee.html"

    fee_name = models.CharField(_("收费项目"), max_length=200)
    no_fee = models.BooleanField(_("不收费"), default=False)
    standard = models.TextField(_("收费标准"), blank=True)
    legal_basis = models.TextField(_("收费依据"), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("fee_name"),
        FieldPanel("no_fee"),
        FieldPanel("standard"),
        FieldPanel("legal_basis"),
        *DisclosureItemPage.common_panels,
        *DisclosureItemPage.attachment_panels,
    ]
    search_fields = [
        *DisclosureItemPage.search_fields,
        index.SearchField("fee_name"),
        index.SearchField("standard"),
        index.SearchField("legal_basis"),
    ]

    class Meta:
        verbose_name = _("收费项目")
        verbose_name_plural = _("收费项目")

    def clean(self) -> None:
        super().clean()
        if self.no_fee and self.standard.strip():
            raise ValidationError({"standard": _("已选“不收费”，请勿填写收费标准。")})
        if not self.no_fee and not self.standard.strip():
            raise ValidationError({"standard": _("请填写收费标准，或选择“不收费”。")})
        if not self.legal_basis.strip():
            raise ValidationError({"legal_basis": _("请填写收费或不收费的依据。")})


class LicensingGuidePage(DisclosureItemPage):
    """An administrative licensing service guide (seed 四.4)."""

    api_type = "licensing"
    detail_template = "disclosure/types/licensing.html"

    licence_name = models.CharField(_("许可事项名称"), max_length=200)
    licence_content = models.TextField(_("许可内容"))
    legal_basis = models.TextField(_("设立依据"))
    conditions = StreamField(blocks.CONDITIONS, verbose_name=_("申请条件"), blank=True)
    documents = StreamField(blocks.DOCUMENTS, verbose_name=_("申请材料清单"), blank=True)
    steps = StreamField(blocks.STEPS, verbose_name=_("办理程序"), blank=True)
    statutory_limit_days = models.PositiveSmallIntegerField(
        _("法定时限（工作日）"), null=True, blank=True
    )
    promised_limit_days = models.PositiveSmallIntegerField(
        _("承诺时限（工作日）"), null=True, blank=True
    )
    limit_note = models.CharField(_("时限说明"), max_length=300, blank=True)
    no_fee = models.BooleanField(_("不收费"), default=True)
    fees = StreamField(blocks.FEES, verbose_name=_("收费标准"), blank=True)
    windows = ParentalManyToManyField(Post, verbose_name=_("受理窗口"), blank=True)
    body = RichTextField(_("补充说明"), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("licence_name"),
        FieldPanel("licence_content"),
        FieldPanel("legal_basis"),
        FieldPanel("conditions"),
        FieldPanel("documents"),
        FieldPanel("steps"),
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [FieldPanel("statutory_limit_days"), FieldPanel("promised_limit_days")]
                ),
                FieldPanel("limit_note"),
            ],
            heading=_("办理时限"),
        ),
        MultiFieldPanel([FieldPanel("no_fee"), FieldPanel("fees")], heading=_("收费")),
        FieldPanel("windows"),
        FieldPanel("body"),
        *DisclosureItemPage.common_panels,
        *DisclosureItemPage.attachment_panels,
    ]
    search_fields = [
        *DisclosureItemPage.search_fields,
        index.SearchField("licence_name"),
        index.SearchField("licence_content"),
        index.SearchField("legal_basis"),
        index.SearchField("conditions"),
        index.SearchField("documents"),
        index.SearchField("steps"),
        index.SearchField("body"),
    ]

    class Meta:
        verbose_name = _("行政许可办事指南")
        verbose_name_plural = _("行政许可办事指南")

    @classmethod
    def serving_queryset(cls, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        """Also the district's name, which the page's JSON-LD names as the area served
        (``templatetags/structured_data.py``)."""
        from guanwu.organization.enums import UnitKind

        district = Unit.objects.live().filter(kind=UnitKind.DISTRICT).order_by("sort_order", "code")
        return (
            super()
            .serving_queryset(queryset)
            .annotate(district_name=Subquery(district.values("name")[:1]))
        )

    def clean(self) -> None:
        super().clean()
        check_time_limits(self)
        if self.no_fee and len(self.fees):
            raise ValidationError({"fees": _("已选“不收费”，请勿填写收费标准。")})
        if not self.no_fee and not len(self.fees):
            raise ValidationError({"fees": _("请填写收费标准，或选择“不收费”。")})


class CommitmentPage(DisclosureItemPage):
    """A public commitment (category 六) with a measurable target."""

    api_type = "commitment"
    detail_template = "disclosure/types/commitment.html"

    promise = models.TextField(_("承诺内容"))
    target = models.CharField(
        _("量化指标"), max_length=200, help_text=_("例如：咨询 5 个工作日内答复率 100%。")
    )
    responsible_unit = models.ForeignKey(
        Unit,
        verbose_name=_("落实单位"),
        on_delete=models.PROTECT,
        related_name="commitments",
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("promise"),
        FieldPanel("target"),
        FieldPanel("responsible_unit"),
        *DisclosureItemPage.common_panels,
        *DisclosureItemPage.attachment_panels,
    ]
    search_fields = [
        *DisclosureItemPage.search_fields,
        index.SearchField("promise"),
        index.SearchField("target"),
    ]

    class Meta:
        verbose_name = _("对外承诺")
        verbose_name_plural = _("对外承诺")


class IntegrityRulePage(DisclosureItemPage):
    """An integrity and supervision rule (category 五)."""

    api_type = "integrity"
    detail_template = "disclosure/types/integrity.html"

    rule_kind = models.CharField(_("规定类别"), max_length=16, choices=IntegrityRuleKind.choices)
    rules = RichTextField(_("规定内容"))
    reporting_channels = ParentalManyToManyField(
        ContactLine, verbose_name=_("举报投诉渠道"), blank=True
    )
    channels_note = models.TextField(_("其他渠道和反馈方式"), blank=True)
    accountability = models.TextField(_("责任追究"), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("rule_kind"),
        FieldPanel("rules"),
        FieldPanel("reporting_channels"),
        FieldPanel("channels_note"),
        FieldPanel("accountability"),
        *DisclosureItemPage.common_panels,
        *DisclosureItemPage.attachment_panels,
    ]
    search_fields = [
        *DisclosureItemPage.search_fields,
        index.SearchField("rules"),
        index.SearchField("channels_note"),
        index.SearchField("accountability"),
    ]

    class Meta:
        verbose_name = _("廉政和监督规定")
        verbose_name_plural = _("廉政和监督规定")

    def clean(self) -> None:
        super().clean()
        require_text(self, "rules")


class GeneralItemPage(DisclosureItemPage):
    """Everything else: rich text with attachments."""

    api_type = "general"
    detail_template = "disclosure/types/general.html"

    body = RichTextField(_("正文"))

    content_panels = [
        *Page.content_panels,
        FieldPanel("body"),
        *DisclosureItemPage.common_panels,
        *DisclosureItemPage.attachment_panels,
    ]
    search_fields = [*DisclosureItemPage.search_fields, index.SearchField("body")]

    class Meta:
        verbose_name = _("一般公开事项")
        verbose_name_plural = _("一般公开事项")

    def clean(self) -> None:
        super().clean()
        require_text(self, "body")


class NoticePage(DisclosureItemPage):
    """A one-off notice (随时公开, seed 五.三.3): always immediate mode, with start and end."""

    api_type = "notice"
    detail_template = "disclosure/types/notice.html"

    notice_kind = models.CharField(_("公告类别"), max_length=16, choices=NoticeKind.choices)
    body = RichTextField(_("正文"))

    content_panels = [
        *Page.content_panels,
        FieldPanel("notice_kind"),
        FieldPanel("body"),
        MultiFieldPanel(
            [
                FieldPanel("subitem"),
                FieldRowPanel([FieldPanel("owning_unit"), FieldPanel("liaison")]),
                FieldPanel("summary"),
                FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")]),
            ],
            heading=_("归属与期限"),
        ),
        *DisclosureItemPage.attachment_panels,
    ]
    search_fields = [*DisclosureItemPage.search_fields, index.SearchField("body")]

    class Meta:
        verbose_name = _("随时公开公告")
        verbose_name_plural = _("随时公开公告")

    def clean(self) -> None:
        # A notice is immediate by definition; the mode is not the editor's choice.
        self.mode = DisclosureMode.IMMEDIATE
        super().clean()
        require_text(self, "body")

    def save(self, *args: Any, **kwargs: Any) -> Any:
        self.mode = DisclosureMode.IMMEDIATE
        return super().save(*args, **kwargs)
