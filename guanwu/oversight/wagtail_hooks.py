"""The 督办落实 menu in the Wagtail admin. Each area registers its own URLs and menu items in
its ``admin_*`` module (imported here so Wagtail finds their hooks); menu items go under this
one submenu through the ``register_oversight_menu_item`` hook."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.menu import Menu, SubmenuMenuItem

from . import admin_actions, admin_channels, admin_circulars, admin_evaluation  # noqa: F401

oversight_menu = Menu(register_hook_name="register_oversight_menu_item", construct_hook_name=None)


@hooks.register("register_admin_menu_item")
def register_oversight_menu() -> Any:
    # Shown when at least one of its items is shown to the user (SubmenuMenuItem.is_shown).
    return SubmenuMenuItem(_("督办落实"), oversight_menu, icon_name="tasks", order=170)
