"""Seed 五.(三).4: 暂时不宜公开或不能公开的，报上级主管机关备案，由上级主管机关裁定是否予以公开."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..enums import FilingDecision


class WithheldFiling(models.Model):
    """The filing of a withheld item with the superior authority, and the authority's ruling."""

    page = models.ForeignKey(
        "wagtailcore.Page",
        on_delete=models.CASCADE,
        related_name="withheld_filings",
        verbose_name=_("内容"),
    )
    authority = models.CharField(_("上级主管机关"), max_length=100, default="海关总署")
    reason = models.TextField(_("暂不公开理由"))
    reference = models.CharField(_("备案文号"), max_length=100)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("报备人"),
    )
    filed_at = models.DateTimeField(_("报备时间"), auto_now_add=True)
    decision = models.CharField(
        _("裁定结果"), max_length=16, choices=FilingDecision.choices, default=FilingDecision.PENDING
    )
    decided_on = models.DateField(_("裁定日期"), null=True, blank=True)
    decision_document = models.CharField(_("裁定文书"), max_length=200, blank=True)
    decision_note = models.TextField(_("裁定说明"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("登记人"),
    )

    class Meta:
        verbose_name = _("暂不公开备案")
        verbose_name_plural = _("暂不公开备案")
        ordering = ["-filed_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(decision=FilingDecision.PENDING)
                | models.Q(decided_on__isnull=False),
                name="filing_decision_has_date",
            )
        ]

    def __str__(self) -> str:
        return f"{self.reference}（{self.get_decision_display()}）"

    @property
    def is_pending(self) -> bool:
        return self.decision == FilingDecision.PENDING
