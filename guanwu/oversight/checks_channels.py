"""Channels in place (seed 五.(四): 该采取的形式是否到位; issue 7).

* every live declaration hall has a current bulletin edition — the latest built edition of
  scope ``hall:CODE`` exists and nothing printed on it has changed since (seed 四.(一));
* every live hall has a kiosk in service (seed 四.(四));
* the district's handbook is current — the latest built handbook of scope ``district``
  (seed 四.(二));
* the desks and hotline seats had somebody on every one of the past 10 working days and have
  somebody on every one of the next 10 (seed 四.(一), 四.(三)); one finding per seat and
  window, with the dates in the detail;
* no kiosk or board has been faulty or under repair for more than 5 working days (seed 五.(五)
  及时维护关务公开的设施, 六.五);
* every live division (level 2) has a current liaison (seed 五.(五)).

Whether an edition is out of date is ``printing.services.is_out_of_date``, which collects the
live content of its scope again (about 0.1–0.3 s a board on the demo; see docs/oversight.md).
Only the latest edition of each hall is compared, so the cost grows with the number of halls.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterator
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guanwu.calendar.services import load_calendar
from guanwu.calendar.workdays import workdays_between
from guanwu.organization.enums import UnitFunction, UnitKind
from guanwu.organization.models import Hall, Unit
from guanwu.printing import services as printing
from guanwu.printing.enums import BuildState, EditionKind
from guanwu.printing.models import Edition

from . import rosters
from .enums import DeviceKind, DeviceState, Severity
from .findings import Finding, check
from .models import Device

logger = logging.getLogger(__name__)

ROSTER_WINDOW = 10  # working days looked at before today and from today on


def _latest_done(kind: str, scopes: list[str]) -> dict[str, Edition]:
    """The latest built edition of each scope, in one query."""
    latest: dict[str, Edition] = {}
    editions = Edition.objects.filter(kind=kind, state=BuildState.DONE, scope__in=scopes)
    for edition in editions.order_by("scope", "-number"):
        latest.setdefault(edition.scope, edition)
    return latest


def _out_of_date(edition: Edition) -> bool:
    """Whether the edition's content changed; a comparison that fails is logged and not
    reported (a wrong finding is worse than a late one)."""
    try:
        return printing.is_out_of_date(edition)
    except Exception:
        logger.exception("Could not compare edition %s with the live content", edition.pk)
        return False


def _new_edition_link(**params: object) -> str:
    return f"{reverse('printing_admin_new')}?{urlencode(params)}"


def _halls() -> list[Hall]:
    return list(Hall.objects.live().select_related("unit").order_by("unit__sort_order", "code"))


@check("channels_bulletin", gettext_lazy("报关大厅公开栏"))
def hall_bulletins(today: datetime.date) -> Iterator[Finding]:
    halls = _halls()
    latest = _latest_done(EditionKind.BULLETIN, [f"hall:{hall.code}" for hall in halls])
    for hall in halls:
        edition = latest.get(f"hall:{hall.code}")
        if edition is None:
            yield Finding(
                check="channels_bulletin",
                unit=hall.unit,
                severity=Severity.SERIOUS,
                subject=_("%(hall)s没有公开栏版次") % {"hall": hall.name},
                detail=_(
                    "统一制式的公告栏须公开第一、五、六项内容（方案四.（一）），请生成本大厅的公开栏。"
                ),
                link=_new_edition_link(kind=EditionKind.BULLETIN, hall=hall.pk),
                about=f"hall:{hall.code}",
            )
        elif _out_of_date(edition):
            yield Finding(
                check="channels_bulletin",
                unit=hall.unit,
                severity=Severity.WARNING,
                subject=_("%(hall)s公开栏内容已变化，需重新印制") % {"hall": hall.name},
                detail=_("第 %(number)d 版（%(built)s 生成）印制后，已发布的内容又有变化。")
                % {
                    "number": edition.number,
                    "built": f"{edition.built_at:%Y-%m-%d}" if edition.built_at else "—",
                },
                link=reverse("printing_admin_edition", args=[edition.pk]),
                about=f"hall:{hall.code}",
            )


def _devices_link(hall: Hall | None = None) -> str:
    url = reverse("oversight_channels_devices")
    return f"{url}?{urlencode({'hall': hall.pk})}" if hall is not None else url


@check("channels_kiosk", gettext_lazy("报关大厅触摸屏"))
def hall_kiosks(today: datetime.date) -> Iterator[Finding]:
    kiosks: dict[int, list[Device]] = {}
    for device in Device.objects.filter(kind=DeviceKind.KIOSK).order_by("label"):
        kiosks.setdefault(device.hall_id, []).append(device)
    for hall in _halls():
        own = kiosks.get(hall.pk, [])
        if any(device.state == DeviceState.IN_SERVICE for device in own):
            continue
        if own:
            states = "；".join(f"{d.label}：{d.get_state_display()}" for d in own)
            detail = _("本大厅的触摸屏均未正常使用（%(states)s）。") % {"states": states}
        else:
            detail = _("设施登记中没有本大厅的触摸屏。")
        yield Finding(
            check="channels_kiosk",
            unit=hall.unit,
            severity=Severity.SERIOUS,
            subject=_("%(hall)s没有正常使用的触摸屏") % {"hall": hall.name},
            detail=detail,
            link=_devices_link(hall),
            about=f"hall:{hall.code}",
        )


def _handbook_unit() -> Unit | None:
    """The district handbook is the office's to keep current (seed 六.一; printing
    permissions), falling back to the district itself."""
    return (
        Unit.objects.filter(function=UnitFunction.OFFICE).first()
        or Unit.objects.filter(kind=UnitKind.DISTRICT).first()
    )


@check("channels_handbook", gettext_lazy("关务公开手册"))
def district_handbook(today: datetime.date) -> Iterator[Finding]:
    edition = _latest_done(EditionKind.HANDBOOK, ["district"]).get("district")
    if edition is None:
        yield Finding(
            check="channels_handbook",
            unit=_handbook_unit(),
            severity=Severity.SERIOUS,
            subject=_("全关区《关务公开手册》尚未编印"),
            detail=_("第二、三、四项内容须编印成手册并在咨询服务中心备案（方案四.（二））。"),
            link=_new_edition_link(kind=EditionKind.HANDBOOK),
            about="district",
        )
    elif _out_of_date(edition):
        yield Finding(
            check="channels_handbook",
            unit=_handbook_unit(),
            severity=Severity.WARNING,
            subject=_("全关区《关务公开手册》内容已变化，需重新编印"),
            detail=_("第 %(number)d 版印制后，已发布的内容又有变化。") % {"number": edition.number},
            link=reverse("printing_admin_edition", args=[edition.pk]),
            about="district",
        )


def _roster_link(day: datetime.date, seat: rosters.Seat) -> str:
    monday = day - datetime.timedelta(days=day.weekday())
    return (
        f"{reverse('oversight_channels_roster')}?{urlencode({'start': monday.isoformat()})}"
        f"#{seat.anchor}"
    )


@check("channels_roster", gettext_lazy("咨询台和热线值班"))
def roster_gaps(today: datetime.date) -> Iterator[Finding]:
    cal = load_calendar()
    windows = (
        ("past", rosters.past_working_days(today, ROSTER_WINDOW, cal), Severity.SERIOUS),
        ("upcoming", rosters.coming_working_days(today, ROSTER_WINDOW, cal), Severity.WARNING),
    )
    all_seats = rosters.seats()
    for window, days, severity in windows:
        covered = rosters.covered_seat_days(days[0], days[-1], today)
        for seat in all_seats:
            missing = [day for day in days if (day, *seat.slot_key()) not in covered]
            if not missing:
                continue
            dates = "、".join(day.isoformat() for day in missing)
            if window == "past":
                subject = _("%(seat)s 过去 %(n)d 个工作日中有 %(gaps)d 天无人值班")
                detail = _("无人值班的工作日：%(dates)s。")
            else:
                subject = _("%(seat)s 今后 %(n)d 个工作日中有 %(gaps)d 天尚未排班")
                detail = _("尚未排班的工作日：%(dates)s。")
            yield Finding(
                check="channels_roster",
                unit=seat.unit,
                severity=severity,
                subject=subject % {"seat": seat.label, "n": ROSTER_WINDOW, "gaps": len(missing)},
                detail=detail % {"dates": dates},
                link=_roster_link(missing[0], seat),
                about=f"{seat.about}:{window}",
            )


@check("channels_device_repair", gettext_lazy("设施故障维修"))
def devices_out_of_service(today: datetime.date) -> Iterator[Finding]:
    cal = None
    devices = Device.objects.filter(state__in=rosters.NOT_IN_SERVICE).select_related("hall__unit")
    for device in devices.order_by("hall__code", "label"):
        since = rosters.device_state_since(device)
        cal = cal or load_calendar()
        if since is not None:
            days = workdays_between(timezone.localtime(since).date(), today, cal)
            if days <= rosters.REPAIR_LIMIT_WORKDAYS:
                continue
            detail = _("自 %(since)s 起%(state)s，已 %(days)d 个工作日（超过 %(limit)d 个）。") % {
                "since": f"{timezone.localtime(since):%Y-%m-%d}",
                "state": device.get_state_display(),
                "days": days,
                "limit": rosters.REPAIR_LIMIT_WORKDAYS,
            }
        else:
            detail = _("维护记录中没有登记该状态的开始时间，请补记维护记录。")
        yield Finding(
            check="channels_device_repair",
            unit=device.hall.unit,
            severity=Severity.WARNING,
            subject=_("%(hall)s %(kind)s %(label)s %(state)s超过 %(limit)d 个工作日")
            % {
                "hall": device.hall.name,
                "kind": device.get_kind_display(),
                "label": device.label,
                "state": device.get_state_display(),
                "limit": rosters.REPAIR_LIMIT_WORKDAYS,
            },
            detail=detail,
            link=reverse("oversight_channels_device", args=[device.pk]),
            about=f"device:{device.pk}",
        )


@check("channels_liaison", gettext_lazy("联络员"))
def units_without_liaison(today: datetime.date) -> Iterator[Finding]:
    """Seed 五.(五): every department names a liaison; counted for the live divisions and
    branches (level 2), whose sections a division's liaison may cover."""
    current = rosters.liaisons_current(today).filter(staff__is_active=True)
    # A liaison named for a section covers its division too.
    pairs = current.values_list("unit_id", "unit__parent_id")
    covered = {pk for pair in pairs for pk in pair if pk is not None}
    divisions = Unit.objects.live().filter(kind=UnitKind.DIVISION).order_by("sort_order", "code")
    for unit in divisions.exclude(pk__in=covered):
        yield Finding(
            check="channels_liaison",
            unit=unit,
            severity=Severity.WARNING,
            subject=_("%(unit)s没有在岗的关务公开联络员") % {"unit": unit.name},
            detail=_("各部门应确定专门人员为联络员，及时增加或变更关务公开内容（方案五.（五））。"),
            link=reverse("oversight_channels_liaisons"),
            about=f"unit:{unit.code}",
        )
