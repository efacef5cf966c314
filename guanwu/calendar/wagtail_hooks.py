"""The working-day calendar in the Wagtail admin (snippets), grouped under one menu.

Saving or deleting a day or a year here sends ``calendar_changed`` (see signals.py), so
open deadlines are recomputed (seed 四.五 限时答复, DESIGN rule 6).
"""

from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .forms import CalendarAdminForm
from .models import CalendarDay, CalendarYear


class CalendarDayViewSet(SnippetViewSet):
    model = CalendarDay
    icon = "date"
    menu_label = _("节假日与调休")
    list_display = ["date", "kind", "name", "source", "updated_at"]
    list_filter = ["kind", "source", "date"]
    search_fields = ["name"]
    search_backend_name = None
    ordering = ["-date"]
    edit_handler = ObjectList(
        [FieldPanel("date"), FieldPanel("kind"), FieldPanel("name")],
        base_form_class=CalendarAdminForm,
    )


class CalendarYearViewSet(SnippetViewSet):
    model = CalendarYear
    icon = "calendar-alt"
    menu_label = _("日历年份")
    list_display = ["year", "complete", "source", "note", "updated_at"]
    list_filter = ["complete", "source"]
    search_fields = ["note"]
    search_backend_name = None
    ordering = ["-year"]
    edit_handler = ObjectList(
        [FieldPanel("year"), FieldPanel("complete"), FieldPanel("note")],
        base_form_class=CalendarAdminForm,
    )


class CalendarGroup(SnippetViewSetGroup):
    menu_label = _("工作日历")
    menu_icon = "calendar"
    menu_order = 250
    items = (CalendarDayViewSet, CalendarYearViewSet)


register_snippet(CalendarGroup)
