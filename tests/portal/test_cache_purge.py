"""Every change of public content purges every cached public page (DESIGN rule 1 holds for
cached copies too).

Each test caches the home page, a category, an item, the directory, a unit page and the public
API list, makes one change the way the system makes it, and checks each page is rendered
afresh and shows the change.
"""

from __future__ import annotations

import datetime
from pathlib import Path

from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone

import pytest

from guanwu.disclosure.models import CategoryPage, DisclosureItemPage, NoticePage
from guanwu.organization.enums import ContactLineKind
from guanwu.organization.models import ContactLine, Unit
from tests.factories import make_item, publish

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
UNIT = "HH-XG-ZHYW"  # the demo liaison's section
API_LIST = "/api/v1/items/?category=2&page_size=200"


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.GUANWU_PAGE_CACHE_SECONDS = 300
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def item(demo):
    """A live demo item of category 2 (法律依据)."""
    category = CategoryPage.objects.get(number=2)
    return DisclosureItemPage.objects.live().child_of(category).first().specific


def public_pages(item) -> list[str]:
    return ["/", "/legal-basis/", item.url, "/directory/", f"/directory/{UNIT}/", API_LIST]


def cache_all(client, paths: list[str]) -> dict[str, str]:
    """Request each page twice; the second copy must come from the cache."""
    bodies = {}
    for path in paths:
        client.get(path)
        response = client.get(path)
        assert response["X-Cache"] == "hit", path
        bodies[path] = response.content.decode()
    return bodies


def fresh(client, paths: list[str]) -> dict[str, str]:
    """Each page, which must be rendered afresh (not a cached copy)."""
    bodies = {}
    for path in paths:
        response = client.get(path)
        assert response.get("X-Cache") != "hit", f"{path} still served from the cache"
        bodies[path] = response.content.decode() if response.status_code == 200 else ""
    return bodies


def test_publishing_a_new_item_purges_every_public_page(client, item):
    paths = public_pages(item)
    before = cache_all(client, paths)
    assert "鹦鹉螺缓存清除条款" not in before["/legal-basis/"]
    new = publish(make_item(title="鹦鹉螺缓存清除条款"))
    after = fresh(client, paths)
    assert "鹦鹉螺缓存清除条款" in after["/legal-basis/"]
    assert "鹦鹉螺缓存清除条款" in after[API_LIST]
    assert client.get(new.url).status_code == 200


def test_withdrawing_an_item_purges_every_public_page(client, item):
    withdrawn = publish(make_item(title="即将撤回的鹦鹉螺条款"))  # the newest: on page one
    paths = [*public_pages(item), withdrawn.url]
    before = cache_all(client, paths)
    assert withdrawn.url in before["/legal-basis/"] and withdrawn.title in before[API_LIST]
    withdrawn.specific.unpublish()
    after = fresh(client, paths)
    assert client.get(withdrawn.url).status_code == 404
    assert withdrawn.url not in after["/legal-basis/"]
    assert withdrawn.title not in after[API_LIST]


def test_expiry_by_the_scheduled_command_purges_every_public_page(client, item):
    """The expiry path: an item's end sets ``expire_at``; ``publish_scheduled`` takes it down."""
    now = timezone.now()
    notice = publish(
        make_item(
            NoticePage,
            category=3,
            subitem="3.1",
            title="缓存到期测试公告",
            notice_kind="emergency",
            body="<p>台风期间调整通关时间。</p>",
            starts_at=now - datetime.timedelta(hours=2),
            ends_at=now + datetime.timedelta(hours=1),
        )
    )
    paths = [*public_pages(item), notice.url]
    before = cache_all(client, paths)
    assert "缓存到期测试公告" in before["/"]
    DisclosureItemPage.objects.filter(pk=notice.pk).update(
        ends_at=now - datetime.timedelta(minutes=1), expire_at=now - datetime.timedelta(minutes=1)
    )
    call_command("publish_scheduled", verbosity=0)
    after = fresh(client, paths)
    assert "缓存到期测试公告" not in after["/"]
    assert client.get(notice.url).status_code == 404


def test_publishing_a_unit_snippet_purges_every_public_page(client, item, demo_users):
    paths = public_pages(item)
    cache_all(client, paths)
    unit = Unit.objects.get(code=UNIT)
    draft = unit.get_latest_revision_as_object()
    draft.duties = "缓存清除测试：新的职责表述。"
    publish(draft, reviewer=demo_users["legal"])
    after = fresh(client, paths)
    assert "缓存清除测试：新的职责表述。" in after[f"/directory/{UNIT}/"]


def test_a_contact_line_a_liaison_adds_through_review_purges_every_public_page(
    client, item, demo_users
):
    """The liaison drafts a new line, the section chief approves, legal approves: published."""
    paths = public_pages(item)
    before = cache_all(client, paths)
    assert "022-6199 8765" not in before[f"/directory/{UNIT}/"]
    line = ContactLine(
        unit=Unit.objects.get(code=UNIT),
        kind=ContactLineKind.CONSULTATION,
        number="022-6199 8765",
        hours="工作日 9:00–17:00",
        live=False,
    )
    line.save()
    line.save_revision(user=demo_users["liaison"])
    line.get_workflow().start(line, demo_users["liaison"])
    for reviewer in ("chief", "legal"):
        line.refresh_from_db()
        state = line.current_workflow_task_state
        assert state is not None, f"the workflow ended before {reviewer}"
        state.task.specific.on_action(state, demo_users[reviewer], "approve")
    line.refresh_from_db()
    assert line.live
    after = fresh(client, paths)
    assert "022-6199 8765" in after[f"/directory/{UNIT}/"]
