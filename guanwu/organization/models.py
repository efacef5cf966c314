"""The district's structure that category 一 of the seed publishes.

Seed 三.(一): 公开海关各部门机构名称、职责权限、窗口（岗位）标识、举报电话和单位值班电话以及
办事人员工号. The unit tree is also what three-level routing (seed 二) walks.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from modelcluster.models import ClusterableModel
from wagtail.models import DraftStateMixin, LockableMixin, RevisionMixin, WorkflowMixin

from guanwu.disclosure.guard import LegalReviewGuardMixin

from .enums import PARENT_KIND, ContactLineKind, UnitFunction, UnitKind

unit_code_validator = RegexValidator(
    r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)*$",
    _("代码只能由大写字母、数字和连字符组成，并以字母开头，例如 TJ-XG-ZS。"),
)
work_number_validator = RegexValidator(r"^\d{6,8}$", _("工号应为 6 到 8 位数字。"))
phone_validator = RegexValidator(
    r"^[0-9+()\- ]{3,30}$", _("电话号码只能包含数字、空格、括号、加号和连字符。")
)
sign_code_validator = RegexValidator(
    r"^[A-Z0-9][A-Z0-9-]{0,15}$", _("窗口标识只能由大写字母、数字和连字符组成。")
)

# Seed 六 names one body for each of these functions, so at most one unit may carry each.
SINGLE_FUNCTIONS = [
    f for f in UnitFunction.values if f not in (UnitFunction.BRANCH, UnitFunction.BUSINESS)
]


class ReviewedSnippet(
    LegalReviewGuardMixin, WorkflowMixin, DraftStateMixin, LockableMixin, RevisionMixin
):
    """Category 一 is public content too: changes go out only through the review workflow.

    The database row is the live version; drafts live in revisions until legal review
    approves them (DESIGN rule 1).
    """

    class Meta:
        abstract = True

    @property
    def revisions(self) -> models.QuerySet:  # type: ignore[override]
        return self._revisions


def revisions_relation(name: str) -> GenericRelation:
    return GenericRelation("wagtailcore.Revision", related_query_name=name)


def workflow_states_relation(name: str) -> GenericRelation:
    return GenericRelation(
        "wagtailcore.WorkflowState",
        content_type_field="base_content_type",
        object_id_field="object_id",
        related_query_name=name,
        for_concrete_model=False,
    )


class UnitQuerySet(models.QuerySet["Unit"]):
    def live(self) -> UnitQuerySet:
        return self.filter(live=True)

    def districts(self) -> UnitQuerySet:
        return self.filter(kind=UnitKind.DISTRICT)

    def divisions(self) -> UnitQuerySet:
        return self.filter(kind=UnitKind.DIVISION)

    def sections(self) -> UnitQuerySet:
        return self.filter(kind=UnitKind.SECTION)

    def with_function(self, function: str) -> UnitQuerySet:
        return self.filter(function=function)


class Unit(ReviewedSnippet, models.Model):
    """A node of the district tree: district → division (处级部门 or 分关) → section (科室)."""

    code = models.CharField(
        _("代码"),
        max_length=32,
        unique=True,
        validators=[unit_code_validator],
        help_text=_("稳定的简短代码，对外接口和打印件引用它，创建后不宜修改。"),
    )
    name = models.CharField(_("名称"), max_length=100)
    short_name = models.CharField(_("简称"), max_length=40, blank=True)
    kind = models.CharField(_("层级"), max_length=16, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级单位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    function = models.CharField(
        _("职能类别"),
        max_length=32,
        choices=UnitFunction.choices,
        blank=True,
        help_text=_("处级部门所承担的关务公开职能，例如法规处、监察室、咨询服务中心或分关。"),
    )
    duties = models.TextField(_("职责权限"), blank=True)
    address = models.CharField(_("办公地址"), max_length=200, blank=True)
    office_hours = models.CharField(_("办公时间"), max_length=200, blank=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    _revisions = revisions_relation("unit")
    workflow_states = workflow_states_relation("unit")

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["sort_order", "code"]
        constraints = [
            # The district is the only root; every other unit has a parent.
            models.CheckConstraint(
                condition=(Q(kind=UnitKind.DISTRICT) & Q(parent__isnull=True))
                | (~Q(kind=UnitKind.DISTRICT) & Q(parent__isnull=False)),
                name="unit_only_district_is_root",
            ),
            models.UniqueConstraint(
                fields=["kind"],
                condition=Q(kind=UnitKind.DISTRICT),
                name="unit_single_district",
            ),
            models.UniqueConstraint(
                fields=["function"],
                condition=Q(function__in=SINGLE_FUNCTIONS),
                name="unit_single_functional_body",
            ),
            models.CheckConstraint(
                condition=Q(function="") | Q(kind=UnitKind.DIVISION),
                name="unit_function_only_on_divisions",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        if self.code:
            self.code = self.code.strip().upper()
        self.validate_tree()
        super().save(*args, **kwargs)

    # --- tree ------------------------------------------------------------------------------

    def ancestors(self) -> Iterator[Unit]:
        """Parents from the nearest up to the district (stops on a cycle instead of looping)."""
        seen: set[int | None] = {self.pk}
        node = self.parent
        while node is not None and node.pk not in seen:
            seen.add(node.pk)
            yield node
            node = node.parent

    def path(self) -> list[Unit]:
        """From the district down to this unit."""
        return [*reversed(list(self.ancestors())), self]

    @property
    def level(self) -> int:
        return {UnitKind.DISTRICT: 0, UnitKind.DIVISION: 1, UnitKind.SECTION: 2}[self.kind]

    def is_within(self, other: Unit) -> bool:
        """True when this unit is ``other`` or lies below it."""
        return any(unit.pk == other.pk for unit in self.path())

    # --- invariants ------------------------------------------------------------------------

    def clean(self) -> None:
        super().clean()
        self.validate_tree()

    def validate_tree(self) -> None:
        """Check the tree invariants; raised from ``save`` too, so no entry point skips them."""
        errors: dict[str, list[str]] = {}
        expected_parent = PARENT_KIND.get(self.kind)
        if self.kind not in PARENT_KIND:
            errors.setdefault("kind", []).append(_("未知的层级。"))
        elif expected_parent is None:
            if self.parent_id is not None:
                errors.setdefault("parent", []).append(_("总关是根单位，不能有上级单位。"))
        elif self.parent is None:
            errors.setdefault("parent", []).append(_("处级部门和科室必须有上级单位。"))
        else:
            if self.pk is not None and (
                self.parent.pk == self.pk or any(a.pk == self.pk for a in self.parent.ancestors())
            ):
                errors.setdefault("parent", []).append(
                    _("上级单位不能是本单位或其下级单位（不允许形成循环）。")
                )
            elif self.parent.kind != expected_parent:
                message = {
                    UnitKind.DIVISION: _("处级部门或分关必须直属总关。"),
                    UnitKind.SECTION: _("科室必须隶属于处级部门或分关。"),
                }[self.kind]
                errors.setdefault("parent", []).append(message)
        if self.function and self.kind != UnitKind.DIVISION:
            errors.setdefault("function", []).append(_("只有处级部门可以设置职能类别。"))
        if self.pk is not None and self.kind != UnitKind.DISTRICT:
            child_kinds = set(Unit.objects.filter(parent_id=self.pk).values_list("kind", flat=True))
            allowed = {k for k, parent_kind in PARENT_KIND.items() if parent_kind == self.kind}
            if child_kinds - allowed:
                errors.setdefault("kind", []).append(
                    _("该单位已有下级单位，改为此层级后下级单位将不符合层级关系。")
                )
        if errors:
            raise ValidationError(errors)


class LiveQuerySet(models.QuerySet):
    def live(self) -> LiveQuerySet:
        return self.filter(live=True)


class Hall(ReviewedSnippet, models.Model):
    """A declaration hall (报关大厅) where windows, a consultation desk and a board stand."""

    code = models.CharField(_("代码"), max_length=32, unique=True, validators=[unit_code_validator])
    name = models.CharField(_("名称"), max_length=100)
    unit = models.ForeignKey(
        Unit, verbose_name=_("所属单位"), on_delete=models.PROTECT, related_name="halls"
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    opening_hours = models.CharField(_("开放时间"), max_length=200, blank=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    _revisions = revisions_relation("hall")
    workflow_states = workflow_states_relation("hall")

    objects = LiveQuerySet.as_manager()

    class Meta:
        verbose_name = _("报关大厅")
        verbose_name_plural = _("报关大厅")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        if self.unit_id and self.unit.kind == UnitKind.DISTRICT:
            raise ValidationError({"unit": _("报关大厅应属于处级部门、分关或科室。")})


class Post(ReviewedSnippet, models.Model):
    """A service window or post (窗口/岗位) with the sign the public sees."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("所属单位"), on_delete=models.PROTECT, related_name="posts"
    )
    hall = models.ForeignKey(
        Hall,
        verbose_name=_("所在大厅"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="posts",
    )
    sign_code = models.CharField(
        _("窗口标识"), max_length=16, validators=[sign_code_validator], help_text=_("例如 A03。")
    )
    name = models.CharField(_("窗口（岗位）名称"), max_length=100)
    services = models.TextField(_("办理事项"), blank=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    _revisions = revisions_relation("post")
    workflow_states = workflow_states_relation("post")

    objects = LiveQuerySet.as_manager()

    class Meta:
        verbose_name = _("窗口（岗位）")
        verbose_name_plural = _("窗口（岗位）")
        ordering = ["sort_order", "sign_code"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "sign_code"], name="post_unique_sign_in_unit")
        ]

    def __str__(self) -> str:
        return f"{self.sign_code} {self.name}"


class StaffQuerySet(LiveQuerySet):
    def active(self) -> StaffQuerySet:
        return self.filter(is_active=True)


class Staff(ReviewedSnippet, ClusterableModel):
    """A staff member with the public work number (工号) the seed requires to be shown."""

    work_number = models.CharField(
        _("工号"), max_length=8, unique=True, validators=[work_number_validator]
    )
    name = models.CharField(_("姓名"), max_length=50)
    title = models.CharField(_("职务"), max_length=50, blank=True)
    unit = models.ForeignKey(
        Unit, verbose_name=_("所在单位"), on_delete=models.PROTECT, related_name="staff"
    )
    posts = models.ManyToManyField(
        Post, verbose_name=_("窗口（岗位）"), blank=True, related_name="staff"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登录账号"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="staff",
    )
    is_active = models.BooleanField(_("在岗"), default=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    _revisions = revisions_relation("staff")
    workflow_states = workflow_states_relation("staff")

    objects = StaffQuerySet.as_manager()

    # Which login belongs to a staff member is internal, not published content.
    guard_exempt_fields = frozenset({"user"})

    class Meta:
        verbose_name = _("工作人员")
        verbose_name_plural = _("工作人员")
        ordering = ["unit__sort_order", "sort_order", "work_number"]

    def __str__(self) -> str:
        return f"{self.name}（{self.work_number}）"

    def clean(self) -> None:
        super().clean()
        if not self.unit_id:
            return
        for post in self.posts.all():
            if not post.unit.is_within(self.unit):
                raise ValidationError(
                    {
                        "posts": _("窗口 %(post)s 不属于 %(unit)s，不能分配给该工作人员。")
                        % {"post": post, "unit": self.unit}
                    }
                )


class ContactLine(ReviewedSnippet, models.Model):
    """A published phone line: duty, report, consultation or clearance 110 (seed 四.三)."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("所属单位"), on_delete=models.PROTECT, related_name="contact_lines"
    )
    kind = models.CharField(_("类别"), max_length=16, choices=ContactLineKind.choices)
    number = models.CharField(_("号码"), max_length=30, validators=[phone_validator])
    hours = models.CharField(_("接听时间"), max_length=100, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    _revisions = revisions_relation("contactline")
    workflow_states = workflow_states_relation("contactline")

    objects = LiveQuerySet.as_manager()

    class Meta:
        verbose_name = _("公开电话")
        verbose_name_plural = _("公开电话")
        ordering = ["sort_order", "kind", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "kind", "number"], name="contactline_unique_per_unit"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"
