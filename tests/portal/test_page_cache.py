"""Public pages are cached, and publication, withdrawal, expiry and unit-tree changes purge
them at once (DESIGN rule 1 holds for cached copies too)."""

from __future__ import annotations

import datetime

from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone

import pytest

from guanwu.disclosure.models import DisclosureItemPage, NoticePage
from guanwu.organization.models import Unit
from tests.factories import make_item, publish

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.GUANWU_PAGE_CACHE_SECONDS = 300
    cache.clear()
    yield
    cache.clear()


def test_second_request_is_served_from_the_cache(demo, client):
    first = client.get("/legal-basis/")
    second = client.get("/legal-basis/")
    assert first["X-Cache"] == "miss" and second["X-Cache"] == "hit"
    assert first.content == second.content
    assert not first.cookies  # nothing personal in a shared page


def test_publishing_purges(demo, client):
    client.get("/legal-basis/")
    item = publish(make_item(title="新公开的鹦鹉螺条款"))
    response = client.get("/legal-basis/")
    assert response["X-Cache"] == "miss"
    assert "新公开的鹦鹉螺条款" in response.content.decode()
    assert (
        "新公开的鹦鹉螺条款"
        in client.get("/api/v1/items/", {"category": 2, "page_size": 200}).content.decode()
    )
    item.specific.unpublish()
    assert "新公开的鹦鹉螺条款" not in client.get("/legal-basis/").content.decode()


def test_expiry_purges(demo, client):
    now = timezone.now()
    notice = publish(
        make_item(
            NoticePage,
            category=3,
            subitem="3.1",
            title="即将到期的暴雨通关公告",
            notice_kind="emergency",
            body="<p>暴雨期间延长服务时间。</p>",
            starts_at=now - datetime.timedelta(hours=2),
            ends_at=now + datetime.timedelta(hours=1),
        )
    )
    assert "即将到期的暴雨通关公告" in client.get("/").content.decode()
    # Its end passes; the scheduled job takes it down, which must purge the cached home page.
    DisclosureItemPage.objects.filter(pk=notice.pk).update(
        ends_at=now - datetime.timedelta(minutes=1), expire_at=now - datetime.timedelta(minutes=1)
    )
    call_command("publish_scheduled", verbosity=0)
    assert not DisclosureItemPage.objects.get(pk=notice.pk).live
    assert "即将到期的暴雨通关公告" not in client.get("/").content.decode()


def test_directory_changes_purge(demo, client, demo_users):
    unit = Unit.objects.get(code="HH-XG-ZHYW")
    client.get(f"/directory/{unit.code}/")
    draft = unit.get_latest_revision_as_object()
    draft.duties = "缓存测试：新的职责表述。"
    publish(draft, reviewer=demo_users["legal"])
    assert "缓存测试：新的职责表述。" in client.get(f"/directory/{unit.code}/").content.decode()


def test_signed_in_staff_are_never_served_shared_pages(demo, client, demo_users):
    client.get("/legal-basis/")
    client.force_login(demo_users["liaison"])
    response = client.get("/legal-basis/")
    assert "X-Cache" not in response


def test_each_language_has_its_own_copy(demo, client):
    chinese = client.get("/directory/").content.decode()
    client.cookies["django_language"] = "en"
    english = client.get("/directory/")
    assert english["X-Cache"] == "miss"
    assert "Organisation" in english.content.decode()
    assert "机构设置" in chinese


def test_pages_with_a_form_are_never_shared(demo, client):
    client.get("/cases/new/consultation/")  # sets the CSRF cookie
    first = client.get("/cases/new/consultation/")
    second = client.get("/cases/new/consultation/")
    assert "X-Cache" not in first and "X-Cache" not in second
    assert 'name="csrfmiddlewaretoken"' in second.content.decode()


# The page cache sits near the top of MIDDLEWARE, so a hit skips the middlewares below it.
# What they add must be in the stored copy, and what runs above it must still run on a hit.
PER_REQUEST_HEADERS = {"x-cache", "x-request-id", "date"}


def test_a_hit_answers_with_the_headers_of_the_miss(demo, client):
    for path in ("/", "/legal-basis/", "/directory/"):
        miss = client.get(path)
        hit = client.get(path)
        assert (miss["X-Cache"], hit["X-Cache"]) == ("miss", "hit"), path
        assert "Content-Security-Policy" in hit and "X-Frame-Options" in hit
        assert "Cookie" in hit["Vary"] and hit["Content-Language"] == "zh-hans"

        def kept(response):
            return {
                k.lower(): v for k, v in response.items() if k.lower() not in PER_REQUEST_HEADERS
            }

        assert kept(hit) == kept(miss), path
        assert hit["X-Request-ID"] != miss["X-Request-ID"]


def test_a_disallowed_host_is_refused_even_when_the_page_is_cached(demo, client, settings):
    settings.ALLOWED_HOSTS = ["testserver"]
    client.get("/legal-basis/")
    assert client.get("/legal-basis/")["X-Cache"] == "hit"
    response = client.get("/legal-basis/", HTTP_HOST="attacker.example")
    assert response.status_code == 400
    assert "X-Cache" not in response


def test_two_hosts_get_their_own_copies(demo, client):
    client.get("/legal-basis/")
    assert client.get("/legal-basis/")["X-Cache"] == "hit"
    assert client.get("/legal-basis/", HTTP_HOST="other.example")["X-Cache"] == "miss"


def test_the_https_redirect_wins_over_a_cached_copy(demo, client, settings):
    settings.SECURE_SSL_REDIRECT = True
    client.get("/legal-basis/", secure=True)
    assert client.get("/legal-basis/", secure=True)["X-Cache"] == "hit"
    response = client.get("/legal-basis/")
    assert response.status_code == 301
    assert response["Location"].startswith("https://")


def test_static_files_are_not_looked_up_in_the_page_cache(demo, client, settings):
    from django.contrib.staticfiles import finders

    assert finders.find("js/kiosk-offline.js")
    response = client.get(settings.STATIC_URL + "js/kiosk-offline.js")
    assert "X-Cache" not in response
