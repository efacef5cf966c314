from django.urls import include, path

from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("units", views.UnitViewSet, basename="unit")
router.register("items", views.ItemViewSet, basename="item")

app_name = "api"
urlpatterns = [
    path("", include(router.urls)),
    path("categories/", views.CategoryList.as_view(), name="categories"),
    path("notices/", views.NoticeList.as_view(), name="notices"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
]
