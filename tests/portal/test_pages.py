"""The public column's home page and the organisation directory (category 一)."""

from __future__ import annotations

from django.urls import reverse

import pytest

from guanwu.organization.models import ContactLine, Staff, Unit

pytestmark = pytest.mark.django_db


def test_home_page_is_the_disclosure_column_in_chinese(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-CN">' in html
    assert "关务公开专栏" in html
    assert "六项公开内容" in html
    assert html.count("<h1") == 1


def test_home_page_lists_the_district_hotlines(demo, client):
    html = client.get("/").content.decode()
    for line in ContactLine.objects.filter(unit__kind="district"):
        assert line.number in html


def test_directory_shows_the_whole_tree(demo, client):
    response = client.get(reverse("directory"))
    assert response.status_code == 200
    html = response.content.decode()
    for unit in Unit.objects.all():
        assert unit.name in html, unit


def test_directory_is_served_in_a_fixed_number_of_queries(
    demo, client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        client.get(reverse("directory"))


def test_unit_page_shows_duties_windows_lines_and_work_numbers(demo, client):
    staff = Staff.objects.filter(posts__isnull=False).select_related("unit").first()
    unit = staff.unit
    response = client.get(reverse("unit-detail", args=[unit.code]))
    assert response.status_code == 200
    html = response.content.decode()
    assert unit.duties.splitlines()[0] in html
    assert staff.work_number in html
    post = staff.posts.first()
    assert post.sign_code in html and post.name in html
    branch = unit.parent
    branch_html = client.get(reverse("unit-detail", args=[branch.code])).content.decode()
    for line in branch.contact_lines.all():
        assert line.number in branch_html


def test_unknown_unit_is_a_404(db, client):
    assert client.get(reverse("unit-detail", args=["NOPE"])).status_code == 404


def test_staff_lookup_by_work_number_and_name(demo, client):
    staff = Staff.objects.first()
    html = client.get(reverse("staff-lookup"), {"q": staff.work_number}).content.decode()
    assert staff.name in html
    html = client.get(reverse("staff-lookup"), {"q": staff.name}).content.decode()
    assert staff.work_number in html
    html = client.get(reverse("staff-lookup"), {"q": "000000"}).content.decode()
    assert "没有找到" in html


def test_staff_lookup_rejects_an_overlong_query(db, client):
    response = client.get(reverse("staff-lookup"), {"q": "x" * 100_000})
    assert response.status_code == 200
    assert "查询内容过长" in response.content.decode()


def test_english_is_available_through_the_language_switcher(demo, client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/directory/"})
    assert response.status_code == 302
    html = client.get(reverse("directory")).content.decode()
    assert '<html lang="en">' in html
    assert "Organisation" in html


def test_unknown_page_is_a_chinese_404(db, client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_chinese_by_default_whatever_the_browser_asks(db, client):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="zh-CN">' in html
    assert "六项公开内容" in html


def test_language_link_sets_the_cookie_and_returns(db, client):
    response = client.get("/language/en/", {"next": "/directory/"})
    assert response.status_code == 302 and response["Location"] == "/directory/"
    assert response.cookies["django_language"].value == "en"
    outside = client.get("/language/en/", {"next": "https://evil.example/"})
    assert outside["Location"] == "/"
    unknown = client.get("/language/xx/")
    assert "django_language" not in unknown.cookies
