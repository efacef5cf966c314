"""The fixed sub-item catalogue of seed 三 (二.1–9, 三.1–3, 四.1–6, 五.1–3)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from ..enums import Category


class SubItemQuerySet(models.QuerySet["SubItem"]):
    def for_category(self, category: int) -> SubItemQuerySet:
        return self.filter(category=category)


class SubItem(models.Model):
    """One numbered sub-item of the seed; loaded by a migration and never edited by hand."""

    code = models.CharField(_("编号"), max_length=8, unique=True, help_text=_("例如 2.1。"))
    category = models.PositiveSmallIntegerField(_("类别"), choices=Category.choices)
    number = models.PositiveSmallIntegerField(_("序号"))
    name = models.TextField(_("实施方案原文"))
    short_name = models.CharField(_("简称"), max_length=40)

    objects = SubItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("公开子项")
        verbose_name_plural = _("公开子项")
        ordering = ["category", "number"]
        constraints = [
            models.UniqueConstraint(fields=["category", "number"], name="subitem_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.short_name}"
