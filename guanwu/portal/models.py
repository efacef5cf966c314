"""Public pages of the disclosure column (关务公开专栏, seed 四.四)."""

from __future__ import annotations

from typing import Any

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.models import Page

from guanwu.disclosure.guard import LegalReviewGuardMixin
from guanwu.organization.selectors import public_contact_lines


class HomePage(LegalReviewGuardMixin, Page):
    """The column's home: the six categories, the hotlines and the directory entry point."""

    intro = models.TextField(
        _("导语"),
        blank=True,
        help_text=_("首页顶部的简短说明，告诉公众本专栏公开哪些内容。"),
    )

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    max_count = 1
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["disclosure.CategoryPage"]

    class Meta:
        verbose_name = _("关务公开专栏首页")

    def route(self, request: HttpRequest, path_components: list[str]) -> Any:
        """Find a page below the home page by its URL path in one query, not one per level.

        Wagtail walks the tree a level at a time, each level a query for the child and one
        for its specific type: four queries for an item. Here the page and its parent come
        in one query by ``url_path``, the specific page (with an item's unit and subitem) in
        a second. What is found is what Wagtail's walk finds (``url_path`` is made of the
        slugs); anything else — a path that matches nothing, a page type with its own
        ``route`` — goes the usual way.
        """
        if not path_components:
            return super().route(request, path_components)
        url_path = self.url_path + "/".join(path_components) + "/"
        parent_path = self.url_path + "".join(f"{c}/" for c in path_components[:-1])
        rows = {
            page.url_path: page
            for page in Page.objects.filter(
                url_path__in={url_path, parent_path}, path__startswith=self.path
            )
        }
        found = rows.get(url_path)
        if found is None or found.depth != self.depth + len(path_components):
            return super().route(request, path_components)
        model = found.specific_class
        if model is None or model.route is not Page.route:
            return super().route(request, path_components)
        specific = model._default_manager.filter(pk=found.pk)
        from guanwu.disclosure.models import DisclosureItemPage

        if issubclass(model, DisclosureItemPage):
            # What every item page shows (the facts list, the JSON-LD): no query each.
            specific = specific.select_related("owning_unit", "subitem")
        page = specific.first()
        if page is None:
            return super().route(request, path_components)
        parent = self if parent_path == self.url_path else rows.get(parent_path)
        if parent is not None:
            page._cached_parent_obj = parent  # the breadcrumbs' get_parent(), without a query
        return page.route(request, [])

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from guanwu.disclosure import selectors

        context = super().get_context(request, *args, **kwargs)
        # The district's duty and reporting lines and the centre's hotlines (seed 四.三).
        context["contact_lines"] = list(
            public_contact_lines().filter(Q(unit__kind="district") | Q(unit__function="centre"))
        )
        context["categories"] = selectors.categories_with_counts()
        summaries = selectors.item_summaries()
        context["notices"] = list(
            summaries.filter(selectors.in_force()).order_by("-starts_at", "-last_published_at")[:5]
        )
        context["latest"] = list(summaries.order_by("-last_published_at")[:8])
        return context


class SearchDocument(models.Model):
    """The searchable text of one live item (the full-text index itself is ``search/backends``).

    Rows exist only for live, legally reviewed items: publishing writes one, unpublishing or
    deleting removes it (DESIGN rule 1: the index never holds an unreviewed revision).
    """

    page = models.OneToOneField(
        "wagtailcore.Page", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    category = models.PositiveSmallIntegerField(db_index=True)
    subitem = models.CharField(max_length=8, blank=True, db_index=True)
    unit = models.CharField(max_length=32, db_index=True)
    title = models.TextField()
    fields_text = models.TextField(blank=True)
    body_text = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("检索文档")
        verbose_name_plural = _("检索文档")

    def __str__(self) -> str:
        return self.title


class SearchSynonym(models.Model):
    """A word the public types and what it should also find (e.g. 加贸 → 加工贸易)."""

    term = models.CharField(_("词语"), max_length=50, unique=True)
    synonyms = models.CharField(
        _("同义词"), max_length=500, help_text=_("用逗号或顿号分隔，例如：加工贸易、来料加工")
    )

    class Meta:
        verbose_name = _("检索同义词")
        verbose_name_plural = _("检索同义词")
        ordering = ["term"]

    def __str__(self) -> str:
        return f"{self.term} → {self.synonyms}"

    def expansions(self) -> list[str]:
        import re

        return [s.strip() for s in re.split(r"[,，、;；\s]+", self.synonyms) if s.strip()]


def default_hot_words() -> str:
    from .views import HOT_WORDS

    return "\n".join(HOT_WORDS)


@register_setting(icon="desktop")
class KioskSettings(BaseGenericSetting):
    """The declaration halls' touch screens (触摸屏查询, seed 四.四): /kiosk/."""

    title = models.CharField(_("触摸屏标题"), max_length=60, default="关务公开触摸屏查询")
    idle_seconds = models.PositiveIntegerField(
        _("无操作返回首页（秒）"),
        default=90,
        validators=[MinValueValidator(10)],
        help_text=_("触摸屏无人操作超过这么多秒后自动回到首页，最少 10 秒。"),
    )
    hot_words = models.TextField(
        _("热门词语"),
        default=default_hot_words,
        blank=True,
        help_text=_("每行一个，显示为触摸屏首页和查询页上的一键搜索按钮。"),
    )

    panels = [FieldPanel("title"), FieldPanel("idle_seconds"), FieldPanel("hot_words")]

    class Meta:
        verbose_name = _("触摸屏设置")
        verbose_name_plural = _("触摸屏设置")

    def __str__(self) -> str:
        return str(self.title)

    def hot_word_list(self, limit: int = 16) -> list[str]:
        """The hot words, one per line, without blanks or repeats, each at most 30 characters."""
        words: list[str] = []
        for line in (self.hot_words or "").splitlines():
            word = line.strip()[:30]
            if word and word not in words:
                words.append(word)
        return words[:limit]
