"""Public case intake and tracking (DESIGN API: POST /api/v1/cases/, GET /api/v1/cases/{code}/)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, Throttled, ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from guanwu.cases.attachments import MAX_FILES, validate_uploads
from guanwu.cases.enums import CaseKind
from guanwu.cases.models import Case
from guanwu.cases.services import case_submit_public, check_case_password
from guanwu.cases.throttle import too_many_submissions
from guanwu.organization.models import Unit

from .schema import BAD_BODY, NOT_FOUND, THROTTLED


class CaseSubmissionSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=CaseKind.choices)
    title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    body = serializers.CharField(max_length=10_000)
    name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    units = serializers.ListField(
        child=serializers.CharField(max_length=32), required=False, max_length=10
    )
    website = serializers.CharField(
        required=False, allow_blank=True, help_text="Leave empty (a trap for spam robots)."
    )


@extend_schema_field(OpenApiTypes.BINARY)
class _UploadField(serializers.FileField):
    """A file part of a multipart request (``format: binary`` in the schema)."""


class CaseSubmissionWithFilesSerializer(CaseSubmissionSerializer):
    """The same submission as multipart/form-data, with up to five files."""

    # Documents the schema; the files are checked by content in guanwu.cases.attachments.
    attachments = serializers.ListField(
        child=_UploadField(),
        required=False,
        max_length=MAX_FILES,
        help_text="Images (JPEG, PNG, GIF, WebP) or PDF, at most 5 files of at most 10 MB each.",
    )


class CaseReceiptSerializer(serializers.Serializer):
    tracking_code = serializers.CharField()
    password = serializers.CharField()
    status = serializers.CharField()
    deadline = serializers.DateField()


class PublicReplySerializer(serializers.Serializer):
    body = serializers.CharField()
    sent_at = serializers.DateTimeField()


class CaseStatusSerializer(serializers.Serializer):
    tracking_code = serializers.CharField()
    kind = serializers.CharField()
    status = serializers.CharField()
    status_display = serializers.CharField(source="get_status_display")
    received_at = serializers.DateTimeField()
    deadline = serializers.DateField()
    replies = serializers.SerializerMethodField(help_text="The replies sent to the public.")

    @extend_schema_field(PublicReplySerializer(many=True))
    def get_replies(self, case: Case) -> list[dict[str, Any]]:
        replies = case.replies.filter(public=True, sent_at__isnull=False)
        return PublicReplySerializer(replies, many=True).data


class CaseIntakeView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list[type] = []
    # JSON as before; multipart/form-data when files come with the submission.
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        tags=["public"],
        request={
            "application/json": CaseSubmissionSerializer,
            "multipart/form-data": CaseSubmissionWithFilesSerializer,
            "application/x-www-form-urlencoded": CaseSubmissionSerializer,
        },
        # 429: more than 10 new submissions a minute from one address (keyed or not).
        responses={201: CaseReceiptSerializer, **BAD_BODY, **THROTTLED},
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                str,
                OpenApiParameter.HEADER,
                description="The same key gives the same case and receipt back (header Idempotent-Replayed: true).",
            )
        ],
    )
    def post(self, request: Request) -> Response:
        """Submit a consultation, complaint, mailbox letter, suggestion or integrity report."""
        data = CaseSubmissionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        if fields.get("website"):
            raise ValidationError({"detail": "提交未被接受。"})
        key = request.headers.get("Idempotency-Key", "").strip()[:100] or None
        # Every new submission counts, with or without a key (a made-up key per request must
        # not get round the limit); a retry of a stored key is let through to get its receipt.
        if too_many_submissions(request) and not (
            key and Case.objects.filter(idempotency_key=key).exists()
        ):
            raise Throttled(detail="提交过于频繁，请一分钟后再试。")
        codes = [code.upper() for code in fields.get("units", [])]
        units = list(Unit.objects.filter(code__in=codes)) if codes else []
        if len(units) != len(set(codes)):
            raise ValidationError({"units": "有单位代码不存在，请从 /api/v1/units/ 中选择。"})
        try:
            files = validate_uploads(request.FILES.getlist("attachments"))
        except DjangoValidationError as exc:
            raise ValidationError({"detail": " ".join(exc.messages)}) from exc
        try:
            submission = case_submit_public(
                kind=fields["kind"],
                title=fields.get("title", ""),
                body=fields["body"],
                name=fields.get("name", ""),
                phone=fields.get("phone", ""),
                email=fields.get("email", ""),
                units=units,
                idempotency_key=key,
                attachments=files,
            )
        except DjangoValidationError as exc:
            if hasattr(exc, "error_dict"):
                raise ValidationError(exc.message_dict) from exc
            raise ValidationError({"detail": " ".join(exc.messages)}) from exc
        case = submission.case
        # CaseReceiptSerializer's fields, written out (the schema names the serializer).
        body = {
            "tracking_code": case.tracking_code,
            "password": submission.password,
            "status": str(case.status),
            "deadline": case.deadline.isoformat(),
        }
        # The contract promises 201 with the receipt; a replay gets the same receipt and says so.
        response = Response(body, status=status.HTTP_201_CREATED)
        if not submission.created:
            response["Idempotent-Replayed"] = "true"
        return response


class CaseStatusView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list[type] = []

    @extend_schema(
        tags=["public"],
        # 404 for a wrong code and a wrong password alike.
        responses={200: CaseStatusSerializer, **NOT_FOUND},
        parameters=[
            OpenApiParameter("X-Case-Password", str, OpenApiParameter.HEADER, required=True)
        ],
    )
    def get(self, request: Request, tracking_code: str) -> Response:
        """Status, deadline and public replies, for the holder of the query password."""
        case = Case.objects.filter(tracking_code=tracking_code.upper()[:16]).first()
        password = request.headers.get("X-Case-Password", "")
        # Same answer for a wrong code and a wrong password: nothing reveals which exists.
        if case is None or not check_case_password(case, password):
            raise NotFound("查询码或查询密码不正确。")
        return Response(CaseStatusSerializer(case).data)
