"""Issue 8: Chinese error pages with a request id, JSON errors under /api/, input limits."""

from __future__ import annotations

import logging
import re

from django.test import override_settings

import pytest
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from guanwu.api.pagination import StandardPagination
from guanwu.core.request_id import RequestIDFilter
from guanwu.portal.search.query import MAX_QUERY_CHARS

ERROR_URLS = "tests.core.urls_errors"
HEX_ID = re.compile(r"[0-9a-f]{32}")


def request_id_of(response) -> str:
    request_id = response["X-Request-ID"]
    assert request_id
    return request_id


# Request id


def test_a_request_id_is_generated_and_returned(client, demo):
    response = client.get("/")
    assert HEX_ID.fullmatch(request_id_of(response))


def test_a_sane_incoming_request_id_is_echoed(client, demo):
    response = client.get("/", headers={"X-Request-ID": "edge-7f3a-0001"})
    assert response["X-Request-ID"] == "edge-7f3a-0001"


@pytest.mark.parametrize("incoming", ["a" * 65, "<script>", "id with spaces", "id;drop"])
def test_an_insane_incoming_request_id_is_replaced(client, demo, incoming):
    response = client.get("/", headers={"X-Request-ID": incoming})
    assert HEX_ID.fullmatch(response["X-Request-ID"])


@override_settings(ROOT_URLCONF=ERROR_URLS)
def test_views_and_log_records_see_the_request_id(client, db):
    response = client.get("/test-errors/request-id/", headers={"X-Request-ID": "trace-42"})
    assert response.content.decode() == "trace-42"
    # Outside a request the log filter marks the line with "-".
    record = logging.LogRecord("guanwu", logging.INFO, __file__, 1, "hello", None, None)
    assert RequestIDFilter().filter(record)
    assert record.request_id == "-"


# Error pages


def test_missing_page_is_a_chinese_404_with_the_request_id(client, demo):
    response = client.get("/no-such-page-anywhere/")
    assert response.status_code == 404
    text = response.content.decode()
    assert "页面不存在" in text
    assert request_id_of(response) in text
    assert 'action="/search/"' in text


def test_missing_api_endpoint_is_json_404(client, db):
    response = client.get("/api/v1/no-such-endpoint/", headers={"X-Request-ID": "api-404"})
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["request_id"] == "api-404"
    assert body["detail"] == "未找到。"


@override_settings(ROOT_URLCONF=ERROR_URLS)
def test_a_failing_view_gives_the_chinese_500_page(client, db):
    client.raise_request_exception = False
    response = client.get("/test-errors/boom/")
    assert response.status_code == 500
    text = response.content.decode()
    assert "服务暂时不可用" in text
    assert request_id_of(response) in text
    assert "Traceback" not in text and "RuntimeError" not in text


@override_settings(ROOT_URLCONF=ERROR_URLS)
def test_a_failing_api_view_gives_json_500(client, db):
    client.raise_request_exception = False
    response = client.get("/api/test-errors/boom/", headers={"X-Request-ID": "api-500"})
    assert response.status_code == 500
    assert response.json() == {"detail": "服务器内部错误，请稍后重试。", "request_id": "api-500"}


@override_settings(ROOT_URLCONF=ERROR_URLS)
def test_the_500_page_survives_a_broken_template(client, db, monkeypatch):
    from guanwu.core import errors

    def broken(*args, **kwargs):
        raise RuntimeError("template engine down")

    monkeypatch.setattr(errors.loader, "render_to_string", broken)
    client.raise_request_exception = False
    response = client.get("/test-errors/boom/")
    assert response.status_code == 500
    assert request_id_of(response) in response.content.decode()


@override_settings(ROOT_URLCONF=ERROR_URLS)
def test_permission_denied_is_a_chinese_403(client, demo):
    response = client.get("/test-errors/forbidden/")
    assert response.status_code == 403
    text = response.content.decode()
    assert "无权访问" in text
    assert request_id_of(response) in text


@override_settings(ROOT_URLCONF=ERROR_URLS)
def test_suspicious_request_is_a_chinese_400(client, demo):
    response = client.get("/test-errors/suspicious/")
    assert response.status_code == 400
    text = response.content.decode()
    assert "请求有误" in text
    assert request_id_of(response) in text


# Input limits


@override_settings(ROOT_URLCONF=ERROR_URLS)
def test_a_request_body_over_the_limit_is_a_chinese_400(client, demo, settings):
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == 2_621_440
    response = client.post(
        "/test-errors/echo-post/",
        data="note=" + "x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE,
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    assert "请求有误" in response.content.decode()


@override_settings(ROOT_URLCONF=ERROR_URLS)
def test_too_many_fields_is_a_chinese_400(client, demo, settings):
    limit = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
    assert limit <= 10_000
    body = "&".join(f"f{i}=1" for i in range(limit + 1))
    response = client.post(
        "/test-errors/echo-post/", data=body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400
    ok = client.post("/test-errors/echo-post/", data={"a": "1"})
    assert ok.content == b"1"


def test_an_overlong_search_is_a_chinese_400(client, demo):
    response = client.get("/search/", {"q": "关" * (MAX_QUERY_CHARS + 1)})
    assert response.status_code == 400
    assert "查询内容过长" in response.content.decode()


def test_an_overlong_api_search_is_a_chinese_400(client, demo):
    response = client.get("/api/v1/search/", {"q": "关" * (MAX_QUERY_CHARS + 1)})
    assert response.status_code == 400
    assert "查询内容过长" in response.json()["detail"]


def test_api_page_size_is_capped():
    factory = APIRequestFactory()
    paginator = StandardPagination()
    request = Request(factory.get("/api/v1/items/", {"page_size": "100000"}))
    assert paginator.get_page_size(request) == paginator.max_page_size == 200


def test_api_search_page_size_is_capped(client, demo):
    response = client.get("/api/v1/search/", {"q": "海关", "page_size": "100000"})
    assert response.status_code == 200
    assert len(response.json()["results"]) <= 50


def test_api_listing_honours_the_cap(client, demo):
    response = client.get("/api/v1/items/", {"page_size": "100000"})
    assert response.status_code == 200
    assert len(response.json()["results"]) <= 200
