"""What goes into a printed edition, and the record of it (DESIGN rule 1: only live, legally
reviewed revisions; a pending draft never). The builders (``handbook``, ``bulletin``) return
a template context plus the list of ``Printed`` objects the edition is made from."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from django.db import models

from guanwu.organization.models import Hall, Unit


@dataclass(frozen=True)
class Printed:
    """One object in an edition: the live row and the revision that row is."""

    obj: models.Model
    revision_id: int | None
    title: str
    category: int | None = None

    @property
    def key(self) -> tuple[type[models.Model], str]:
        return (type(self.obj), str(self.obj.pk))


def printed(obj: Any, category: int | None = None, title: str = "") -> Printed:
    """``obj`` as printed: a live page or a live reviewed snippet with its live revision."""
    return Printed(
        obj=obj,
        revision_id=getattr(obj, "live_revision_id", None),
        title=(title or str(obj))[:255],
        category=category,
    )


@dataclass
class Collected:
    template: str
    title: str
    context: dict[str, Any]
    objects: list[Printed]
    # A remark for the build message (a board that needs more than one sheet, say).
    note: str = ""
    # How the template becomes a PDF when not in one piece (``render.render_pdf``): the
    # handbook is laid out in parts.
    renderer: Callable[[str, dict[str, Any]], Any] | None = None


class Builder(Protocol):
    def __call__(
        self, *, unit: Unit | None, hall: Hall | None, size: str, edition: Any
    ) -> Collected: ...
