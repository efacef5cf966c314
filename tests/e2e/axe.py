"""axe-core accessibility checks for Playwright pages (WCAG 2.0/2.1, levels A and AA).

axe-core comes from npm (package.json at the repository root, installed by ``make test-deps``
with ``npm ci``); the script is injected from node_modules, nothing is fetched at test time.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

AXE_JS = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = frozenset({"serious", "critical"})


def run_axe(page: Any) -> list[dict[str, Any]]:
    """Run axe-core on the page's document and return its violations (axe's own dicts)."""
    if not AXE_JS.exists():
        pytest.fail(f"{AXE_JS} is missing: `make test-deps` installs it with `npm ci`.")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Evaluated over DevTools, not added as an inline <script>: the public pages' CSP
        # (script-src 'self', issue 8) rightly blocks inline scripts.
        page.evaluate(AXE_JS.read_text(encoding="utf-8") + "\n;undefined")
    result = page.evaluate(
        """async (tags) => await axe.run(document, {
            runOnly: tags,
            resultTypes: ['violations'],
        })""",
        WCAG_TAGS,
    )
    return result["violations"]


def blocking(violations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The violations that fail a page: impact serious or critical."""
    return [v for v in violations if v.get("impact") in BLOCKING]


def describe(violations: list[dict[str, Any]]) -> str:
    """A readable report: rule, impact, help and the first offending nodes."""
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:5]:
            lines.append(
                f"    {' '.join(map(str, node['target']))}: {node.get('failureSummary', '')}"
            )
    return "\n".join(lines)
