"""State changes of disclosure content. Views, admin, API and commands call only these."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from wagtail.log_actions import log
from wagtail.models import Revision

from guanwu.organization.enums import Role

from .enums import DECISIONS_THAT_DISCLOSE, DisclosureMode, FilingDecision
from .models import ContentCheck, DisclosureItemPage, LegalApproval, WithheldFiling
from .permissions import user_can_edit_for_unit, user_can_record_filing_decision, user_has_role


class DisclosureError(ValidationError):
    """A domain rule refused the change; the message is for the user, in Chinese."""


@transaction.atomic
def content_publish_with_legal_approval(*, obj: Any, reviewer: Any, comment: str = "") -> Revision:
    """Record the legal department's approval of ``obj`` as it stands and publish it.

    For content the legal department approves directly — the demo district, or a catalogue
    already approved outside the system. Ordinary drafts go through the workflow instead.
    """
    if not user_has_role(reviewer, Role.LEGAL):
        raise PermissionDenied(_("只有法规处人员可以审核通过。"))
    revision = obj.save_revision(user=reviewer, log_action=True)
    LegalApproval.objects.create(revision=revision, approved_by=reviewer, comment=comment)
    revision.publish(user=reviewer, skip_permission_checks=True)
    return revision


@transaction.atomic
def item_mark_checked(*, page: DisclosureItemPage, user: Any, note: str = "") -> ContentCheck:
    """The liaison confirms a standing item is still current (seed 五.三.1: 定期检查维护)."""
    if not user_can_edit_for_unit(user, page.owning_unit):
        raise PermissionDenied(_("只有责任单位的联络员或负责人可以确认内容仍然有效。"))
    if not page.live:
        raise DisclosureError(_("只能确认已公开的内容。"))
    check = ContentCheck.objects.create(page=page, checked_by=user, note=note[:500])
    log(instance=page, action="guanwu.item.checked", user=user, data={"note": note[:500]})
    return check


@transaction.atomic
def withheld_file(
    *, page: DisclosureItemPage, user: Any, reason: str, reference: str, authority: str = "海关总署"
) -> WithheldFiling:
    """File a withheld item with the superior authority (seed 五.三.4)."""
    if not user_can_edit_for_unit(user, page.owning_unit):
        raise PermissionDenied(_("只有责任单位可以报备暂不公开的内容。"))
    latest = page.get_latest_revision_as_object()
    if latest.mode != DisclosureMode.WITHHELD:
        raise DisclosureError(_("只有公开方式为“暂不公开”的内容需要报上级备案。"))
    if page.withheld_filings.filter(decision=FilingDecision.PENDING).exists():
        raise DisclosureError(_("该内容已有待裁定的备案，请等待上级主管机关裁定。"))
    if not reason.strip() or not reference.strip():
        raise DisclosureError(_("请填写暂不公开的理由和备案文号。"))
    filing = WithheldFiling.objects.create(
        page=page, filed_by=user, reason=reason, reference=reference, authority=authority
    )
    log(
        instance=page,
        action="guanwu.withheld.file",
        user=user,
        data={"reference": reference, "authority": authority},
    )
    return filing


@transaction.atomic
def withheld_decide(
    *,
    filing: WithheldFiling,
    user: Any,
    decision: str,
    decided_on: datetime.date,
    document: str,
    note: str = "",
) -> WithheldFiling:
    """Record the authority's ruling. A ruling to disclose sends the item into review."""
    if not user_can_record_filing_decision(user):
        raise PermissionDenied(_("只有办公室或法规处可以登记上级主管机关的裁定。"))
    if not filing.is_pending:
        raise DisclosureError(_("该备案已经裁定。"))
    if decision not in FilingDecision.values or decision == FilingDecision.PENDING:
        raise DisclosureError(_("请选择裁定结果。"))
    if not document.strip():
        raise DisclosureError(_("请填写裁定文书。"))
    filing.decision = decision
    filing.decided_on = decided_on
    filing.decision_document = document
    filing.decision_note = note
    filing.recorded_by = user
    filing.save()
    page = filing.page.specific
    log(
        instance=page,
        action="guanwu.withheld.decide",
        user=user,
        data={"decision": decision, "document": document},
    )
    if decision in DECISIONS_THAT_DISCLOSE:
        # The item becomes ordinary standing content and must still pass review (seed 六.四).
        draft = page.get_latest_revision_as_object()
        draft.mode = DisclosureMode.STANDING
        draft.review_cycle_months = draft.review_cycle_months or 12
        revision = draft.save_revision(user=user, log_action=True)
        workflow = draft.get_workflow()
        if workflow is not None:
            workflow.start(draft, user)
        log(
            instance=page,
            action="guanwu.withheld.to_review",
            user=user,
            revision=revision,
            data={"decision": decision},
        )
    return filing
