"""The review workflows (seed 六.四) and what happens when one finishes.

Standard path: the liaison drafts → the unit head approves → the legal department reviews →
publication, at once or at the scheduled time. Immediate items (seed 五.三.3) take the
expedited workflow, whose legal step has a short target and notifies the legal group at once.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from wagtail.models import Page, Workflow, WorkflowContentType, WorkflowPage, WorkflowTask

STANDARD_WORKFLOW = "关务公开审核流程"
EXPEDITED_WORKFLOW = "随时公开加急审核流程"
UNIT_HEAD_TASK = "单位负责人审批"
LEGAL_TASK = "法规处审核"
EXPEDITED_UNIT_HEAD_TASK = "单位负责人审批（加急）"
EXPEDITED_LEGAL_TASK = "法规处审核（加急）"

# Category 一's snippets pass the same workflow (DESIGN rule 1).
REVIEWED_SNIPPETS = ("unit", "hall", "post", "staff", "contactline")


def _task(model: Any, name: str, **fields: Any) -> Any:
    task = model.objects.filter(name=name).first()
    if task is None:
        task = model.objects.create(name=name, **fields)
    return task


def _workflow(name: str, tasks: list[Any]) -> Workflow:
    workflow, _created = Workflow.objects.get_or_create(name=name, defaults={"active": True})
    for order, task in enumerate(tasks):
        WorkflowTask.objects.update_or_create(
            workflow=workflow, task=task, defaults={"sort_order": order}
        )
    return workflow


@transaction.atomic
def ensure_workflows() -> tuple[Workflow, Workflow]:
    """Create both workflows and assign the standard one to the column and the unit tree."""
    from .models import LegalReviewTask, UnitHeadApprovalTask

    hours = int(getattr(settings, "GUANWU_EXPEDITED_REVIEW_HOURS", 2))
    standard = _workflow(
        STANDARD_WORKFLOW,
        [_task(UnitHeadApprovalTask, UNIT_HEAD_TASK), _task(LegalReviewTask, LEGAL_TASK)],
    )
    expedited = _workflow(
        EXPEDITED_WORKFLOW,
        [
            _task(UnitHeadApprovalTask, EXPEDITED_UNIT_HEAD_TASK),
            _task(LegalReviewTask, EXPEDITED_LEGAL_TASK, expedited=True, target_hours=hours),
        ],
    )
    root = Page.objects.filter(depth=2).order_by("path").first()
    if root is not None:
        WorkflowPage.objects.get_or_create(page=root, defaults={"workflow": standard})
    for model in REVIEWED_SNIPPETS:
        content_type = ContentType.objects.get(app_label="organization", model=model)
        WorkflowContentType.objects.get_or_create(
            content_type=content_type, defaults={"workflow": standard}
        )
    return standard, expedited


def expedited_workflow() -> Workflow | None:
    return Workflow.objects.filter(name=EXPEDITED_WORKFLOW, active=True).first()


# Page permissions per role on the column (the home page and everything under it). Nobody
# holds "publish": publication happens only when legal review approves (seed 六.四).
PAGE_PERMISSIONS = {
    "office": ["add_page", "change_page", "lock_page", "unlock_page"],
    "centre": ["add_page", "change_page"],
    "liaison": ["add_page", "change_page"],
    "section_chief": ["add_page", "change_page"],
    "division_head": ["add_page", "change_page"],
}


@transaction.atomic
def ensure_page_permissions() -> None:
    from django.contrib.auth.models import Group, Permission

    from wagtail.models import GroupPagePermission

    from guanwu.organization.enums import Role

    root = Page.objects.filter(depth=2).order_by("path").first()
    if root is None:
        return
    permissions = {
        p.codename: p
        for p in Permission.objects.filter(
            content_type__app_label="wagtailcore", codename__endswith="_page"
        )
    }
    for role_value, codenames in PAGE_PERMISSIONS.items():
        group = Group.objects.filter(name=Role(role_value).group_name).first()
        if group is None:
            continue
        for codename in codenames:
            GroupPagePermission.objects.get_or_create(
                group=group, page=root, permission=permissions[codename]
            )
