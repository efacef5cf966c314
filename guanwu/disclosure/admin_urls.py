"""Admin URLs of the disclosure app, included under /admin/disclosure/ by a Wagtail hook."""

from django.urls import path

from . import views_spreadsheets

urlpatterns = [
    path("import/", views_spreadsheets.import_view, name="disclosure_import"),
    path("export/", views_spreadsheets.export_view, name="disclosure_export"),
]
