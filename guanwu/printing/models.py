"""Editions of the printed channels: every build is kept with its PDF, its checksum and the
exact revisions it was made from, so what a board or a handbook said can always be shown."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from guanwu.organization.models import Hall, Unit

from .enums import BuildState, EditionKind, PaperSize


class Edition(models.Model):
    kind = models.CharField(_("类型"), max_length=16, choices=EditionKind.choices)
    # The scope: a handbook for the district (no unit) or one unit; a board for a unit or a
    # declaration hall. ``scope`` ("district", "unit:CODE", "hall:CODE") numbers the editions.
    unit = models.ForeignKey(
        Unit, verbose_name=_("单位"), on_delete=models.PROTECT, null=True, blank=True
    )
    hall = models.ForeignKey(
        Hall, verbose_name=_("报关大厅"), on_delete=models.PROTECT, null=True, blank=True
    )
    scope = models.CharField(max_length=60, editable=False)
    size = models.CharField(_("纸张"), max_length=4, choices=PaperSize.choices)
    number = models.PositiveIntegerField(_("版次"))
    title = models.CharField(_("标题"), max_length=200)
    state = models.CharField(
        _("状态"), max_length=16, choices=BuildState.choices, default=BuildState.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("进度（%）"), default=0)
    message = models.CharField(_("说明"), max_length=500, blank=True)
    pdf = models.FileField(_("PDF 文件"), upload_to="editions/%Y/", blank=True, max_length=200)
    sha256 = models.CharField(max_length=64, blank=True)
    page_count = models.PositiveIntegerField(_("页数"), null=True, blank=True)
    built_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("生成人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    built_at = models.DateTimeField(_("生成时间"), null=True, blank=True)
    # 备案: the edition was filed with the consulting service centre (seed 四.(二), 六.八).
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("备案人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    filed_at = models.DateTimeField(_("备案时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("印刷版次")
        verbose_name_plural = _("印刷版次")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "scope", "number"], name="edition_number"),
            models.CheckConstraint(
                condition=~Q(kind=EditionKind.HANDBOOK) | Q(hall__isnull=True),
                name="edition_handbook_no_hall",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} 第{self.number}版"


class EditionEntry(models.Model):
    """One object printed in an edition, with the revision that was live when it was built."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="entries")
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(max_length=64)
    content_object = GenericForeignKey("content_type", "object_id")
    # The revision id is kept as a number too: revisions may be purged one day, the record
    # of what was printed must not go with them.
    revision_id = models.PositiveBigIntegerField(null=True, blank=True)
    title = models.CharField(max_length=255)
    category = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "content_type", "object_id"], name="editionentry_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.edition_id} {self.title}"

    @property
    def key(self) -> tuple[int, str]:
        return (self.content_type_id, self.object_id)
