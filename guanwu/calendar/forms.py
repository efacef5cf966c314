"""Admin forms of the calendar: whatever is saved by hand is marked as such."""

from __future__ import annotations

from typing import Any

from wagtail.admin.forms import WagtailAdminModelForm

from .enums import CalendarSource


class CalendarAdminForm(WagtailAdminModelForm):
    """Marks the row as entered in the admin, so reseeding from the package keeps the edit."""

    def save(self, commit: bool = True) -> Any:
        self.instance.source = CalendarSource.ADMIN
        return super().save(commit=commit)
