"""Enumerations of the unit tree and the staff roles (seed 二, 六)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitKind(models.TextChoices):
    """The three levels of the district (seed 二: 关级、处级、科级)."""

    DISTRICT = "district", _("总关")
    DIVISION = "division", _("处级部门/分关")
    SECTION = "section", _("科室")


# The kind of parent each kind of unit must have; the district is the root.
PARENT_KIND: dict[str, str | None] = {
    UnitKind.DISTRICT: None,
    UnitKind.DIVISION: UnitKind.DISTRICT,
    UnitKind.SECTION: UnitKind.DIVISION,
}


class ContactLineKind(models.TextChoices):
    """The published phone lines (seed 三.一 and 四.三)."""

    DUTY = "duty", _("单位值班电话")
    REPORT = "report", _("监督举报电话")
    CONSULTATION = "consultation", _("业务咨询电话")
    CLEARANCE_110 = "clearance_110", _("通关110")


class Role(models.TextChoices):
    """Staff roles, each a Django group (seed 六 divides the work between these).

    The department roles belong to the functional divisions of the district; the unit-scoped
    roles act only within the unit of the staff member who holds them.
    """

    OFFICE = "office", _("办公室")
    SUPERVISION = "supervision", _("监察室")
    POLITICAL_WORK = "political_work", _("政工办")
    LEGAL = "legal", _("法规处")
    TECHNOLOGY = "technology", _("技术处")
    CENTRE = "centre", _("咨询服务中心")
    FINANCE = "finance", _("财务处")
    DIVISION_HEAD = "division_head", _("处长/分关关长")
    SECTION_CHIEF = "section_chief", _("科长")
    LIAISON = "liaison", _("联络员")
    CASE_HANDLER = "case_handler", _("案件经办人")
    # Separation of duties (MLPS 2.0 level 3): three administrator roles held by different
    # people; none of them can alter the audit log.
    SYSTEM_ADMIN = "system_admin", _("系统管理员")
    SECURITY_ADMIN = "security_admin", _("安全管理员")
    AUDIT_ADMIN = "audit_admin", _("审计管理员")

    @property
    def group_name(self) -> str:
        """The group's name: fixed text, so renaming a label never orphans a group."""
        return GROUP_NAMES[self]

    @property
    def is_unit_scoped(self) -> bool:
        return self in UNIT_SCOPED_ROLES


GROUP_NAMES: dict[Role, str] = {
    Role.OFFICE: "办公室",
    Role.SUPERVISION: "监察室",
    Role.POLITICAL_WORK: "政工办",
    Role.LEGAL: "法规处（法律审核）",
    Role.TECHNOLOGY: "技术处",
    Role.CENTRE: "咨询服务中心",
    Role.FINANCE: "财务处",
    Role.DIVISION_HEAD: "处长/分关关长",
    Role.SECTION_CHIEF: "科长",
    Role.LIAISON: "联络员",
    Role.CASE_HANDLER: "案件经办人",
    Role.SYSTEM_ADMIN: "系统管理员",
    Role.SECURITY_ADMIN: "安全管理员",
    Role.AUDIT_ADMIN: "审计管理员",
}

UNIT_SCOPED_ROLES = frozenset(
    {Role.DIVISION_HEAD, Role.SECTION_CHIEF, Role.LIAISON, Role.CASE_HANDLER}
)

# MLPS 2.0 level 3 separation of duties: no account holds two of these (roles.py enforces it).
ADMINISTRATOR_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})

# The department roles, which are also the "function" a division of the district performs.

DEPARTMENT_ROLES = tuple(
    role for role in Role if role not in UNIT_SCOPED_ROLES and role not in ADMINISTRATOR_ROLES
)


class UnitFunction(models.TextChoices):
    """What a division of the district does, when it is one of the seed's functional bodies."""

    OFFICE = Role.OFFICE.value, Role.OFFICE.label
    SUPERVISION = Role.SUPERVISION.value, Role.SUPERVISION.label
    POLITICAL_WORK = Role.POLITICAL_WORK.value, Role.POLITICAL_WORK.label
    LEGAL = Role.LEGAL.value, Role.LEGAL.label
    TECHNOLOGY = Role.TECHNOLOGY.value, Role.TECHNOLOGY.label
    CENTRE = Role.CENTRE.value, Role.CENTRE.label
    FINANCE = Role.FINANCE.value, Role.FINANCE.label
    BRANCH = "branch", _("分关")
    BUSINESS = "business", _("业务职能处")
