"""The office opens the oversight dashboard, 督办s a finding to its unit, and the dashboard
shows it under way (seed 五.(四), 六.一; issue 7). Saves docs/screenshots/oversight-dashboard.png."""

from __future__ import annotations

import datetime
import random
import re

from django.utils import timezone

import pytest

from guanwu.calendar.services import load_calendar
from guanwu.calendar.workdays import add_workdays
from guanwu.cases import services
from guanwu.cases.models import Case, CaseReply
from guanwu.organization.models import Unit
from guanwu.oversight.enums import ActionState
from guanwu.oversight.models import CorrectiveAction
from tests.e2e.conftest import SCREENSHOTS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SECTIONS = [
    "HH-XG-ZHYW",
    "HH-JC-LJ",
    "HH-KFQ-ZHYW",
    "HH-ZBQ-BSJG",
    "HH-DJ-ZHYW",
    "HH-TGC-TG",
    "HH-GSC-JM",
    "HH-ZXZX-RX",
]


def _login(page, live_server, username, password):
    page.context.clear_cookies()
    page.goto(live_server.url + "/admin/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.locator("button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/admin/$"))


def _aware(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _cases_over_six_months(chief) -> None:
    """Answered consultations spread over six months (some late, some rated), dated with the
    ORM, so the charts have something to draw; the test database loads no demo cases."""
    rng = random.Random(7)
    calendar = load_calendar()
    today = timezone.localdate()
    units = list(Unit.objects.filter(code__in=SECTIONS))
    for back in range(150, 0, -3):
        received = today - datetime.timedelta(days=back)
        unit = rng.choice(units)
        case = services.case_submit_public(
            kind="consultation", body="加工贸易手册如何核销？", name="王先生", units=[unit]
        ).case
        deadline = add_workdays(received, 5, calendar)
        answered = received + datetime.timedelta(days=rng.choice([1, 2, 3, 4, 5, 6, 9, 12]))
        Case.objects.filter(pk=case.pk).update(
            received_on=received, received_at=_aware(received), deadline=deadline
        )
        case.refresh_from_db()
        services.case_reply(case=case, user=chief, body="您好，请按办事指南办理。")
        CaseReply.objects.filter(case=case).update(sent_at=_aware(answered, 15))
        Case.objects.filter(pk=case.pk).update(replied_at=_aware(answered, 15))
        if rng.random() < 0.7:
            Case.objects.filter(pk=case.pk).update(rating=rng.choice([5, 5, 5, 4, 4, 3]))


def test_the_office_assigns_a_finding_from_the_dashboard(live_server, page, demo, settings):
    from django.contrib.auth import get_user_model

    chief = get_user_model().objects.get(username="chief")
    _cases_over_six_months(chief)
    # A tall window: the figures, the findings and the charts in one picture.
    page.set_viewport_size({"width": 1280, "height": 1760})
    _login(page, live_server, "office", settings.GUANWU_DEMO_PASSWORD)

    page.goto(live_server.url + "/admin/oversight/")
    body = page.locator("main").inner_text()
    assert "督办看板" in body and "问题清单" in body
    assert page.locator("svg.oversight-chart").count() == 4
    # The demo's pending withheld filing (seed 五.(三).4) is a finding: 督办 it.
    group = page.locator("details#check-filings_pending")
    group.locator("summary").click()
    group.get_by_role("link", name=re.compile("督办：")).first.click()
    page.wait_for_url(re.compile(r"/admin/oversight/assign/"))
    assert "整改期限" in page.locator("main").inner_text()
    page.fill("#id_note", "请跟进海关总署的裁定，裁定后及时登记。")
    page.get_by_role("button", name="督办", exact=True).click()
    page.wait_for_url(re.compile(r"/admin/oversight/\?open=filings_pending"))

    action = CorrectiveAction.objects.get(check_name="filings_pending")
    assert action.state == ActionState.OPEN
    assert action.assigned_by.username == "office"
    assert list(action.events.values_list("verb", flat=True)) == ["assign"]
    row = page.locator("details#check-filings_pending")
    assert "待整改" in row.inner_text()
    assert "已督办" in page.locator("main").inner_text()

    page.screenshot(path=str(SCREENSHOTS / "oversight-dashboard.png"))
