"""The people and objects the permission matrix requests with (built once per test run).

Unit U1 is the demo's 新港海关综合业务科 (HH-XG-ZHYW), a section; its division is 新港海关
(HH-XG). Every role gets one user holding only that role, placed in U1 (unit-scoped roles),
in its division (division head), or in the functional division of the district that performs
the role (department roles). ``other_unit`` is a section chief and case handler of a section
in another division, to show that unit-scoped objects stay within their unit.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from guanwu.organization.enums import ADMINISTRATOR_ROLES, UNIT_SCOPED_ROLES, Role, UnitKind
from guanwu.organization.models import Staff, Unit
from guanwu.organization.roles import role_group

U1 = "HH-XG-ZHYW"
U1_DIVISION = "HH-XG"

SUBJECTS: tuple[str, ...] = (
    "anonymous",
    *(role.value for role in Role),
    "superuser",
    "other_unit",
)


@dataclass
class World:
    users: dict[str, Any] = field(default_factory=dict)
    clients: dict[str, Client] = field(default_factory=dict)
    objects: dict[str, Any] = field(default_factory=dict)


def _link_staff(user: Any, units: Any) -> None:
    staff = Staff.objects.filter(unit__in=units, user__isnull=True).order_by("pk").first()
    if staff is None:
        raise RuntimeError(f"no free staff record in {list(units)}")
    Staff.objects.filter(pk=staff.pk).update(user=user)


def _user(username: str, roles: list[Role], **flags: Any) -> Any:
    user = get_user_model().objects.create_user(
        username=username, email=f"{username}@example.invalid", **flags
    )
    for role in roles:
        user.groups.add(role_group(role))
    return user


def _units_for(role: Role) -> Any:
    if role in UNIT_SCOPED_ROLES:
        code = U1_DIVISION if role == Role.DIVISION_HEAD else U1
        return Unit.objects.filter(code=code)
    division = Unit.objects.get(function=role.value)
    return Unit.objects.filter(pk=division.pk) | division.children.all()


def build_world() -> World:
    from guanwu.cases.services import case_route, case_submit_public
    from tests.cases.test_attachments import png

    world = World()
    for role in Role:
        user = _user(f"mx-{role.value}", [role])
        if role not in ADMINISTRATOR_ROLES:  # the administrators need no staff record
            _link_staff(user, _units_for(role))
        world.users[role.value] = user
    world.users["superuser"] = _user("mx-root", [], is_superuser=True, is_staff=True)
    other = _user("mx-other", [Role.SECTION_CHIEF, Role.CASE_HANDLER])
    u1_division = Unit.objects.get(code=U1_DIVISION)
    _link_staff(
        other,
        Unit.objects.filter(kind=UnitKind.SECTION).exclude(parent=u1_division),
    )
    world.users["other_unit"] = other

    section = Unit.objects.get(code=U1)
    submission = case_submit_public(
        kind="consultation",
        title="矩阵测试",
        body="权限矩阵测试用事项。",
        name="张三",
        phone="13800000000",
        units=[section],
        attachments=[png()],
    )
    case = submission.case
    # Routed to U1 by the centre, as a real case would be: U1's section is responsible.
    case_route(case=case, user=world.users[Role.CENTRE.value], units=[section])
    case.refresh_from_db()
    assert case.responsible_unit_id == section.pk, case.responsible_unit
    world.objects.update(
        case=case,
        case_password=submission.password,
        attachment=case.attachments.first(),
        unit=section,
        target_user=_user("mx-target", []),
        year=timezone.localdate().year,
        today=datetime.date.today(),
    )
    world.objects["item"] = _live_item()
    for key, model_path in {
        "edition": "guanwu.printing.models.Edition",
        "circular": "guanwu.oversight.models.Circular",
        "device": "guanwu.oversight.models.Device",
        "action": "guanwu.oversight.models.CorrectiveAction",
        "filing": "guanwu.disclosure.models.withheld.WithheldFiling",
    }.items():
        module, name = model_path.rsplit(".", 1)
        model = getattr(__import__(module, fromlist=[name]), name)
        world.objects[key] = model.objects.order_by("pk").first()

    for subject in SUBJECTS:
        client = Client(raise_request_exception=False)
        if subject != "anonymous":
            client.force_login(
                world.users[subject], backend="django.contrib.auth.backends.ModelBackend"
            )
        world.clients[subject] = client
    return world


def _live_item() -> Any:
    from guanwu.disclosure import selectors

    return selectors.live_items().order_by("pk").first()


def _pk(obj: Any) -> int:
    # A missing object (none in the demo) is asked for by an id nobody has: a 404 for all.
    return obj.pk if obj is not None else 999_999


def url_kwargs(name: str, kwarg_names: tuple[str, ...], world: World) -> dict[str, Any]:
    """The values a route's keyword arguments take, from the route's name and the kwarg's."""
    objects = world.objects
    by_name: dict[str, Any] = {
        "cases_admin_attachment": _pk(objects["attachment"]),
        "disclosure_checked": _pk(objects["item"]),
        "disclosure_withhold": _pk(objects["item"]),
        "disclosure_decide": _pk(objects["filing"]),
        "kiosk:item": _pk(objects["item"]),
        "api:item-detail": _pk(objects["item"]),
        "oversight_action": _pk(objects["action"]),
        "oversight_channels_device": _pk(objects["device"]),
        "wagtailusers_users:edit": _pk(objects["target_user"]),
    }
    values: dict[str, Any] = {}
    for kwarg in kwarg_names:
        if kwarg == "pk":
            if name in by_name:
                values[kwarg] = by_name[name]
            elif name.startswith("printing_admin"):
                values[kwarg] = _pk(objects["edition"])
            elif name.startswith("oversight_circular"):
                values[kwarg] = _pk(objects["circular"])
            else:  # the case views, admin and API
                values[kwarg] = objects["case"].pk
        elif kwarg == "code":
            values[kwarg] = "en" if name == "switch-language" else objects["unit"].code
        elif kwarg == "tracking_code":
            values[kwarg] = objects["case"].tracking_code
        elif kwarg == "kind":
            values[kwarg] = "consultation"
        elif kwarg == "number":
            values[kwarg] = 1
        elif kwarg == "year":
            values[kwarg] = objects["year"]
        else:
            raise KeyError(f"tests/security/world.py: no value for <{kwarg}> of {name}")
    return values
