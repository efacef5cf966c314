from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from guanwu.core import views as core_views
from guanwu.portal import views as portal_views

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    # The second step of staff sign-in (issue 8): /account/otp/.
    path("account/", include("guanwu.accounts.urls")),
    path("documents/", include(wagtaildocs_urls)),
    path("api/v1/", include("guanwu.api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("language/<str:code>/", core_views.switch_language, name="switch-language"),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("search/", portal_views.search_page, name="search"),
    path("cases/", include("guanwu.cases.urls")),
    path("directory/", portal_views.directory, name="directory"),
    path("directory/staff/", portal_views.staff_lookup, name="staff-lookup"),
    path("directory/<str:code>/", portal_views.unit_detail, name="unit-detail"),
    path("kiosk/", include("guanwu.portal.kiosk.urls")),
    # Notices (/notices/), Atom feeds (/feeds/) and sitemap.xml: guanwu/portal/channel_urls.py.
    path("", include("guanwu.portal.channel_urls")),
    # Wagtail serves the page tree (the column home and, later, the disclosure items).
    path("", include(wagtail_urls)),
]

# Chinese error pages with the request id; JSON under /api/ (guanwu/core/errors.py).
handler400 = "guanwu.core.errors.bad_request"
handler403 = "guanwu.core.errors.permission_denied"
handler404 = "guanwu.core.errors.page_not_found"
handler500 = "guanwu.core.errors.server_error"
