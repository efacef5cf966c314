"""The unit tree in the Wagtail admin (snippets), grouped under one menu."""

from django.utils.translation import gettext_lazy as _

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import ContactLine, Hall, Post, Staff, Unit


class UnitViewSet(SnippetViewSet):
    model = Unit
    icon = "site"
    menu_label = _("单位")
    list_display = ["name", "code", "kind", "parent", "function"]
    list_filter = ["kind", "function"]
    search_fields = ["name", "code"]
    search_backend_name = None
    ordering = ["sort_order", "code"]


class HallViewSet(SnippetViewSet):
    model = Hall
    icon = "home"
    menu_label = _("报关大厅")
    list_display = ["name", "code", "unit"]
    search_fields = ["name", "code"]
    search_backend_name = None


class PostViewSet(SnippetViewSet):
    model = Post
    icon = "tag"
    menu_label = _("窗口（岗位）")
    list_display = ["sign_code", "name", "unit", "hall"]
    list_filter = ["unit", "hall"]
    search_fields = ["name", "sign_code"]
    search_backend_name = None


class StaffViewSet(SnippetViewSet):
    model = Staff
    icon = "user"
    menu_label = _("工作人员")
    list_display = ["work_number", "name", "title", "unit", "is_active"]
    list_filter = ["is_active", "unit"]
    search_fields = ["name", "work_number"]
    search_backend_name = None


class ContactLineViewSet(SnippetViewSet):
    model = ContactLine
    icon = "mail"
    menu_label = _("公开电话")
    list_display = ["number", "kind", "unit", "hours"]
    list_filter = ["kind"]
    search_fields = ["number"]
    search_backend_name = None


class OrganizationGroup(SnippetViewSetGroup):
    menu_label = _("机构设置")
    menu_icon = "group"
    menu_order = 200
    items = (UnitViewSet, HallViewSet, PostViewSet, StaffViewSet, ContactLineViewSet)


register_snippet(OrganizationGroup)
