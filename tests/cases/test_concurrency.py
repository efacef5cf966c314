"""Concurrency on PostgreSQL: public submissions from many threads, and staff acting on one
case at the same moment. Every thread has its own database connection, as gunicorn workers
would; SQLite serialises writers, so these run on PostgreSQL only (``.ci/run``'s second pass).
"""

from __future__ import annotations

import datetime
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection

import pytest

from guanwu.audit.models import AuditEvent
from guanwu.audit.services import verify
from guanwu.calendar.services import load_calendar
from guanwu.calendar.workdays import add_workdays
from guanwu.cases import services
from guanwu.cases.enums import Status
from guanwu.cases.models import Case, CaseEvent, CaseReply
from guanwu.organization.models import Unit

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs concurrent writers (PostgreSQL)"
    ),
]


@pytest.fixture
def demo_db(transactional_db):
    from tests.conftest import fresh_demo_database

    fresh_demo_database()


def _in_thread(function: Callable[..., Any]) -> Callable[..., Any]:
    """Run ``function`` on the thread's own connection and close it afterwards."""

    def run(*args: Any) -> Any:
        try:
            return function(*args)
        finally:
            connection.close()

    return run


def test_200_submissions_from_20_threads_give_200_cases_and_200_codes(demo_db):
    """One demo load per test is the slow part; both intake checks share it."""
    section = Unit.objects.get(code="HH-XG-ZHYW")

    @_in_thread
    def submit(n: int) -> str:
        result = services.case_submit_public(
            kind="consultation",
            body=f"并发提交第 {n} 件",
            units=[section] if n % 2 else [],
            idempotency_key=f"load-{n}",
        )
        return result.case.tracking_code

    with ThreadPoolExecutor(max_workers=20) as pool:
        codes = list(pool.map(submit, range(200)))
    stored = Case.objects.filter(idempotency_key__startswith="load-")
    assert stored.count() == 200
    assert len(set(codes)) == 200
    assert set(stored.values_list("tracking_code", flat=True)) == set(codes)
    # Every one was routed and has its receipt on the timeline.
    assert not stored.filter(responsible_unit__isnull=True).exists()
    assert all(case.events.filter(action="received").count() == 1 for case in stored)
    # Rule 9 under concurrency: each step has its audit row (written last in each
    # submission's transaction, under the chain's lock) and the chain has no fork or gap.
    steps = CaseEvent.objects.filter(case__in=stored)
    rows = AuditEvent.objects.filter(
        object_type="cases.case",
        object_id__in=[str(pk) for pk in stored.values_list("pk", flat=True)],
    )
    assert steps.count() == 400
    assert sorted(rows.values_list("detail__case_event", flat=True)) == sorted(
        steps.values_list("pk", flat=True)
    )
    assert verify().ok

    # The same key from 20 threads at once (a double click, a retry storm): one case.
    barrier = threading.Barrier(20)

    @_in_thread
    def submit_same(_n: int) -> tuple[str, str]:
        barrier.wait()
        result = services.case_submit_public(
            kind="consultation", body="双击提交", idempotency_key="double-click"
        )
        return result.case.tracking_code, result.password

    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = set(pool.map(submit_same, range(20)))
    assert len(answers) == 1
    assert Case.objects.filter(idempotency_key="double-click").count() == 1
    assert verify().ok


def _at_once(*actions: Callable[[], Any]) -> list[Any]:
    barrier = threading.Barrier(len(actions))
    results: list[Any] = [None] * len(actions)

    def run(index: int) -> None:
        try:
            barrier.wait()
            results[index] = actions[index]()
        except Exception as exc:  # the test inspects what each thread got
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(actions))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_two_staff_acting_on_one_case_at_once_lose_no_update(demo_db):
    _two_heads_extending_at_once_both_count()
    _two_staff_replying_at_once_leave_one_draft()
    _pause_and_transfer_at_once_both_stick()


def _two_heads_extending_at_once_both_count() -> None:
    users = get_user_model().objects.in_bulk(["chief", "division"], field_name="username")
    section = Unit.objects.get(code="HH-XG-ZHYW")
    for round_ in range(5):
        case = services.case_submit_public(
            kind="consultation", body=f"延期竞争 {round_}", units=[section]
        ).case
        start = case.deadline

        def extend(user: Any, days: int, case_id: int = case.pk) -> Any:
            return services.case_extend(
                case=Case.objects.get(pk=case_id), user=user, days=days, reason="并发延期"
            )

        results = _at_once(lambda: extend(users["chief"], 3), lambda: extend(users["division"], 4))
        assert not [r for r in results if isinstance(r, Exception)], results
        case.refresh_from_db()
        # Neither extension overwrote the other: 3 + 4 working days.
        assert case.deadline == add_workdays(start, 7, load_calendar())
        assert case.events.filter(action="extend").count() == 2


def _two_staff_replying_at_once_leave_one_draft() -> None:
    users = get_user_model().objects.in_bulk(["liaison", "centre"], field_name="username")
    section = Unit.objects.get(code="HH-XG-ZHYW")
    case = services.case_submit_public(
        kind="complaint_efficiency", body="并发答复", name="甲", units=[section]
    ).case

    def reply(user: Any, text: str) -> Any:
        return services.case_reply(case=Case.objects.get(pk=case.pk), user=user, body=text)

    results = _at_once(
        lambda: reply(users["liaison"], "科室的答复"), lambda: reply(users["centre"], "中心的答复")
    )
    drafts = CaseReply.objects.filter(case=case)
    # One draft waits for approval; the other writer was told so, in Chinese, not ignored.
    assert drafts.count() == 1 and drafts.get().pending
    refused = [r for r in results if isinstance(r, services.CaseError)]
    assert len(refused) == 1 and "等待审核" in " ".join(refused[0].messages)


def _pause_and_transfer_at_once_both_stick() -> None:
    users = get_user_model().objects.in_bulk(["centre", "chief"], field_name="username")
    section = Unit.objects.get(code="HH-XG-ZHYW")
    other = Unit.objects.get(code="HH-XG").children.exclude(pk=section.pk).first()
    case = services.case_submit_public(kind="consultation", body="并发办理", units=[section]).case

    results = _at_once(
        lambda: services.case_pause(
            case=Case.objects.get(pk=case.pk), user=users["chief"], reason="等待补充材料"
        ),
        lambda: services.case_transfer(
            case=Case.objects.get(pk=case.pk), user=users["centre"], unit=other, reason="职责"
        ),
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    case.refresh_from_db()
    assert (case.status, case.responsible_unit) == (Status.PAUSED, other)
    assert {"pause", "transfer"} <= set(case.events.values_list("action", flat=True))
    assert case.deadline >= case.received_on + datetime.timedelta(days=1)
