"""Printed channels (seed 四.(一)–(二), 六.六, 六.八; DESIGN rule 2)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from guanwu.disclosure.enums import Category


class EditionKind(models.TextChoices):
    BULLETIN = "bulletin", _("公开栏")
    HANDBOOK = "handbook", _("关务公开手册")


# DESIGN rule 2: bulletin boards carry categories 1, 5, 6; the handbook 2, 3, 4.
CATEGORIES = {
    EditionKind.BULLETIN: (Category.ORGANISATION, Category.INTEGRITY, Category.COMMITMENTS),
    EditionKind.HANDBOOK: (Category.ENFORCEMENT_BASIS, Category.PROCEDURES, Category.POWERS),
}


class PaperSize(models.TextChoices):
    A0 = "A0", "A0"
    A1 = "A1", "A1"
    A2 = "A2", "A2"
    A3 = "A3", "A3"
    A4 = "A4", "A4"
    A5 = "A5", "A5"


SIZES = {
    EditionKind.BULLETIN: (PaperSize.A0, PaperSize.A1, PaperSize.A2, PaperSize.A3),
    EditionKind.HANDBOOK: (PaperSize.A4, PaperSize.A5),
}
DEFAULT_SIZE = {EditionKind.BULLETIN: PaperSize.A1, EditionKind.HANDBOOK: PaperSize.A4}


class BuildState(models.TextChoices):
    QUEUED = "queued", _("排队中")
    BUILDING = "building", _("生成中")
    DONE = "done", _("已生成")
    FAILED = "failed", _("生成失败")
