"""Load the fictional 海河海关 district. Idempotent: natural keys decide create or update."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from guanwu.organization.enums import Role, UnitKind
from guanwu.organization.models import ContactLine, Hall, Post, Staff, Unit
from guanwu.organization.roles import sync_role_groups
from guanwu.portal.models import HomePage

from . import district

# The role each demo login holds; ``admin`` is a superuser instead.
DEMO_ROLES: dict[str, list[Role]] = {
    "office": [Role.OFFICE],
    "supervision": [Role.SUPERVISION],
    "legal": [Role.LEGAL],
    "centre": [Role.CENTRE, Role.CASE_HANDLER],
    "liaison": [Role.LIAISON, Role.CASE_HANDLER],
    "chief": [Role.SECTION_CHIEF, Role.CASE_HANDLER],
    "division": [Role.DIVISION_HEAD],
}

HOME_INTRO = (
    "依照《海关关务公开实施方案》，本专栏全面公开机构设置、执法依据、办事程序、执法权限、"
    "廉政纪律和对外承诺六项内容。所有内容经法规处审核后发布。"
)


class DemoRefused(Exception):
    """Raised when the demo would be loaded where it must not be (production)."""


@dataclass
class LoadReport:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str, created: bool) -> None:
        bucket = self.created if created else self.updated
        bucket[kind] = bucket.get(kind, 0) + 1


def _upsert(model: type, report: LoadReport, lookup: dict[str, Any], values: dict[str, Any]) -> Any:
    """Create the row, or update only the fields that differ (so a re-run writes nothing)."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        obj.save()
        report.count(model.__name__, created=True)
        return obj
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.save(update_fields=changed)
        report.count(model.__name__, created=False)
    return obj


def _lines(report: LoadReport, unit: Unit, lines: list[dict[str, str]]) -> None:
    for order, line in enumerate(lines):
        _upsert(
            ContactLine,
            report,
            {"unit": unit, "kind": line["kind"], "number": line["number"]},
            {"hours": line.get("hours", ""), "note": line.get("note", ""), "sort_order": order},
        )


@transaction.atomic
def load_demo_district(*, password: str | None = None) -> LoadReport:
    """Create or refresh the demo district, its halls, windows, staff and demo logins."""
    if getattr(settings, "GUANWU_ENVIRONMENT", "") == "production":
        raise DemoRefused("load_demo refuses to run under production settings.")
    password = password or settings.GUANWU_DEMO_PASSWORD
    report = LoadReport()
    sync_role_groups()

    d = district.DISTRICT
    root = _upsert(
        Unit,
        report,
        {"code": d["code"]},
        {
            "name": d["name"],
            "kind": UnitKind.DISTRICT,
            "parent": None,
            "duties": d["duties"],
            "address": d["address"],
            "office_hours": d["office_hours"],
            "sort_order": 0,
        },
    )
    _lines(report, root, d["contact_lines"])

    for div_order, div in enumerate(district.DIVISIONS, start=1):
        division = _upsert(
            Unit,
            report,
            {"code": div["code"]},
            {
                "name": div["name"],
                "short_name": div.get("short_name", ""),
                "kind": UnitKind.DIVISION,
                "parent": root,
                "function": div["function"],
                "duties": div["duties"],
                "address": div.get("address", ""),
                "office_hours": div.get("office_hours", ""),
                "sort_order": div_order * 100,
            },
        )
        _lines(report, division, div.get("contact_lines", []))
        for sec_order, sec in enumerate(div.get("sections", []), start=1):
            section = _upsert(
                Unit,
                report,
                {"code": sec["code"]},
                {
                    "name": sec["name"],
                    "kind": UnitKind.SECTION,
                    "parent": division,
                    "duties": sec.get("duties", ""),
                    "address": sec.get("address", div.get("address", "")),
                    "office_hours": sec.get("office_hours", div.get("office_hours", "")),
                    "sort_order": div_order * 100 + sec_order,
                },
            )
            _lines(report, section, sec.get("contact_lines", []))
        for hall_order, hall_data in enumerate(div.get("halls", []), start=1):
            hall = _upsert(
                Hall,
                report,
                {"code": hall_data["code"]},
                {
                    "name": hall_data["name"],
                    "unit": division,
                    "address": hall_data.get("address", ""),
                    "opening_hours": hall_data.get("opening_hours", ""),
                    "sort_order": hall_order,
                },
            )
            for post_order, post in enumerate(hall_data.get("posts", []), start=1):
                _upsert(
                    Post,
                    report,
                    {"unit": Unit.objects.get(code=post["unit"]), "sign_code": post["sign_code"]},
                    {
                        "hall": hall,
                        "name": post["name"],
                        "services": post.get("services", ""),
                        "sort_order": post_order,
                    },
                )

    units = {unit.code: unit for unit in Unit.objects.all()}
    for order, person in enumerate(district.STAFF):
        unit = units[person["unit"]]
        staff = _upsert(
            Staff,
            report,
            {"work_number": person["work_number"]},
            {
                "name": person["name"],
                "title": person.get("title", ""),
                "unit": unit,
                "is_active": True,
                "sort_order": order,
            },
        )
        wanted = set(Post.objects.filter(unit=unit, sign_code__in=person.get("posts", [])))
        if set(staff.posts.all()) != wanted:
            staff.posts.set(wanted)
            report.count("Staff.posts", created=False)

    _load_logins(report, password)
    _load_home(report)
    return report


def _load_logins(report: LoadReport, password: str) -> None:
    user_model = get_user_model()
    for username, work_number in district.DEMO_LOGINS.items():
        staff = Staff.objects.get(work_number=work_number)
        surname, given = staff.name[:1], staff.name[1:]
        is_admin = username == "admin"
        user = _upsert(
            user_model,
            report,
            {"username": username},
            {
                "first_name": given,
                "last_name": surname,
                "email": f"{username}@demo.invalid",
                "is_staff": is_admin,
                "is_superuser": is_admin,
                "is_active": True,
            },
        )
        if not user.check_password(password):
            user.set_password(password)
            user.save(update_fields=["password"])
            report.count("password", created=False)
        wanted_groups = {role.group_name for role in DEMO_ROLES.get(username, [])}
        if set(user.groups.values_list("name", flat=True)) != wanted_groups:
            user.groups.set(user.groups.model.objects.filter(name__in=wanted_groups))
            report.count("User.groups", created=False)
        if staff.user_id != user.pk:
            Staff.objects.filter(user=user).exclude(pk=staff.pk).update(user=None)
            staff.user = user
            staff.save(update_fields=["user"])
            report.count("Staff.user", created=False)


def _load_home(report: LoadReport) -> None:
    home = HomePage.objects.first()
    if home is not None and home.intro != HOME_INTRO:
        home.intro = HOME_INTRO
        home.save_revision().publish()
        report.count("HomePage", created=False)
