"""Bodies of ``POST /api/v1/staff/cases/{id}/<action>/``, one serializer per action.

They check types only (a JSON object; strings, lists and integers where the schema says so):
the rules — a reason is required, 1 to 30 working days, the right state — stay in
``guanwu.cases.services``, whose Chinese messages reach the caller unchanged. Every field is
optional here for that reason.
"""

from __future__ import annotations

from dataclasses import dataclass

from rest_framework import serializers

from guanwu.cases.enums import Level

# Row ids are 64-bit in PostgreSQL and SQLite; a larger number would fail in the driver.
MAX_ID = 2**63 - 1


def _text(help_text: str = "") -> serializers.CharField:
    return serializers.CharField(
        required=False, allow_blank=True, default="", trim_whitespace=False, help_text=help_text
    )


def _code() -> serializers.CharField:
    return serializers.CharField(max_length=32, help_text="A unit code from /api/v1/units/.")


def _id(help_text: str) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text=help_text)


class _TrueByDefault(serializers.BooleanField):
    # A form post that leaves the box out means the default (True), not False.
    default_empty_html = True


class RouteRequestSerializer(serializers.Serializer):
    units = serializers.ListField(
        child=_code(),
        required=False,
        default=list,
        max_length=20,
        help_text="The units the matter concerns; the three-level rule picks the handler.",
    )


class RouteResultSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=Level.choices)
    responsible_unit = serializers.CharField(help_text="The code of the responsible unit.")


class TransferRequestSerializer(serializers.Serializer):
    unit = serializers.CharField(
        max_length=32,
        error_messages={"required": "请指定转办单位的代码。", "blank": "请指定转办单位的代码。"},
    )
    reason = _text("转办理由（必填）")


class ReplyRequestSerializer(serializers.Serializer):
    body = _text("答复内容（必填）")
    public = _TrueByDefault(
        required=False, default=True, help_text="false: an internal note, not sent to the asker."
    )


class ReasonRequestSerializer(serializers.Serializer):
    reason = _text("理由（必填）")


class ExtendRequestSerializer(serializers.Serializer):
    days = serializers.IntegerField(
        required=False,
        default=0,
        error_messages={"invalid": "延长的工作日数应为整数。"},
        help_text="延长的工作日数（1 到 30）",
    )
    reason = _text("延期理由（必填）")


class CloseRequestSerializer(serializers.Serializer):
    note = _text("办结说明")


class ApproveRequestSerializer(serializers.Serializer):
    reply = _id("The id of the drafted reply (replies[].id).")


class RejectRequestSerializer(ApproveRequestSerializer):
    note = _text("修改意见（必填）")


class MergeRequestSerializer(serializers.Serializer):
    cases = serializers.ListField(
        child=serializers.CharField(max_length=32),
        max_length=50,
        help_text="The tracking codes of the duplicates.",
    )
    reason = _text("并单理由（必填）")


class AssignRequestSerializer(serializers.Serializer):
    unit = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    handler = serializers.CharField(
        max_length=150,
        required=False,
        allow_blank=True,
        default="",
        help_text="The username of a staff member of the (new) responsible unit.",
    )
    reason = _text()


@dataclass(frozen=True)
class Action:
    request: type[serializers.Serializer] | None
    summary: str
    result: type[serializers.Serializer] | None = None  # None: the case (StaffCase)


ACTIONS: dict[str, Action] = {
    "route": Action(RouteRequestSerializer, "Route by the three-level rule", RouteResultSerializer),
    "transfer": Action(TransferRequestSerializer, "Transfer to another unit"),
    "reply": Action(ReplyRequestSerializer, "Reply (or draft a reply that needs approval)"),
    "pause": Action(ReasonRequestSerializer, "Pause the clock (waiting for material)"),
    "resume": Action(None, "Resume the clock"),
    "extend": Action(ExtendRequestSerializer, "Extend the deadline (head of the unit)"),
    "close": Action(CloseRequestSerializer, "Close a replied case"),
    "approve": Action(ApproveRequestSerializer, "Approve a drafted reply and send it"),
    "reject": Action(RejectRequestSerializer, "Send a drafted reply back"),
    "merge": Action(MergeRequestSerializer, "Merge duplicates into this case"),
    "assign": Action(AssignRequestSerializer, "Assign a handler or a unit"),
}
