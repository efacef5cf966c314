from django.urls import path

from . import views

app_name = "kiosk"

urlpatterns = [
    path("", views.home, name="home"),
    # The service worker must live at the kiosk's root for its scope to cover /kiosk/.
    path("sw.js", views.service_worker, name="sw"),
    path("offline/", views.offline, name="offline"),
    path("category/<int:number>/", views.category, name="category"),
    path("item/<int:pk>/", views.item, name="item"),
    path("search/", views.search_screen, name="search"),
    path("cases/", views.case_kinds, name="cases"),
    path("cases/<str:kind>/", views.case_form, name="case-form"),
]
