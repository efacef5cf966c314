"""GET /api/v1/units/ as DESIGN.md fixes it, and the OpenAPI schema and docs."""

from __future__ import annotations

import pytest

from guanwu.organization.models import Staff, Unit

pytestmark = pytest.mark.django_db


def test_units_list_shape(demo, client):
    response = client.get("/api/v1/units/", {"page_size": 200})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == Unit.objects.count()
    unit = body["results"][0]
    for key in ("code", "name", "kind", "parent", "duties", "posts", "contact_lines", "staff"):
        assert key in unit
    kinds = {u["kind"] for u in body["results"]}
    assert kinds == {"district", "division", "section"}
    by_code = {u["code"]: u for u in body["results"]}
    for u in body["results"]:
        if u["kind"] == "district":
            assert u["parent"] is None
        else:
            assert by_code[u["parent"]]["kind"] == (
                "district" if u["kind"] == "division" else "division"
            )


def test_unit_nested_fields(demo, client):
    staff = Staff.objects.filter(posts__isnull=False).select_related("unit").first()
    body = client.get("/api/v1/units/", {"page_size": 200}).json()
    unit = next(u for u in body["results"] if u["code"] == staff.unit.code)
    person = next(p for p in unit["staff"] if p["work_number"] == staff.work_number)
    assert person["name"] == staff.name
    assert person["post"] == staff.posts.first().name
    assert {p["sign_code"] for p in unit["posts"]} >= {staff.posts.first().sign_code}
    branch = next(u for u in body["results"] if u["code"] == staff.unit.parent.code)
    assert all(set(line) >= {"kind", "number", "hours"} for line in branch["contact_lines"])
    assert branch["contact_lines"]


def test_units_filters_and_detail(demo, client):
    sections = client.get("/api/v1/units/", {"kind": "section", "page_size": 200}).json()
    assert sections["count"] == Unit.objects.filter(kind="section").count()
    unit = Unit.objects.filter(kind="division").first()
    detail = client.get(f"/api/v1/units/{unit.code}/")
    assert detail.status_code == 200
    assert detail.json()["code"] == unit.code
    children = client.get("/api/v1/units/", {"parent": unit.code}).json()
    assert children["count"] == unit.children.count()


def test_units_list_query_count_is_fixed(demo, client, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        client.get("/api/v1/units/", {"page_size": 200})


def test_api_errors_are_json_in_chinese(db, client):
    response = client.get("/api/v1/units/NOPE/")
    assert response.status_code == 404
    assert response.json()["detail"] == "未找到。" and response.json()["request_id"]
    bad = client.get("/api/v1/units/", {"kind": "planet"})
    assert bad.status_code == 400
    assert "detail" in bad.json()


def test_api_is_read_only_for_the_public(db, client):
    response = client.post("/api/v1/units/", {"code": "X"})
    assert response.status_code in (401, 403, 405)


def test_openapi_schema_and_docs(db, client):
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    text = schema.content.decode()
    assert "/api/v1/units/" in text
    docs = client.get("/api/v1/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "swagger" in html.lower()
    # Assets are served from the project (drf-spectacular-sidecar), never from a CDN.
    import re

    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets and all(url.startswith("/") for url in assets), assets
