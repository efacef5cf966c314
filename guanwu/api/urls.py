from django.urls import include, path, re_path

from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from . import views, views_calendar, views_cases, views_staff_cases

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("units", views.UnitViewSet, basename="unit")
router.register("items", views.ItemViewSet, basename="item")

app_name = "api"
urlpatterns = [
    path("", include(router.urls)),
    path("categories/", views.CategoryList.as_view(), name="categories"),
    path("cases/", views_cases.CaseIntakeView.as_view(), name="case-intake"),
    path("staff/cases/", views_staff_cases.StaffCaseList.as_view(), name="staff-cases"),
    path("staff/cases/<int:pk>/", views_staff_cases.StaffCaseDetail.as_view(), name="staff-case"),
    *[
        path(
            f"staff/cases/<int:pk>/{action}/",
            views_staff_cases.StaffCaseAction.as_view(action_name=action),
            name=f"staff-case-{action}",
        )
        for action in (
            "route",
            "transfer",
            "reply",
            "pause",
            "resume",
            "extend",
            "close",
            "approve",
            "reject",
            "merge",
            "assign",
        )
    ],
    path("cases/<str:tracking_code>/", views_cases.CaseStatusView.as_view(), name="case-status"),
    path("notices/", views.NoticeList.as_view(), name="notices"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("calendar/workdays/", views_calendar.WorkdaysView.as_view(), name="calendar-workdays"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    # Last: any other path ending in "/" is a JSON 404 here, not a Wagtail page. (Paths without
    # the slash still fall through, so APPEND_SLASH can redirect /api/v1/units to /units/.)
    re_path(r"^.*/$", views.no_such_endpoint, name="not-found"),
]
