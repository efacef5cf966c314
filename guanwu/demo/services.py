"""Load the fictional 海河海关 district. Idempotent: natural keys decide create or update.

Everything public goes out the way real content does — as a revision approved by the demo
legal reviewer (DESIGN rule 1) — so the demo exercises the same guard as production.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from guanwu.disclosure.services import content_publish_with_legal_approval
from guanwu.organization.enums import Role, UnitKind
from guanwu.organization.models import ContactLine, Hall, Post, Staff, Unit
from guanwu.organization.roles import sync_role_groups
from guanwu.portal.models import HomePage

from . import district
from .otp_loader import load_demo_otp

# The role each demo login holds; ``admin`` is a superuser instead.
DEMO_ROLES: dict[str, list[Role]] = {
    "office": [Role.OFFICE],
    "supervision": [Role.SUPERVISION],
    "legal": [Role.LEGAL],
    "centre": [Role.CENTRE, Role.CASE_HANDLER],
    "liaison": [Role.LIAISON, Role.CASE_HANDLER],
    "chief": [Role.SECTION_CHIEF, Role.CASE_HANDLER],
    "division": [Role.DIVISION_HEAD],
    # The heads who approve the supervision office's and the centre's replies (seed 四.五).
    "supervisor": [Role.SUPERVISION, Role.DIVISION_HEAD],
    "centrehead": [Role.CENTRE, Role.DIVISION_HEAD],
    # The three administrators of MLPS 2.0 level 3, one role each (issue 8).
    "sysadmin": [Role.SYSTEM_ADMIN],
    "secadmin": [Role.SECURITY_ADMIN],
    "auditor": [Role.AUDIT_ADMIN],
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


class Loader:
    """Creates or updates demo rows; public ones are published through legal approval."""

    def __init__(self, report: LoadReport, reviewer: Any) -> None:
        self.report = report
        self.reviewer = reviewer

    def reviewed(
        self,
        model: type,
        lookup: dict[str, Any],
        values: dict[str, Any],
        m2m: dict[str, list[Any]] | None = None,
    ) -> Any:
        """Upsert a reviewed snippet and publish it if anything changed."""
        m2m = m2m or {}
        obj = model.objects.filter(**lookup).first()
        created = obj is None
        if created:
            obj = model(**lookup, **values, live=False)
            obj.save()
            for name, items in m2m.items():
                getattr(obj, name).set(items)
        else:
            changed = [n for n, v in values.items() if getattr(obj, n) != v]
            m2m_changed = [
                n for n, items in m2m.items() if set(getattr(obj, n).all()) != set(items)
            ]
            if not changed and not m2m_changed and obj.live and not obj.has_unpublished_changes:
                return obj
            for name in changed:
                setattr(obj, name, values[name])
            for name in m2m_changed:
                getattr(obj, name).set(m2m[name])
        content_publish_with_legal_approval(obj=obj, reviewer=self.reviewer, comment="演示数据")
        self.report.count(model.__name__, created=created)
        return obj

    def plain(self, model: type, lookup: dict[str, Any], values: dict[str, Any]) -> Any:
        """Upsert an internal row, writing only the fields that differ."""
        obj = model.objects.filter(**lookup).first()
        if obj is None:
            obj = model.objects.create(**lookup, **values)
            self.report.count(model.__name__, created=True)
            return obj
        changed = [name for name, value in values.items() if getattr(obj, name) != value]
        if changed:
            for name in changed:
                setattr(obj, name, values[name])
            obj.save(update_fields=changed)
            self.report.count(model.__name__, created=False)
        return obj


@transaction.atomic
def load_demo_district(*, password: str | None = None) -> LoadReport:
    """Create or refresh the demo district, its halls, windows, staff, logins and content."""
    if getattr(settings, "GUANWU_ENVIRONMENT", "") == "production":
        raise DemoRefused("load_demo refuses to run under production settings.")
    password = password or settings.GUANWU_DEMO_PASSWORD
    report = LoadReport()
    sync_role_groups()
    users = _load_users(report, password)
    loader = Loader(report, reviewer=users["legal"])
    _load_units(loader)
    _load_staff(loader)
    _link_logins(report, users)
    load_demo_otp(users, report)  # issue 8: the demo's second factor (otp_loader.py)
    _load_site(loader)
    _load_home(loader)

    from .content_loader import load_content

    load_content(loader, users)
    if getattr(settings, "GUANWU_DEMO_CASES", True):
        from .cases_loader import load_demo_cases

        load_demo_cases(users, report)
    from .oversight_loader import load_demo_oversight

    load_demo_oversight(users, report)
    return report


def _lines(loader: Loader, unit: Unit, lines: list[dict[str, str]]) -> None:
    for order, line in enumerate(lines):
        loader.reviewed(
            ContactLine,
            {"unit": unit, "kind": line["kind"], "number": line["number"]},
            {"hours": line.get("hours", ""), "note": line.get("note", ""), "sort_order": order},
        )


def _load_units(loader: Loader) -> None:
    d = district.DISTRICT
    root = loader.reviewed(
        Unit,
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
    _lines(loader, root, d["contact_lines"])
    for div_order, div in enumerate(district.DIVISIONS, start=1):
        division = loader.reviewed(
            Unit,
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
        _lines(loader, division, div.get("contact_lines", []))
        for sec_order, sec in enumerate(div.get("sections", []), start=1):
            section = loader.reviewed(
                Unit,
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
            _lines(loader, section, sec.get("contact_lines", []))
        for hall_order, hall_data in enumerate(div.get("halls", []), start=1):
            hall = loader.reviewed(
                Hall,
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
                loader.reviewed(
                    Post,
                    {"unit": Unit.objects.get(code=post["unit"]), "sign_code": post["sign_code"]},
                    {
                        "hall": hall,
                        "name": post["name"],
                        "services": post.get("services", ""),
                        "sort_order": post_order,
                    },
                )


def _load_staff(loader: Loader) -> None:
    units = {unit.code: unit for unit in Unit.objects.all()}
    for order, person in enumerate(district.STAFF):
        unit = units[person["unit"]]
        posts = list(Post.objects.filter(unit=unit, sign_code__in=person.get("posts", [])))
        loader.reviewed(
            Staff,
            {"work_number": person["work_number"]},
            {
                "name": person["name"],
                "title": person.get("title", ""),
                "unit": unit,
                "is_active": True,
                "sort_order": order,
            },
            m2m={"posts": posts},
        )


def _load_users(report: LoadReport, password: str) -> dict[str, Any]:
    user_model = get_user_model()
    loader = Loader(report, reviewer=None)
    staff_names = {p["work_number"]: p["name"] for p in district.STAFF}
    users = {}
    for username, work_number in district.DEMO_LOGINS.items():
        name = staff_names[work_number]
        is_admin = username == "admin"
        user = loader.plain(
            user_model,
            {"username": username},
            {
                # Chinese names read surname first; Django's get_full_name() puts first_name
                # first, so the whole name goes there (Wagtail shows it as written).
                "first_name": name,
                "last_name": "",
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
        users[username] = user
    return users


def _link_logins(report: LoadReport, users: dict[str, Any]) -> None:
    for username, work_number in district.DEMO_LOGINS.items():
        user = users[username]
        staff = Staff.objects.get(work_number=work_number)
        if staff.user_id != user.pk:
            # The login link is internal data, exempt from review (Staff.guard_exempt_fields).
            Staff.objects.filter(user=user).exclude(pk=staff.pk).update(user=None)
            staff.user = user
            staff.save(update_fields=["user"])
            report.count("Staff.user", created=False)


def _load_site(loader: Loader) -> None:
    """Point the default site at GUANWU_BASE_URL, so QR codes, feeds and the sitemap carry
    addresses that open (a real deployment sets its public host name the same way)."""
    from urllib.parse import urlsplit

    from wagtail.models import Site

    url = urlsplit(settings.WAGTAILADMIN_BASE_URL)
    hostname = url.hostname or "localhost"
    port = url.port or (443 if url.scheme == "https" else 80)
    site = Site.objects.filter(is_default_site=True).first()
    if site is not None and (site.hostname, site.port) != (hostname, port):
        site.hostname, site.port = hostname, port
        site.save(update_fields=["hostname", "port"])
        loader.report.count("Site", created=False)


def _load_home(loader: Loader) -> None:
    home = HomePage.objects.first()
    if home is not None and (home.intro != HOME_INTRO or home.live_revision_id is None):
        home.intro = HOME_INTRO
        content_publish_with_legal_approval(obj=home, reviewer=loader.reviewer, comment="演示数据")
        loader.report.count("HomePage", created=False)
