"""What one public submission costs, and what bench/intake.py relies on (issue 9, target 4).

The query budget of POST /api/v1/cases/ is pinned here: a query added to the intake path shows
as a failure, not as a slower benchmark. Counts include the savepoints of the nested
transactions and, on PostgreSQL, the audit chain's advisory lock (tests/audit/test_deferred_rows.py
checks that the audit rows are the transaction's last statements).
"""

from __future__ import annotations

from django.core import mail
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest

from guanwu.audit.models import AuditEvent
from guanwu.cases.models import Case, CaseEvent, CaseNotification

pytestmark = pytest.mark.django_db

# Measured: 11 on SQLite, 12 on PostgreSQL (the audit chain's pg_advisory_xact_lock): the key
# lookup; the transaction (a savepoint here); the centre, the reply limit and the calendar's
# stamp (one statement); one INSERT each for the case, its unit and its two timeline steps;
# then the two audit rows last (lock, head, one INSERT). It was 26/28 with a row written per
# step, 12/13 with the calendar's stamp in two queries.
QUERY_BUDGET = 12 if connection.vendor == "postgresql" else 11


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


def submit(client, key: str | None, **fields):
    payload = {"kind": "complaint_efficiency", "body": "通关时间过长。", **fields}
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post("/api/v1/cases/", payload, content_type="application/json", **headers)


def test_one_submission_stays_within_its_query_budget(demo, client):
    assert submit(client, "warm-up").status_code == 201  # first use loads policies, calendar
    with CaptureQueriesContext(connection) as queries:
        response = submit(client, "budget-1", name="张三", phone="13700000000")
    assert response.status_code == 201
    assert len(queries) <= QUERY_BUDGET, "\n".join(q["sql"][:160] for q in queries)
    # The work those queries do: the case, its two timeline steps, their audit rows.
    case = Case.objects.get(tracking_code=response.json()["tracking_code"])
    assert list(case.events.values_list("action", flat=True).order_by("pk")) == [
        "received",
        "route",
    ]
    assert AuditEvent.objects.filter(object_id=str(case.pk), object_type="cases.case").count() == 2


def test_a_replay_costs_one_lookup_and_stores_nothing(demo, client):
    first = submit(client, "replay-1")
    assert first.status_code == 201
    cases, events = Case.objects.count(), CaseEvent.objects.count()
    with CaptureQueriesContext(connection) as queries:
        again = submit(client, "replay-1")
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert len(queries) == 1
    assert (Case.objects.count(), CaseEvent.objects.count()) == (cases, events)


def test_a_public_submission_sends_nothing_while_the_request_waits(demo, client):
    """No e-mail or message is sent (or queued) for a public submission: nothing in the
    request waits on a mail server. Staff see new cases in their workspace."""
    assert submit(client, "quiet-1", email="asker@example.com").status_code == 201
    assert mail.outbox == []
    assert not CaseNotification.objects.exists()


def test_made_up_keys_do_not_get_round_the_limit_but_a_retry_gets_its_receipt(demo, client):
    """The per-address limit (10 a minute) counts every new submission, keyed or not: a fresh
    Idempotency-Key per request must not lift it. A retry of a key already stored is still
    answered with its receipt, even over the limit (it stores nothing)."""
    statuses = [submit(client, f"load-{i}").status_code for i in range(11)]
    assert statuses[:10] == [201] * 10 and statuses[10] == 429
    assert Case.objects.filter(idempotency_key__startswith="load-").count() == 10
    assert submit(client, None, body="无键").status_code == 429
    retry = submit(client, "load-3")
    assert retry.status_code == 201 and retry["Idempotent-Replayed"] == "true"
    assert Case.objects.filter(idempotency_key__startswith="load-").count() == 10


def test_a_load_test_raises_the_limit_by_setting(demo, client, settings):
    settings.GUANWU_INTAKE_PER_MINUTE = 1_000
    assert {submit(client, f"bench-{i}").status_code for i in range(15)} == {201}


def test_replies_are_mailed_by_the_background_worker_not_the_request(
    demo_users, settings, django_capture_on_commit_callbacks
):
    """The reply e-mail is recorded with the reply and queued for ``db_worker`` after the
    commit (the database backend here); nothing is sent while the request waits."""
    from django_tasks_db.models import DBTaskResult

    from guanwu.cases.services import case_reply, case_submit_public

    settings.TASKS = {
        **settings.TASKS,
        "background": {"BACKEND": "django_tasks_db.DatabaseBackend"},
    }
    case = case_submit_public(
        kind="consultation", body="几点开门？", email="asker@example.com"
    ).case
    with django_capture_on_commit_callbacks(execute=True):
        case_reply(case=case, user=demo_users["centre"], body="八点半。", public=True)
    assert mail.outbox == []
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "guanwu.cases.notify.deliver_email"
    assert queued.backend_name == "background" and queued.status == "READY"
    assert queued.args_kwargs["args"][2] == ["asker@example.com"]
    assert CaseNotification.objects.filter(case=case, medium="email").exists()
