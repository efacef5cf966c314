"""Corrective actions (督办, seed 五.(四), 六.一–二): states, history and who may do what; the
dashboard and the daily run."""

from __future__ import annotations

import datetime
import re

from django.core import mail
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.utils import timezone

import pytest

from guanwu.disclosure.enums import DisclosureMode
from guanwu.disclosure.services import withheld_file
from guanwu.organization.models import Unit
from guanwu.oversight import actions
from guanwu.oversight.actions import ActionError
from guanwu.oversight.engine import run_checks
from guanwu.oversight.enums import ActionState, Severity
from guanwu.oversight.findings import Finding
from guanwu.oversight.models import CorrectiveAction, LiaisonAssignment
from guanwu.oversight.tasks import oversight_run, run_oversight
from tests.factories import make_item

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


@pytest.fixture
def users(demo_users):
    for name, user in demo_users.items():
        user.email = f"{name}@demo.invalid"
        user.save(update_fields=["email"])
    return demo_users


@pytest.fixture
def finding(demo):
    unit = Unit.objects.get(code="HH-XG-ZHYW")
    return Finding(
        check="cases_overdue",
        unit=unit,
        severity=Severity.SERIOUS,
        subject="新港海关综合业务科有 2 件事项超过答复期限",
        detail="查询码：GWTEST000001、GWTEST000002。",
        link="/admin/cases/?overdue=1",
        about="unit:HH-XG-ZHYW",
    )


def in_ten_days() -> datetime.date:
    return TODAY() + datetime.timedelta(days=10)


def assign(finding, users, **kwargs):
    kwargs.setdefault("unit", None)
    kwargs.setdefault("deadline", in_ten_days())
    kwargs.setdefault("user", users["office"])
    return actions.assign(finding=finding, **kwargs)


# --- states and history ----------------------------------------------------------------------------


def test_assign_answer_close_with_history(finding, users):
    action = assign(finding, users, note="请一周内答复并说明超期原因。")
    assert action.state == ActionState.OPEN
    assert action.unit.code == "HH-XG-ZHYW"
    assert action.finding_key == "cases_overdue:unit:HH-XG-ZHYW"
    assert (action.check_name, action.severity, action.subject) == (
        "cases_overdue",
        Severity.SERIOUS,
        finding.subject,
    )

    actions.answer(action=action, user=users["chief"], text="已逐件答复，超期原因是现场核查。")
    action.refresh_from_db()
    assert action.state == ActionState.ANSWERED
    assert action.answered_by == users["chief"] and action.answered_at is not None

    actions.close(action=action, user=users["supervision"], note="核实无误，同意销号。")
    action.refresh_from_db()
    assert action.state == ActionState.CLOSED
    assert action.closed_by == users["supervision"]

    history = list(action.events.values_list("verb", "actor__username", "note"))
    assert [(verb, actor) for verb, actor, _note in history] == [
        ("assign", "office"),
        ("answer", "chief"),
        ("close", "supervision"),
    ]
    assert "请一周内答复" in history[0][2] and action.deadline.isoformat() in history[0][2]
    assert "现场核查" in history[1][2]
    assert "同意销号" in history[2][2]


def test_one_open_action_per_finding(finding, users):
    first = assign(finding, users)
    with pytest.raises(ActionError, match="已在督办中"):
        assign(finding, users, user=users["supervision"])
    actions.answer(action=first, user=users["chief"], text="已整改。")
    with pytest.raises(ActionError):
        assign(finding, users)  # answered is not closed yet
    actions.close(action=first, user=users["office"])
    again = assign(finding, users)  # the problem came back: a new action
    assert again.pk != first.pk
    # The old one cannot be reopened while the new one is under way.
    with pytest.raises(ActionError, match="新的督办事项"):
        actions.reopen(action=first, user=users["office"], reason="问题复发")
    assert CorrectiveAction.objects.filter(finding_key=finding.key).count() == 2


def test_close_only_after_an_answer(finding, users):
    action = assign(finding, users)
    with pytest.raises(ActionError, match="反馈整改情况后才能销号"):
        actions.close(action=action, user=users["office"])
    actions.answer(action=action, user=users["chief"], text="已整改。")
    with pytest.raises(ActionError):
        actions.answer(action=action, user=users["chief"], text="再次反馈。")


def test_reopen_an_answer_and_a_closed_action(finding, users):
    action = assign(finding, users)
    with pytest.raises(ActionError):
        actions.reopen(action=action, user=users["office"], reason="尚未反馈")
    actions.answer(action=action, user=users["chief"], text="已整改。")
    with pytest.raises(ActionError):
        actions.reopen(action=action, user=users["office"], reason="  ")
    new_deadline = TODAY() + datetime.timedelta(days=20)
    actions.reopen(
        action=action, user=users["office"], reason="整改情况不具体", deadline=new_deadline
    )
    action.refresh_from_db()
    assert action.state == ActionState.OPEN and action.deadline == new_deadline
    actions.answer(action=action, user=users["chief"], text="补充：已逐件回访。")
    actions.close(action=action, user=users["office"])
    actions.reopen(action=action, user=users["supervision"], reason="回访发现问题复发")
    action.refresh_from_db()
    assert action.state == ActionState.OPEN and action.closed_at is None
    assert list(action.events.values_list("verb", flat=True)) == [
        "assign",
        "answer",
        "reopen",
        "answer",
        "close",
        "reopen",
    ]


def test_a_deadline_in_the_past_and_a_finding_without_unit_are_refused(finding, users):
    with pytest.raises(ActionError):
        assign(finding, users, deadline=TODAY() - datetime.timedelta(days=1))
    nobody = Finding(check="site_not_updated", unit=None, severity=Severity.VETO, subject="x")
    with pytest.raises(ActionError):
        assign(nobody, users)
    district = Unit.objects.get(code="HH")
    assert assign(nobody, users, unit=district).unit == district


# --- permissions -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["chief", "liaison", "division", "centre", "legal", "admin"])
def test_only_the_office_and_the_supervision_office_assign(finding, users, name):
    with pytest.raises(PermissionDenied):
        assign(finding, users, user=users[name])


@pytest.mark.parametrize("name", ["chief", "liaison", "admin", "supervision"])
def test_only_the_office_and_the_supervision_office_close(finding, users, name):
    action = assign(finding, users)
    actions.answer(action=action, user=users["division"], text="已整改。")
    if name == "supervision":
        actions.close(action=action, user=users[name])
        return
    with pytest.raises(PermissionDenied):
        actions.close(action=action, user=users[name])
    with pytest.raises(PermissionDenied):
        actions.reopen(action=action, user=users[name], reason="不行")


@pytest.mark.parametrize(
    ("name", "allowed"),
    [
        ("chief", True),  # 科长 of the section
        ("liaison", True),  # the section's liaison
        ("division", True),  # the head of the division above
        ("office", False),
        ("centre", False),
        ("supervision", False),
        ("admin", False),
    ],
)
def test_the_unit_answers_through_its_head_or_liaison(finding, users, name, allowed):
    action = assign(finding, users)
    assert actions.user_can_answer_action(users[name], action) is allowed
    if not allowed:
        with pytest.raises(PermissionDenied):
            actions.answer(action=action, user=users[name], text="已整改。")


def test_a_registered_liaison_answers_for_the_unit(finding, users):
    division = Unit.objects.get(code="HH-JC")
    other = Finding(check="coverage_units", unit=division, severity=Severity.WARNING, subject="y")
    action = assign(other, users)
    # A liaison answers for another unit only once registered for it.
    assert not actions.user_can_answer_action(users["liaison"], action)
    LiaisonAssignment.objects.create(
        unit=division, staff=users["liaison"].staff, since=TODAY() - datetime.timedelta(days=1)
    )
    assert actions.user_can_answer_action(users["liaison"], action)
    assert action in actions.actions_visible_to(users["liaison"])


def test_heads_and_liaisons_see_only_their_units_actions(finding, users):
    mine = assign(finding, users)
    elsewhere = Finding(
        check="cases_overdue",
        unit=Unit.objects.get(code="HH-JC-LJ"),
        severity=Severity.SERIOUS,
        subject="机场海关旅检科有 1 件事项超过答复期限",
        about="unit:HH-JC-LJ",
    )
    theirs = assign(elsewhere, users)
    assert set(actions.actions_visible_to(users["chief"])) == {mine}
    assert set(actions.actions_visible_to(users["division"])) == {mine}
    assert set(actions.actions_visible_to(users["office"])) >= {mine, theirs}
    assert set(actions.actions_visible_to(users["centre"])) >= {mine, theirs}
    assert not actions.actions_visible_to(users["legal"]).exists()


def test_selectors_open_and_overdue(finding, users):
    action = assign(finding, users)
    assert action in actions.open_actions()
    assert action not in actions.overdue_actions()
    assert action in actions.overdue_actions(action.deadline + datetime.timedelta(days=1))
    actions.answer(action=action, user=users["chief"], text="已整改。")
    assert action in actions.open_actions()
    assert action not in actions.overdue_actions(action.deadline + datetime.timedelta(days=1))
    assert actions.active_actions_by_key([finding.key]) == {finding.key: action}


def test_the_unit_is_told_by_e_mail(finding, users, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assign(finding, users)
    sent = [m for m in mail.outbox if "【督办】" in m.subject]
    assert len(sent) == 1
    assert {"chief@demo.invalid", "liaison@demo.invalid"} <= set(sent[0].to)
    assert "office@demo.invalid" not in sent[0].to


# --- the admin -------------------------------------------------------------------------------------


@pytest.fixture
def pending(users):
    page = make_item(mode=DisclosureMode.WITHHELD, title="看板上的暂不公开备案")
    withheld_file(page=page, user=users["liaison"], reason="理由", reference="备案5号")
    return next(f for f in run_checks(TODAY()) if "看板上的暂不公开备案" in f.subject)


def test_the_office_assigns_a_finding_from_the_dashboard(client, users, pending):
    client.force_login(users["office"])
    page = client.get("/admin/oversight/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "督办看板" in html and "看板上的暂不公开备案" in html
    assert "<svg" in html and "各单位按时答复率" in html and "查看数据表" in html
    assign_url = re.search(r'href="(/admin/oversight/assign/\?key=filings_pending[^"]+)"', html)
    assert assign_url
    form = client.get(assign_url.group(1).replace("&amp;", "&"))
    assert form.status_code == 200 and "整改期限" in form.content.decode()
    response = client.post(
        "/admin/oversight/assign/",
        {
            "key": pending.key,
            "unit": pending.unit.pk,
            "deadline": in_ten_days().isoformat(),
            "note": "请跟进裁定",
        },
    )
    assert response.status_code == 302
    action = CorrectiveAction.objects.get(finding_key=pending.key)
    assert action.unit == pending.unit and action.assigned_by == users["office"]
    html = client.get("/admin/oversight/").content.decode()
    assert f"/admin/oversight/actions/{action.pk}/" in html


def test_the_dashboard_is_for_the_office_and_the_supervision_office(client, users):
    for name, shown in (("supervision", True), ("chief", False), ("liaison", False)):
        client.force_login(users[name])
        response = client.get("/admin/oversight/")
        assert (response.status_code == 200) is shown, name


def test_the_unit_answers_and_the_office_closes_in_the_admin(client, users, finding):
    action = assign(finding, users)
    url = f"/admin/oversight/actions/{action.pk}/"
    client.force_login(users["legal"])
    assert client.get(url).status_code == 404
    client.force_login(users["chief"])
    html = client.get("/admin/oversight/actions/").content.decode()
    assert finding.subject in html
    page = client.get(url).content.decode()
    assert 'name="answer-text"' in page and 'value="close"' not in page
    response = client.post(url, {"action": "answer", "answer-text": "已逐件答复。"})
    assert response.status_code == 302
    client.post(url, {"action": "close", "close-note": ""})  # refused: not an overseer
    assert CorrectiveAction.objects.get(pk=action.pk).state == ActionState.ANSWERED
    client.force_login(users["office"])
    page = client.get(url).content.decode()
    assert "已逐件答复。" in page and 'value="close"' in page
    client.post(url, {"action": "close", "close-note": "同意销号"})
    action.refresh_from_db()
    assert action.state == ActionState.CLOSED
    assert "同意销号" in client.get(url).content.decode()


# --- the daily run -----------------------------------------------------------------------------------


def test_the_daily_run_mails_the_office_once_a_day(users, pending):
    cache.clear()
    mail.outbox.clear()
    result = run_oversight.enqueue().return_value
    assert result["total"] >= 1 and result["by_severity"]["warning"] >= 1
    assert result["mailed"] == 1
    summaries = [m for m in mail.outbox if "【关务公开督办】" in m.subject]
    assert len(summaries) == 1 and summaries[0].to == ["office@demo.invalid"]
    assert "暂不公开备案未裁定" in summaries[0].body
    again = oversight_run()
    assert again["mailed"] == 0
    assert len([m for m in mail.outbox if "【关务公开督办】" in m.subject]) == 1


# --- every page for every role ---------------------------------------------------------------------

OVERSEERS = {"office", "supervision", "supervisor"}
ACTION_READERS = OVERSEERS | {"centre", "centrehead", "chief", "liaison", "division"}


def _denied(response) -> bool:
    # Wagtail turns PermissionDenied into a redirect to the admin home with a message.
    return response.status_code in (302, 403, 404)


def test_admin_pages_permission_matrix(client, users, finding, pending):
    action = assign(finding, users)  # 新港海关综合业务科's action
    pages = {
        "dashboard": ("/admin/oversight/", OVERSEERS),
        "assign": (f"/admin/oversight/assign/?key={pending.key}", OVERSEERS),
        "list": ("/admin/oversight/actions/", ACTION_READERS),
        # The section's head and liaison, the division's head, the overseers and the centre.
        "detail": (
            f"/admin/oversight/actions/{action.pk}/",
            OVERSEERS | {"centre", "centrehead", "chief", "liaison", "division"},
        ),
    }
    for username, user in sorted(users.items()):
        client.force_login(user)
        for page, (url, readers) in pages.items():
            response = client.get(url)
            if username in readers:
                assert response.status_code == 200, (username, page)
            else:
                assert _denied(response), (username, page)
        if username in OVERSEERS:
            continue
        # Nobody else may post an assignment.
        posted = client.post(
            "/admin/oversight/assign/",
            {"key": pending.key, "unit": pending.unit.pk, "deadline": in_ten_days().isoformat()},
        )
        assert _denied(posted), username
        assert not CorrectiveAction.objects.filter(finding_key=pending.key).exists()
    client.logout()
    assert client.get("/admin/oversight/").status_code == 302
