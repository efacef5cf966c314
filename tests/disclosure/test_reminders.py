"""Reminders fire once, to the liaison and the unit heads (seed 五.五)."""

from __future__ import annotations

import datetime

from django.core import mail
from django.core.management import call_command
from django.utils import timezone

import pytest

from guanwu.disclosure.enums import DisclosureMode
from guanwu.disclosure.models import DisclosureItemPage, ReminderLog
from guanwu.disclosure.reminders import due_reminders, reminders_for_user, send_due_reminders
from guanwu.disclosure.services import item_mark_checked, withheld_file
from tests.factories import make_item, publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def emails(demo_users):
    for name in ("liaison", "chief", "division", "office"):
        demo_users[name].email = f"{name}@demo.invalid"
        demo_users[name].save()
    return demo_users


def backdate(page, **delta):
    DisclosureItemPage.objects.filter(pk=page.pk).update(
        last_published_at=timezone.now() - datetime.timedelta(**delta)
    )


def test_standing_item_past_its_check_date_reminds_liaison_and_heads_once(
    emails, django_capture_on_commit_callbacks
):
    liaison = emails["liaison"].staff
    page = publish(make_item(title="需要定期检查的规定", review_cycle_months=1, liaison=liaison))
    backdate(page, days=45)
    reminders = [r for r in due_reminders() if r.page.pk == page.pk]
    assert [r.kind for r in reminders] == ["check_due"]
    recipients = {u.username for u in reminders[0].recipients}
    assert {"liaison", "chief", "division"} <= recipients

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        sent = send_due_reminders()
    mine = [m for m in mail.outbox if "需要定期检查的规定" in m.subject]
    assert len(mine) == 1 and "liaison@demo.invalid" in mine[0].to
    assert page.pk in {r.page.pk for r in sent}

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        again = send_due_reminders()
    assert page.pk not in {r.page.pk for r in again}
    assert not [m for m in mail.outbox if "需要定期检查的规定" in m.subject]
    assert ReminderLog.objects.filter(page=page, kind="check_due").count() == 1


def test_checked_still_current_clears_the_reminder(emails):
    page = publish(make_item(review_cycle_months=1))
    backdate(page, days=45)
    assert any(r.page.pk == page.pk for r in due_reminders())
    item_mark_checked(page=page.specific, user=emails["liaison"], note="已核对，仍然有效")
    assert not any(r.page.pk == page.pk for r in due_reminders())


def test_periodic_item_past_due(emails):
    page = publish(
        make_item(mode=DisclosureMode.PERIODIC, period_months=3, review_cycle_months=None)
    )
    backdate(page, days=100)
    assert [r.kind for r in due_reminders() if r.page.pk == page.pk] == ["period_due"]


def test_immediate_item_past_its_end_while_still_shown(emails):
    from guanwu.disclosure.models import NoticePage

    now = timezone.now()
    notice = publish(
        make_item(
            NoticePage,
            category=3,
            subitem="3.1",
            notice_kind="working_hours",
            body="<p>调整办公时间。</p>",
            starts_at=now - datetime.timedelta(days=3),
            ends_at=now + datetime.timedelta(days=1),
        )
    )
    DisclosureItemPage.objects.filter(pk=notice.pk).update(
        ends_at=now - datetime.timedelta(hours=1)
    )
    assert [r.kind for r in due_reminders() if r.page.pk == notice.pk] == ["past_end"]


def test_withheld_filing_without_decision(emails):
    page = make_item(mode=DisclosureMode.WITHHELD)
    withheld_file(page=page, user=emails["liaison"], reason="理由", reference="备案3号")
    reminders = [r for r in due_reminders() if r.page.pk == page.pk]
    assert [r.kind for r in reminders] == ["filing_pending"]
    assert reminders[0].detail == "备案3号"


def test_reminders_are_listed_for_the_people_concerned(emails, client):
    page = publish(
        make_item(
            title="列在联络员提醒中的事项", review_cycle_months=1, liaison=emails["liaison"].staff
        )
    )
    backdate(page, days=45)
    assert any(r.page.pk == page.pk for r in reminders_for_user(emails["liaison"]))
    assert not any(r.page.pk == page.pk for r in reminders_for_user(emails["supervision"]))
    client.force_login(emails["liaison"])
    html = client.get("/admin/disclosure/reminders/").content.decode()
    assert "列在联络员提醒中的事项" in html
    dashboard = client.get("/admin/").content.decode()
    assert "列在联络员提醒中的事项" in dashboard


def test_reminder_command_dry_run_sends_nothing(emails):
    page = publish(make_item(review_cycle_months=1))
    backdate(page, days=45)
    call_command("disclosure_reminders", "--dry-run", verbosity=0)
    assert not ReminderLog.objects.filter(page=page).exists()
    call_command("disclosure_reminders", verbosity=0)
    assert ReminderLog.objects.filter(page=page).exists()
