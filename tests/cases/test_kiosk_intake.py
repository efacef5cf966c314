"""Intake on the halls' touch screens (/kiosk/cases/): pick a kind, type, get the code and the
password in large type; stored with channel "kiosk", one case per form shown, never cached."""

from __future__ import annotations

import re

from django.core.cache import cache
from django.urls import reverse

import pytest

from guanwu.cases.enums import Channel
from guanwu.cases.models import Case
from guanwu.portal.kiosk.views import FORM_IDLE_SECONDS, RECEIPT_IDLE_SECONDS
from tests.portal.test_kiosk import assert_closed_kiosk_page

pytestmark = pytest.mark.django_db

KINDS = (
    "consultation",
    "complaint_efficiency",
    "complaint_attitude",
    "integrity_report",
    "mailbox",
    "suggestion",
)


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()


def form_url(kind: str) -> str:
    return reverse("kiosk:case-form", args=[kind])


def form_token(client, kind: str = "consultation") -> str:
    html = client.get(form_url(kind)).content.decode()
    return re.search(r'name="token" value="([0-9a-f]+)"', html).group(1)


def submit(client, kind: str = "consultation", **fields):
    data = {"body": "请问报关大厅周六是否办理业务？", "token": form_token(client, kind), **fields}
    return client.post(form_url(kind), data)


def receipt_of(response) -> tuple[str, str]:
    html = response.content.decode()
    code, password = re.findall(r'<dd class="k-receipt-code">([^<]+)</dd>', html)
    return code, password


def test_home_leads_to_the_kinds_and_every_kind_has_a_form(demo, client):
    home = client.get("/kiosk/").content.decode()
    assert "我要咨询/投诉" in home and 'href="/kiosk/cases/"' in home
    kinds = client.get(reverse("kiosk:cases"))
    assert kinds.status_code == 200
    html = kinds.content.decode()
    assert_closed_kiosk_page(html, "kinds")
    for kind in KINDS:
        assert form_url(kind) in html
        page = client.get(form_url(kind))
        assert page.status_code == 200, kind
        form_html = page.content.decode()
        assert_closed_kiosk_page(form_html, kind)
        assert 'type="file"' not in form_html and 'name="email"' not in form_html
        assert f'data-idle-seconds="{FORM_IDLE_SECONDS}"' in form_html
    unknown = client.get("/kiosk/cases/bogus/")
    assert unknown.status_code == 404 and "没有这类事项" in unknown.content.decode()


def test_integrity_report_form_says_anonymous_and_confidential(demo, client):
    html = client.get(form_url("integrity_report")).content.decode()
    assert "可以匿名举报" in html and "只有监察室可见" in html
    # The same confidentiality help as on the website's form (KIND_HELP).
    assert "举报人信息严格保密" in html


def test_submit_gives_a_receipt_and_records_the_kiosk_channel(demo, client):
    response = submit(client, title="周六办理", name="王先生", phone="13900001111")
    assert response.status_code == 200
    html = response.content.decode()
    assert_closed_kiosk_page(html, "receipt")
    code, password = receipt_of(response)
    case = Case.objects.get(tracking_code=code)
    assert case.channel == Channel.KIOSK
    assert case.kind == "consultation"
    assert (case.title, case.name, case.phone) == ("周六办理", "王先生", "13900001111")
    assert case.idempotency_key.startswith("kiosk:")
    assert "拍下" in html and "记下" in html
    assert f'data-idle-seconds="{RECEIPT_IDLE_SECONDS}"' in html
    assert "no-store" in response["Cache-Control"]
    # The QR code opens the website's tracking page; the password is not in it.
    assert "/cases/track/" in html and password not in re.search(
        r'data-qr-url="([^"]+)"', html
    ).group(1)
    # The code and password work on the website's tracking page.
    status = client.post("/cases/track/", {"tracking_code": code, "password": password})
    assert status.status_code == 200


def test_anonymous_integrity_report_from_the_kiosk(demo, client):
    response = submit(client, "integrity_report", body="某窗口人员索要好处费。")
    code, _password = receipt_of(response)
    case = Case.objects.get(tracking_code=code)
    assert case.channel == Channel.KIOSK and case.level == "supervision"
    assert not case.has_contact


def test_double_tap_gives_one_case(demo, client):
    token = form_token(client, "mailbox")
    data = {"body": "关长您好，建议增加自助打印机。", "token": token}
    first = client.post(form_url("mailbox"), data)
    second = client.post(form_url("mailbox"), data)
    assert receipt_of(first) == receipt_of(second)
    assert Case.objects.filter(idempotency_key=f"kiosk:{token}").count() == 1


def test_bad_input_honeypot_and_rate_limit(demo, client):
    empty = client.post(form_url("consultation"), {"body": "", "token": form_token(client)})
    assert empty.status_code == 400
    html = empty.content.decode()
    assert 'aria-invalid="true"' in html and "请填写具体内容" in html
    trap = submit(client, website="http://spam.example")
    assert trap.status_code == 400 and "提交未被接受" in trap.content.decode()
    assert not Case.objects.filter(channel=Channel.KIOSK).exists()
    codes = [submit(client, body=f"咨询{i}").status_code for i in range(11)]
    assert codes[:10] == [200] * 10 and codes[10] == 429
    assert Case.objects.filter(channel=Channel.KIOSK).count() == 10


def test_the_form_page_is_never_served_from_the_page_cache(demo, client, settings):
    # The page cache is on in production; a form carries this visitor's CSRF token and a
    # one-time token, so two visitors must never get the same copy.
    settings.GUANWU_PAGE_CACHE_SECONDS = 300
    first = client.get(form_url("suggestion"))
    second = client.get(form_url("suggestion"))
    assert "X-Cache" not in first and "X-Cache" not in second
    assert "no-store" in first["Cache-Control"]
    token = re.compile(r'name="token" value="([0-9a-f]+)"')
    assert token.search(first.content.decode()).group(1) != token.search(
        second.content.decode()
    ).group(1)


def test_the_page_cache_refuses_a_page_with_a_csrf_token(rf):
    """Even without the kiosk's no-store header, the cache keeps CSRF pages out."""
    from django.http import HttpResponse
    from django.middleware.csrf import get_token

    from guanwu.portal.cache import _cacheable_response

    request = rf.get("/kiosk/cases/suggestion/")
    assert _cacheable_response(request, HttpResponse("plain"))
    get_token(request)
    assert not _cacheable_response(request, HttpResponse("with a form"))
