"""Admin integration: no publish shortcut around legal review, unit scoping, audit actions."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wagtail import hooks

from guanwu.core.admin_menu import PermittedMenuItem
from guanwu.organization.enums import Role
from guanwu.organization.roles import business_role_required, user_has_business_role

from .guard import LegalReviewGuardMixin
from .models import DisclosureItemPage
from .permissions import user_can_edit_for_unit, user_has_role

REVIEW_NOTICE = gettext_lazy("内容须经单位负责人审批和法规处审核后才能公开，请点击“提交审核”。")


@hooks.register("register_log_actions")
def register_log_actions(actions: Any) -> None:
    actions.register_action("guanwu.item.checked", _("确认内容仍然有效"), _("确认内容仍然有效"))
    actions.register_action("guanwu.withheld.file", _("报上级备案（暂不公开）"), _("报上级备案"))
    actions.register_action("guanwu.withheld.decide", _("登记上级裁定"), _("登记上级裁定"))
    actions.register_action("guanwu.withheld.to_review", _("裁定公开，转入审核"), _("转入审核"))
    actions.register_action("guanwu.import", _("Excel 导入为草稿"), _("Excel 导入"))


def _remove_publish(menu_items: list[Any]) -> None:
    menu_items[:] = [item for item in menu_items if getattr(item, "name", "") != "action-publish"]


@hooks.register("construct_page_action_menu")
def hide_page_publish(menu_items: list[Any], request: HttpRequest, context: dict[str, Any]) -> None:
    """Nobody publishes directly; the review workflow's last step (legal) publishes."""
    page = context.get("page")
    page_class = getattr(page, "specific_class", None) or type(page)
    if page is None or issubclass(page_class, LegalReviewGuardMixin):
        _remove_publish(menu_items)


@hooks.register("construct_snippet_action_menu")
def hide_snippet_publish(
    menu_items: list[Any], request: HttpRequest, context: dict[str, Any]
) -> None:
    model = context.get("model")
    if model is not None and issubclass(model, LegalReviewGuardMixin):
        _remove_publish(menu_items)


def _refuse_publish_post(request: HttpRequest) -> HttpResponse | None:
    if request.method == "POST" and "action-publish" in request.POST:
        messages.error(request, str(REVIEW_NOTICE))
        return redirect(request.get_full_path())
    return None


@hooks.register("before_edit_page")
def guard_edit_page(request: HttpRequest, page: Any) -> HttpResponse | None:
    specific = page.specific
    if isinstance(specific, DisclosureItemPage) and not _may_edit_item(request.user, specific):
        messages.error(request, _("您只能编辑本单位负责的公开内容。"))
        return redirect("wagtailadmin_explore", page.get_parent().pk)
    if isinstance(specific, LegalReviewGuardMixin):
        return _refuse_publish_post(request)
    return None


@hooks.register("before_create_page")
def guard_create_page(
    request: HttpRequest, parent_page: Any, page_class: type
) -> HttpResponse | None:
    if issubclass(page_class, LegalReviewGuardMixin):
        return _refuse_publish_post(request)
    return None


@hooks.register("before_bulk_action")
def refuse_bulk_publish(
    request: HttpRequest, action_type: str, objects: list[Any], action_class_instance: Any
) -> HttpResponse | None:
    if action_type != "publish":
        return None
    guarded = [
        obj for obj in objects if isinstance(getattr(obj, "specific", obj), LegalReviewGuardMixin)
    ]
    if guarded:
        messages.error(request, _("批量发布已停用：每条内容都须经法规处审核后由审核流程发布。"))
        return redirect(request.GET.get("next") or "wagtailadmin_home")
    return None


def _may_edit_item(user: Any, page: DisclosureItemPage) -> bool:
    if user.is_superuser:
        return True  # may edit, never publish: the guard still needs legal approval
    if user_has_role(user, Role.OFFICE) or user_has_role(user, Role.CENTRE):
        return True
    if user_can_edit_for_unit(user, page.owning_unit):
        return True
    # Reviewers reach the editor through their workflow task.
    state = page.current_workflow_task_state
    return bool(state and state.task.specific.user_can_access_editor(page, user))


@hooks.register("register_admin_urls")
def register_admin_urls() -> list[Any]:
    from django.urls import include, path

    from . import views_admin

    urls = [
        path(
            "disclosure/reminders/",
            business_role_required(views_admin.reminders),
            name="disclosure_reminders",
        ),
        path(
            "disclosure/items/<int:pk>/checked/",
            views_admin.mark_checked,
            name="disclosure_checked",
        ),
        path(
            "disclosure/items/<int:pk>/withhold/",
            views_admin.file_withheld,
            name="disclosure_withhold",
        ),
        path(
            "disclosure/filings/",
            business_role_required(views_admin.filings),
            name="disclosure_filings",
        ),
        path(
            "disclosure/filings/<int:pk>/decide/",
            views_admin.decide_filing,
            name="disclosure_decide",
        ),
    ]
    from . import admin_urls

    return [*urls, path("disclosure/", include(admin_urls))]


@hooks.register("register_admin_menu_item")
def register_disclosure_menu() -> Any:
    from django.urls import reverse_lazy

    from wagtail.admin.menu import Menu, SubmenuMenuItem

    from .spreadsheets import user_can_import

    items = [
        PermittedMenuItem(
            gettext_lazy("公开内容提醒"),
            reverse_lazy("disclosure_reminders"),
            icon_name="warning",
            order=10,
            predicate=user_has_business_role,
        ),
        PermittedMenuItem(
            gettext_lazy("暂不公开备案"),
            reverse_lazy("disclosure_filings"),
            icon_name="lock",
            order=20,
            predicate=user_has_business_role,
        ),
    ]

    items.append(
        PermittedMenuItem(
            gettext_lazy("Excel 导入导出"),
            reverse_lazy("disclosure_import"),
            icon_name="doc-full",
            order=30,
            predicate=user_can_import,
        )
    )
    return SubmenuMenuItem(
        gettext_lazy("公开内容"), Menu(items=items), icon_name="doc-full", order=150
    )


@hooks.register("construct_homepage_panels")
def add_reminder_panel(request: HttpRequest, panels: list[Any]) -> None:
    from wagtail.admin.ui.components import Component

    from .reminders import reminders_for_user

    class ReminderPanel(Component):
        name = "disclosure_reminders"
        order = 50
        template_name = "disclosure/admin/reminder_panel.html"

        def get_context_data(self, parent_context: Any = None) -> dict[str, Any]:
            return {"reminders": reminders_for_user(request.user)[:20]}

    panels.append(ReminderPanel())


@hooks.register("register_page_header_buttons")
def page_header_buttons(
    page: Any, user: Any, view_name: str | None = None, next_url: str | None = None
) -> Any:
    from django.urls import reverse

    from wagtail.admin.widgets import Button

    from .enums import DisclosureMode

    specific = page.specific
    if not isinstance(specific, DisclosureItemPage) or not user_can_edit_for_unit(
        user, specific.owning_unit
    ):
        return
    if specific.live and specific.mode == DisclosureMode.STANDING:
        yield Button(
            _("确认仍然有效"),
            reverse("disclosure_checked", args=[page.pk]),
            icon_name="tick",
            priority=60,
        )
    latest = specific.get_latest_revision_as_object()
    if latest.mode == DisclosureMode.WITHHELD:
        yield Button(
            _("报上级备案"),
            reverse("disclosure_withhold", args=[page.pk]),
            icon_name="lock",
            priority=61,
        )
