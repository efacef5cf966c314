"""State changes of cases. Views, API, commands and tasks call only these (STYLE rule 1)."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guanwu.calendar.services import load_calendar
from guanwu.calendar.workdays import add_workdays, workdays_between
from guanwu.organization.models import Unit

from .enums import APPROVAL_KINDS, CaseKind, Channel, Status
from .models import Case, CaseEvent, CaseReply, CaseUnit, DeadlinePolicy, ReplyTemplate
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


def log_event(case: Case, action: str, actor: Any = None, note: str = "", **data: Any) -> CaseEvent:
    """Put one step on the case's timeline (rule 9) and tell the first-contact owner (rule 5)."""
    from . import notify

    event = CaseEvent.objects.create(case=case, action=action, actor=actor, note=note, data=data)
    notify.first_contact_progress(event)
    return event


_event = log_event


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


def _works_within(user: Any, unit: Unit) -> bool:
    from guanwu.disclosure.permissions import staff_unit

    own = staff_unit(user)
    return own is not None and own.is_within(unit)


def _lock(case: Case) -> Case:
    """Re-read the case under a row lock (SELECT ... FOR UPDATE on PostgreSQL) and refresh the
    caller's object, so two staff acting at once see each other's change and lose nothing.
    Call inside the service's transaction."""
    fresh = Case.objects.select_for_update().get(pk=case.pk)
    for field in Case._meta.concrete_fields:
        setattr(case, field.attname, getattr(fresh, field.attname))
    return case


def _log_new_case(
    case: Case, actor: Any, steps: list[tuple[str, dict[str, Any]]]
) -> list[CaseEvent]:
    """The first steps of a new case on its timeline in one INSERT (rule 9), their audit rows
    (``bulk_create`` sends no ``post_save`` for the audit receiver) and the first-contact
    owner's messages, as ``log_event`` gives each step (rule 5)."""
    from guanwu.audit.middleware import current_request
    from guanwu.audit.services import record_case_steps

    from . import notify

    events = CaseEvent.objects.bulk_create(
        [CaseEvent(case=case, action=action, actor=actor, data=data) for action, data in steps]
    )
    # The address and request id of the request that made the steps, as the receiver does.
    record_case_steps(events, request=current_request())
    for event in events:
        notify.first_contact_progress(event)
    return events


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
    savepoint: bool = True,
    **extra: Any,
) -> Case:
    """A new case, routed (rule 4), with its "received" and "route" steps.

    ``savepoint``: a clashing tracking code is retried under a savepoint; without it the
    IntegrityError ends the caller's transaction, which retries the whole submission."""
    if kind not in CaseKind.values:
        raise CaseError({"kind": _("请选择咨询投诉的类别。")})
    if channel not in Channel.values:
        raise CaseError({"channel": _("请选择受理渠道。")})
    body = _clean_text(body, 10_000)
    if not body:
        raise CaseError({"body": _("请填写具体内容。")})
    units = list({unit.pk: unit for unit in units}.values())
    # Routed before it is stored: level and unit go in with the row, not in an UPDATE.
    routed = route(kind, units)
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
        level=routed.level,
        responsible_unit=routed.responsible_unit,
        **extra,
    )
    # Not re-checked here, each a query: the unit just read by the routing, and the table's
    # one check constraint (about closed cases; a new case is "received"; the database
    # enforces it anyway).
    case.full_clean(
        exclude=["tracking_code", "password_salt", "idempotency_key", "responsible_unit"],
        validate_constraints=False,
    )
    if not savepoint:
        case.save()
    else:
        for attempt in range(5):
            try:
                with transaction.atomic():
                    case.save()
                break
            except IntegrityError:
                if attempt == 4 or (
                    idempotency_key
                    and Case.objects.filter(idempotency_key=idempotency_key).exists()
                ):
                    raise
                case.pk = None
                case.tracking_code = _tracking_code()
    lead = routed.responsible_unit
    CaseUnit.objects.bulk_create(
        [CaseUnit(case=case, unit=lead, lead=True)]
        + [CaseUnit(case=case, unit=unit, lead=False) for unit in units if unit.pk != lead.pk]
    )
    _log_new_case(
        case,
        first_contact,
        [
            ("received", {"channel": channel}),
            (
                "route",
                {"level": routed.level, "unit": lead.code, "units": [u.code for u in units]},
            ),
        ],
    )
    return case


def _by_key(key: str) -> Case | None:
    # Unordered: the key is unique, and the model's ordering would only cost compile time.
    return Case.objects.filter(idempotency_key=key).order_by().first()


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
    attachments: Sequence[UploadedFile] = (),
) -> Submission:
    """A submission from the website or the kiosk. It is stored before it is acknowledged;
    the same ``idempotency_key`` (a retry, a double click) gives the same case back.
    ``attachments`` are stored with the case in one transaction (checked again there).

    The audit rows of its steps are the transaction's last statements (``audit.deferred``):
    the audit chain's lock is taken just before the commit, so concurrent submissions queue
    for the head's read, one INSERT and the commit only."""
    from guanwu.audit.services import deferred

    key = (idempotency_key or "").strip()[:100] or None
    if key and (existing := _by_key(key)) is not None:
        return Submission(existing, case_password(existing), created=False)
    units = list(units)
    for attempt in range(5):
        try:
            with transaction.atomic(), deferred():
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
                    # Files are stored once: with them, a clashing code is retried in place.
                    savepoint=bool(attachments),
                )
                if attachments:
                    from .attachments import store_attachments

                    store_attachments(case, attachments)
            break
        except IntegrityError:
            # Two identical retries raced: the other one stored it first.
            if key and (existing := _by_key(key)) is not None:
                return Submission(existing, case_password(existing), created=False)
            # Otherwise a tracking code clashed: the whole submission again, with a new one.
            if attachments or attempt == 4:
                raise
    return Submission(case, case_password(case), created=True)


@transaction.atomic
def case_log_contact(*, user: Any, kind: str, channel: str, body: str, **fields: Any) -> Case:
    """A hotline call or a desk visit; the staff member is the first-contact owner (rule 5)."""
    units = fields.pop("units", ())
    case = _create(kind=kind, channel=channel, body=body, first_contact=user, units=units, **fields)
    return case


@transaction.atomic
def case_route(*, case: Case, user: Any, units: Iterable[Unit]) -> Route:
    _lock(case)
    if case.status == Status.CLOSED:
        raise CaseError(_("已办结的事项不能再分派。"))
    return _apply_route(case, list(units), user)


@transaction.atomic
def case_transfer(*, case: Case, user: Any, unit: Unit, reason: str) -> Case:
    """Hand the case to another unit. The first-contact owner does not change (rule 5)."""
    if not (reason or "").strip():
        raise CaseError({"reason": _("转办必须说明理由。")})
    _lock(case)
    if case.status == Status.CLOSED:
        raise CaseError(_("已办结的事项不能转办。"))
    previous = case.responsible_unit
    case.responsible_unit = unit
    fields = ["responsible_unit"]
    if case.handler_id and not _works_within(case.handler, unit):
        case.handler = None  # the new unit names its own handler
        fields.append("handler")
    case.save(update_fields=fields)
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


def reply_needs_approval(case: Case) -> bool:
    return case.kind in APPROVAL_KINDS


@transaction.atomic
def case_reply(*, case: Case, user: Any, body: str, public: bool = True) -> CaseReply:
    """Write a reply. A public reply to a complaint or report waits for the handling unit
    head's approval unless its author is that head; any other reply goes out at once."""
    from .permissions import user_can_approve_reply

    if not (body or "").strip():
        raise CaseError({"body": _("请填写答复内容。")})
    _lock(case)
    if case.status == Status.CLOSED:
        raise CaseError(_("已办结的事项不能再答复。"))
    if case.merged_into_id:
        raise CaseError(_("该事项已并入其他事项，请在主事项中答复。"))
    if (
        public
        and case.replies.filter(
            public=True, sent_at__isnull=True, rejected_at__isnull=True
        ).exists()
    ):
        raise CaseError(_("已有一份答复等待审核，请先审核或退回。"))
    reply = CaseReply.objects.create(case=case, body=body.strip(), public=public, author=user)
    if not public:
        log_event(case, "note", user, public=False, reply=reply.pk)
        return reply
    if reply_needs_approval(case) and not user_can_approve_reply(user, case):
        log_event(case, "reply_drafted", user, reply=reply.pk)
        from . import notify
        from .permissions import reply_approvers

        notify.reply_awaiting_approval(reply, reply_approvers(case))
        return reply
    _send_reply(reply, approver=user if reply_needs_approval(case) else None)
    return reply


def _send_reply(reply: CaseReply, approver: Any = None) -> None:
    """Deliver a reply: on the tracking page, by e-mail/SMS, and to every merged asker."""
    now = timezone.now()
    reply.sent_at = now
    if approver is not None:
        reply.approved_by, reply.approved_at = approver, now
    reply.save(update_fields=["sent_at", "approved_by", "approved_at"])
    _deliver(reply, reply.case, now)
    for duplicate in _lock_all(reply.case.merged_cases.exclude(status=Status.CLOSED)):
        _deliver(reply, duplicate, now)


def _deliver(reply: CaseReply, case: Case, now: datetime.datetime) -> None:
    """``reply`` reaches the asker of ``case``: its own case, or a copy for a merged one."""
    from . import notify

    delivered = reply
    if case.pk != reply.case_id:
        delivered = CaseReply.objects.create(
            case=case,
            body=reply.body,
            public=True,
            author=reply.author,
            sent_at=now,
            approved_by=reply.approved_by,
            approved_at=reply.approved_at,
            source=reply,
        )
    case.status = Status.REPLIED
    case.replied_at = now
    case.save(update_fields=["status", "replied_at"])
    log_event(case, "reply", reply.author, public=True, reply=delivered.pk)
    notify.reply_sent(delivered)


def _lock_all(cases: Any) -> list[Case]:
    return list(cases.select_for_update().order_by("pk"))


def _pending_for_head(reply: CaseReply, user: Any) -> Case:
    """Lock the reply's case; the reply must still await approval and ``user`` head the unit."""
    from .permissions import user_can_approve_reply

    case = _lock(reply.case)
    reply.refresh_from_db()
    if not reply.pending:
        raise CaseError(_("这份答复不在待审核状态。"))
    if not user_can_approve_reply(user, case):
        raise PermissionDenied(_("答复须经主办单位负责人审核。"))
    return case


@transaction.atomic
def case_approve_reply(*, reply: CaseReply, user: Any) -> CaseReply:
    """The handling unit head approves a drafted reply; it is then sent (seed 四.五)."""
    case = _pending_for_head(reply, user)
    if case.status == Status.CLOSED:
        raise CaseError(_("已办结的事项不能再答复。"))
    log_event(case, "reply_approved", user, reply=reply.pk)
    _send_reply(reply, approver=user)
    return reply


@transaction.atomic
def case_reject_reply(*, reply: CaseReply, user: Any, note: str) -> CaseReply:
    """Send a drafted reply back to its author with the head's remarks."""
    if not (note or "").strip():
        raise CaseError({"note": _("退回必须说明修改意见。")})
    case = _pending_for_head(reply, user)
    reply.rejected_at = timezone.now()
    reply.rejection_note = note.strip()[:500]
    reply.save(update_fields=["rejected_at", "rejection_note"])
    log_event(case, "reply_rejected", user, reply.rejection_note, reply=reply.pk)
    return reply


def case_identity_viewed(*, case: Case, user: Any, surface: str) -> bool:
    """DESIGN rule 8: every showing of an integrity reporter's name or contact to a staff
    member is on the record: the audit log (with the request's address and id) and the case's
    timeline. Never the identity itself, only who, when, which case and where (``surface``).
    Returns False (and records nothing) when there is nothing to show or the case is not a
    report: other askers' contacts are working data of the handling unit (see docs)."""
    from .permissions import CONFIDENTIAL_KINDS

    if case.kind not in CONFIDENTIAL_KINDS or not case.has_identity:
        return False
    # The timeline step; the audit receiver turns it into ``case.identity_viewed`` with the
    # actor, the case and the current request's address and id.
    CaseEvent.objects.create(
        case=case, action="identity_viewed", actor=user, data={"surface": surface}
    )
    return True


def render_template(template: ReplyTemplate, case: Case) -> str:
    """Fill a reply template's placeholders; unknown ones stay as written. A reporter is not
    named: the reply text is kept unencrypted and read by more people than rule 8 allows."""
    from .permissions import CONFIDENTIAL_KINDS

    values = {
        "code": case.tracking_code,
        "name": (case.kind not in CONFIDENTIAL_KINDS and case.name) or _("您"),
        "date": case.received_on.isoformat(),
        "unit": case.responsible_unit.name if case.responsible_unit else "",
    }
    text = template.body
    for key, value in values.items():
        text = text.replace("{" + key + "}", value)
    return text


@transaction.atomic
def case_close(*, case: Case, user: Any, note: str = "") -> Case:
    """DESIGN rule 7 (seed 三.五.2): an asker who left a name or contact gets a recorded reply
    before the case can be closed. Closing a case closes the duplicates merged into it, each
    checked by the same rule."""
    _lock(case)
    if case.status == Status.CLOSED:
        raise CaseError(_("该事项已经办结。"))
    if case.merged_into_id:
        raise CaseError(_("该事项已并入其他事项，随主事项办结。"))
    merged = _lock_all(case.merged_cases.exclude(status=Status.CLOSED))
    for target in [case, *merged]:
        if (
            target.has_contact
            and not target.replies.filter(public=True, sent_at__isnull=False).exists()
        ):
            if target.pk == case.pk:
                raise CaseError(_("来件人留有姓名或联系方式，须先答复来件人才能办结。"))
            raise CaseError(
                _("并入的事项 %(code)s 的来件人尚未收到答复，须先答复才能办结。")
                % {"code": target.tracking_code}
            )
    now = timezone.now()
    for target in [case, *merged]:
        target.status = Status.CLOSED
        target.closed_at = now
        target.save(update_fields=["status", "closed_at"])
        log_event(target, "close", user, note)
    return case


@transaction.atomic
def case_pause(*, case: Case, user: Any, reason: str) -> Case:
    """Stop the clock while waiting for the asker (补充材料)."""
    if not (reason or "").strip():
        raise CaseError({"reason": _("暂停计时必须说明理由。")})
    _lock(case)
    if case.status not in (Status.RECEIVED, Status.IN_PROGRESS):
        raise CaseError(_("只有办理中的事项可以暂停计时。"))
    case.status = Status.PAUSED
    case.save(update_fields=["status"])
    _event(case, "pause", user, reason.strip(), paused_on=timezone.localdate().isoformat())
    return case


@transaction.atomic
def case_resume(*, case: Case, user: Any) -> Case:
    """Restart the clock: the deadline moves by the working days spent waiting."""
    _lock(case)
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


def _write_deadlines(moved: list[tuple[int, datetime.date, datetime.date]]) -> None:
    """One UPDATE for a batch of (pk, previous, new deadline): on PostgreSQL joined to two
    arrays, elsewhere Django's ``bulk_update``."""
    from django.db import connections

    connection = connections[Case.objects.db]
    if connection.vendor != "postgresql":
        Case.objects.bulk_update(
            [Case(pk=pk, deadline=deadline) for pk, _previous, deadline in moved],
            ["deadline"],
            batch_size=RECOMPUTE_BATCH,
        )
        return
    table = connection.ops.quote_name(Case._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} AS c SET deadline = m.deadline"  # noqa: S608  # nosec B608  # the table name only; values are parameters
            " FROM unnest(%s::bigint[], %s::date[]) AS m(id, deadline) WHERE c.id = m.id",
            [[pk for pk, _p, _d in moved], [deadline for _pk, _p, deadline in moved]],
        )


# How many open cases ``recompute_open_deadlines`` reads (and writes) per round trip.
RECOMPUTE_BATCH = 2000


def recompute_open_deadlines(years: Iterable[int] | None = None) -> int:
    """After the calendar of ``years`` changed: every open case whose span touches them gets
    its deadline counted again (received or reopened date + limit + the working days spent
    paused + extensions).

    Set-based, so it holds at a million open cases: the cases are read in pk order in batches
    of ``RECOMPUTE_BATCH`` (the year test is in the query), their resume/extend/reopened
    events in one query per batch, the policies once; the changed deadlines are written with
    one ``bulk_update`` and their timeline events with one ``bulk_create`` per batch. The
    number of queries grows with the number of batches, never with the number of cases in
    one. Identical (start, limit, days) counts are computed once."""
    from collections import defaultdict

    from django.db.models import Q

    from guanwu.audit.services import record_case_steps

    from .enums import DEFAULT_LIMITS

    calendar = load_calendar()
    cases = Case.objects.open()
    if years is not None:
        touched = sorted(set(years))
        if not touched:
            return 0
        spans = Q(pk__in=[])
        for year in touched:
            # The span received_on..deadline touches ``year``.
            spans |= Q(received_on__lte=datetime.date(year, 12, 31)) & Q(
                deadline__gte=datetime.date(year, 1, 1)
            )
        cases = cases.filter(spans)
    policies = dict(DeadlinePolicy.objects.values_list("kind", "working_days"))
    limits = {
        kind: policies[kind] if kind in policies else DEFAULT_LIMITS[CaseKind(kind)]
        for kind in CaseKind.values
    }
    counted: dict[tuple[datetime.date, int, int], datetime.date] = {}
    changed = 0
    last_pk = 0
    while True:
        batch = list(
            cases.filter(pk__gt=last_pk)
            .order_by("pk")
            .values_list("pk", "kind", "received_on", "deadline")[:RECOMPUTE_BATCH]
        )
        if not batch:
            break
        first_pk, last_pk = batch[0][0], batch[-1][0]
        events: dict[int, list[tuple[str, datetime.datetime, dict[str, Any]]]] = defaultdict(list)
        # The batch's pk range, not an IN list of its 2000 ids (Django and the driver spend
        # more on the list than the database does on the query); events of cases outside
        # the batch (closed ones) are read and ignored.
        for case_id, action, at, data in (
            CaseEvent.objects.filter(
                case_id__gte=first_pk,
                case_id__lte=last_pk,
                action__in=["resume", "extend", "reopened"],
            )
            .order_by("at", "pk")
            .values_list("case_id", "action", "at", "data")
        ):
            events[case_id].append((action, at, data or {}))
        moved: list[tuple[int, datetime.date, datetime.date]] = []
        for pk, kind, received_on, current in batch:
            # The clock starts at receipt, or again when a dissatisfied rating reopened it.
            timeline = events.get(pk, [])
            reopened = [at for action, at, _data in timeline if action == "reopened"]
            start = timezone.localdate(reopened[-1]) if reopened else received_on
            since = [e for e in timeline if not reopened or e[1] >= reopened[-1]]
            waited = sum(int(d.get("waited_workdays", 0)) for a, _at, d in since if a == "resume")
            extra = sum(int(d.get("days", 0)) for a, _at, d in since if a == "extend")
            limit = limits[kind] if kind in limits else DeadlinePolicy.limit_for(kind)
            key = (start, limit, waited + extra)
            if key not in counted:
                counted[key] = add_workdays(
                    add_workdays(start, limit, calendar), waited + extra, calendar
                )
            if counted[key] != current:
                moved.append((pk, current, counted[key]))
        if moved:
            with transaction.atomic():
                _write_deadlines(moved)
                # Not a progress step for the first-contact owner (notify.PROGRESS_ACTIONS),
                # so nothing else is owed per event than the row itself.
                steps = CaseEvent.objects.bulk_create(
                    [
                        CaseEvent(
                            case_id=pk,
                            action="deadline_recomputed",
                            data={
                                "previous": previous.isoformat(),
                                "deadline": deadline.isoformat(),
                            },
                        )
                        for pk, previous, deadline in moved
                    ],
                    batch_size=RECOMPUTE_BATCH,
                )
                # bulk_create sends no post_save: the audit rows every timeline step gets
                # (guanwu/audit/receivers.py) are appended here, chained in one pass.
                record_case_steps(steps)
            changed += len(moved)
    return changed


@transaction.atomic
def case_add_information(*, case: Case, text: str) -> CaseEvent:
    """The asker adds to an open case (补充材料); a paused clock starts again."""
    text = _clean_text(text, 5_000)
    if not text:
        raise CaseError({"text": _("请填写补充内容。")})
    _lock(case)
    if case.status == Status.CLOSED:
        raise CaseError(_("该事项已经办结，如有新的问题请另行提交。"))
    event = _event(case, "asker_added", None, text)
    if case.status == Status.PAUSED:
        case_resume(case=case, user=None)
    from . import notify
    from .permissions import reply_approvers

    # Whoever is working on it hears of it: the handler, else the unit's heads.
    people = [case.handler] if case.handler_id else reply_approvers(case)
    notify.staff(
        case,
        [*people, case.first_contact],
        kind="asker_added",
        key=str(event.pk),
        subject=_("来件人补充了内容：%(code)s") % {"code": case.tracking_code},
    )
    return event


@transaction.atomic
def case_rate(*, case: Case, rating: int, comment: str = "") -> Case:
    """好差评 after a reply. A dissatisfied rating reopens the case for the unit head's review."""
    from .enums import DISSATISFIED, Rating

    if rating not in Rating.values:
        raise CaseError({"rating": _("请选择评价等级。")})
    _lock(case)
    if case.replied_at is None:
        raise CaseError(_("收到答复后才能评价。"))
    if case.rating is not None:
        raise CaseError(_("该事项已经评价过了。"))
    case.rating = rating
    fields = ["rating"]
    if rating in DISSATISFIED:
        # The unit head's review gets a limit of its own, counted from today.
        case.status = Status.IN_PROGRESS
        case.closed_at = None
        first_deadline = case.deadline
        case.deadline = deadline_for(case.kind, timezone.localdate())
        fields += ["status", "closed_at", "deadline"]
    case.save(update_fields=fields)
    _event(case, "rated", None, _clean_text(comment, 1_000), rating=rating)
    if rating in DISSATISFIED:
        _event(
            case,
            "reopened",
            None,
            _("来件人不满意，转单位负责人复核。"),
            deadline=case.deadline.isoformat(),
            previous=first_deadline.isoformat(),
        )
        from . import notify
        from .permissions import reply_approvers

        notify.staff(
            case,
            reply_approvers(case),
            kind="dissatisfied",
            key=str(rating),
            subject=_("来件人不满意，请复核：%(code)s %(kind)s")
            % {"code": case.tracking_code, "kind": case.get_kind_display()},
        )
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
    _lock(case)
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


@transaction.atomic
def case_merge(*, primary: Case, duplicates: Iterable[Case], user: Any, reason: str) -> Case:
    """并单: duplicates of one matter become part of ``primary``; its reply reaches every
    asker (each merged case gets the reply on its own tracking page) and closing it closes
    them. Only cases of the same kind merge, so a report never joins a non-confidential case."""
    if not (reason or "").strip():
        raise CaseError({"reason": _("并单必须说明理由。")})
    _lock(primary)
    if primary.status == Status.CLOSED or primary.merged_into_id:
        raise CaseError(_("主事项已办结或已并入其他事项，不能作为并单的主事项。"))
    merged = []
    for duplicate in _lock_all(Case.objects.filter(pk__in=[c.pk for c in duplicates])):
        if duplicate.pk == primary.pk:
            continue
        if duplicate.kind != primary.kind:
            raise CaseError(
                _("只有同一类别的事项才能并单：%(code)s") % {"code": duplicate.tracking_code}
            )
        if duplicate.status == Status.CLOSED or duplicate.merged_into_id:
            raise CaseError(
                _("%(code)s 已办结或已并入其他事项。") % {"code": duplicate.tracking_code}
            )
        if duplicate.merged_cases.exists():
            raise CaseError(
                _("%(code)s 已有并入的事项，请以它为主事项。") % {"code": duplicate.tracking_code}
            )
        duplicate.merged_into = primary
        duplicate.save(update_fields=["merged_into"])
        log_event(duplicate, "merged_into", user, reason.strip(), primary=primary.tracking_code)
        merged.append(duplicate)
    if not merged:
        raise CaseError(_("请选择要并入的重复事项。"))
    log_event(primary, "merge", user, reason.strip(), cases=[c.tracking_code for c in merged])
    # Replies already sent on the primary reach the askers who join now.
    for reply in primary.replies.filter(public=True, sent_at__isnull=False, source__isnull=True):
        for duplicate in merged:
            _deliver(reply, duplicate, timezone.now())
    return primary


@transaction.atomic
def case_add_cohandler(*, case: Case, user: Any, unit: Unit) -> CaseUnit:
    """Add a co-handling unit (协办): it sees the case and gives its opinion to the lead."""
    _lock(case)
    if case.status == Status.CLOSED:
        raise CaseError(_("已办结的事项不能再增加协办单位。"))
    if unit.pk == case.responsible_unit_id:
        raise CaseError(_("主办单位不能同时作为协办单位。"))
    link, created = CaseUnit.objects.get_or_create(case=case, unit=unit, defaults={"lead": False})
    if created:
        log_event(case, "cohandler_added", user, unit=unit.code)
    return link


@transaction.atomic
def case_remove_cohandler(*, case: Case, user: Any, unit: Unit) -> None:
    _lock(case)
    deleted, _rows = CaseUnit.objects.filter(case=case, unit=unit, lead=False).delete()
    if deleted:
        log_event(case, "cohandler_removed", user, unit=unit.code)


@transaction.atomic
def case_cohandler_opinion(*, case: Case, user: Any, text: str) -> CaseEvent:
    """A co-handling unit's opinion, on the timeline for the lead unit to use in its reply."""
    from .permissions import user_can_act_on_case, user_is_cohandler

    text = _clean_text(text, 5_000)
    if not text:
        raise CaseError({"text": _("请填写协办意见。")})
    if not (user_is_cohandler(user, case) or user_can_act_on_case(user, case)):
        raise PermissionDenied(_("只有协办单位可以提出协办意见。"))
    _lock(case)
    if case.status == Status.CLOSED:
        raise CaseError(_("已办结的事项不能再提出意见。"))
    return log_event(case, "cohandler_opinion", user, text)


@transaction.atomic
def case_assign(
    *, case: Case, user: Any, handler: Any = None, unit: Unit | None = None, reason: str = ""
) -> Case:
    """Assign a handler (承办人) and/or hand the case to another unit (a transfer, with its
    reason). The handler must belong to the case's (new) responsible unit or below it."""
    _lock(case)
    if case.status == Status.CLOSED:
        raise CaseError(_("已办结的事项不能再分配。"))
    if unit is not None and unit.pk != case.responsible_unit_id:
        case_transfer(case=case, user=user, unit=unit, reason=reason)
    if handler is not None and handler.pk != case.handler_id:
        if case.responsible_unit is None or not _works_within(handler, case.responsible_unit):
            raise CaseError(
                _("承办人须是主办单位的工作人员：%(code)s") % {"code": case.tracking_code}
            )
        case.handler = handler
        case.save(update_fields=["handler"])
        log_event(case, "assign", user, reason.strip(), handler=handler.get_username())
        from . import notify

        notify.staff(
            case,
            [handler],
            kind="assigned",
            key=f"{handler.pk}:{timezone.now().isoformat()}",
            subject=_("分配给您办理：%(code)s %(kind)s")
            % {"code": case.tracking_code, "kind": case.get_kind_display()},
        )
    return case


def cases_bulk_assign(
    *,
    cases: Iterable[Case],
    user: Any,
    handler: Any = None,
    unit: Unit | None = None,
    reason: str = "",
) -> tuple[list[Case], dict[str, str]]:
    """Bulk assignment from the workspace: each case on its own (one refusal does not undo the
    others); returns the cases assigned and the refusals by tracking code."""
    from .permissions import user_can_act_on_case

    done: list[Case] = []
    refused: dict[str, str] = {}
    for case in cases:
        if not user_can_act_on_case(user, case):
            refused[case.tracking_code] = _("无权办理。")
            continue
        try:
            done.append(
                case_assign(case=case, user=user, handler=handler, unit=unit, reason=reason)
            )
        except (CaseError, PermissionDenied) as exc:
            refused[case.tracking_code] = " ".join(getattr(exc, "messages", [str(exc)]))
    return done, refused
