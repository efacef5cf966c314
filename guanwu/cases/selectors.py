"""Reads of cases for the staff workspace."""

from __future__ import annotations

import datetime
import json
from typing import Any

from django.db import connections
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from guanwu.calendar.services import load_calendar
from guanwu.calendar.workdays import add_workdays

from .enums import OPEN_STATUSES, Status
from .models import Case
from .permissions import _own_units, cases_visible_to, user_can_see_identity

SCOPES = ("mine", "unit", "first", "all")


# Above this many rows a listing's ``count`` is PostgreSQL's estimate (see ``capped_count``).
EXACT_COUNT_LIMIT = 1_000


def capped_count(queryset: QuerySet[Any], limit: int = EXACT_COUNT_LIMIT) -> tuple[int, bool]:
    """``(count, exact)``: the exact number of rows when there are at most ``limit``, read
    with ``LIMIT limit + 1`` so a million-row listing stops early instead of counting every
    row; above that, on PostgreSQL, the planner's estimate for the whole query (never below
    ``limit + 1``), on other databases the exact count."""
    # In the listing's own order (by default the model's, newest first), so the planner
    # reads the first rows through the index the page is read through; unordered, it took
    # a sequential scan that stops after limit + 1 rows only if they come early (issue 9).
    seen = queryset[: limit + 1].count()
    if seen <= limit:
        return seen, True
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return queryset.count(), True
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return max(int(plan[0]["Plan"]["Plan Rows"]), limit + 1), False


# Up to this many overdue cases the "overdue" filter is given to the database as their ids.
OVERDUE_AS_IDS = 20_000


def only_overdue(cases: QuerySet[Case], today: datetime.date) -> QuerySet[Case]:
    """``cases.overdue(today)``, planned well at a million cases. Closed cases carry old
    deadlines, so PostgreSQL estimates "running and past its deadline" at a fair share of
    the table (20x too many in the bench) and then walks the newest-first index through
    every open case to find the few overdue ones, which are the oldest (seconds). The
    overdue ids are read first through the partial index ``case_running_deadline`` and
    the listing is filtered by them, so the planner knows how few they are."""
    ids = list(
        Case.objects.overdue(today).order_by().values_list("pk", flat=True)[: OVERDUE_AS_IDS + 1]
    )
    if len(ids) > OVERDUE_AS_IDS:
        return cases.overdue(today)
    if connections[cases.db].vendor == "postgresql":
        # One array parameter, not thousands of IN literals (each costs Django and the
        # driver time); unnest of a constant array is estimated at its length.
        return cases.filter(pk__in=RawSQL("SELECT unnest(%s::bigint[])", (ids,)))
    return cases.filter(pk__in=ids)


def all_ids(
    cases: QuerySet[Case], order: list[Any], limit: int = OVERDUE_AS_IDS
) -> list[int] | None:
    """Every id of ``cases`` in ``order``, or None when there are more than ``limit``."""
    ids = list(cases.order_by(*order).values_list("pk", flat=True)[: limit + 1])
    return ids if len(ids) <= limit else None


def due_soon_limit(today: datetime.date | None = None) -> datetime.date:
    """A case is due soon when at most one working day is left."""
    return add_workdays(today or timezone.localdate(), 1, load_calendar())


def workspace_cases(
    user: Any, *, scope: str = "all", filters: dict[str, str] | None = None
) -> QuerySet[Case]:
    filters = filters or {}
    cases = cases_visible_to(user).select_related("responsible_unit", "first_contact")
    today = timezone.localdate()
    if scope == "first":
        # Rule 5: the first-contact owner follows the case until the asker has an answer.
        cases = cases.filter(first_contact=user).exclude(status__in=[Status.REPLIED, Status.CLOSED])
    elif scope == "unit":
        cases = cases.filter(responsible_unit__in=_own_units(user))
    elif scope == "mine":
        cases = cases.filter(
            pk__in=Case.objects.filter(
                Q(first_contact=user) | Q(handler=user) | Q(events__actor=user)
            ).values("pk")
        )
    if filters.get("status") in Status.values:
        cases = cases.filter(status=filters["status"])
    if filters.get("kind"):
        cases = cases.filter(kind=filters["kind"])
    if filters.get("overdue"):
        cases = only_overdue(cases, today)
    if filters.get("due_soon"):
        cases = cases.running().filter(deadline__gte=today, deadline__lte=due_soon_limit(today))
    if filters.get("escalated"):
        # Overdue cases moved up a level (cases.reminders), listed for the centre and the
        # office until answered (seed 四.五 限时答复; 二 三级负责).
        cases = cases.filter(escalated_to__isnull=False, status__in=OPEN_STATUSES)
    return cases.order_by("deadline", "-received_at")


def same_contact_cases(user: Any, case: Case, *, limit: int = 10) -> list[Case]:
    """Other cases whose asker left the same phone number or e-mail address (for spotting
    duplicates to merge), found through the blind index. Only for someone who may see this
    case's contact, and only cases whose contact they may see too: a link from a
    consultation to an integrity report would name the reporter (rule 8)."""
    if not (case.phone or case.email) or not user_can_see_identity(user, case):
        return []
    others = (
        cases_visible_to(user)
        .same_contact(phone=case.phone, email=case.email)
        .exclude(pk=case.pk)
        .order_by("-received_at")[: limit * 2]
    )
    return [other for other in others if user_can_see_identity(user, other)][:limit]
