"""Rosters and registers in the Wagtail admin: the week's duty roster of the desks and
hotlines, the register of liaisons, and the hall devices with their maintenance log.

Plain Django forms in admin views (like the cases workspace): views load, check, call one
service in ``rosters``, render. Who may read and change what is in ``permissions``.
"""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse, reverse_lazy
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from wagtail import hooks
from wagtail.admin.menu import MenuItem

from guanwu.core.admin_menu import PermittedMenuItem
from guanwu.organization.models import Hall, Staff, Unit

from . import rosters
from .enums import DeviceKind, DeviceState, DutyKind
from .models import Device, DutySlot, LiaisonAssignment
from .permissions import (
    user_can_edit_devices,
    user_can_edit_liaisons,
    user_can_edit_rosters,
    user_can_view_devices,
    user_can_view_liaisons,
    user_can_view_rosters,
)

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

# --- forms ------------------------------------------------------------------------------------


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Staff) -> str:
        return f"{obj.name}（{obj.work_number}）{obj.unit.short_name or obj.unit.name}"


def _active_staff() -> Any:
    return Staff.objects.filter(is_active=True).select_related("unit")


class RosterAssignForm(forms.Form):
    seat = forms.ChoiceField(label=gettext_lazy("咨询台或热线"))
    staff = StaffChoiceField(label=gettext_lazy("值班人员"), queryset=Staff.objects.none())
    start = forms.DateField(label=gettext_lazy("开始日期"), widget=DATE_WIDGET)
    end = forms.DateField(
        label=gettext_lazy("结束日期"),
        widget=DATE_WIDGET,
        help_text=gettext_lazy("只安排其间的工作日（含调休上班日），节假日和周末自动跳过。"),
    )
    shift = forms.CharField(
        label=gettext_lazy("班次"),
        max_length=40,
        required=False,
        help_text=gettext_lazy("例如 上午、全天。"),
    )

    def __init__(self, *args: Any, seats: list[rosters.Seat], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = _active_staff()
        grouped: dict[str, list[tuple[str, str]]] = {}
        for seat in seats:
            grouped.setdefault(str(DutyKind(seat.kind).label), []).append((seat.key, seat.label))
        self.fields["seat"].choices = [("", "---------"), *grouped.items()]

    def clean_seat(self) -> rosters.Seat:
        seat = rosters.seat_from_key(self.cleaned_data["seat"])
        if seat is None:
            raise ValidationError(_("请选择咨询台或热线。"))
        return seat


class LiaisonForm(forms.Form):
    unit = forms.ModelChoiceField(label=gettext_lazy("单位"), queryset=Unit.objects.none())
    staff = StaffChoiceField(label=gettext_lazy("联络员"), queryset=Staff.objects.none())
    since = forms.DateField(label=gettext_lazy("起始日期"), widget=DATE_WIDGET)
    note = forms.CharField(label=gettext_lazy("备注"), max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.live().order_by("sort_order", "code")
        self.fields["staff"].queryset = _active_staff()


class LiaisonEndForm(forms.Form):
    until = forms.DateField(label=gettext_lazy("终止日期"), widget=DATE_WIDGET)


class DeviceForm(forms.Form):
    hall = forms.ModelChoiceField(label=gettext_lazy("报关大厅"), queryset=Hall.objects.none())
    kind = forms.ChoiceField(label=gettext_lazy("类型"), choices=DeviceKind.choices)
    label = forms.CharField(label=gettext_lazy("编号或位置"), max_length=100)
    installed_on = forms.DateField(
        label=gettext_lazy("启用日期"), widget=DATE_WIDGET, required=False
    )
    note = forms.CharField(label=gettext_lazy("备注"), max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["hall"].queryset = Hall.objects.live().order_by("unit__sort_order", "code")


class MaintenanceForm(forms.Form):
    action = forms.CharField(
        label=gettext_lazy("维护内容"),
        max_length=200,
        help_text=gettext_lazy("例如 屏幕无响应，报技术处维修；更换主板后恢复使用。"),
    )
    state_after = forms.ChoiceField(label=gettext_lazy("维护后状态"), choices=DeviceState.choices)
    at = forms.DateTimeField(
        label=gettext_lazy("时间"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=gettext_lazy("不填即为现在；补记以前的故障时填写发现故障的时间。"),
    )
    note = forms.CharField(label=gettext_lazy("说明"), widget=forms.Textarea, required=False)


def _apply(form: forms.Form, call: Any) -> bool:
    """Run a service with the form's data; its refusals become form errors."""
    try:
        call()
    except ValidationError as exc:
        form.add_error(None, exc)
        return False
    return True


# --- the roster ---------------------------------------------------------------------------------


def _week_start(value: str) -> datetime.date:
    """The Monday of the week of ``value`` (an ISO date), or of this week."""
    try:
        day = parse_date(value) if value else None
    except ValueError:  # a well-formed but impossible date, e.g. 2026-02-30
        day = None
    day = day or timezone.localdate()
    return day - datetime.timedelta(days=day.weekday())


@require_http_methods(["GET", "POST"])
def roster_week(request: HttpRequest) -> HttpResponse:
    if not user_can_view_rosters(request.user):
        raise PermissionDenied
    start = _week_start(request.GET.get("start", ""))
    can_edit = user_can_edit_rosters(request.user)
    seats = rosters.seats()
    form = RosterAssignForm(
        seats=seats, initial={"start": start, "end": start + datetime.timedelta(days=6)}
    )
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if request.POST.get("action") == "remove":
            slot = DutySlot.objects.filter(pk=request.POST.get("slot") or 0).first()
            if slot is None:
                raise Http404
            rosters.roster_remove(user=request.user, slot=slot)
            messages.success(request, _("已取消 %(slot)s。") % {"slot": slot})
            return redirect(f"{reverse('oversight_channels_roster')}?start={start.isoformat()}")
        form = RosterAssignForm(request.POST, seats=seats)
        if form.is_valid():
            data = form.cleaned_data
            created: list[DutySlot] = []

            def assign() -> None:
                created.extend(
                    rosters.roster_assign(
                        user=request.user,
                        seat=data["seat"],
                        staff=data["staff"],
                        start=data["start"],
                        end=data["end"],
                        shift=data["shift"],
                    )
                )

            if _apply(form, assign):
                messages.success(
                    request,
                    _("已为 %(staff)s 安排 %(n)d 个工作日的值班。")
                    % {"staff": data["staff"], "n": len(created)},
                )
                monday = data["start"] - datetime.timedelta(days=data["start"].weekday())
                return redirect(
                    f"{reverse('oversight_channels_roster')}?start={monday.isoformat()}"
                )
    header, rows = rosters.roster_grid(start, 7)
    return TemplateResponse(
        request,
        "oversight/admin/channels_roster.html",
        {
            "start": start,
            "previous": start - datetime.timedelta(days=7),
            "next": start + datetime.timedelta(days=7),
            "header": header,
            "sections": [
                (kind.label, [row for row in rows if row.seat.kind == kind]) for kind in DutyKind
            ],
            "gap_count": sum(cell.gap for row in rows for cell in row.cells),
            "form": form if can_edit else None,
            "can_edit": can_edit,
            "today": timezone.localdate(),
        },
    )


# --- the liaison register ---------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def liaison_list(request: HttpRequest) -> HttpResponse:
    if not user_can_view_liaisons(request.user):
        raise PermissionDenied
    can_edit = user_can_edit_liaisons(request.user)
    today = timezone.localdate()
    form = LiaisonForm(initial={"since": today})
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if request.POST.get("action") == "end":
            assignment = LiaisonAssignment.objects.filter(pk=request.POST.get("pk") or 0).first()
            if assignment is None:
                raise Http404
            end_form = LiaisonEndForm(request.POST)
            try:
                if not end_form.is_valid():
                    raise ValidationError(_("请填写有效的终止日期。"))
                rosters.liaison_end(
                    user=request.user, assignment=assignment, until=end_form.cleaned_data["until"]
                )
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, _("已终止 %(who)s 的联络员登记。") % {"who": assignment})
            return redirect(request.get_full_path())
        else:
            form = LiaisonForm(request.POST)
            if form.is_valid():
                data = form.cleaned_data
                if _apply(
                    form,
                    lambda: rosters.liaison_register(
                        user=request.user,
                        unit=data["unit"],
                        staff=data["staff"],
                        since=data["since"],
                        note=data["note"],
                    ),
                ):
                    messages.success(
                        request, _("已登记 %(staff)s 为联络员。") % {"staff": data["staff"]}
                    )
                    return redirect("oversight_channels_liaisons")
    show_ended = request.GET.get("ended") == "1"
    assignments = LiaisonAssignment.objects.select_related("unit", "staff", "staff__unit")
    if not show_ended:
        assignments = assignments.filter(pk__in=rosters.liaisons_current(today))
    return TemplateResponse(
        request,
        "oversight/admin/channels_liaisons.html",
        {
            "assignments": assignments,
            "show_ended": show_ended,
            "form": form if can_edit else None,
            "can_edit": can_edit,
            "today": today,
        },
    )


# --- hall devices -------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def device_list(request: HttpRequest) -> HttpResponse:
    if not user_can_view_devices(request.user):
        raise PermissionDenied
    can_edit = user_can_edit_devices(request.user)
    hall_id = request.GET.get("hall", "")
    form = DeviceForm(initial={"hall": hall_id or None, "kind": DeviceKind.KIOSK})
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        form = DeviceForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            created: list[Device] = []
            if _apply(
                form,
                lambda: created.append(rosters.device_register(user=request.user, **data)),
            ):
                messages.success(request, _("已登记 %(device)s。") % {"device": created[0]})
                return redirect("oversight_channels_device", pk=created[0].pk)
    devices = Device.objects.select_related("hall", "hall__unit").order_by(
        "hall__unit__sort_order", "hall__sort_order", "hall__code", "kind", "label"
    )
    if hall_id.isdigit():
        devices = devices.filter(hall_id=hall_id)
    halls: dict[Hall, list[Device]] = {}
    for device in devices:
        device.since = (
            rosters.device_state_since(device) if device.state != DeviceState.IN_SERVICE else None
        )
        halls.setdefault(device.hall, []).append(device)
    return TemplateResponse(
        request,
        "oversight/admin/channels_devices.html",
        {
            "halls": halls.items(),
            "hall_filter": hall_id,
            "all_halls": Hall.objects.live().order_by("unit__sort_order", "code"),
            "form": form if can_edit else None,
            "can_edit": can_edit,
        },
    )


@require_http_methods(["GET", "POST"])
def device_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if not user_can_view_devices(request.user):
        raise PermissionDenied
    device = Device.objects.select_related("hall", "hall__unit").filter(pk=pk).first()
    if device is None:
        raise Http404(_("没有这个设施。"))
    can_edit = user_can_edit_devices(request.user)
    form = MaintenanceForm(initial={"state_after": device.state})
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        form = MaintenanceForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            if _apply(
                form,
                lambda: rosters.device_log_maintenance(user=request.user, device=device, **data),
            ):
                messages.success(request, _("已记录维护情况。"))
                return redirect("oversight_channels_device", pk=device.pk)
    return TemplateResponse(
        request,
        "oversight/admin/channels_device.html",
        {
            "device": device,
            "since": rosters.device_state_since(device),
            "entries": device.log.select_related("by"),
            "form": form if can_edit else None,
            "can_edit": can_edit,
        },
    )


# --- hooks ---------------------------------------------------------------------------------------


@hooks.register("register_admin_urls")
def register_channels_urls() -> list[Any]:
    return [
        path("oversight/channels/roster/", roster_week, name="oversight_channels_roster"),
        path("oversight/channels/liaisons/", liaison_list, name="oversight_channels_liaisons"),
        path("oversight/channels/devices/", device_list, name="oversight_channels_devices"),
        path(
            "oversight/channels/devices/<int:pk>/",
            device_detail,
            name="oversight_channels_device",
        ),
    ]


@hooks.register("register_oversight_menu_item")
def roster_menu_item() -> MenuItem:
    return PermittedMenuItem(
        gettext_lazy("值班安排"),
        reverse_lazy("oversight_channels_roster"),
        icon_name="date",
        order=300,
        predicate=user_can_view_rosters,
    )


@hooks.register("register_oversight_menu_item")
def liaison_menu_item() -> MenuItem:
    return PermittedMenuItem(
        gettext_lazy("联络员登记"),
        reverse_lazy("oversight_channels_liaisons"),
        icon_name="group",
        order=310,
        predicate=user_can_view_liaisons,
    )


@hooks.register("register_oversight_menu_item")
def device_menu_item() -> MenuItem:
    return PermittedMenuItem(
        gettext_lazy("大厅设施"),
        reverse_lazy("oversight_channels_devices"),
        icon_name="desktop",
        order=320,
        predicate=user_can_view_devices,
    )
