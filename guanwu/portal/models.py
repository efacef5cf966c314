"""Public pages of the disclosure column (关务公开专栏, seed 四.四)."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.models import Page, PageViewRestriction

from guanwu.disclosure.guard import LegalReviewGuardMixin
from guanwu.disclosure.models.items import RoutedPageMixin
from guanwu.organization.selectors import public_contact_lines


class HomePage(RoutedPageMixin, LegalReviewGuardMixin, Page):
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
        """Find a page below the home page by its URL path in two queries, whatever its depth.

        Wagtail walks the tree a level at a time, each level a query for the child and one
        for its specific type, and before serving reads the page's ancestors and then their
        view restrictions: eight queries for an item. Here one query reads the page and all
        its ancestors by ``url_path`` (made of the slugs, so what Wagtail's walk finds) and
        ``path``, each with whether a view restriction is set on it; a second reads the
        specific page (with what its page shows, ``serving_queryset``). When no ancestor has a
        restriction and none is an alias, the page is marked so that Wagtail's check needs no
        query (``RoutedPageMixin``); otherwise Wagtail's own check runs. Anything unusual —
        a path that matches nothing, a page type with its own ``route``, an incomplete chain
        — goes Wagtail's usual way.
        """
        if not path_components:
            result = super().route(request, path_components)
            if self.alias_of_id is None and _chain_unrestricted(
                self.path, _ancestor_rows(Q(path__in=_ancestor_paths(self.path)))
            ):
                self._no_view_restrictions = True
            return result
        prefixes = [
            self.url_path + "".join(f"{c}/" for c in path_components[: i + 1])
            for i in range(len(path_components))
        ]
        rows = _ancestor_rows(
            Q(path__in=_ancestor_paths(self.path))
            | Q(url_path__in=prefixes, path__startswith=self.path)
        )
        found = next(
            (
                row
                for row in rows.values()
                if row["url_path"] == prefixes[-1]
                and row["depth"] == self.depth + len(path_components)
                and row["path"].startswith(self.path)
            ),
            None,
        )
        if found is None:
            return super().route(request, path_components)
        chain = [rows.get(p) for p in _ancestor_paths(found["path"])]
        below = [row for row in chain if row is not None and row["depth"] > self.depth]
        models = [_page_model(row["content_type_id"]) for row in below]
        if None in chain or any(m is None or m.route is not Page.route for m in models):
            return super().route(request, path_components)
        model = models[-1]
        specific = model._default_manager.filter(pk=found["id"]).order_by()
        serving = getattr(model, "serving_queryset", None)
        pages = list(serving(specific) if serving else specific)
        if not pages:
            return super().route(request, path_components)
        page = pages[0]
        if _chain_unrestricted(found["path"], rows):
            page._no_view_restrictions = True
        parent = rows[found["path"][: -Page.steplen]]
        # The breadcrumbs' parent link, without get_parent()'s query.
        page.route_parent = {"title": parent["title"], "url_path": parent["url_path"]}
        return page.route(request, [])

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from guanwu.disclosure import selectors
        from guanwu.organization.enums import ContactLineKind

        context = super().get_context(request, *args, **kwargs)
        # Plain rows, links built from url_path (selectors.PageUrls): no page object per line.
        urls = selectors.PageUrls(request)
        # The district's duty and reporting lines and the centre's hotlines (seed 四.三).
        kinds = {value: str(label) for value, label in ContactLineKind.choices}
        context["contact_lines"] = [
            {
                **line,
                "kind_label": kinds.get(line["kind"], line["kind"]),
                "tel": line["number"].replace(" ", ""),
            }
            for line in public_contact_lines()
            .filter(Q(unit__kind="district") | Q(unit__function="centre"))
            .values("kind", "number", "hours")
        ]
        context["categories"] = selectors.category_tiles(urls)
        context.update(selectors.home_lines(urls))
        return context


def _ancestor_paths(path: str) -> list[str]:
    """The tree paths of a page and each of its ancestors, the root first."""
    return [path[:end] for end in range(Page.steplen, len(path) + 1, Page.steplen)]


def _ancestor_rows(condition: Q) -> dict[str, dict[str, Any]]:
    """Page rows by tree path, each with whether a view restriction is set on it."""
    restricted = Exists(PageViewRestriction.objects.filter(page_id=OuterRef("pk")))
    rows = (
        Page.objects.filter(condition)
        .annotate(restricted=restricted)
        .order_by()
        .values(
            "id",
            "path",
            "depth",
            "url_path",
            "title",
            "content_type_id",
            "alias_of_id",
            "restricted",
        )
    )
    return {row["path"]: row for row in rows}


def _chain_unrestricted(path: str, rows: dict[str, dict[str, Any]]) -> bool:
    """True when the page at ``path`` and every ancestor were read, none an alias (whose
    restrictions are its source's), none with a view restriction: what Wagtail's
    ``get_view_restrictions`` would find empty."""
    chain = [rows.get(p) for p in _ancestor_paths(path)]
    return all(
        row is not None and row["alias_of_id"] is None and not row["restricted"] for row in chain
    )


def _page_model(content_type_id: int) -> type[Page] | None:
    model = ContentType.objects.get_for_id(content_type_id).model_class()
    return model if model is not None and issubclass(model, Page) else None


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
