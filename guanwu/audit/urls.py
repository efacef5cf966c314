"""Admin URLs of the audit log reader, registered under /admin/ by wagtail_hooks.py."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.audit_log, name="audit_log"),
    path("export/", views.audit_log_export, name="audit_log_export"),
    path("verify/", views.audit_log_verify, name="audit_log_verify"),
]
