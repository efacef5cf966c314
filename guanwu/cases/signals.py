from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from guanwu.calendar.signals import calendar_changed


@receiver(calendar_changed, dispatch_uid="guanwu_cases_recompute_deadlines")
def recompute_deadlines(sender: Any, years: Any = None, **kwargs: Any) -> None:
    """Editing a year's holidays moves the deadlines of the open cases it touches."""
    from .services import recompute_open_deadlines

    recompute_open_deadlines(years)
