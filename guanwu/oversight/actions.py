"""Corrective actions (督办, seed 五.(四) 抓好日常督办和落实; 六.一, 六.二).

A finding of the oversight engine is assigned to a unit with a deadline (``assign``); the
unit's head or liaison reports what was done (``answer``); the office or the supervision
office closes it (``close``, only after an answer) or sends it back (``reopen``). Every step
is a ``CorrectiveActionEvent`` with who, when, what and why (DESIGN rule 9).

States and transitions (``TRANSITIONS``)::

    open ──answer──▶ answered ──close──▶ closed
      ▲                 │                  │
      └─────reopen──────┴──────reopen──────┘

One open action per finding (``finding_key``): the model's partial unique constraint.
"""

from __future__ import annotations

import datetime
import logging
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guanwu.disclosure.permissions import staff_unit, user_heads_unit
from guanwu.organization.enums import Role
from guanwu.organization.models import Unit
from guanwu.organization.roles import user_has_role

from .enums import ActionState
from .findings import Finding
from .models import CorrectiveAction, CorrectiveActionEvent, LiaisonAssignment

logger = logging.getLogger(__name__)

TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "answer": (frozenset({ActionState.OPEN}), ActionState.ANSWERED),
    "close": (frozenset({ActionState.ANSWERED}), ActionState.CLOSED),
    "reopen": (frozenset({ActionState.ANSWERED, ActionState.CLOSED}), ActionState.OPEN),
}
# Not yet closed: the states the unique constraint counts.
ACTIVE_STATES = frozenset({ActionState.OPEN, ActionState.ANSWERED})

VERB_LABELS = {
    "assign": gettext_lazy("督办"),
    "answer": gettext_lazy("反馈整改情况"),
    "close": gettext_lazy("销号"),
    "reopen": gettext_lazy("重新督办"),
}


class ActionError(ValidationError):
    """A corrective-action rule refused the change; the message is for the user, in Chinese."""


# --- permissions (named predicates, STYLE rule 5) ------------------------------------------------


def user_can_oversee(user: Any) -> bool:
    """The office runs the day-to-day oversight (seed 六.一) and the supervision office checks
    and supervises (六.二): both assign, close and reopen, and see the dashboard."""
    return bool(getattr(user, "is_active", False)) and (
        user_has_role(user, Role.OFFICE) or user_has_role(user, Role.SUPERVISION)
    )


def _registered_liaison_units(user: Any, today: datetime.date | None = None) -> set[int]:
    staff = getattr(user, "staff", None) if getattr(user, "is_authenticated", False) else None
    if staff is None:
        return set()
    today = today or timezone.localdate()
    return set(
        LiaisonAssignment.objects.filter(staff=staff, since__lte=today)
        .filter(Q(until__isnull=True) | Q(until__gte=today))
        .values_list("unit_id", flat=True)
    )


def user_can_answer_action(user: Any, action: CorrectiveAction) -> bool:
    """The unit answers through its head (科长, 处长/分关关长; the office for the district) or
    its liaison (its own staff in the liaison role, or the one registered for it)."""
    if not getattr(user, "is_active", False):
        return False
    unit = action.unit
    if user_heads_unit(user, unit):
        return True
    if not user_has_role(user, Role.LIAISON):
        return False
    own = staff_unit(user)
    return (own is not None and own.pk == unit.pk) or unit.pk in _registered_liaison_units(user)


def user_can_view_actions(user: Any) -> bool:
    """Who sees the list at all: the overseers, the centre, and unit heads and liaisons."""
    if not getattr(user, "is_active", False):
        return False
    roles = (Role.CENTRE, Role.DIVISION_HEAD, Role.SECTION_CHIEF, Role.LIAISON)
    return user_can_oversee(user) or any(user_has_role(user, role) for role in roles)


# --- selectors ------------------------------------------------------------------------------------


def actions_visible_to(user: Any) -> QuerySet[CorrectiveAction]:
    """The office, the supervision office and the centre see every action; a unit's heads and
    liaisons see their units' actions."""
    actions = CorrectiveAction.objects.select_related("unit", "assigned_by")
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return actions.none()
    if user_can_oversee(user) or user_has_role(user, Role.CENTRE):
        return actions
    # The same test as ``user_can_answer_action``, with the look-ups made once.
    own = staff_unit(user)
    liaison = user_has_role(user, Role.LIAISON)
    registered = _registered_liaison_units(user) if liaison else set()
    units = [
        unit.pk
        for unit in Unit.objects.select_related("parent__parent")
        if user_heads_unit(user, unit)
        or (liaison and ((own is not None and own.pk == unit.pk) or unit.pk in registered))
    ]
    return actions.filter(unit_id__in=units)


def open_actions() -> QuerySet[CorrectiveAction]:
    """Not yet closed (open or answered), the nearest deadline first."""
    return CorrectiveAction.objects.filter(state__in=ACTIVE_STATES).order_by("deadline", "pk")


def overdue_actions(today: datetime.date | None = None) -> QuerySet[CorrectiveAction]:
    """Still waiting for the unit's answer after the deadline."""
    today = today or timezone.localdate()
    return CorrectiveAction.objects.filter(state=ActionState.OPEN, deadline__lt=today).order_by(
        "deadline", "pk"
    )


def active_actions_by_key(keys: list[str] | None = None) -> dict[str, CorrectiveAction]:
    """The action under way for each finding key (for the dashboard's 督办 column)."""
    actions = open_actions().select_related("unit")
    if keys is not None:
        actions = actions.filter(finding_key__in=keys)
    return {action.finding_key: action for action in actions}


# --- services ---------------------------------------------------------------------------------------


def _event(action: CorrectiveAction, verb: str, user: Any, note: str = "") -> CorrectiveActionEvent:
    return CorrectiveActionEvent.objects.create(action=action, actor=user, verb=verb, note=note)


def _lock(action: CorrectiveAction) -> CorrectiveAction:
    fresh = CorrectiveAction.objects.select_for_update().get(pk=action.pk)
    for field in CorrectiveAction._meta.concrete_fields:
        setattr(action, field.attname, getattr(fresh, field.attname))
    return action


def _check_transition(action: CorrectiveAction, verb: str) -> str:
    allowed, target = TRANSITIONS[verb]
    if action.state not in allowed:
        messages = {
            "answer": _("该督办事项已反馈或已销号，不能再次反馈。"),
            "close": _("整改单位反馈整改情况后才能销号。"),
            "reopen": _("该督办事项尚在整改中，无需重新督办。"),
        }
        raise ActionError(messages[verb])
    return target


@transaction.atomic
def assign(
    *,
    finding: Finding,
    unit: Unit | None,
    deadline: datetime.date,
    user: Any,
    note: str = "",
) -> CorrectiveAction:
    """Assign ``finding`` to ``unit`` (default: the finding's unit) with a deadline."""
    if not user_can_oversee(user):
        raise PermissionDenied(_("只有办公室和监察室可以督办。"))
    unit = unit or finding.unit
    if unit is None:
        raise ActionError({"unit": _("请选择整改单位。")})
    if deadline < timezone.localdate():
        raise ActionError({"deadline": _("整改期限不能早于今天。")})
    existing = open_actions().filter(finding_key=finding.key).first()
    if existing is not None:
        raise ActionError(_("该问题已在督办中（督办单 %(pk)s）。") % {"pk": existing.pk})
    try:
        with transaction.atomic():
            action = CorrectiveAction.objects.create(
                check_name=finding.check,
                finding_key=finding.key,
                unit=unit,
                severity=finding.severity,
                subject=finding.subject[:300],
                detail=finding.detail,
                link=finding.link[:300],
                deadline=deadline,
                assigned_by=user,
            )
    except IntegrityError as error:
        # Another overseer assigned the same finding a moment ago.
        raise ActionError(_("该问题已在督办中。")) from error
    text = _("督办%(unit)s，整改期限 %(deadline)s。") % {
        "unit": unit.name,
        "deadline": deadline.isoformat(),
    }
    _event(action, "assign", user, f"{text}\n{note.strip()}".strip())
    _notify_unit(action)
    return action


@transaction.atomic
def answer(*, action: CorrectiveAction, user: Any, text: str) -> CorrectiveAction:
    """The unit reports what it did (整改情况)."""
    if not (text or "").strip():
        raise ActionError({"text": _("请填写整改情况。")})
    _lock(action)
    if not user_can_answer_action(user, action):
        raise PermissionDenied(_("只有整改单位的负责人或联络员可以反馈整改情况。"))
    action.state = _check_transition(action, "answer")
    action.answer = text.strip()
    action.answered_by = user
    action.answered_at = timezone.now()
    action.save(update_fields=["state", "answer", "answered_by", "answered_at"])
    _event(action, "answer", user, action.answer)
    _notify_overseer(action)
    return action


@transaction.atomic
def close(*, action: CorrectiveAction, user: Any, note: str = "") -> CorrectiveAction:
    """The office or the supervision office accepts the answer and closes the action (销号)."""
    if not user_can_oversee(user):
        raise PermissionDenied(_("只有办公室和监察室可以销号。"))
    _lock(action)
    action.state = _check_transition(action, "close")
    action.closed_by = user
    action.closed_at = timezone.now()
    action.save(update_fields=["state", "closed_by", "closed_at"])
    _event(action, "close", user, (note or "").strip())
    return action


@transaction.atomic
def reopen(
    *,
    action: CorrectiveAction,
    user: Any,
    reason: str,
    deadline: datetime.date | None = None,
) -> CorrectiveAction:
    """Send an answered action back, or reopen a closed one whose problem came back; the unit
    answers again, by ``deadline`` when a new one is given."""
    if not user_can_oversee(user):
        raise PermissionDenied(_("只有办公室和监察室可以重新督办。"))
    if not (reason or "").strip():
        raise ActionError({"reason": _("重新督办必须说明理由。")})
    _lock(action)
    action.state = _check_transition(action, "reopen")
    if deadline is not None:
        if deadline < timezone.localdate():
            raise ActionError({"deadline": _("整改期限不能早于今天。")})
        action.deadline = deadline
    action.closed_by = None
    action.closed_at = None
    try:
        with transaction.atomic():
            action.save(update_fields=["state", "deadline", "closed_by", "closed_at"])
    except IntegrityError as error:
        raise ActionError(_("同一问题已有新的督办事项，请在新事项中处理。")) from error
    note = reason.strip()
    if deadline is not None:
        note += "\n" + _("新的整改期限 %(deadline)s。") % {"deadline": deadline.isoformat()}
    _event(action, "reopen", user, note)
    _notify_unit(action)
    return action


# --- notifications ----------------------------------------------------------------------------------


def unit_recipients(unit: Unit) -> list[Any]:
    """The unit's heads and its liaisons (own staff in the role, or registered for it)."""
    from django.contrib.auth import get_user_model

    from guanwu.disclosure.reminders import unit_heads

    today = timezone.localdate()
    users = get_user_model().objects.filter(is_active=True)
    registered = LiaisonAssignment.objects.filter(unit=unit, since__lte=today).filter(
        Q(until__isnull=True) | Q(until__gte=today)
    )
    liaisons = users.filter(
        Q(groups__name=Role.LIAISON.group_name, staff__unit=unit)
        | Q(staff__in=registered.values("staff"))
    )
    people = [*unit_heads(unit), *liaisons]
    return list({u.pk: u for u in people}.values())


def _mail(subject: str, body: str, people: list[Any]) -> None:
    emails = sorted({u.email for u in people if u.email})
    if not emails:
        return
    from .tasks import send_oversight_mail

    transaction.on_commit(lambda: send_oversight_mail.enqueue(subject, body, emails))


def _notify_unit(action: CorrectiveAction) -> None:
    subject = _("【督办】%(subject)s") % {"subject": action.subject}
    body = _("整改单位：%(unit)s\n整改期限：%(deadline)s\n问题：%(subject)s\n%(detail)s") % {
        "unit": action.unit.name,
        "deadline": action.deadline.isoformat(),
        "subject": action.subject,
        "detail": action.detail,
    }
    _mail(subject, body, unit_recipients(action.unit))


def _notify_overseer(action: CorrectiveAction) -> None:
    subject = _("【督办反馈】%(unit)s：%(subject)s") % {
        "unit": action.unit.name,
        "subject": action.subject,
    }
    _mail(subject, action.answer, [action.assigned_by])
