"""Staff case endpoints (token-authenticated): telephone systems and other customs systems
log calls and read status here. Every action goes through ``guanwu.cases.services``."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from guanwu.cases import services
from guanwu.cases.enums import OPEN_STATUSES, CaseKind, Channel, Level, Status
from guanwu.cases.models import Case, CaseReply
from guanwu.cases.permissions import (
    CONFIDENTIAL_KINDS,
    assignable_handlers,
    cases_visible_to,
    user_can_act_on_case,
    user_can_log_contacts,
    user_can_see_identity,
)
from guanwu.cases.selectors import all_ids, capped_count
from guanwu.disclosure.permissions import user_has_role
from guanwu.organization.enums import ContactLineKind, Role
from guanwu.organization.models import Hall, Unit

from .pagination import page_link
from .schema import BAD_BODY, BAD_REQUEST, NOT_FOUND, STAFF_ERRORS, page_of
from .serializers_staff import ACTIONS, MAX_ID

MASK = "***"


class ReplySerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.username")
    approved_by = serializers.CharField(
        source="approved_by.username", default=None, allow_null=True
    )
    pending = serializers.BooleanField(read_only=True)

    class Meta:
        model = CaseReply
        fields = [
            "id",
            "body",
            "public",
            "pending",
            "author",
            "created_at",
            "sent_at",
            "approved_by",
            "rejection_note",
        ]


class StaffCaseSerializer(serializers.ModelSerializer):
    responsible_unit = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )
    first_contact = serializers.CharField(
        source="first_contact.username", default=None, allow_null=True
    )
    handler = serializers.CharField(source="handler.username", default=None, allow_null=True)
    merged_into = serializers.CharField(
        source="merged_into.tracking_code", default=None, allow_null=True
    )
    escalated_to = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    overdue = serializers.SerializerMethodField()
    replies = serializers.SerializerMethodField()
    name = serializers.SerializerMethodField()
    phone = serializers.SerializerMethodField()
    email = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = [
            "id",
            "tracking_code",
            "kind",
            "channel",
            "line",
            "title",
            "body",
            "name",
            "phone",
            "email",
            "status",
            "level",
            "responsible_unit",
            "first_contact",
            "handler",
            "merged_into",
            "escalated_to",
            "received_at",
            "deadline",
            "overdue",
            "replied_at",
            "closed_at",
            "replies",
        ]

    def _identity(self, case: Case, field: str) -> str:
        value = getattr(case, field)
        if not value:
            return ""
        return value if self.context.get("identity", {}).get(case.pk) else MASK

    def get_name(self, case: Case) -> str:
        return self._identity(case, "name")

    def get_phone(self, case: Case) -> str:
        return self._identity(case, "phone")

    def get_email(self, case: Case) -> str:
        return self._identity(case, "email")

    @extend_schema_field(ReplySerializer(many=True))
    def get_replies(self, case: Case) -> list[dict[str, Any]]:
        return ReplySerializer(case.replies.all(), many=True).data

    def get_overdue(self, case: Case) -> bool:
        return case.is_overdue(timezone.localdate())

    def to_representation(self, case: Case) -> dict[str, Any]:
        """The fields above, written out: DRF's generic path costs about 0.8 ms a case (a
        field object per value, and a new ``ReplySerializer`` per case for its replies), a
        list of 50 more than the queries behind it (issue 9). The output is the same,
        value for value (``tests/api/test_staff_case_rows.py`` compares the two)."""
        today = self.context.get("today") or timezone.localdate()
        identity = self.context.get("identity", {}).get(case.pk)
        unit, escalated = case.responsible_unit, case.escalated_to
        first, handler, merged = case.first_contact, case.handler, case.merged_into
        return {
            "id": case.pk,
            "tracking_code": case.tracking_code,
            "kind": case.kind,
            "channel": case.channel,
            "line": case.line,
            "title": case.title,
            "body": case.body,
            "name": (case.name if identity else MASK) if case.name else "",
            "phone": (case.phone if identity else MASK) if case.phone else "",
            "email": (case.email if identity else MASK) if case.email else "",
            "status": case.status,
            "level": case.level,
            "responsible_unit": unit.code if unit is not None else None,
            "first_contact": first.username if first is not None else None,
            "handler": handler.username if handler is not None else None,
            "merged_into": merged.tracking_code if merged is not None else None,
            "escalated_to": escalated.code if escalated is not None else None,
            "received_at": _when(case.received_at),
            "deadline": _DAY.to_representation(case.deadline),
            "overdue": case.is_overdue(today),
            "replied_at": _when(case.replied_at),
            "closed_at": _when(case.closed_at),
            "replies": [_reply_row(reply) for reply in case.replies.all()],
        }


_DAY = serializers.DateField()
_WHEN = serializers.DateTimeField()


def _when(value: Any) -> str | None:
    return _WHEN.to_representation(value) if value is not None else None


def _reply_row(reply: CaseReply) -> dict[str, Any]:
    """``ReplySerializer(reply).data``, written out (see ``StaffCaseSerializer``)."""
    approver = reply.approved_by
    return {
        "id": reply.pk,
        "body": reply.body,
        "public": reply.public,
        "pending": reply.pending,
        "author": reply.author.username,
        "created_at": _when(reply.created_at),
        "sent_at": _when(reply.sent_at),
        "approved_by": approver.username if approver is not None else None,
        "rejection_note": reply.rejection_note,
    }


class LogContactSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=CaseKind.choices)
    channel = serializers.ChoiceField(choices=Channel.choices)
    body = serializers.CharField(max_length=10_000)
    title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    line = serializers.ChoiceField(
        choices=ContactLineKind.choices, required=False, allow_blank=True
    )
    hall = serializers.CharField(max_length=32, required=False, allow_blank=True)


def _domain_error(exc: DjangoValidationError) -> ValidationError:
    detail: Any = (
        exc.message_dict if hasattr(exc, "error_dict") else {"detail": " ".join(exc.messages)}
    )
    return ValidationError(detail)


def _serialize(
    request: Request, cases: list[Case], *, visible: bool = False
) -> list[dict[str, Any]]:
    """``visible``: every case came from ``cases_visible_to(request.user)``, so whether the
    identity may be shown depends on the kind and the user's role only, decided once for
    the page instead of one visibility query per case (``user_can_see_identity``)."""
    if visible and cases:
        supervisor = user_has_role(request.user, Role.SUPERVISION)
        identity = {case.pk: supervisor or case.kind not in CONFIDENTIAL_KINDS for case in cases}
    else:
        identity = {case.pk: user_can_see_identity(request.user, case) for case in cases}
    for case in cases:
        if identity[case.pk]:
            # Rule 8: every view of a reporter's identity is on the record (reports only).
            services.case_identity_viewed(case=case, user=request.user, surface="api")
    return StaffCaseSerializer(cases, many=True, context={"identity": identity}).data


class StaffCaseList(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["staff"],
        operation_id="staff_cases_list",
        parameters=[
            OpenApiParameter("kind", str, enum=CaseKind.values),
            OpenApiParameter("status", str, enum=Status.values),
            OpenApiParameter("overdue", bool),
            OpenApiParameter("escalated", bool, description="超期升级督办中的事项"),
            OpenApiParameter("level", str, enum=Level.values),
            OpenApiParameter("page", int),
        ],
        responses={
            200: page_of(
                StaffCaseSerializer,
                "StaffCaseList",
                count_exact=serializers.BooleanField(
                    help_text="False when `count` is PostgreSQL's estimate: a listing of more "
                    "than 1,000 cases is not counted row by row."
                ),
            ),
            **BAD_REQUEST,
            **STAFF_ERRORS,
        },
    )
    def get(self, request: Request) -> Response:
        """The cases this user may see, newest first, 50 a page."""
        cases: QuerySet[Case] = cases_visible_to(request.user)
        params = request.query_params
        if params.get("kind"):
            if params["kind"] not in CaseKind.values:
                raise ValidationError({"kind": "未知的类别。"})
            cases = cases.filter(kind=params["kind"])
        if params.get("status"):
            if params["status"] not in Status.values:
                raise ValidationError({"status": "未知的状态。"})
            cases = cases.filter(status=params["status"])
        if params.get("level"):
            if params["level"] not in Level.values:
                raise ValidationError({"level": "未知的办理层级。"})
            cases = cases.filter(level=params["level"])
        newest_first: list[Any] = ["-received_at", "-pk"]
        overdue = params.get("overdue", "").lower() in ("true", "1")
        if overdue:
            cases = cases.overdue(timezone.localdate())
            # The same order, but not through the received_at index: overdue cases are the
            # oldest, so walking that index newest first crosses every open case before
            # finding them; a small set is sorted instead.
            newest_first[0] = Coalesce("received_at", "received_at").desc()
        if params.get("escalated", "").lower() in ("true", "1"):
            cases = cases.filter(escalated_to__isnull=False, status__in=OPEN_STATUSES)
        try:
            page = max(int(params.get("page") or 1), 1)
        except ValueError as exc:
            raise ValidationError({"page": "页码应为整数。"}) from exc
        start = (page - 1) * 50
        # Overdue cases are few, found through the partial index ``case_running_deadline``
        # (the sort key above keeps the planner off the received_at index): every id of the
        # listing in order, in one query, gives the exact count and any page.
        every = all_ids(cases, newest_first) if overdue else None
        if every is not None:
            total, exact = len(every), True
            ids = every[start : start + 51]
        else:
            # At a million cases COUNT(*) is a scan of every visible row: the count is exact
            # up to EXACT_COUNT_LIMIT and estimated above; "next" comes from reading one row
            # more.
            cases = cases.order_by(*newest_first)
            total, exact = capped_count(cases)
            # The page's ids first, then only those rows with their related objects: the
            # joins and wide rows are not carried through the rows an OFFSET skips.
            ids = list(cases.values_list("pk", flat=True)[start : start + 51])
        more = len(ids) > 50
        ids = ids[:50]
        by_pk = with_related(Case.objects.filter(pk__in=ids)).in_bulk()
        rows = [by_pk[pk] for pk in ids if pk in by_pk]
        last = max((total + 49) // 50, page + 1 if more else page)
        return Response(
            {
                "count": total,
                "count_exact": exact,
                "next": page_link(request, page + 1, last) if more else None,
                "previous": page_link(request, page - 1, last),
                "results": _serialize(request, rows, visible=True),
            }
        )

    @extend_schema(
        tags=["staff"],
        request=LogContactSerializer,
        responses={201: StaffCaseSerializer, **BAD_BODY, **STAFF_ERRORS},
    )
    def post(self, request: Request) -> Response:
        """Log a hotline call or desk visit; the caller of this endpoint is the first contact."""
        if not user_can_log_contacts(request.user):
            raise PermissionDenied("您没有登记来电来访的权限。")
        data = LogContactSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        hall_code = fields.pop("hall", "")
        if hall_code:
            fields["hall"] = Hall.objects.filter(code=hall_code.upper()).first()
            if fields["hall"] is None:
                raise ValidationError({"hall": "没有这个报关大厅。"})
        try:
            case = services.case_log_contact(user=request.user, **fields)
        except DjangoValidationError as exc:
            raise _domain_error(exc) from exc
        return Response(_serialize(request, [case])[0], status=status.HTTP_201_CREATED)


def with_related(cases: QuerySet[Case]) -> QuerySet[Case]:
    """What the serializer reads, in a fixed number of queries whatever the page size."""
    return cases.select_related(
        "responsible_unit", "first_contact", "handler", "merged_into", "escalated_to"
    ).prefetch_related("replies__author", "replies__approved_by")


def _case_for(request: Request, pk: int, *, act: bool = False) -> Case:
    if pk > MAX_ID:  # the database driver would fail on it: no such case
        raise Http404
    case = get_object_or_404(with_related(cases_visible_to(request.user)), pk=pk)
    if act and not user_can_act_on_case(request.user, case):
        raise PermissionDenied("您无权办理该事项。")
    return case


class StaffCaseDetail(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["staff"], responses={200: StaffCaseSerializer, **STAFF_ERRORS, **NOT_FOUND}
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(_serialize(request, [_case_for(request, pk)])[0])


class StaffActionSchema(AutoSchema):
    """One class serves every action (``as_view(action_name=...)``); the schema of each comes
    from ``serializers_staff.ACTIONS``."""

    def get_tags(self) -> list[str]:
        return ["staff"]

    def get_summary(self) -> str:
        return ACTIONS[self.view.action_name].summary

    def get_request_serializer(self) -> Any:
        return ACTIONS[self.view.action_name].request

    def get_response_serializers(self) -> Any:
        result = ACTIONS[self.view.action_name].result or StaffCaseSerializer
        return {200: result, **BAD_BODY, **STAFF_ERRORS, **NOT_FOUND}


class StaffCaseAction(APIView):
    """POST /api/v1/staff/cases/{id}/<action>/: the case actions of ``serializers_staff.ACTIONS``."""

    permission_classes = [IsAuthenticated]
    action_name = ""
    schema = StaffActionSchema()

    def post(self, request: Request, pk: int) -> Response:
        case = _case_for(request, pk, act=True)
        body = ACTIONS[self.action_name].request
        data: dict[str, Any] = {}
        if body is not None:
            checked = body(data=request.data)
            checked.is_valid(raise_exception=True)
            data = dict(checked.validated_data)
        try:
            result = self.run(request, case, data)
        except DjangoValidationError as exc:
            raise _domain_error(exc) from exc
        if result is not None:
            return Response(result)
        # Re-read (the action may have moved the case out of this user's units).
        return Response(_serialize(request, [with_related(Case.objects.all()).get(pk=pk)])[0])

    def run(self, request: Request, case: Case, data: Any) -> dict[str, Any] | None:
        user = request.user
        if self.action_name == "route":
            codes = [str(c).upper() for c in data.get("units", [])][:20]
            units = list(Unit.objects.filter(code__in=codes))
            if len(units) != len(set(codes)):
                raise ValidationError({"units": "有单位代码不存在。"})
            result = services.case_route(case=case, user=user, units=units)
            return {"level": result.level, "responsible_unit": result.responsible_unit.code}
        if self.action_name == "transfer":
            unit = Unit.objects.filter(code=str(data.get("unit", "")).upper()).first()
            if unit is None:
                raise ValidationError({"unit": "请指定转办单位的代码。"})
            services.case_transfer(
                case=case, user=user, unit=unit, reason=str(data.get("reason", ""))
            )
        elif self.action_name == "reply":
            services.case_reply(
                case=case,
                user=user,
                body=str(data.get("body", "")),
                public=bool(data.get("public", True)),
            )
        elif self.action_name == "pause":
            services.case_pause(case=case, user=user, reason=str(data.get("reason", "")))
        elif self.action_name == "resume":
            services.case_resume(case=case, user=user)
        elif self.action_name == "extend":
            try:
                days = int(data.get("days", 0))
            except (TypeError, ValueError) as exc:
                raise ValidationError({"days": "延长的工作日数应为整数。"}) from exc
            try:
                services.case_extend(
                    case=case, user=user, days=days, reason=str(data.get("reason", ""))
                )
            except DjangoPermissionDenied as exc:
                raise PermissionDenied(str(exc)) from exc
        elif self.action_name == "close":
            services.case_close(case=case, user=user, note=str(data.get("note", "")))
        else:
            self.run_more(request, case, data)
        return None

    def run_more(self, request: Request, case: Case, data: Any) -> None:
        """approve | reject (a drafted reply), merge (duplicates), assign (handler/unit)."""
        user = request.user
        try:
            if self.action_name in ("approve", "reject"):
                reply = case.replies.filter(pk=_int(data.get("reply"), "reply")).first()
                if reply is None:
                    raise ValidationError({"reply": "没有这份答复。"})
                if self.action_name == "approve":
                    services.case_approve_reply(reply=reply, user=user)
                else:
                    services.case_reject_reply(
                        reply=reply, user=user, note=str(data.get("note", ""))
                    )
            elif self.action_name == "merge":
                codes = [str(c).strip().upper() for c in data.get("cases", []) or []][:50]
                duplicates = list(cases_visible_to(user).filter(tracking_code__in=codes))
                if not codes or len(duplicates) != len(set(codes)):
                    raise ValidationError({"cases": "有查询码不存在，或您无权查看。"})
                if not all(user_can_act_on_case(user, c) for c in duplicates):
                    raise PermissionDenied("您无权办理其中的部分事项。")
                services.case_merge(
                    primary=case,
                    duplicates=duplicates,
                    user=user,
                    reason=str(data.get("reason", "")),
                )
            elif self.action_name == "assign":
                unit = None
                if data.get("unit"):
                    unit = Unit.objects.filter(code=str(data["unit"]).upper()).first()
                    if unit is None:
                        raise ValidationError({"unit": "没有这个单位。"})
                handler = None
                if data.get("handler"):
                    handler = (
                        assignable_handlers(unit or case.responsible_unit)
                        .filter(username=str(data["handler"]))
                        .first()
                    )
                    if handler is None:
                        raise ValidationError({"handler": "承办人须是主办单位的工作人员。"})
                if unit is None and handler is None:
                    raise ValidationError({"detail": "请指定承办人或单位。"})
                services.case_assign(
                    case=case,
                    user=user,
                    handler=handler,
                    unit=unit,
                    reason=str(data.get("reason", "")),
                )
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from exc


def _int(value: Any, field: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise ValidationError({field: "应为整数。"}) from exc
