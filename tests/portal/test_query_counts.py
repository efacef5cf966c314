"""The public pages are served in a fixed number of SQL queries (issue 9, target 1).

Each test counts a page's queries exactly, adds more of what the page lists (items, units,
contact lines, windows) and counts again: a query per listed row (an N+1) fails the second
count. The page cache is off in the test settings, so every request renders.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

import pytest

from guanwu.disclosure.models import CategoryPage, LicensingGuidePage, NoticePage
from guanwu.organization.enums import UnitKind
from tests.factories import (
    ContactLineFactory,
    HallFactory,
    PostFactory,
    UnitFactory,
    district,
    legal_reviewer,
    make_item,
    publish,
)

pytestmark = pytest.mark.django_db

# Routing: HomePage.route's page and ancestors by URL path with their view restrictions and
# aliases (one query), and the specific page with what it shows (one query). Wagtail's site
# and the root page come from the process's copy (guanwu/core/sites.py); each count follows a
# request that read them, as every request but the first after a change does.
HOME_QUERIES = 6  # routing (1) + hotlines, subitems, categories with counts, notices, latest
CATEGORY_QUERIES = 6  # routing (2) + item count, the page of items, subitems, units
ITEM_QUERIES = 4  # routing (2, with unit, subitem, latest check, district) + windows, files
DIRECTORY_QUERIES = 2  # units, contact lines


def _get(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def _more_items(category: int, subitem: str | None, units: list[str], reviewer) -> list[str]:
    titles = []
    for n, unit in enumerate(units):
        title = f"计数测试事项{category}-{n}"
        publish(make_item(category=category, subitem=subitem, unit=unit, title=title), reviewer)
        titles.append(title)
    return titles


def test_home_page_queries_do_not_grow_with_content(demo, client, django_assert_num_queries):
    client.get("/")  # reads the site and root page after a change
    with django_assert_num_queries(HOME_QUERIES):
        _get(client, "/")

    reviewer = legal_reviewer()
    titles = _more_items(2, "2.1", ["HH-XG-ZHYW", "HH-XG", "HH-XG-ZHYW"], reviewer)
    now = timezone.now()
    for n in range(3):
        publish(
            make_item(
                NoticePage,
                category=1,
                subitem=None,
                unit="HH-XG",
                title=f"计数测试公告{n}",
                notice_kind="other",
                body="<p>测试公告正文。</p>",
                starts_at=now - datetime.timedelta(hours=1),
                ends_at=now + datetime.timedelta(days=2),
            ),
            reviewer,
        )
    lines = [publish(ContactLineFactory(unit=district()), reviewer) for _ in range(3)]

    client.get("/")  # reads the site and root page after a change
    with django_assert_num_queries(HOME_QUERIES):
        html = _get(client, "/")
    assert titles[-1] in html and "计数测试公告2" in html
    assert all(line.number in html for line in lines)


def test_category_page_queries_do_not_grow_with_items(demo, client, django_assert_num_queries):
    url = CategoryPage.objects.get(number=2).url
    client.get(url)  # reads the site and root page after a change
    with django_assert_num_queries(CATEGORY_QUERIES):
        _get(client, url)

    units = ["HH-XG-ZHYW", "HH-XG", "HH-XG-ZHYW", "HH-XG"]
    titles = _more_items(2, "2.1", units, legal_reviewer())

    client.get(url)  # reads the site and root page after a change
    with django_assert_num_queries(CATEGORY_QUERIES):
        html = _get(client, url)
    assert all(title in html for title in titles)


def test_item_page_queries_do_not_grow_with_windows(demo, client, django_assert_num_queries):
    page = LicensingGuidePage.objects.live().first()
    url = page.url
    client.get(url)  # reads the site and root page after a change
    with django_assert_num_queries(ITEM_QUERIES):
        _get(client, url)

    reviewer = legal_reviewer()
    # Windows in halls of their own: one query per window's hall would show here.
    windows = []
    for _ in range(3):
        hall = publish(HallFactory(unit=page.owning_unit), reviewer)
        windows.append(publish(PostFactory(unit=page.owning_unit, hall=hall), reviewer))
    page = page.get_latest_revision_as_object()
    page.windows = [*page.windows.all(), *windows]
    publish(page, reviewer)

    client.get(url)  # reads the site and root page after a change
    with django_assert_num_queries(ITEM_QUERIES):
        html = _get(client, url)
    assert all(window.hall.name in html for window in windows)


def test_directory_queries_do_not_grow_with_units(demo, client, django_assert_num_queries):
    client.get("/directory/")  # reads the site and root page after a change
    with django_assert_num_queries(DIRECTORY_QUERIES):
        _get(client, "/directory/")

    reviewer = legal_reviewer()
    added = []
    for _ in range(2):
        division = publish(UnitFactory(kind=UnitKind.DIVISION, parent=district()), reviewer)
        publish(ContactLineFactory(unit=division), reviewer)
        section = publish(UnitFactory(section=True, parent=division), reviewer)
        added += [division, section]

    client.get("/directory/")  # reads the site and root page after a change
    with django_assert_num_queries(DIRECTORY_QUERIES):
        html = _get(client, "/directory/")
    assert all(unit.name in html for unit in added)
