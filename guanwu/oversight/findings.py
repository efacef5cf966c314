"""The oversight engine's common shape: a finding and the registry of checks.

A check is a function ``(today) -> Iterable[Finding]`` registered with ``@check("name")``.
``run_checks`` (in ``engine``) runs them all; the admin dashboard, ``manage.py oversight``
and the scheduled job use it. A finding's ``key`` identifies it across runs (check + what it
is about), so a corrective action follows the same finding and a fixed cause makes it go.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from typing import Any

from guanwu.organization.models import Unit

from .enums import Severity


@dataclass(frozen=True)
class Finding:
    check: str
    unit: Unit | None
    severity: str
    subject: str
    detail: str = ""
    link: str = ""
    # What the finding is about, stable across runs (e.g. "page:123", "hall:XG-01:2026-12-01").
    about: str = ""

    @property
    def key(self) -> str:
        return f"{self.check}:{self.about or self.subject}"[:200]

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["unit"] = self.unit.code if self.unit else None
        data["severity_label"] = str(Severity(self.severity).label)
        data["key"] = self.key
        return data


CheckFunction = Callable[[datetime.date], Iterable[Finding]]
CHECKS: dict[str, CheckFunction] = {}
CHECK_LABELS: dict[str, Any] = {}


def check(name: str, label: Any) -> Callable[[CheckFunction], CheckFunction]:
    """Register a check under ``name`` with a (lazy, Chinese) label for the dashboard."""

    def register(function: CheckFunction) -> CheckFunction:
        CHECKS[name] = function
        CHECK_LABELS[name] = label
        return function

    return register
