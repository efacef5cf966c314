"""The declaration halls' touch screens (触摸屏查询, seed 四.四) at /kiosk/: every screen opens,
nothing leads out of the kiosk, the QR code points at the website, and the keyboard-free search
(hot words, pinyin initials) and the free-text search answer without errors."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.urls import reverse

import pytest

from guanwu.disclosure import selectors
from guanwu.disclosure.enums import DisclosureMode
from guanwu.disclosure.models import CategoryPage, DisclosureItemPage
from guanwu.portal.kiosk import pinyin
from guanwu.portal.models import KioskSettings
from guanwu.portal.search import search
from guanwu.portal.views import HOT_WORDS
from tests.factories import make_item, publish

pytestmark = pytest.mark.django_db

HOME = "/kiosk/"


class Markup(HTMLParser):
    """Collects what a kiosk page links to, loads, and its structure."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []  # <a href>, <area href>
        self.actions: list[str] = []  # <form action>
        self.resources: list[tuple[str, str]] = []  # (tag, href/src) of link/script/img
        self.inline_scripts = 0
        self.h1 = 0
        self.tags: list[str] = []
        self.qr: list[dict[str, str | None]] = []
        self.svg_in_qr = 0
        self._in_qr = 0
        self._script_src: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.tags.append(tag)
        if tag in ("a", "area") and "href" in a:
            self.links.append(a["href"] or "")
        if tag == "form":
            self.actions.append(a.get("action") or "")
        if tag == "link":
            self.resources.append((tag, a.get("href") or ""))
        if tag in ("img", "iframe", "embed", "source"):
            self.resources.append((tag, a.get("src") or ""))
        if tag == "script":
            self._script_src = a.get("src")
            if a.get("src"):
                self.resources.append((tag, a["src"]))
        if tag == "h1":
            self.h1 += 1
        if tag == "figure" and "k-qr" in (a.get("class") or "").split():
            self.qr.append(a)
            self._in_qr += 1
        if tag == "svg" and self._in_qr:
            self.svg_in_qr += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "figure" and self._in_qr:
            self._in_qr -= 1
        if tag == "script":
            self._script_src = None

    def handle_data(self, data: str) -> None:
        if self._script_src is None and self.tags and self.tags[-1] == "script" and data.strip():
            self.inline_scripts += 1


def parse(html: str) -> Markup:
    markup = Markup()
    markup.feed(html)
    return markup


def assert_closed_kiosk_page(html: str, where: str) -> Markup:
    """Every link and form stays in /kiosk/; only the kiosk's own CSS and JS are loaded."""
    markup = parse(html)
    for href in markup.links:
        parts = urlsplit(href)
        assert not parts.scheme and not parts.netloc, (where, href)
        assert parts.path.startswith(HOME), (where, href)
    for action in markup.actions:
        assert urlsplit(action).path.startswith(HOME), (where, action)
    for tag, url in markup.resources:
        parts = urlsplit(url)
        assert not parts.scheme and not parts.netloc, (where, tag, url)
        assert parts.path.startswith("/static/") or parts.path.startswith("/media/"), (where, url)
    assert markup.inline_scripts == 0, where
    assert markup.h1 == 1, where
    for landmark in ("header", "main", "nav"):
        assert landmark in markup.tags, (where, landmark)
    assert "footer" not in markup.tags, where
    return markup


def get(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    assert response.headers["X-Frame-Options"] == "DENY"
    return response.content.decode()


def kiosk_item_url(page: DisclosureItemPage) -> str:
    return reverse("kiosk:item", args=[page.pk])


# --- every screen, for the public ------------------------------------------------------------


def test_every_kiosk_screen_opens_for_the_public(demo, client):
    urls = [HOME, reverse("kiosk:search")]
    urls += [reverse("kiosk:category", args=[n]) for n in range(1, 7)]
    first_of_each_type: dict[type, DisclosureItemPage] = {}
    for page in selectors.live_items().specific():
        first_of_each_type.setdefault(type(page), page)
    assert len(first_of_each_type) >= 6
    urls += [kiosk_item_url(p) for p in first_of_each_type.values()]
    for url in urls:
        html = get(client, url)
        assert '<html lang="zh-CN"' in html, url
        assert 'class="site-header"' not in html and 'class="site-footer"' not in html, url
        assert "返回首页" in html, url
        assert_closed_kiosk_page(html, url)


def test_home_shows_the_six_categories_with_counts_and_the_notices_in_force(demo, client):
    html = get(client, HOME)
    categories = selectors.categories_with_counts()
    assert len(categories) == 6
    for category in categories:
        assert reverse("kiosk:category", args=[category["page"].number]) in html
        assert category["page"].title in html
        assert f"共 {category['count']} 条" in html
    notices = list(selectors.notices_in_force())
    assert notices, "the demo district has a notice in force"
    for notice in notices[:5]:
        assert notice.title in html
        assert kiosk_item_url(notice) in html
    # Notices come before the categories, and the big search button is there.
    assert html.index(notices[0].title) < html.index(categories[0]["page"].title)
    assert 'class="k-btn k-search-big" href="/kiosk/search/"' in html
    # Hot topics: the hot words and the latest items.
    for word in HOT_WORDS:
        assert word in html
    for latest in selectors.latest_changes(4):
        assert kiosk_item_url(latest) in html


def test_home_has_no_back_button_but_other_screens_do(demo, client):
    assert "k-dock-back" not in get(client, HOME)
    category_html = get(client, reverse("kiosk:category", args=[3]))
    assert 'class="k-btn k-dock-back" href="/kiosk/"' in category_html


def test_category_screen_filters_by_sub_item_and_pages_with_big_buttons(demo, client):
    url = reverse("kiosk:category", args=[4])
    html = get(client, url)
    items = selectors.in_force_first(selectors.filter_items(selectors.live_items(), category=4))
    assert items.count() > 8, "enough items to need a second screen"
    for item in items[:8]:
        assert kiosk_item_url(item) in html
    assert kiosk_item_url(items[8]) not in html
    assert f'class="k-btn k-pager-next" href="{url}?page=2"' in html
    second = get(client, url + "?page=2")
    assert kiosk_item_url(items[8]) in second
    assert f'class="k-btn k-pager-prev" href="{url}?page=1"' in second

    subitem = CategoryPage.objects.get(number=4).subitems().filter(items__live=True).first()
    filtered = get(client, f"{url}?subitem={subitem.code}")
    assert 'aria-current="page"' in filtered
    wanted = selectors.live_items().filter(category=4, subitem=subitem)
    others = selectors.live_items().filter(category=4).exclude(subitem=subitem)
    for item in wanted[:8]:
        assert kiosk_item_url(item) in filtered
    for item in others:
        assert kiosk_item_url(item) not in filtered
    # Unknown sub-items and pages are ignored, not errors.
    get(client, f"{url}?subitem=9.9&page=abc")
    get(client, f"{url}?page=-5")
    get(client, f"{url}?page=999999999999")


# --- the item screen ---------------------------------------------------------------------------


def test_item_screen_uses_the_type_partials_and_has_a_qr_code_to_the_website(demo, client):
    from guanwu.disclosure.models import LicensingGuidePage

    guide = LicensingGuidePage.objects.live().first()
    html = get(client, kiosk_item_url(guide))
    markup = assert_closed_kiosk_page(html, "licensing guide")
    # The website's partial for licensing guides: the documents checklist and the steps.
    assert "申请材料清单" in html and 'class="data checklist"' in html
    for block in guide.documents:
        assert block.value["name"] in html
    # An inline SVG QR code, made locally, with the item's public URL on the website beside it.
    assert len(markup.qr) == 1 and markup.svg_in_qr == 1
    public_url = guide.get_full_url()
    assert public_url.startswith("http") and public_url.endswith(guide.url)
    assert markup.qr[0]["data-qr-url"] == public_url
    assert f'<span class="k-qr-url">{public_url}</span>' in html
    assert 'class="k-qr-code"' in html and 'viewBox="0 0 ' in html
    # That URL is the item on the website.
    assert client.get(guide.url).status_code == 200


def test_item_screen_back_button_returns_to_the_kiosk_screen_it_came_from(demo, client):
    item = selectors.live_items().filter(category=3).first()
    url = kiosk_item_url(item)
    html = get(client, url)
    assert f'class="k-btn k-dock-back" href="/kiosk/category/{item.category}/"' in html
    html = get(client, url + "?from=/kiosk/search/%3Fpy%3Djg")
    assert 'class="k-btn k-dock-back" href="/kiosk/search/?py=jg"' in html
    for evil in ("https://example.com/", "//example.com/kiosk/", "/admin/", "/kiosk/\\\\x"):
        html = get(client, f"{url}?from={evil}")
        assert f'k-dock-back" href="/kiosk/category/{item.category}/"' in html, evil


def test_links_in_item_bodies_never_lead_out_of_the_kiosk(demo, client):
    target = selectors.live_items().filter(category=2).first()
    body = (
        '<p>详见<a href="https://www.customs.gov.cn/">海关总署网站</a>，'
        f'另见<a linktype="page" id="{target.pk}">相关事项</a>，'
        '栏目<a href="/">专栏首页</a>，'
        '电话<a href="tel:022-60001100">022-6000 1100</a>，'
        '邮件<a href="mailto:gk@example.com">gk@example.com</a>，'
        '网站<a href="http://localhost/directory/">机构设置</a>。</p>'
    )
    item = publish(make_item(title="外链测试事项", body=body))
    html = get(client, kiosk_item_url(item))
    assert_closed_kiosk_page(html, "item with external links")
    # External, telephone, e-mail and non-item links are unwrapped to their text …
    for text in ("海关总署网站", "022-6000 1100", "gk@example.com", "机构设置"):
        assert text in html
    for gone in ("customs.gov.cn", "tel:", "mailto:", "/directory/"):
        assert gone not in html, gone
    # … and links to live items or the column home map to the kiosk's own screens.
    assert f'<a href="/kiosk/item/{target.pk}/">相关事项</a>' in html
    assert '<a href="/kiosk/">专栏首页</a>' in html
    # The website still shows the links as they are.
    website = client.get(item.url).content.decode()
    assert 'href="https://www.customs.gov.cn/"' in website


def test_every_live_item_screen_is_closed(demo, client):
    for item in selectors.live_items():
        assert_closed_kiosk_page(get(client, kiosk_item_url(item)), item.title)


def test_unpublished_withheld_and_unknown_items_are_not_shown(demo, client):
    draft = make_item(title="未公开的测试事项")
    withheld = make_item(title="暂不公开的测试事项", mode=DisclosureMode.WITHHELD)
    for pk in (draft.pk, withheld.pk, 999_999):
        html = get(client, reverse("kiosk:item", args=[pk]), status=404)
        assert "未公开的测试事项" not in html and "暂不公开的测试事项" not in html
        assert_closed_kiosk_page(html, f"missing {pk}")
    assert_closed_kiosk_page(get(client, "/kiosk/category/9/", status=404), "no category 9")


# --- search without a keyboard --------------------------------------------------------------


def test_pinyin_initials():
    assert pinyin.initials("加工贸易") == "jgmy"
    assert pinyin.initials("首问负责承诺") == "swfzcn"
    assert pinyin.initials("AEO认证") == "aeorz"
    assert pinyin.initials("ＡＴＡ单证册（2024）") == "atadzc"
    assert pinyin.clean("J g-M 1y") == "jgmy"


def test_pinyin_pad_finds_the_titles_by_their_initials(demo, client):
    item = selectors.live_items().get(title="首问负责承诺")
    html = get(client, reverse("kiosk:search") + "?py=swfzcn")
    assert kiosk_item_url(item) in html
    assert "首问负责承诺" in html and "SWFZCN" in html

    # "jgmy" (加工贸易) finds every live title containing those initials, prefix matches first.
    html = get(client, reverse("kiosk:search") + "?py=JGMY")
    expected = [e for e in pinyin.entries() if "jgmy" in e.initials]
    assert expected
    assert any("加工贸易" in e.title for e in expected)
    for entry in expected[:20]:
        assert kiosk_item_url_pk(entry.pk) in html
    matches = pinyin.find("jgmy")
    starts = [m.start for m in matches]
    assert [m.is_prefix for m in matches] == sorted((m.is_prefix for m in matches), reverse=True)
    assert starts[0] == min(starts)


def kiosk_item_url_pk(pk: int) -> str:
    return reverse("kiosk:item", args=[pk])


def test_pinyin_pad_greys_out_letters_that_find_nothing(demo, client):
    html = get(client, reverse("kiosk:search") + "?py=swfzc")
    # Only "N" continues "首问负责承诺"'s initials; a letter that finds nothing is disabled.
    assert 'name="py" value="swfzcn">N</button>' in html
    possible = pinyin.next_letters("swfzc")
    assert "n" in possible
    dead = next(c for c in "abcdefghijklmnopqrstuvwxyz" if c not in possible)
    assert f'name="py" value="swfzc{dead}" disabled>{dead.upper()}</button>' in html
    # Backspace and clear.
    assert 'name="py" value="swfz">退格</button>' in html


def test_pinyin_mapping_is_cached_and_follows_publication(demo, django_assert_max_num_queries):
    pinyin.entries()
    with django_assert_max_num_queries(1):  # only the cheap freshness check
        pinyin.entries()
    item = publish(make_item(title="袋鼠测试事项"))
    assert [m.entry.pk for m in pinyin.find("dscssx")] == [item.pk]
    item.specific.unpublish()
    assert pinyin.find("dscssx") == []


def test_word_search_uses_the_engine_and_shows_snippets(demo, client):
    html = get(client, reverse("kiosk:search") + "?q=加工贸易")
    results = search("加工贸易", page_size=8)
    assert results.total > 0
    positions = [html.index(kiosk_item_url(hit.page)) for hit in results.hits]
    assert positions == sorted(positions)
    assert "<mark>加工贸易</mark>" in html
    assert f"找到 {results.total} 条" in html
    if results.pages > 1:
        second = get(client, reverse("kiosk:search") + "?q=加工贸易&page=2")
        page_two = search("加工贸易", page=2, page_size=8)
        assert kiosk_item_url(page_two.hits[0].page) in second


def test_nothing_found_offers_suggestions_not_an_error(demo, client):
    html = get(client, reverse("kiosk:search") + "?q=加工贸易袋鼠")
    assert "没有找到" in html


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"q": "报" * 101}, 400),
        ({"q": "x" * 100_000}, 400),
        ({"py": "a" * 21}, 400),
        ({"py": "a" * 5000}, 400),
        ({"py": "你好<script>alert(1)</script>"}, 200),
        ({"q": "\"'<>&;--() OR 1=1 NEAR/3 *"}, 200),
        ({"q": "   "}, 200),
        ({"q": "\x00\u200b\ufeff"}, 200),
        ({"q": "加工贸易", "page": "-1"}, 200),
        ({"q": "加工贸易", "page": "9999999999"}, 200),
        ({"q": "加工贸易", "page": "abc"}, 200),
        ({"py": "zzzzzz"}, 200),
    ],
)
def test_bad_and_huge_queries_are_a_400_or_an_empty_result(demo, client, params, status):
    response = client.get(reverse("kiosk:search"), params)
    assert response.status_code == status
    html = response.content.decode()
    assert "<script>alert" not in html
    assert_closed_kiosk_page(html, str(params)[:60])
    if status == 400:
        assert 'role="alert"' in html


# --- settings ----------------------------------------------------------------------------------


def test_kiosk_settings_drive_idle_time_title_and_hot_words(demo, client):
    settings = KioskSettings.load()
    assert settings.idle_seconds == 90
    assert settings.hot_word_list() == HOT_WORDS
    settings.idle_seconds = 37
    settings.title = "新港报关大厅触摸屏"
    settings.hot_words = "预裁定\n\n  减免税  \n预裁定\n"
    settings.save()
    for url in (HOME, reverse("kiosk:search"), reverse("kiosk:category", args=[2])):
        html = get(client, url)
        assert 'data-idle-seconds="37"' in html, url
        assert "新港报关大厅触摸屏" in html, url
    html = get(client, HOME)
    assert html.count("/kiosk/search/?q=%E9%A2%84%E8%A3%81%E5%AE%9A") == 1
    assert "/kiosk/search/?q=%E5%87%8F%E5%85%8D%E7%A8%8E" in html
    assert "AEO认证" not in html


def test_idle_seconds_has_a_minimum_of_ten():
    settings = KioskSettings(idle_seconds=9)
    with pytest.raises(ValidationError):
        settings.full_clean()
    KioskSettings(idle_seconds=10).full_clean()


def test_kiosk_settings_are_editable_in_the_admin(demo, admin_client):
    url = reverse("wagtailsettings:edit", args=["portal", "kiosksettings"])
    response = admin_client.get(url, follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert "无操作返回首页" in html and "热门词语" in html


def test_kiosk_pages_are_not_cached_and_not_framed(demo, client):
    for url in (HOME, reverse("kiosk:search") + "?q=报关"):
        response = client.get(url)
        assert response.headers["X-Frame-Options"] == "DENY"
        assert "no-store" in response.headers["Cache-Control"]


def test_kiosk_assets_are_served_locally(demo, client):
    from django.contrib.staticfiles import finders

    css = Path(finders.find("css/kiosk.css")).read_text(encoding="utf-8")
    js = Path(finders.find("js/kiosk.js")).read_text(encoding="utf-8")
    assert "font-size: 24px" in css and "@import" not in css and "url(" not in css
    for event in ("pointerdown", "keydown", "touchstart", "scroll"):
        assert event in js
    assert "data-idle-seconds" in js and "http" not in js
