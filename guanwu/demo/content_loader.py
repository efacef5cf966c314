"""Load the demo's disclosure items (``content.py``) as reviewed, published pages."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from guanwu.disclosure.enums import DisclosureMode
from guanwu.disclosure.models import (
    CategoryPage,
    CommitmentPage,
    DisclosureItemPage,
    FeeItemPage,
    GeneralItemPage,
    IntegrityRulePage,
    LegalBasisPage,
    LicensingGuidePage,
    NoticePage,
    ProcedurePage,
    SubItem,
)
from guanwu.disclosure.services import content_publish_with_legal_approval, withheld_file
from guanwu.organization.models import ContactLine, Post, Staff, Unit

from . import content

PAGE_TYPES: dict[str, type[DisclosureItemPage]] = {
    "legal_basis": LegalBasisPage,
    "procedure": ProcedurePage,
    "fee": FeeItemPage,
    "licensing": LicensingGuidePage,
    "commitment": CommitmentPage,
    "integrity": IntegrityRulePage,
    "general": GeneralItemPage,
    "notice": NoticePage,
}

COMMON = {"type", "key", "category", "subitem", "unit", "liaison", "filing", "pending_draft"}
STREAMS = {"steps": "step", "documents": "document", "fees": "fee", "conditions": "condition"}
SPECIAL = {
    "windows",
    "reporting_lines",
    "replaced_by",
    "responsible_unit",
    "ends_in_days",
    "ended_days_ago",
    "issued_on",
    "effective_on",
    *STREAMS,
}


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def _values(spec: dict[str, Any]) -> tuple[dict[str, Any], dict[str, list[Any]]]:
    """Model field values and parental many-to-many values of one content row."""
    values = {k: v for k, v in spec.items() if k not in COMMON | SPECIAL}
    m2m: dict[str, list[Any]] = {}
    values["owning_unit"] = Unit.objects.get(code=spec["unit"])
    values["liaison"] = Staff.objects.get(work_number=spec["liaison"])
    values["subitem"] = SubItem.objects.get(code=spec["subitem"]) if spec.get("subitem") else None
    for name in ("issued_on", "effective_on"):
        if name in spec:
            values[name] = _date(spec[name])
    for name, block in STREAMS.items():
        if name in spec:
            values[name] = [(block, item) for item in spec[name]]
    if "responsible_unit" in spec:
        values["responsible_unit"] = Unit.objects.get(code=spec["responsible_unit"])
    if "windows" in spec:
        m2m["windows"] = [
            Post.objects.get(unit__code=ref.split(":")[0], sign_code=ref.split(":")[1])
            for ref in spec["windows"]
        ]
    if "reporting_lines" in spec:
        lines = []
        for ref in spec["reporting_lines"]:
            unit_code, kind, number = ref.split(":", 2)
            lines.append(ContactLine.objects.get(unit__code=unit_code, kind=kind, number=number))
        m2m["reporting_channels"] = lines
    now = timezone.now()
    if "ends_in_days" in spec:
        values["starts_at"] = now - datetime.timedelta(days=1)
        values["ends_at"] = now + datetime.timedelta(days=spec["ends_in_days"])
    if "ended_days_ago" in spec:
        values["ends_at"] = now - datetime.timedelta(days=spec["ended_days_ago"])
        values["starts_at"] = values["ends_at"] - datetime.timedelta(days=7)
    return values, m2m


def load_content(loader: Any, users: dict[str, Any]) -> None:
    categories = {page.number: page for page in CategoryPage.objects.all()}
    pages: dict[str, DisclosureItemPage] = {}
    deferred_links: list[tuple[str, str]] = []
    for spec in content.ITEMS:
        existing = DisclosureItemPage.objects.filter(slug=spec["key"]).first()
        if existing is not None:
            pages[spec["key"]] = existing.specific
            continue
        page_class = PAGE_TYPES[spec["type"]]
        values, m2m = _values(spec)
        page = page_class(slug=spec["key"], live=False, **values)
        for name, items in m2m.items():
            getattr(page, name).set(items)
        parent = categories[spec["category"]]
        parent.add_child(instance=page)
        pages[spec["key"]] = page
        loader.report.count(page_class.__name__, created=True)
        if spec.get("replaced_by"):
            deferred_links.append((spec["key"], spec["replaced_by"]))
            continue
        _publish_or_withhold(loader, users, page, spec)

    for key, target in deferred_links:
        page = pages[key]
        page.replaced_by = pages[target]
        _publish_or_withhold(loader, users, page, next(s for s in content.ITEMS if s["key"] == key))


def _publish_or_withhold(
    loader: Any, users: dict[str, Any], page: Any, spec: dict[str, Any]
) -> None:
    if spec.get("mode") == DisclosureMode.WITHHELD:
        # Seed 五.三.4: filed with the superior authority, awaiting its ruling; never published.
        page.save_revision(user=users["liaison"], log_action=True)
        filing = spec.get("filing", {})
        withheld_file(
            page=page,
            user=users["office"],
            reason=filing.get("reason", "涉及正在办理的案件，暂不宜公开。"),
            reference=filing.get("reference", "海河关办〔2026〕1号"),
            authority=filing.get("authority", "海关总署"),
        )
        return
    content_publish_with_legal_approval(obj=page, reviewer=loader.reviewer, comment="演示数据")
    if spec.get("ended_days_ago") is not None:
        # An old notice: its end has passed, so it comes down as publish_scheduled would do.
        page.refresh_from_db()
        page.unpublish(set_expired=True, log_action="wagtail.unpublish.scheduled")
        return
    draft = spec.get("pending_draft")
    if draft:
        # A newer draft awaiting review: the public keeps the approved revision.
        page.refresh_from_db()
        for name, value in draft.items():
            setattr(page, name, value)
        page.save_revision(user=users["liaison"], log_action=True)
        workflow = page.get_workflow()
        if workflow is not None:
            workflow.start(page, users["liaison"])
        loader.report.count("pending draft", created=True)
