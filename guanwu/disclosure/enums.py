"""Enumerations of disclosure content (seed 三, 五.三)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.IntegerChoices):
    """The six categories of seed 三 (六项内容)."""

    ORGANISATION = 1, _("机构设置")
    ENFORCEMENT_BASIS = 2, _("执法依据")
    PROCEDURES = 3, _("办事程序")
    POWERS = 4, _("执法权限")
    INTEGRITY = 5, _("廉政纪律")
    COMMITMENTS = 6, _("对外承诺")


CATEGORY_NUMERALS = {1: "一", 2: "二", 3: "三", 4: "四", 5: "五", 6: "六"}

# Seed 三's own wording of each category.
CATEGORY_DESCRIPTIONS = {
    1: _(
        "公开海关各部门机构名称、职责权限、窗口（岗位）标识、举报电话和单位值班电话以及办事人员工号等。"
    ),
    2: _("公开海关执法的法律依据。"),
    3: _("公开法律规定的海关行政程序。"),
    4: _("公开海关执法权限、应遵守的义务及其法律依据。"),
    5: _("公开海关廉政纪律和投诉、惩处办法。"),
    6: _("公开海关各项对外承诺。"),
}

# Categories without sub-items in the seed's catalogue.
CATEGORIES_WITHOUT_SUBITEMS = frozenset({1, 6})

# Seed 四.(一)–(二): which printed channel carries which categories (DESIGN rule 2).
BULLETIN_CATEGORIES = frozenset({1, 5, 6})
HANDBOOK_CATEGORIES = frozenset({2, 3, 4})


class DisclosureMode(models.TextChoices):
    """Seed 五.(三): how an item is kept public."""

    STANDING = "standing", _("长期公开")
    PERIODIC = "periodic", _("定期公开")
    IMMEDIATE = "immediate", _("随时公开")
    WITHHELD = "withheld", _("暂不公开（报上级备案裁定）")


class ValidityStatus(models.TextChoices):
    VALID = "valid", _("现行有效")
    AMENDED = "amended", _("已修订")
    REPEALED = "repealed", _("已废止")


class NoticeKind(models.TextChoices):
    """Seed 五.(三).3: the kinds of one-off disclosure."""

    EMERGENCY = "emergency", _("影响通关的紧急情况")
    WORKING_HOURS = "working_hours", _("工作时间调整")
    DISCIPLINARY = "disciplinary", _("违法违纪人员处理情况")
    OTHER = "other", _("其他")


class IntegrityRuleKind(models.TextChoices):
    """Seed 五.(五).1–3."""

    DISCIPLINE = "discipline", _("执法纪律和廉政勤政制度")
    SUPERVISION = "supervision", _("社会监督办法")
    ACCOUNTABILITY = "accountability", _("违规违纪处置和责任追究")


class FilingDecision(models.TextChoices):
    """The superior authority's ruling on a withheld item (seed 五.(三).4)."""

    PENDING = "pending", _("待裁定")
    DISCLOSE = "disclose", _("予以公开")
    WITHHOLD = "withhold", _("不予公开")
    PARTIAL = "partial", _("部分公开")


DECISIONS_THAT_DISCLOSE = frozenset({FilingDecision.DISCLOSE, FilingDecision.PARTIAL})
