from __future__ import annotations

from typing import Any

from django.urls import path, reverse_lazy
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.menu import Menu, SubmenuMenuItem
from wagtail.admin.panels import FieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from guanwu.core.admin_menu import PermittedMenuItem
from guanwu.organization.roles import business_role_required, user_has_business_role

from . import admin_views, attachment_views
from .models import DeadlinePolicy, ReplyTemplate
from .permissions import user_can_log_contacts


@hooks.register("register_admin_urls")
def register_admin_urls() -> list[Any]:
    return [
        path("cases/", business_role_required(admin_views.case_list), name="cases_admin_list"),
        path("cases/new/", admin_views.log_contact, name="cases_admin_new"),
        path("cases/<int:pk>/", admin_views.case_detail, name="cases_admin_detail"),
        path(
            "cases/attachments/<int:pk>/",
            attachment_views.serve_attachment,
            name="cases_admin_attachment",
        ),
        path("cases/bulk-assign/", admin_views.bulk_assign, name="cases_admin_bulk_assign"),
        path(
            "cases/notifications/",
            business_role_required(admin_views.my_notifications),
            name="cases_admin_notifications",
        ),
    ]


@hooks.register("register_admin_menu_item")
def register_cases_menu() -> Any:
    # The case lists: closed to accounts that only hold administrator roles.
    lists = [
        (_("全部事项"), "", "list-ul"),
        (_("我的首问事项"), "?scope=first", "user"),
        (_("本单位事项"), "?scope=unit", "group"),
        (_("即将到期"), "?due_soon=1", "time"),
        (_("已超期"), "?overdue=1", "warning"),
        (_("超期升级督办"), "?escalated=1", "arrow-up"),
    ]
    items = [
        PermittedMenuItem(
            label,
            reverse_lazy("cases_admin_list") + query,
            icon_name=icon,
            order=10 * (position + 1),
            predicate=user_has_business_role,
        )
        for position, (label, query, icon) in enumerate(lists)
    ] + [
        PermittedMenuItem(
            _("我的提醒"),
            reverse_lazy("cases_admin_notifications"),
            icon_name="mail",
            order=70,
            predicate=user_has_business_role,
        ),
        PermittedMenuItem(
            _("登记来电来访"),
            reverse_lazy("cases_admin_new"),
            icon_name="plus",
            order=80,
            predicate=user_can_log_contacts,
        ),
    ]
    return SubmenuMenuItem(_("咨询投诉"), Menu(items=items), icon_name="mail", order=160)


class DeadlinePolicyViewSet(SnippetViewSet):
    model = DeadlinePolicy
    icon = "time"
    menu_label = _("答复时限")
    list_display = ["kind", "working_days", "basis"]
    search_backend_name = None
    panels = [FieldPanel("kind"), FieldPanel("working_days"), FieldPanel("basis")]


class ReplyTemplateViewSet(SnippetViewSet):
    model = ReplyTemplate
    icon = "doc-full"
    menu_label = _("答复模板")
    list_display = ["title", "kind", "active", "sort_order"]
    list_filter = ["kind", "active"]
    search_fields = ["title", "body"]
    search_backend_name = None
    panels = [
        FieldPanel("title"),
        FieldPanel("kind"),
        FieldPanel("body"),
        FieldPanel("active"),
        FieldPanel("sort_order"),
    ]


class CaseSettingsGroup(SnippetViewSetGroup):
    menu_label = _("咨询投诉设置")
    menu_icon = "cog"
    menu_order = 260
    items = (DeadlinePolicyViewSet, ReplyTemplateViewSet)


register_snippet(CaseSettingsGroup)


@hooks.register("construct_homepage_panels")
def add_case_panel(request: Any, panels: list[Any]) -> None:
    """Unread case messages on the dashboard: drafts to approve, reminders, progress."""
    from wagtail.admin.ui.components import Component

    from .models import CaseNotification

    class CaseMessagesPanel(Component):
        name = "case_messages"
        order = 40
        template_name = "cases/admin/messages_panel.html"

        def get_context_data(self, parent_context: Any = None) -> dict[str, Any]:
            unread = CaseNotification.objects.filter(
                recipient=request.user,
                medium=CaseNotification.Medium.STAFF,
                read_at__isnull=True,
            ).select_related("case")
            return {"unread_count": unread.count(), "latest": list(unread[:8])}

    panels.append(CaseMessagesPanel())


@hooks.register("insert_global_admin_css")
def case_admin_css() -> str:
    from django.templatetags.static import static
    from django.utils.html import format_html

    return format_html('<link rel="stylesheet" href="{}">', static("css/admin-cases.css"))
