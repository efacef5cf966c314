from __future__ import annotations

from django.utils import timezone

from wagtail.models import Revision

from .guard import LegalReviewGuardMixin
from .models import LegalApproval


def unschedule_unapproved(*, dry_run: bool = False) -> list[Revision]:
    """Clear the schedule of due revisions of reviewed models that lack legal approval."""
    due = Revision.objects.filter(approved_go_live_at__lt=timezone.now()).select_related(
        "content_type"
    )
    approved = set(
        LegalApproval.objects.filter(revision__in=due).values_list("revision_id", flat=True)
    )
    refused = []
    for revision in due:
        model = revision.content_type.model_class()
        if model and issubclass(model, LegalReviewGuardMixin) and revision.pk not in approved:
            refused.append(revision)
    if refused and not dry_run:
        Revision.objects.filter(pk__in=[r.pk for r in refused]).update(approved_go_live_at=None)
    return refused
