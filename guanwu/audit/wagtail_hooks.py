"""The audit log in the Wagtail admin: a menu item and read-only views (issue 8)."""

from __future__ import annotations

from typing import Any

from django.urls import include, path, reverse_lazy
from django.utils.translation import gettext_lazy as _

from wagtail import hooks

from guanwu.core.admin_menu import PermittedMenuItem

from . import urls
from .permissions import user_can_read_audit_log


@hooks.register("register_admin_urls")
def register_audit_urls() -> list[Any]:
    return [path("audit/", include(urls))]


@hooks.register("register_admin_menu_item")
def register_audit_menu() -> PermittedMenuItem:
    return PermittedMenuItem(
        _("审计日志"),
        reverse_lazy("audit_log"),
        icon_name="history",
        order=900,
        predicate=user_can_read_audit_log,
    )
