"""DESIGN rule 1, below the UI: nothing goes live that legal review (法规处审核) has not passed.

Seed 六.四: 未经法规处审核的内容不得公开. Every Wagtail path that makes content public — the
editor's publish button, bulk actions, ``publish_scheduled``, ``revision.publish()`` and
``page.save_revision().publish()`` from a shell, superusers included — ends in ``save()`` on
the object with ``live=True``. The mixin below checks there that

* the live revision carries a ``LegalApproval`` (recorded only by the legal review task),
* the row being written is exactly that revision's content (no edits slipped in), and
* the object is not withheld awaiting the superior authority's decision (seed 五.三.4).

Scheduling is refused at the same depth: a revision cannot get ``approved_go_live_at``
without approval (see ``signals.py``).
"""

from __future__ import annotations

import json
from typing import Any

from django.apps import apps
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.translation import gettext_lazy as _

from wagtail.actions.publish_revision import PublishPermissionError

# Fields that describe the object's state rather than its content; Wagtail writes them while
# publishing, scheduling, locking or moving, so they never count as unreviewed content.
BOOKKEEPING_FIELDS = frozenset(
    {
        "pk",
        "id",
        "path",
        "depth",
        "numchild",
        "url_path",
        "draft_title",
        "live",
        "has_unpublished_changes",
        "first_published_at",
        "last_published_at",
        "live_revision",
        "latest_revision",
        "latest_revision_created_at",
        "go_live_at",
        "expire_at",
        "expired",
        "locked",
        "locked_at",
        "locked_by",
        "owner",
        "content_type",
        "locale",
        "translation_key",
        "alias_of",
        "wagtail_admin_comments",
        "comments",
    }
)


class LegalReviewRequired(PublishPermissionError):
    """Raised when something tries to make content public without legal approval."""


def revision_is_approved(revision_id: int | None) -> bool:
    if revision_id is None:
        return False
    approval = apps.get_model("disclosure", "LegalApproval")
    return approval.objects.filter(revision_id=revision_id).exists()


def _normalise(data: dict[str, Any], ignore: frozenset[str]) -> dict[str, Any]:
    data = json.loads(json.dumps(data, cls=DjangoJSONEncoder))
    result = {}
    for key, value in data.items():
        if key in ignore:
            continue
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            # Child objects (inline panels) get database ids after publishing; compare content.
            value = [{k: v for k, v in child.items() if k not in ("pk", "id")} for child in value]
        result[key] = value
    return result


def check_live_content(obj: Any, update_fields: Any = None) -> None:
    """Refuse to write a live row that is not exactly a legally approved revision."""
    if not getattr(obj, "live", False):
        return
    ignore = BOOKKEEPING_FIELDS | frozenset(getattr(obj, "guard_exempt_fields", ()))
    if update_fields is not None and {getattr(f, "name", f) for f in update_fields} <= ignore:
        return
    if getattr(obj, "is_withheld", False):
        raise LegalReviewRequired(
            _("该内容暂不公开，须经上级主管机关裁定予以公开并通过审核后方可发布。")
        )
    revision = obj.live_revision
    if revision is None or not revision_is_approved(revision.pk):
        raise LegalReviewRequired(_("该版本未经法规处审核，不得公开。"))
    if _normalise(obj.serializable_data(), ignore) != _normalise(revision.content, ignore):
        raise LegalReviewRequired(_("公开内容必须与法规处审核通过的版本完全一致。"))


class LegalReviewGuardMixin:
    """Mix into any page or snippet model whose live version the public sees."""

    #: Extra fields that may change on a live object without review (internal data only).
    guard_exempt_fields: frozenset[str] = frozenset()

    def save(self, *args: Any, **kwargs: Any) -> Any:
        # Migrations' historical models ("__fake__") set up structural pages before any
        # reviewer exists; everything else is checked.
        if type(self).__module__ != "__fake__":
            check_live_content(self, kwargs.get("update_fields"))
        return super().save(*args, **kwargs)  # type: ignore[misc]
