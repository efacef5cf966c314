"""The review workflow: liaison drafts → unit head approves → legal reviews → publication."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import Group
from django.core import mail
from django.utils import timezone

from wagtail.models import PageLogEntry, TaskState, WorkflowState

import pytest

from guanwu.disclosure.enums import DisclosureMode, FilingDecision, NoticeKind
from guanwu.disclosure.guard import LegalReviewRequired
from guanwu.disclosure.models import LegalApproval, NoticePage, WithheldFiling
from guanwu.disclosure.services import withheld_decide, withheld_file
from guanwu.disclosure.workflows import EXPEDITED_WORKFLOW, STANDARD_WORKFLOW
from guanwu.organization.enums import Role
from guanwu.organization.models import Staff, Unit
from tests.factories import UserFactory, make_item, publish

pytestmark = pytest.mark.django_db


def submit(page, user):
    workflow = page.get_workflow()
    page.save_revision(user=user)
    return workflow.start(page, user)


def act(page, user, action="approve", comment=""):
    page.refresh_from_db()
    state = page.current_workflow_task_state
    task = state.task.specific
    kwargs = {"comment": comment} if comment or action == "reject" else {}
    task.on_action(state, user, action, **kwargs)


def test_whole_journey_publishes_only_after_legal_review(client, demo_users):
    page = make_item(title="加工贸易手册设立须知")
    state = submit(page, demo_users["liaison"])
    assert state.workflow.name == STANDARD_WORKFLOW
    task = page.current_workflow_task_state.task.specific
    # the liaison cannot approve their own draft; the section chief can
    assert task.get_actions(page, demo_users["liaison"]) == []
    assert task.get_actions(page, demo_users["chief"])
    act(page, demo_users["chief"])
    page.refresh_from_db()
    assert not page.live
    legal_task = page.current_workflow_task_state.task.specific
    assert legal_task.get_actions(page, demo_users["chief"]) == []
    assert legal_task.get_actions(page, demo_users["admin"]) == []  # superuser is not legal
    act(page, demo_users["legal"], comment="依据准确，同意公开。")
    page.refresh_from_db()
    assert page.live
    approval = LegalApproval.objects.get(revision=page.live_revision)
    assert approval.approved_by == demo_users["legal"]
    assert approval.comment == "依据准确，同意公开。"
    assert client.get(page.url).status_code == 200


def test_the_division_head_may_approve_for_a_section_but_another_chief_may_not(demo_users):
    page = make_item()
    submit(page, demo_users["liaison"])
    task = page.current_workflow_task_state.task.specific
    assert task.get_actions(page, demo_users["division"])
    other_section = (
        Unit.objects.filter(kind="section")
        .exclude(pk=page.owning_unit_id)
        .exclude(parent=page.owning_unit.parent)
        .first()
    )
    outsider = UserFactory()
    outsider.groups.add(Group.objects.get(name=Role.SECTION_CHIEF.group_name))
    staff = Staff.objects.filter(unit=other_section).first()
    staff.user = outsider  # the login link is internal data, not reviewed content
    staff.save(update_fields=["user"])
    assert task.get_actions(page, outsider) == []


def test_superuser_cannot_force_the_legal_step(demo_users):
    page = make_item()
    submit(page, demo_users["liaison"])
    act(page, demo_users["chief"])
    with pytest.raises(LegalReviewRequired):
        act(page, demo_users["admin"])
    page.refresh_from_db()
    assert not page.live


def test_rejection_returns_the_draft_with_its_comment(demo_users):
    page = make_item()
    submit(page, demo_users["liaison"])
    act(page, demo_users["chief"])
    act(page, demo_users["legal"], action="reject", comment="请补充设立依据的文号。")
    page.refresh_from_db()
    assert not page.live
    workflow_state = WorkflowState.objects.for_instance(page).latest("created_at")
    assert workflow_state.status == WorkflowState.STATUS_NEEDS_CHANGES
    rejected = TaskState.objects.get(
        workflow_state=workflow_state, status=TaskState.STATUS_REJECTED
    )
    assert rejected.comment == "请补充设立依据的文号。"
    assert not LegalApproval.objects.filter(revision__object_id=str(page.pk)).exists()


def test_history_records_who_did_what(demo_users):
    page = make_item()
    submit(page, demo_users["liaison"])
    act(page, demo_users["chief"])
    act(page, demo_users["legal"])
    actions = list(
        PageLogEntry.objects.filter(page=page)
        .order_by("timestamp")
        .values_list("action", "user__username")
    )
    assert ("wagtail.workflow.start", "liaison") in actions
    assert ("wagtail.workflow.approve", "chief") in actions
    assert ("wagtail.workflow.approve", "legal") in actions
    assert ("wagtail.publish", "legal") in actions


def test_immediate_items_take_the_expedited_path_and_notify_legal(
    demo_users, django_capture_on_commit_callbacks
):
    now = timezone.now()
    notice = make_item(
        NoticePage,
        category=3,
        subitem="3.1",
        title="关于台风期间暂停查验作业的公告",
        notice_kind=NoticeKind.EMERGENCY,
        body="<p>受台风影响，暂停露天查验作业。</p>",
        starts_at=now,
        ends_at=now + datetime.timedelta(days=2),
    )
    demo_users["legal"].email = "legal@demo.invalid"
    demo_users["legal"].save()
    with django_capture_on_commit_callbacks(execute=True):
        state = submit(notice, demo_users["liaison"])
        act(notice, demo_users["chief"])
    assert state.workflow.name == EXPEDITED_WORKFLOW
    urgent = [m for m in mail.outbox if m.subject.startswith("【加急】")]
    assert urgent and "legal@demo.invalid" in urgent[0].to
    assert "2 小时" in urgent[0].body
    act(notice, demo_users["legal"])
    notice.refresh_from_db()
    assert notice.live and notice.expire_at == notice.ends_at


def test_withheld_items_stay_off_every_channel_until_decided(client, demo_users):
    page = make_item(title="正在办理案件的相关情况", mode=DisclosureMode.WITHHELD)
    with pytest.raises(LegalReviewRequired):
        publish(page, reviewer=demo_users["legal"])
    page.refresh_from_db()  # the refused attempt was rolled back
    filing = withheld_file(
        page=page,
        user=demo_users["liaison"],
        reason="涉及在办案件。",
        reference="海河关办〔2026〕9号",
    )
    assert filing.decision == FilingDecision.PENDING
    listing = client.get("/api/v1/items/", {"page_size": 200}).json()
    assert page.pk not in {item["id"] for item in listing["results"]}
    withheld_decide(
        filing=filing,
        user=demo_users["office"],
        decision=FilingDecision.DISCLOSE,
        decided_on=datetime.date(2026, 11, 20),
        document="署办发〔2026〕1号",
    )
    page.refresh_from_db()
    assert not page.live
    # the decision sends it into review as standing content
    assert page.get_latest_revision_as_object().mode == DisclosureMode.STANDING
    act(page, demo_users["chief"])
    act(page, demo_users["legal"])
    page.refresh_from_db()
    assert page.live and page.mode == DisclosureMode.STANDING
    assert WithheldFiling.objects.get(pk=filing.pk).decision == FilingDecision.DISCLOSE


def test_a_ruling_to_withhold_keeps_it_off(demo_users):
    page = make_item(mode=DisclosureMode.WITHHELD)
    filing = withheld_file(
        page=page, user=demo_users["liaison"], reason="理由", reference="备案1号"
    )
    withheld_decide(
        filing=filing,
        user=demo_users["legal"],
        decision=FilingDecision.WITHHOLD,
        decided_on=datetime.date(2026, 11, 20),
        document="裁定书",
    )
    page.refresh_from_db()
    assert not page.live and page.current_workflow_state is None


def test_only_office_or_legal_record_the_ruling(demo_users):
    from django.core.exceptions import PermissionDenied

    page = make_item(mode=DisclosureMode.WITHHELD)
    filing = withheld_file(
        page=page, user=demo_users["liaison"], reason="理由", reference="备案2号"
    )
    with pytest.raises(PermissionDenied):
        withheld_decide(
            filing=filing,
            user=demo_users["liaison"],
            decision=FilingDecision.DISCLOSE,
            decided_on=datetime.date(2026, 11, 20),
            document="x",
        )


def test_unit_changes_pass_the_same_review(client, demo_users):
    unit = Unit.objects.get(code="HH-XG-ZHYW")
    old = unit.duties
    draft = unit.get_latest_revision_as_object()
    draft.duties = "新的职责表述：负责报关单审核。"
    submit(draft, demo_users["liaison"])
    assert "新的职责表述" not in client.get(f"/directory/{unit.code}/").content.decode()
    unit.refresh_from_db()
    assert unit.duties == old
    act(unit, demo_users["chief"])
    act(unit, demo_users["legal"])
    unit.refresh_from_db()
    assert unit.duties == "新的职责表述：负责报关单审核。"
    assert "新的职责表述" in client.get(f"/directory/{unit.code}/").content.decode()


def test_history_page_is_readable_in_the_admin(client, demo_users):
    page = make_item(title="有完整审核记录的事项")
    submit(page, demo_users["liaison"])
    act(page, demo_users["chief"], action="reject", comment="请补充摘要。")
    client.force_login(demo_users["office"])
    response = client.get(f"/admin/pages/{page.pk}/history/")
    assert response.status_code == 200
    html = response.content.decode()
    assert demo_users["chief"].first_name in html or "chief" in html


def test_admin_views_for_checks_and_filings(client, demo_users):
    page = publish(make_item(title="需要确认仍然有效的事项")).specific
    client.force_login(demo_users["liaison"])
    response = client.post(f"/admin/disclosure/items/{page.pk}/checked/", {"note": "已核对"})
    assert response.status_code == 302
    assert page.content_checks.count() == 1

    withheld = make_item(title="暂不公开的事项", mode=DisclosureMode.WITHHELD)
    response = client.post(
        f"/admin/disclosure/items/{withheld.pk}/withhold/",
        {"authority": "海关总署", "reference": "海河关办〔2026〕20号", "reason": "涉及在办案件"},
    )
    assert response.status_code == 302
    filing = WithheldFiling.objects.get(page=withheld)
    # the liaison may not record the ruling
    assert client.get(f"/admin/disclosure/filings/{filing.pk}/decide/").status_code in (302, 403)
    client.force_login(demo_users["office"])
    listing = client.get("/admin/disclosure/filings/").content.decode()
    assert "海河关办〔2026〕20号" in listing
    response = client.post(
        f"/admin/disclosure/filings/{filing.pk}/decide/",
        {"decision": "withhold", "decided_on": "2026-11-25", "document": "署裁〔2026〕3号"},
    )
    assert response.status_code == 302
    filing.refresh_from_db()
    assert filing.decision == FilingDecision.WITHHOLD


def test_other_units_items_cannot_be_edited_by_a_liaison(client, demo_users):
    page = make_item(unit="HH-FGC" if Unit.objects.filter(code="HH-FGC").exists() else "HH")
    client.force_login(demo_users["liaison"])
    response = client.get(f"/admin/pages/{page.pk}/edit/")
    assert response.status_code == 302
