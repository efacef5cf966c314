from django.urls import path

from . import views

app_name = "kiosk"

urlpatterns = [
    path("", views.home, name="home"),
    path("category/<int:number>/", views.category, name="category"),
    path("item/<int:pk>/", views.item, name="item"),
    path("search/", views.search_screen, name="search"),
    path("cases/", views.case_kinds, name="cases"),
    path("cases/<str:kind>/", views.case_form, name="case-form"),
]
