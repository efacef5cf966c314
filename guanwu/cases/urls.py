from django.urls import path

from . import views

app_name = "cases"
urlpatterns = [
    path("new/", views.new_case, name="new"),
    path("new/<str:kind>/", views.new_case_kind, name="new-kind"),
    path("track/", views.track, name="track"),
]
