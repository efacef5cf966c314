"""``GET /api/v1/calendar/workdays/``: N official working days after a date (DESIGN rule 6)."""

from __future__ import annotations

import datetime
import re

from django.utils.translation import gettext as _

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from guanwu.calendar.services import load_calendar
from guanwu.calendar.workdays import add_workdays, is_provisional

from .schema import error
from .views import PublicAPIMixin

MAX_ADD = 3650
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
NUMBER_RE = re.compile(r"^\d{1,6}$")


class WorkdaysSerializer(serializers.Serializer):
    start = serializers.DateField()
    add = serializers.IntegerField(min_value=0, max_value=MAX_ADD)
    date = serializers.DateField(help_text="The add-th official working day after start.")
    provisional = serializers.BooleanField(
        help_text="true when the count crossed a year whose official schedule is not yet known "
        "(counted as plain Monday–Friday weeks; may change once that year is imported)."
    )


@extend_schema(
    tags=["public"],
    summary="Add official working days to a date",
    parameters=[
        OpenApiParameter(
            "start", datetime.date, required=True, description="起算日期，YYYY-MM-DD（不计入）"
        ),
        OpenApiParameter(
            "add", int, required=True, description=f"工作日数，0 到 {MAX_ADD}；0 返回起算日期本身"
        ),
    ],
    responses={
        200: WorkdaysSerializer,
        400: error("参数缺失或无效"),
    },
)
class WorkdaysView(PublicAPIMixin, APIView):
    """The date ``add`` official working days after ``start`` (seed 四.五 限时答复).

    Working days follow the State Council schedule, swapped working weekends included;
    ``add=0`` gives ``start``. ``provisional`` is true when the count ran into a year whose
    schedule is not yet known.
    """

    def get(self, request: Request) -> Response:
        params = request.query_params
        raw_start = params.get("start", "").strip()
        raw_add = params.get("add", "").strip()
        if not raw_start or not raw_add:
            raise ValidationError({"detail": _("请提供 start（YYYY-MM-DD）和 add 两个参数。")})
        try:
            if not DATE_RE.match(raw_start):
                raise ValueError
            start = datetime.date.fromisoformat(raw_start)
        except ValueError as exc:
            raise ValidationError(
                {"detail": _("start 应为存在的日期，格式为 YYYY-MM-DD，例如 2026-02-13。")}
            ) from exc
        if not NUMBER_RE.match(raw_add) or int(raw_add) > MAX_ADD:
            raise ValidationError(
                {"detail": _("add 应为 0 到 %(max)d 之间的整数。") % {"max": MAX_ADD}}
            )
        add = int(raw_add)
        calendar = load_calendar()
        try:
            result = add_workdays(start, add, calendar)
        except OverflowError as exc:
            raise ValidationError({"detail": _("计算结果超出了可表示的日期范围。")}) from exc
        data = {
            "start": start,
            "add": add,
            "date": result,
            "provisional": is_provisional(start, result, calendar),
        }
        return Response(WorkdaysSerializer(data).data)
