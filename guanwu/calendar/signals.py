"""``calendar_changed`` and the receivers that send it; seeding after migrate.

Every change of the calendar — an import, a seeding, an edit or deletion in the admin —
sends ``calendar_changed`` exactly once, with the years it touched, so that the cases app
can recompute the deadlines still open in those years (seed 四.五 限时答复, DESIGN rule 6).
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal, receiver

from .models import CalendarDay, CalendarYear

# Sent with ``years``: a sorted tuple of the calendar years whose days or status changed.
# ``sender`` is the model class that changed (CalendarDay or CalendarYear).
calendar_changed = Signal()

# Services change many rows at once and send one signal themselves; while they run, the
# per-row receivers below stay quiet.
_services_running: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "workcalendar_services_running", default=False
)


@contextlib.contextmanager
def row_signals_suppressed() -> Iterator[None]:
    token = _services_running.set(True)
    try:
        yield
    finally:
        _services_running.reset(token)


def send_calendar_changed(sender: type, years: Iterable[int]) -> None:
    """Forget the cached calendar and tell the listeners which years changed."""
    from .services import forget_cached_calendar

    years = tuple(sorted(set(years)))
    forget_cached_calendar()
    if years:
        calendar_changed.send(sender=sender, years=years)


@receiver(post_save, sender=CalendarDay, dispatch_uid="workcalendar_day_saved")
@receiver(post_delete, sender=CalendarDay, dispatch_uid="workcalendar_day_deleted")
def day_changed(sender: type, instance: CalendarDay, **kwargs: Any) -> None:
    """An edit or deletion one row at a time (the Wagtail admin, the shell)."""
    if _services_running.get() or kwargs.get("raw"):
        return
    send_calendar_changed(CalendarDay, instance.years_affected)
    instance._loaded_date = instance.date


@receiver(post_save, sender=CalendarYear, dispatch_uid="workcalendar_year_saved")
@receiver(post_delete, sender=CalendarYear, dispatch_uid="workcalendar_year_deleted")
def year_changed(sender: type, instance: CalendarYear, **kwargs: Any) -> None:
    """A year marked (in)complete or removed changes which answers are provisional."""
    if _services_running.get() or kwargs.get("raw"):
        return
    send_calendar_changed(CalendarYear, [instance.year])


def seed_after_migrate(sender: Any, using: str = "default", **kwargs: Any) -> None:
    """Give every installation the years chinesecalendar knows (2004–2026 in 1.11.0).

    Connected to this app's post_migrate only. Cheap when already seeded: one read of the
    seeded years and no writes. Skipped when the tables are not there (migrating backwards).
    """
    from django.db import DEFAULT_DB_ALIAS, connections

    if using != DEFAULT_DB_ALIAS:
        return
    tables = set(connections[using].introspection.table_names())
    if not {CalendarDay._meta.db_table, CalendarYear._meta.db_table} <= tables:
        return
    from .services import seed_from_chinesecalendar

    seed_from_chinesecalendar()
