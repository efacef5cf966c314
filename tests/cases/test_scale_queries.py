"""Case reads and the deadline recomputation stay set-based (issue 9 target 5): the number of
queries does not grow with the number of cases, and the listings' counts, pages and filters
are still right."""

from __future__ import annotations

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import pytest

from guanwu.audit.models import AuditEvent
from guanwu.audit.services import verify
from guanwu.calendar.services import load_calendar
from guanwu.calendar.workdays import add_workdays
from guanwu.cases.enums import Status
from guanwu.cases.models import Case, CaseEvent, DeadlinePolicy
from guanwu.cases.selectors import capped_count
from guanwu.cases.services import case_submit_public, recompute_open_deadlines
from guanwu.organization.models import Unit
from tests.api_clients import api

pytestmark = pytest.mark.django_db

_codes = iter(range(10**6))


def clones(case: Case, n: int, **fields: object) -> list[Case]:
    """``n`` copies of ``case`` (new tracking codes), made in one insert."""
    copies = []
    for _ in range(n):
        copy = Case.objects.get(pk=case.pk)
        copy.pk = None
        copy.tracking_code = f"T{next(_codes):09d}"
        copy.idempotency_key = None
        for name, value in fields.items():
            setattr(copy, name, value)
        copies.append(copy)
    return Case.objects.bulk_create(copies)


@pytest.fixture
def section(demo):
    return Unit.objects.get(code="HH-XG-ZHYW")


def _recompute_queries() -> int:
    with CaptureQueriesContext(connection) as ctx:
        recompute_open_deadlines(None)
    return len(ctx.captured_queries)


def test_recompute_open_deadlines_does_not_query_per_case(section):
    base = case_submit_public(kind="consultation", body="咨询", units=[section]).case
    wrong = base.deadline + datetime.timedelta(days=40)
    clones(base, 3, deadline=wrong)
    few = _recompute_queries()
    assert set(Case.objects.open().values_list("deadline", flat=True)) == {base.deadline}

    clones(base, 30, deadline=wrong)
    many = _recompute_queries()
    assert many == few  # 30 moved deadlines cost what 3 did
    moved = Case.objects.filter(events__action="deadline_recomputed")
    assert moved.distinct().count() == 33
    # Every timeline step has its audit row, as steps made one by one do, and the chain holds.
    steps = CaseEvent.objects.filter(action="deadline_recomputed")
    audited = AuditEvent.objects.filter(event="case.deadline_recomputed")
    assert sorted(int(a.object_id) for a in audited) == sorted(s.case_id for s in steps)
    assert {a.detail["case_event"] for a in audited} == {s.pk for s in steps}
    assert verify().ok
    assert set(Case.objects.open().values_list("deadline", flat=True)) == {base.deadline}
    # Nothing left to move: the next run reads and writes nothing per case either.
    assert _recompute_queries() < few


def test_recompute_counts_pauses_extensions_and_the_year_filter(section):
    from guanwu.cases.services import log_event

    base = case_submit_public(kind="complaint_efficiency", body="投诉", units=[section]).case
    wrong = base.received_on  # in the year edited, and not its deadline
    extended = clones(base, 1, deadline=wrong)[0]
    log_event(extended, "extend", None, "延期", days=3)
    log_event(extended, "resume", None, "", waited_workdays=2)
    elsewhere = clones(
        base,
        1,
        received_on=datetime.date(2020, 3, 2),
        deadline=datetime.date(2020, 3, 3),
    )[0]
    closed = clones(
        base,
        1,
        status=Status.CLOSED,
        closed_at=timezone.now(),
        deadline=wrong,
    )[0]

    recompute_open_deadlines([base.received_on.year])

    calendar = load_calendar()
    limit = DeadlinePolicy.limit_for("complaint_efficiency")
    expected = add_workdays(add_workdays(base.received_on, limit, calendar), 5, calendar)
    extended.refresh_from_db()
    assert extended.deadline == expected
    event = extended.events.get(action="deadline_recomputed")
    assert event.data == {"previous": wrong.isoformat(), "deadline": expected.isoformat()}
    # Outside the years edited, and closed cases, are left alone.
    elsewhere.refresh_from_db()
    closed.refresh_from_db()
    assert elsewhere.deadline == datetime.date(2020, 3, 3)
    assert closed.deadline == wrong
    assert recompute_open_deadlines([]) == 0


def test_capped_count_is_exact_up_to_its_limit(section):
    base = case_submit_public(kind="suggestion", body="建议", units=[section]).case
    clones(base, 4)
    cases = Case.objects.filter(kind="suggestion", tracking_code__startswith="T")
    assert capped_count(cases, limit=10) == (4, True)
    count, exact = capped_count(cases, limit=2)
    if connection.vendor == "postgresql":
        assert not exact and count >= 3  # the planner's estimate, never below the limit
    else:
        assert (count, exact) == (4, True)


def test_staff_list_pages_filters_and_queries_do_not_grow(demo_users, section):
    centre = api(demo_users["centre"])
    base = case_submit_public(kind="mailbox", body="信箱来信", units=[section]).case
    overdue = clones(base, 2, deadline=datetime.date(2001, 1, 1), status=Status.IN_PROGRESS)

    def get(**params: object) -> tuple[dict, int]:
        with CaptureQueriesContext(connection) as ctx:
            response = centre.get("/api/v1/staff/cases/", params)
        assert response.status_code == 200
        return response.json(), len(ctx.captured_queries)

    page, few = get(kind="mailbox")
    assert page["count"] == 3 and page["next"] is None and page["previous"] is None
    clones(base, 60)
    page, many = get(kind="mailbox")
    assert many == few  # no query per listed case
    assert page["count"] == 63 and len(page["results"]) == 50
    assert page["next"].endswith("page=2") and page["previous"] is None
    second, _queries = get(kind="mailbox", page=2)
    assert len(second["results"]) == 13 and second["next"] is None
    assert second["previous"].endswith("page=1")
    listed = {row["id"] for row in page["results"]} | {row["id"] for row in second["results"]}
    assert len(listed) == 63
    late, _queries = get(kind="mailbox", overdue="true")
    assert {row["id"] for row in late["results"]} == {case.pk for case in overdue}
    assert all(row["overdue"] for row in late["results"])
    received, _queries = get(kind="mailbox", status="received")
    assert {row["status"] for row in received["results"]} == {"received"}
    assert received["count"] == 61
