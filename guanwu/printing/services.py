"""Build, record, compare and file editions. Commands, the admin and the task call these."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from guanwu.organization.models import Hall, Unit

from .content import Builder, Collected, Printed
from .enums import DEFAULT_SIZE, SIZES, BuildState, EditionKind
from .models import Edition, EditionEntry
from .render import render_pdf

Progress = Callable[[int, str], None]


def builder_for(kind: str) -> Builder:
    if kind == EditionKind.HANDBOOK:
        from .handbook import build_handbook_content

        return build_handbook_content
    from .bulletin import build_bulletin_content

    return build_bulletin_content


def scope_of(kind: str, unit: Unit | None, hall: Hall | None) -> str:
    if hall is not None:
        return f"hall:{hall.code}"
    if unit is not None:
        return f"unit:{unit.code}"
    return "district"


def _check(kind: str, unit: Unit | None, hall: Hall | None, size: str) -> None:
    if kind not in EditionKind.values:
        raise ValidationError(_("未知的印刷品类型。"))
    if size not in SIZES[EditionKind(kind)]:
        allowed = "、".join(SIZES[EditionKind(kind)])
        raise ValidationError(_("纸张尺寸应为：%(sizes)s。") % {"sizes": allowed})
    if kind == EditionKind.HANDBOOK and hall is not None:
        raise ValidationError(_("手册按关区或单位编印，不按报关大厅。"))
    if kind == EditionKind.BULLETIN and unit is None and hall is None:
        raise ValidationError(_("公开栏须指定单位或报关大厅。"))


@transaction.atomic
def request_edition(
    *,
    kind: str,
    unit: Unit | None = None,
    hall: Hall | None = None,
    size: str | None = None,
    user: Any = None,
) -> Edition:
    """A queued edition with the next edition number of its scope; ``build`` fills it."""
    size = size or DEFAULT_SIZE[EditionKind(kind)]
    _check(kind, unit, hall, size)
    scope = scope_of(kind, unit, hall)
    # Lock the scope's editions so two builds never take the same number.
    last = (
        Edition.objects.select_for_update()
        .filter(kind=kind, scope=scope)
        .aggregate(n=Max("number"))["n"]
    )
    return Edition.objects.create(
        kind=kind,
        unit=unit,
        hall=hall if kind == EditionKind.BULLETIN else None,
        scope=scope,
        size=size,
        number=(last or 0) + 1,
        title=_("（生成中）"),
        built_by=user if getattr(user, "is_authenticated", False) else None,
    )


def _set(edition: Edition, progress: Progress | None, percent: int, message: str) -> None:
    Edition.objects.filter(pk=edition.pk).update(progress=percent, message=message[:500])
    edition.progress, edition.message = percent, message
    if progress is not None:
        progress(percent, message)


def build(edition: Edition, progress: Progress | None = None) -> Edition:
    """Collect the live content, lay it out, store the PDF and the revisions it shows."""
    Edition.objects.filter(pk=edition.pk).update(state=BuildState.BUILDING)
    edition.state = BuildState.BUILDING
    try:
        _set(edition, progress, 5, _("正在收集已审核的公开内容"))
        collected = builder_for(edition.kind)(
            unit=edition.unit, hall=edition.hall, size=edition.size, edition=edition
        )
        _set(
            edition, progress, 20, _("正在排版（共 %(n)d 项内容）") % {"n": len(collected.objects)}
        )
        rendered = (collected.renderer or render_pdf)(collected.template, collected.context)
        _set(edition, progress, 90, _("正在保存"))
        _store(edition, collected, rendered.pdf, rendered.page_count)
        done = _("已生成，共 %(n)d 页") % {"n": rendered.page_count}
        _set(edition, progress, 100, f"{done}{collected.note}")
    except Exception as exc:
        Edition.objects.filter(pk=edition.pk).update(
            state=BuildState.FAILED, message=str(exc)[:500]
        )
        edition.state = BuildState.FAILED
        raise
    return edition


@transaction.atomic
def _store(edition: Edition, collected: Collected, pdf: bytes, page_count: int) -> None:
    digest = hashlib.sha256(pdf).hexdigest()
    edition.title = collected.title[:200]
    edition.sha256 = digest
    edition.page_count = page_count
    edition.state = BuildState.DONE
    edition.built_at = timezone.now()
    edition.pdf.save(
        f"{edition.kind}-{edition.scope.replace(':', '-')}-{edition.number}.pdf",
        ContentFile(pdf),
        save=False,
    )
    edition.save()
    types = ContentType.objects.get_for_models(*{type(p.obj) for p in collected.objects})
    EditionEntry.objects.bulk_create(
        EditionEntry(
            edition=edition,
            content_type=types[type(p.obj)],
            object_id=str(p.obj.pk),
            revision_id=p.revision_id,
            title=p.title,
            category=p.category,
        )
        for p in _unique(collected.objects)
    )


def _unique(objects: list[Printed]) -> list[Printed]:
    seen: dict[tuple[Any, str], Printed] = {}
    for p in objects:
        seen.setdefault(p.key, p)
    return list(seen.values())


def build_edition(
    *,
    kind: str,
    unit: Unit | None = None,
    hall: Hall | None = None,
    size: str | None = None,
    user: Any = None,
    progress: Progress | None = None,
) -> Edition:
    """Request and build in one go (the commands)."""
    return build(request_edition(kind=kind, unit=unit, hall=hall, size=size, user=user), progress)


# --- comparing ---------------------------------------------------------------------------


@dataclass
class Changes:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    @property
    def any(self) -> bool:
        return bool(self.added or self.changed or self.removed)


def _pairs(edition: Edition) -> dict[tuple[int, str], tuple[int | None, str]]:
    return {e.key: (e.revision_id, e.title) for e in edition.entries.all()}


def _current_map(edition: Edition) -> dict[tuple[int, str], tuple[int | None, str]]:
    collected = builder_for(edition.kind)(
        unit=edition.unit, hall=edition.hall, size=edition.size, edition=None
    )
    objects = _unique(collected.objects)
    types = ContentType.objects.get_for_models(*{type(p.obj) for p in objects})
    return {(types[type(p.obj)].pk, str(p.obj.pk)): (p.revision_id, p.title) for p in objects}


def _compare(
    old: dict[tuple[int, str], tuple[int | None, str]],
    new: dict[tuple[int, str], tuple[int | None, str]],
) -> Changes:
    changes = Changes()
    for key, (revision, title) in new.items():
        if key not in old:
            changes.added.append(title)
        elif old[key][0] != revision:
            changes.changed.append(title)
    changes.removed = [title for key, (_rev, title) in old.items() if key not in new]
    return changes


def previous_edition(edition: Edition) -> Edition | None:
    return (
        Edition.objects.filter(
            kind=edition.kind, scope=edition.scope, state=BuildState.DONE, number__lt=edition.number
        )
        .order_by("-number")
        .first()
    )


def changes_since_previous(edition: Edition) -> Changes | None:
    """What changed since the scope's last edition: added, changed and removed items."""
    previous = previous_edition(edition)
    if previous is None:
        return None
    return _compare(_pairs(previous), _pairs(edition))


def changes_since_built(edition: Edition) -> Changes:
    """What is live now and differs from what the edition printed."""
    return _compare(_pairs(edition), _current_map(edition))


def is_out_of_date(edition: Edition) -> bool:
    """An edition whose content has since changed (oversight counts these)."""
    return edition.state == BuildState.DONE and changes_since_built(edition).any


@transaction.atomic
def file_edition(*, edition: Edition, user: Any) -> Edition:
    """备案: the edition is recorded as filed with the consulting service centre."""
    edition = Edition.objects.select_for_update().get(pk=edition.pk)
    if edition.state != BuildState.DONE:
        raise ValidationError(_("只有已生成的版次可以备案。"))
    if edition.filed_at is not None:
        raise ValidationError(_("该版次已经备案。"))
    edition.filed_by = user
    edition.filed_at = timezone.now()
    edition.save(update_fields=["filed_by", "filed_at"])
    return edition
