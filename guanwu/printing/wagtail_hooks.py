from __future__ import annotations

from typing import Any

from django.urls import path, reverse_lazy
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.menu import Menu, SubmenuMenuItem

from guanwu.core.admin_menu import PermittedMenuItem

from . import admin_views
from .permissions import user_can_build_editions, user_can_see_editions


@hooks.register("register_admin_urls")
def register_admin_urls() -> list[Any]:
    return [
        path("printing/editions/", admin_views.edition_list, name="printing_admin_editions"),
        path("printing/editions/new/", admin_views.edition_new, name="printing_admin_new"),
        path(
            "printing/editions/<int:pk>/", admin_views.edition_detail, name="printing_admin_edition"
        ),
        path(
            "printing/editions/<int:pk>/status/",
            admin_views.edition_status,
            name="printing_admin_status",
        ),
        path(
            "printing/editions/<int:pk>/pdf/",
            admin_views.edition_download,
            name="printing_admin_pdf",
        ),
        path(
            "printing/editions/<int:pk>/file/", admin_views.edition_file, name="printing_admin_file"
        ),
    ]


@hooks.register("register_admin_menu_item")
def register_printing_menu() -> Any:
    # An empty submenu is not shown, so people without printing work do not see "印刷版".
    items = [
        PermittedMenuItem(
            _("版次列表"),
            reverse_lazy("printing_admin_editions"),
            icon_name="list-ul",
            order=10,
            predicate=user_can_see_editions,
        ),
        PermittedMenuItem(
            _("生成新版次"),
            reverse_lazy("printing_admin_new"),
            icon_name="plus",
            order=20,
            predicate=user_can_build_editions,
        ),
    ]
    return SubmenuMenuItem(_("印刷版"), Menu(items=items), icon_name="doc-empty-inverse", order=170)
