"""The public pages served the fast way (issue 9, target 1) still follow Wagtail's rules.

``HomePage.route`` finds a page and its ancestors in one query and marks the page when none
of them has a view restriction or is an alias; list lines are plain rows whose links are
built from ``url_path`` (``selectors.PageUrls``). These tests would fail if a restriction
were skipped, an alias's source restriction ignored, a draft or an unpublished page shown,
or a link differed from what Wagtail's ``{% pageurl %}`` gives.
"""

from __future__ import annotations

import re

from django.test import RequestFactory

from wagtail.models import Page, PageViewRestriction

import pytest

from guanwu.disclosure import selectors
from guanwu.disclosure.models import CategoryPage, DisclosureItemPage, LicensingGuidePage

pytestmark = pytest.mark.django_db


def _hrefs(html: str) -> set[str]:
    return set(re.findall(r'href="([^"]+)"', html))


def test_list_links_are_what_wagtail_gives(demo, client):
    category = CategoryPage.objects.get(number=2)
    html = client.get(category.url).content.decode()
    items = selectors.in_force_first(selectors.filter_items(selectors.public_items(), category=2))[
        :20
    ]
    assert items
    for item in items:
        assert item.url in _hrefs(html), item.url

    home = client.get("/").content.decode()
    for page in CategoryPage.objects.live():
        assert page.url in _hrefs(home)
        assert f"{page.url}?subitem=" in home or page.number in (1, 6)
    for item in selectors.public_items().order_by("-last_published_at")[:8]:
        assert item.url in _hrefs(home), item.url


def test_page_urls_match_wagtail_for_every_public_page(demo):
    request = RequestFactory(HTTP_HOST="127.0.0.1").get("/")
    urls = selectors.PageUrls(request)
    for page in Page.objects.live().filter(depth__gt=1):
        assert urls(page.url_path) == page.get_url(request=request), page.url_path


def test_item_breadcrumbs_link_the_category(demo, client):
    item = LicensingGuidePage.objects.live().first()
    parent = item.get_parent()
    html = client.get(item.url).content.decode()
    assert f'<li><a href="{parent.url}">{parent.title}</a></li>' in html
    # The JSON-LD names the district, read with the page.
    assert '"areaServed"' in html


def test_a_category_restriction_covers_its_items(demo, client):
    category = CategoryPage.objects.get(number=2)
    item = DisclosureItemPage.objects.live().child_of(category).first()
    PageViewRestriction.objects.create(
        page=category, restriction_type=PageViewRestriction.PASSWORD, password="secret"
    )
    for url in (category.url, item.url):
        response = client.get(url)
        assert response.status_code == 200
        html = response.content.decode()
        assert item.title not in html.split("<title>")[0] + html.split("</title>", 1)[1]
        assert 'name="password"' in html
        assert "no-cache" in response["Cache-Control"]


def test_an_item_login_restriction_redirects(demo, client):
    item = DisclosureItemPage.objects.live().first()
    PageViewRestriction.objects.create(page=item, restriction_type=PageViewRestriction.LOGIN)
    response = client.get(item.url)
    assert response.status_code == 302
    # Its neighbours stay public.
    other = DisclosureItemPage.objects.live().exclude(pk=item.pk).first()
    assert client.get(other.url).status_code == 200


def test_a_home_page_restriction_covers_everything(demo, client):
    home = Page.objects.get(depth=2)
    PageViewRestriction.objects.create(page=home, restriction_type=PageViewRestriction.LOGIN)
    item = DisclosureItemPage.objects.live().first()
    for url in ("/", CategoryPage.objects.get(number=2).url, item.url):
        assert client.get(url).status_code == 302, url


def test_an_alias_takes_its_sources_restriction(demo, client):
    source, alias = DisclosureItemPage.objects.live().order_by("pk")[:2]
    # Made an alias in the tree directly: the check is what is under test, not the editor.
    Page.objects.filter(pk=alias.pk).update(alias_of=source)
    assert client.get(alias.url).status_code == 200
    PageViewRestriction.objects.create(page=source, restriction_type=PageViewRestriction.LOGIN)
    assert client.get(alias.url).status_code == 302


def test_unpublished_and_expired_pages_are_not_served(demo, client):
    item = DisclosureItemPage.objects.live().first()
    url = item.url
    assert client.get(url).status_code == 200
    Page.objects.filter(pk=item.pk).update(live=False, expired=True)
    assert client.get(url).status_code == 404
    home = client.get("/").content.decode()
    assert url not in _hrefs(home)


def test_a_pending_draft_is_not_shown(demo, client):
    item = LicensingGuidePage.objects.live().first()
    title, url, parent_url = item.title, item.url, item.get_parent().url
    draft = item.get_latest_revision_as_object()
    draft.title = "尚未审核的新标题"
    draft.save_revision()
    html = client.get(url).content.decode()
    assert "尚未审核的新标题" not in html
    assert title in html
    assert "尚未审核的新标题" not in client.get(parent_url).content.decode()


def test_pages_in_english_through_the_language_cookie(demo, client):
    item = LicensingGuidePage.objects.live().first()
    client.cookies["django_language"] = "en"
    html = client.get(item.url).content.decode()
    assert '<html lang="en">' in html
    assert "Owning unit" in html
    assert "Customs disclosure column" in client.get("/").content.decode()


def test_the_process_copy_of_the_site_follows_changes(demo, client):
    """Wagtail's site and root page come from the process's copy (guanwu/core/sites.py):
    a restriction added after it was read still applies, a saved site is read again, and a
    bump of the shared version (another process's change) is seen."""
    from wagtail.models import Site

    from guanwu.core import sites

    home = Page.objects.get(depth=2).specific
    assert client.get("/").status_code == 200
    # Routing marked the request's copy of the home page, never the kept one.
    restriction = PageViewRestriction.objects.create(
        page=home, restriction_type=PageViewRestriction.LOGIN
    )
    assert client.get("/").status_code == 302
    restriction.delete()

    # Changed behind this process's back (no signal here), then bumped as another would.
    Page.objects.filter(pk=home.pk).update(title="另一进程改过的首页")
    sites.bump_site_version()
    assert "另一进程改过的首页" in client.get("/").content.decode()

    site = Site.objects.get(is_default_site=True)
    site.is_default_site = False
    site.hostname = "elsewhere.example"
    site.save()
    assert client.get("/").status_code == 404
