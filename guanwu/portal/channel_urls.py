"""URLs of the column's public channels: notices pages, Atom feeds and sitemap.xml."""

from __future__ import annotations

from django.urls import path

from wagtail.contrib.sitemaps.views import sitemap

from . import views_notices
from .feeds import ItemsFeed, NoticesFeed
from .sitemaps import SITEMAPS

urlpatterns = [
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("feeds/notices/", NoticesFeed(), name="feed-notices"),
    path("feeds/items/", ItemsFeed(), name="feed-items"),
    path("notices/", views_notices.notices, name="notices"),
    path("notices/archive/", views_notices.notice_archive, name="notice-archive"),
]
