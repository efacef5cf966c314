"""Run every oversight check (DESIGN rule 10). One entry point for the admin dashboard,
``manage.py oversight`` and the scheduled job."""

from __future__ import annotations

import datetime
import importlib

from django.utils import timezone

from .findings import CHECKS, Finding

# The modules that register checks with ``@findings.check``.
CHECK_MODULES = (
    "guanwu.oversight.checks_content",  # coverage and freshness of disclosure content
    "guanwu.oversight.checks_cases",  # problems solved: cases, replies, ratings, filings
    "guanwu.oversight.checks_channels",  # halls' boards and kiosks, the handbook, rosters
)

SEVERITY_ORDER = {"veto": 0, "serious": 1, "warning": 2, "info": 3}


def load_checks() -> dict[str, object]:
    for module in CHECK_MODULES:
        importlib.import_module(module)
    return dict(CHECKS)


def run_checks(today: datetime.date | None = None, only: set[str] | None = None) -> list[Finding]:
    """Every finding as of ``today``, most severe first."""
    today = today or timezone.localdate()
    found: list[Finding] = []
    for name, function in load_checks().items():
        if only is None or name in only:
            found.extend(function(today))
    return sorted(
        found,
        key=lambda f: (
            SEVERITY_ORDER.get(f.severity, 9),
            f.check,
            f.unit.code if f.unit else "",
            f.about,
        ),
    )
