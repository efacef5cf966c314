"""/api/v1/categories/, /items/, /items/{id}/ and /notices/ as DESIGN.md fixes them."""

from __future__ import annotations

import pytest

from guanwu.disclosure.enums import DisclosureMode
from guanwu.disclosure.models import DisclosureItemPage, LicensingGuidePage, SubItem

pytestmark = pytest.mark.django_db


def test_categories(demo, client):
    body = client.get("/api/v1/categories/").json()
    assert body["count"] == 6
    numbers = [c["number"] for c in body["results"]]
    assert numbers == [1, 2, 3, 4, 5, 6]
    by_number = {c["number"]: c for c in body["results"]}
    assert [s["code"] for s in by_number[2]["subitems"]] == [f"2.{n}" for n in range(1, 10)]
    assert by_number[1]["subitems"] == [] and by_number[6]["subitems"] == []
    assert len(by_number[4]["subitems"]) == 6
    for number, category in by_number.items():
        live = DisclosureItemPage.objects.live().filter(category=number).exclude(mode="withheld")
        assert category["item_count"] == live.count()


def test_items_list_shape_and_filters(demo, client):
    body = client.get("/api/v1/items/", {"page_size": 200}).json()
    assert set(body) == {"count", "next", "previous", "results"}
    item = body["results"][0]
    for key in (
        "id",
        "title",
        "category",
        "subitem",
        "unit",
        "mode",
        "url",
        "published_at",
        "checked_at",
    ):
        assert key in item
    assert body["count"] == DisclosureItemPage.objects.live().exclude(mode="withheld").count()
    by_subitem = client.get("/api/v1/items/", {"subitem": "4.4", "page_size": 200}).json()
    assert by_subitem["count"] >= 8
    assert {i["subitem"] for i in by_subitem["results"]} == {"4.4"}
    by_category = client.get("/api/v1/items/", {"category": 5, "page_size": 200}).json()
    assert {i["category"] for i in by_category["results"]} == {5}
    unit = by_subitem["results"][0]["unit"]
    by_unit = client.get("/api/v1/items/", {"unit": unit, "page_size": 200}).json()
    assert by_unit["count"] >= 1 and {i["unit"] for i in by_unit["results"]} == {unit}


def test_bad_filters_are_a_chinese_400(demo, client):
    response = client.get("/api/v1/items/", {"category": 9})
    assert response.status_code == 400
    assert "detail" in response.json()


def test_item_detail_has_the_type_fields(demo, client):
    guide = LicensingGuidePage.objects.live().first()
    body = client.get(f"/api/v1/items/{guide.pk}/").json()
    assert body["type"] == "licensing"
    fields = body["details"]
    assert fields["licence_name"] == guide.licence_name
    assert len(fields["documents"]) == len(guide.documents)
    assert {"name", "copies", "original"} <= set(fields["documents"][0])
    assert fields["statutory_limit_days"] == guide.statutory_limit_days
    assert fields["windows"] and "sign_code" in fields["windows"][0]


def test_notices_active_are_the_ones_in_force(demo, client):
    body = client.get("/api/v1/notices/", {"active": "true"}).json()
    assert body["count"] >= 1
    for notice in body["results"]:
        assert notice["mode"] == DisclosureMode.IMMEDIATE
    all_notices = client.get("/api/v1/notices/").json()
    assert all_notices["count"] >= body["count"]
    assert client.get("/api/v1/notices/", {"active": "maybe"}).status_code == 400


def test_notices_in_force_come_first_in_item_lists(demo, client):
    active_ids = [
        n["id"] for n in client.get("/api/v1/notices/", {"active": "true"}).json()["results"]
    ]
    first = client.get("/api/v1/items/", {"page_size": len(active_ids)}).json()["results"]
    assert {i["id"] for i in first} == set(active_ids)


def test_subitem_catalogue_is_the_seed(db):
    assert SubItem.objects.count() == 21
    assert SubItem.objects.get(code="4.4").name.startswith("海关行政许可的项目名称")
