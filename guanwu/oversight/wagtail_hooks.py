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


class OversightMenuItem(SubmenuMenuItem):
    def is_shown(self, request: Any) -> bool:
        return bool(self.menu.menu_items_for_request(request))


@hooks.register("register_admin_menu_item")
def register_oversight_menu() -> Any:
    return OversightMenuItem(_("督办落实"), oversight_menu, icon_name="tasks", order=170)
