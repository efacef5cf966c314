"""State changes of cases. Views, API, commands and tasks call only these (STYLE rule 1)."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guanwu.calendar.services import load_calendar
from guanwu.calendar.workdays import add_workdays, workdays_between
from guanwu.organization.models import Unit

from .enums import CaseKind, Channel, Status
from .models import Case, CaseEvent, CaseReply, CaseUnit, DeadlinePolicy
from .routing import Route, route

# Unambiguous characters (no 0/O, 1/I/L) so a code read out on the phone is typed right.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
PASSWORD_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"  # noqa: S105 (an alphabet, not a secret)


class CaseError(ValidationError):
    """A case rule refused the change; the message is for the user, in Chinese."""


@dataclass
class Submission:
    case: Case
    password: str
    created: bool


def case_password(case: Case) -> str:
    """The asker's query password: derived, never stored (a retry gets the same one)."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"case:{case.password_salt}".encode(), hashlib.sha256
    ).digest()
    return "".join(PASSWORD_ALPHABET[b % len(PASSWORD_ALPHABET)] for b in digest[:8])


def check_case_password(case: Case, password: str) -> bool:
    return hmac.compare_digest(case_password(case), (password or "").strip().lower())


def _tracking_code() -> str:
    return "GW" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))


def deadline_for(kind: str, received_on: datetime.date) -> datetime.date:
    """DESIGN rule 6: the reply limit counted in official working days."""
    return add_workdays(received_on, DeadlinePolicy.limit_for(kind), load_calendar())


def _event(case: Case, action: str, actor: Any = None, note: str = "", **data: Any) -> CaseEvent:
    return CaseEvent.objects.create(case=case, action=action, actor=actor, note=note, data=data)


def _apply_route(case: Case, units: list[Unit], actor: Any = None) -> Route:
    result = route(case.kind, units)
    case.level = result.level
    case.responsible_unit = result.responsible_unit
    case.save(update_fields=["level", "responsible_unit"])
    CaseUnit.objects.filter(case=case).delete()
    CaseUnit.objects.create(case=case, unit=result.responsible_unit, lead=True)
    for unit in units:
        if unit.pk != result.responsible_unit.pk:
            CaseUnit.objects.get_or_create(case=case, unit=unit, defaults={"lead": False})
    _event(
        case,
        "route",
        actor,
        level=result.level,
        unit=result.responsible_unit.code,
        units=[u.code for u in units],
    )
    return result


def _clean_text(value: str | None, limit: int) -> str:
    return (value or "").strip()[:limit]


def _create(
    *,
    kind: str,
    channel: str,
    body: str,
    title: str = "",
    name: str = "",
    phone: str = "",
    email: str = "",
    units: Iterable[Unit] = (),
    first_contact: Any = None,
    idempotency_key: str | None = None,
    **extra: Any,
) -> Case:
    if kind not in CaseKind.values:
        raise CaseError({"kind": _("请选择咨询投诉的类别。")})
    if channel not in Channel.values:
        raise CaseError({"channel": _("请选择受理渠道。")})
    body = _clean_text(body, 10_000)
    if not body:
        raise CaseError({"body": _("请填写具体内容。")})
    today = timezone.localdate()
    case = Case(
        tracking_code=_tracking_code(),
        password_salt=secrets.token_hex(16),
        kind=kind,
        channel=channel,
        title=_clean_text(title, 200),
        body=body,
        name=_clean_text(name, 100),
        phone=_clean_text(phone, 30),
        email=_clean_text(email, 254),
        first_contact=first_contact,
        received_on=today,
        deadline=deadline_for(kind, today),
        idempotency_key=idempotency_key or None,
        **extra,
    )
    case.full_clean(exclude=["tracking_code", "password_salt", "idempotency_key"])
    for _attempt in range(5):
        try:
            with transaction.atomic():
                case.save()
            break
        except IntegrityError:
            if idempotency_key and Case.objects.filter(idempotency_key=idempotency_key).exists():
                raise
            case.pk = None
            case.tracking_code = _tracking_code()
    _event(case, "received", first_contact, channel=channel)
    _apply_route(case, list(units), first_contact)
    return case


def case_submit_public(
    *,
    kind: str,
    body: str,
    title: str = "",
    name: str = "",
    phone: str = "",
    email: str = "",
    units: Iterable[Unit] = (),
    channel: str = Channel.WEB,
    idempotency_key: str | None = None,
) -> Submission:
    """A submission from the website or the kiosk. It is stored before it is acknowledged;
    the same ``idempotency_key`` (a retry, a double click) gives the same case back."""
    key = (idempotency_key or "").strip()[:100] or None
    if key:
        existing = Case.objects.filter(idempotency_key=key).first()
        if existing is not None:
            return Submission(existing, case_password(existing), created=False)
    try:
        with transaction.atomic():
            case = _create(
                kind=kind,
                channel=channel,
                body=body,
                title=title,
                name=name,
                phone=phone,
                email=email,
                units=units,
                idempotency_key=key,
            )
    except IntegrityError:
        # Two identical retries raced: the other one stored it first.
        existing = Case.objects.get(idempotency_key=key)
        return Submission(existing, case_password(existing), created=False)
    return Submission(case, case_password(case), created=True)


@transaction.atomic
def case_log_contact(*, user: Any, kind: str, channel: str, body: str, **fields: Any) -> Case:
    """A hotline call or a desk visit; the staff member is the first-contact owner (rule 5)."""
    units = fields.pop("units", ())
    case = _create(kind=kind, channel=channel, body=body, first_contact=user, units=units, **fields)
    return case


@transaction.atomic
def case_route(*, case: Case, user: Any, units: Iterable[Unit]) -> Route:
    return _apply_route(case, list(units), user)


@transaction.atomic
def case_transfer(*, case: Case, user: Any, unit: Unit, reason: str) -> Case:
    """Hand the case to another unit. The first-contact owner does not change (rule 5)."""
    if not (reason or "").strip():
        raise CaseError({"reason": _("转办必须说明理由。")})
    if case.status == Status.CLOSED:
        raise CaseError(_("已办结的事项不能转办。"))
    previous = case.responsible_unit
    case.responsible_unit = unit
    case.save(update_fields=["responsible_unit"])
    CaseUnit.objects.filter(case=case, lead=True).update(lead=False)
    CaseUnit.objects.update_or_create(case=case, unit=unit, defaults={"lead": True})
    _event(
        case,
        "transfer",
        user,
        reason.strip(),
        **{"from": previous.code if previous else None, "to": unit.code},
    )
    return case


@transaction.atomic
def case_reply(*, case: Case, user: Any, body: str, public: bool = True) -> CaseReply:
    if not (body or "").strip():
        raise CaseError({"body": _("请填写答复内容。")})
    if case.status == Status.CLOSED:
        raise CaseError(_("已办结的事项不能再答复。"))
    now = timezone.now()
    reply = CaseReply.objects.create(
        case=case, body=body.strip(), public=public, author=user, sent_at=now if public else None
    )
    if public:
        case.status = Status.REPLIED
        case.replied_at = now
        case.save(update_fields=["status", "replied_at"])
    _event(case, "reply", user, public=public, reply=reply.pk)
    return reply


@transaction.atomic
def case_close(*, case: Case, user: Any, note: str = "") -> Case:
    """DESIGN rule 7 (seed 三.五.2): an asker who left a name or contact gets a recorded reply
    before the case can be closed."""
    if case.status == Status.CLOSED:
        raise CaseError(_("该事项已经办结。"))
    if case.has_contact and not case.replies.filter(public=True, sent_at__isnull=False).exists():
        raise CaseError(_("来件人留有姓名或联系方式，须先答复来件人才能办结。"))
    case.status = Status.CLOSED
    case.closed_at = timezone.now()
    case.save(update_fields=["status", "closed_at"])
    _event(case, "close", user, note)
    return case


@transaction.atomic
def case_pause(*, case: Case, user: Any, reason: str) -> Case:
    """Stop the clock while waiting for the asker (补充材料)."""
    if not (reason or "").strip():
        raise CaseError({"reason": _("暂停计时必须说明理由。")})
    if case.status not in (Status.RECEIVED, Status.IN_PROGRESS):
        raise CaseError(_("只有办理中的事项可以暂停计时。"))
    case.status = Status.PAUSED
    case.save(update_fields=["status"])
    _event(case, "pause", user, reason.strip(), paused_on=timezone.localdate().isoformat())
    return case


@transaction.atomic
def case_resume(*, case: Case, user: Any) -> Case:
    """Restart the clock: the deadline moves by the working days spent waiting."""
    if case.status != Status.PAUSED:
        raise CaseError(_("该事项没有暂停计时。"))
    pause = case.events.filter(action="pause").order_by("-at").first()
    paused_on = (
        datetime.date.fromisoformat(pause.data["paused_on"]) if pause else timezone.localdate()
    )
    calendar = load_calendar()
    waited = workdays_between(paused_on, timezone.localdate(), calendar)
    case.deadline = add_workdays(case.deadline, waited, calendar)
    case.status = Status.IN_PROGRESS
    case.save(update_fields=["deadline", "status"])
    _event(case, "resume", user, waited_workdays=waited, deadline=case.deadline.isoformat())
    return case


def recompute_open_deadlines(years: Iterable[int] | None = None) -> int:
    """After the calendar of ``years`` changed: every open case whose span touches them gets
    its deadline counted again (received date + limit + the working days spent paused)."""
    calendar = load_calendar()
    cases = Case.objects.open()
    if years is not None:
        touched = set(years)
        cases = [c for c in cases if touched & set(range(c.received_on.year, c.deadline.year + 1))]
    changed = 0
    for case in cases:
        waited = sum(
            int(e.data.get("waited_workdays", 0)) for e in case.events.filter(action="resume")
        )
        extra = sum(int(e.data.get("days", 0)) for e in case.events.filter(action="extend"))
        deadline = add_workdays(
            add_workdays(case.received_on, DeadlinePolicy.limit_for(case.kind), calendar),
            waited + extra,
            calendar,
        )
        if deadline != case.deadline:
            previous = case.deadline
            case.deadline = deadline
            case.save(update_fields=["deadline"])
            _event(
                case,
                "deadline_recomputed",
                None,
                previous=previous.isoformat(),
                deadline=deadline.isoformat(),
            )
            changed += 1
    return changed


@transaction.atomic
def case_add_information(*, case: Case, text: str) -> CaseEvent:
    """The asker adds to an open case (补充材料); a paused clock starts again."""
    text = _clean_text(text, 5_000)
    if not text:
        raise CaseError({"text": _("请填写补充内容。")})
    if case.status == Status.CLOSED:
        raise CaseError(_("该事项已经办结，如有新的问题请另行提交。"))
    event = _event(case, "asker_added", None, text)
    if case.status == Status.PAUSED:
        case_resume(case=case, user=None)
    return event


@transaction.atomic
def case_rate(*, case: Case, rating: int, comment: str = "") -> Case:
    """好差评 after a reply. A dissatisfied rating reopens the case for the unit head's review."""
    from .enums import DISSATISFIED, Rating

    if rating not in Rating.values:
        raise CaseError({"rating": _("请选择评价等级。")})
    if case.replied_at is None:
        raise CaseError(_("收到答复后才能评价。"))
    if case.rating is not None:
        raise CaseError(_("该事项已经评价过了。"))
    case.rating = rating
    fields = ["rating"]
    if rating in DISSATISFIED:
        case.status = Status.IN_PROGRESS
        case.closed_at = None
        fields += ["status", "closed_at"]
    case.save(update_fields=fields)
    _event(case, "rated", None, _clean_text(comment, 1_000), rating=rating)
    if rating in DISSATISFIED:
        _event(case, "reopened", None, _("来件人不满意，转单位负责人复核。"))
    return case


@transaction.atomic
def case_extend(*, case: Case, user: Any, days: int, reason: str) -> Case:
    """Extend the reply limit: only the head of the responsible unit (or of the supervision
    office / the centre for their levels) approves it, and the asker is told on the tracking
    page (seed 四.五 限时答复)."""
    from guanwu.disclosure.permissions import user_heads_unit

    if not (reason or "").strip():
        raise CaseError({"reason": _("延期必须说明理由。")})
    if not 1 <= int(days) <= 30:
        raise CaseError({"days": _("延长的工作日数应在 1 到 30 之间。")})
    if case.status not in (Status.RECEIVED, Status.IN_PROGRESS, Status.PAUSED):
        raise CaseError(_("只有未答复的事项可以延期。"))
    if case.responsible_unit is None or not user_heads_unit(user, case.responsible_unit):
        raise PermissionDenied(_("延期须经主办单位负责人批准。"))
    previous = case.deadline
    case.deadline = add_workdays(case.deadline, int(days), load_calendar())
    case.save(update_fields=["deadline"])
    _event(
        case,
        "extend",
        user,
        reason.strip(),
        days=int(days),
        previous=previous.isoformat(),
        deadline=case.deadline.isoformat(),
    )
    return case
