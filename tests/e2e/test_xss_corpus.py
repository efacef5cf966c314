"""The XSS corpus (issue 8): a limited clerk and the public type hostile text into every field
they can edit; an administrator and the public then open it in Chromium. Nothing executes,
nothing breaks, and the text shows as text.

Who enters what:

* the liaison (联络员, roles liaison + case handler) edits a staff record of their unit in the
  Wagtail admin and submits it for review (the real UI), and, through the same revisions and
  workflow in the ORM, their unit's duties, address and office hours, new staff, posts and
  contact lines, and a disclosure item (title, summary, rich text body made by Wagtail's
  own editor converter); the unit head and the legal department approve, so it is public;
* the liaison also writes a public reply and an internal note on a case;
* the public files cases on the website and the kiosk forms (the real UI) and, in bulk,
  through the intake service.

Every payload sets ``window.__xss`` (and many call ``alert``): the browser test fails on a
dialog, on the sentinel, on a page error, on an injected element (an ``on*`` attribute, a
``javascript:`` URL, a script carrying the payload) and on a 5xx.
"""

from __future__ import annotations

import json
import re

from django.contrib.auth import get_user_model

import pytest

from guanwu.cases.enums import CaseKind
from guanwu.cases.models import Case
from guanwu.cases.services import case_reply, case_submit_public
from guanwu.disclosure.models import CategoryPage, GeneralItemPage
from guanwu.disclosure.services import content_publish_with_legal_approval
from guanwu.organization.enums import ContactLineKind
from guanwu.organization.models import ContactLine, Post, Staff
from tests.e2e.test_review_journey import login, workflow_action
from tests.factories import make_item
from tests.security_corpus import LONG, SCRIPTS, STORABLE, UNICODE

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Injected markup, looked for in the live DOM after every page load.
FIND_INJECTED = """
() => {
  const bad = [];
  const dataTypes = ['application/json', 'application/ld+json'];
  for (const el of document.querySelectorAll('*')) {
    if (el.tagName === 'SCRIPT' && !dataTypes.includes(el.type) && el.textContent.includes('__xss')) {
      bad.push('script: ' + el.textContent.slice(0, 80));
    }
    if (el.tagName === 'XSS' || (el.tagName === 'IFRAME' && /javascript:/i.test(el.getAttribute('src') || ''))) {
      bad.push('element: ' + el.outerHTML.slice(0, 80));
    }
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      if (name.startsWith('on') && attr.value.includes('__xss')) {
        bad.push(`${el.tagName} ${name}=${attr.value.slice(0, 60)}`);
      }
      if (['href', 'src', 'action', 'formaction', 'xlink:href'].includes(name)
          && /^\\s*javascript:/i.test(attr.value)) {
        bad.push(`${el.tagName} ${name}=${attr.value.slice(0, 60)}`);
      }
    }
  }
  return bad;
}
"""
# Mouse and focus events on every element: an injected handler would fire now.
POKE = """
() => {
  for (const el of document.querySelectorAll('body *')) {
    for (const type of ['mouseover', 'focus']) {
      el.dispatchEvent(new Event(type, {bubbles: false}));
    }
  }
}
"""


class Sentry:
    """A browser page watched for anything a payload could make happen."""

    def __init__(self, page) -> None:
        self.page = page
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        page.on("dialog", self._dialog)
        page.on("pageerror", lambda error: self.errors.append(str(error)))

    def _dialog(self, dialog) -> None:
        self.dialogs.append(f"{self.page.url}: {dialog.message}")
        dialog.dismiss()

    def open(self, url: str) -> None:
        response = self.page.goto(url)
        assert response is not None and response.status < 500, (url, response and response.status)
        self.check(url)

    def check(self, where: str) -> None:
        self.page.wait_for_load_state("load")
        self.page.evaluate(POKE)
        self.page.wait_for_timeout(50)
        assert self.page.evaluate("typeof window.__xss") == "undefined", where
        injected = self.page.evaluate(FIND_INJECTED)
        assert not injected, (where, injected)
        assert not self.dialogs, self.dialogs
        assert not self.errors, (where, self.errors)

    def text(self) -> str:
        return self.page.evaluate("document.body.textContent")

    def shows(self, values: list[str], where: str) -> None:
        text = self.text()
        missing = [v for v in values if v not in text]
        assert not missing, (where, missing)


def _approve(obj, chief, legal) -> None:
    """The unit head, then the legal department approve the pending workflow (publishes)."""
    for user in (chief, legal):
        obj.refresh_from_db()
        state = obj.current_workflow_task_state
        state.task.specific.on_action(state, user, "approve")
    obj.refresh_from_db()
    assert obj.live


def _as_liaison(obj, liaison, legal):
    """The liaison's draft (a revision under their name), approved and published by legal."""
    obj.save_revision(user=liaison)
    content_publish_with_legal_approval(obj=obj, reviewer=legal, comment="XSS 语料测试")
    obj.refresh_from_db()
    return obj


def _rich_text(lines: list[str]) -> str:
    """What Draftail stores for these paragraphs, one with a javascript: link on its text."""
    from wagtail.admin.rich_text import get_rich_text_editor_widget

    blocks = [
        {
            "key": f"b{i}",
            "type": "unstyled",
            "text": line,
            "depth": 0,
            "inlineStyleRanges": [],
            "entityRanges": [{"offset": 0, "length": 2, "key": 0}] if i == 0 else [],
        }
        for i, line in enumerate(lines)
    ]
    contentstate = {
        "blocks": blocks,
        "entityMap": {
            "0": {
                "type": "LINK",
                "mutability": "MUTABLE",
                "data": {"url": "javascript:window.__xss=1"},
            }
        },
    }
    converter = get_rich_text_editor_widget().converter
    return converter.to_database_format(json.dumps(contentstate))


def test_hostile_text_from_a_clerk_and_the_public_never_runs(live_server, browser, demo, settings):
    base = live_server.url
    password = settings.GUANWU_DEMO_PASSWORD
    users = get_user_model().objects.in_bulk(["liaison", "chief", "legal"], field_name="username")
    liaison, chief, legal = users["liaison"], users["chief"], users["legal"]
    unit = liaison.staff.unit
    values = [p.value for p in STORABLE]
    visible = [p.value for p in STORABLE if p.visible]
    scripts = [p.value for p in SCRIPTS]

    # 1. The liaison edits a colleague's record in the admin and submits it for review.
    colleague = Staff.objects.filter(unit=unit).exclude(pk=liaison.staff.pk).first()
    context, page = login(browser, live_server, "liaison", password)
    clerk = Sentry(page)
    clerk.open(f"{base}/admin/snippets/organization/staff/edit/{colleague.pk}/")
    page.fill("#id_name", '"><img src=x onerror=window.__xss=1>')
    page.fill("#id_title", "<svg onload=window.__xss=1>")
    workflow_action(page, "提交给关务公开审核流程")
    page.wait_for_load_state()
    clerk.check("staff submitted")
    context.close()
    _approve(colleague, chief, legal)
    assert colleague.name == '"><img src=x onerror=window.__xss=1>'

    # 2. The rest of the liaison's unit, through revisions and legal approval.
    unit.duties = "\n".join([*values, LONG.value])
    unit.address = scripts[1][:200]
    unit.office_hours = "\u202e" + scripts[0]
    unit.name = f"{unit.name}{scripts[6]}"[:100]
    _as_liaison(unit, liaison, legal)
    short = [p for p in STORABLE if len(p.value) <= 50]
    for number, payload in enumerate(short):
        staff = Staff.objects.create(
            unit=unit,
            work_number=f"99{number:04d}",
            name=payload.value,
            title=short[-1 - number].value,
            live=False,
        )
        _as_liaison(staff, liaison, legal)
        post = Post.objects.create(
            unit=unit,
            sign_code=f"X{number:02d}",
            name=payload.value,
            services=payload.value,
            live=False,
        )
        _as_liaison(post, liaison, legal)
    for number, payload in enumerate(SCRIPTS[:4]):
        line = ContactLine.objects.create(
            unit=unit,
            kind=ContactLineKind.CONSULTATION,
            number=f"022-9999 {number:04d}",
            hours=payload.value[:100],
            note=payload.value,
            live=False,
        )
        _as_liaison(line, liaison, legal)

    # 3. A disclosure item the liaison drafts; the head and legal approve it in the workflow.
    item = make_item(
        GeneralItemPage,
        category=2,
        subitem="2.1",
        unit=unit.code,
        title="XSS语料" + scripts[0],
        summary="\n".join(scripts[:10]),
        body=_rich_text([*values, "{{ 7*7 }} 结束"]),
    )
    item.save_revision(user=liaison)
    item.get_workflow().start(item, liaison)
    _approve(item, chief, legal)
    # ... and a second one left as a draft in review (the admin's edit and preview only).
    draft = make_item(
        GeneralItemPage, unit=unit.code, title=scripts[3], summary=scripts[2], body="<p>草稿</p>"
    )
    draft.save_revision(user=liaison)

    # 4. The public files cases: website and kiosk forms in the browser, the rest in bulk.
    page = browser.new_page()
    public = Sentry(page)
    public.open(f"{base}/cases/new/consultation/")
    page.fill("#id_title", scripts[1])
    page.fill("#id_body", "\n".join(values))
    page.fill("#id_name", scripts[4][:100])
    page.get_by_role("button", name="提交").click()
    web_code = page.locator("dd.code").nth(0).inner_text()
    web_password = page.locator("dd.code").nth(1).inner_text()
    public.check("web receipt")
    public.open(f"{base}/kiosk/cases/suggestion/")
    page.fill("#id_title", scripts[2])
    page.fill("#id_body", "\n".join(scripts))
    page.fill("#id_name", scripts[5])
    page.locator("button.k-submit").click()
    page.wait_for_load_state()
    public.check("kiosk receipt")
    assert page.locator("h1").inner_text() == "已受理"
    web_case = Case.objects.get(tracking_code=web_code)
    assert web_case.title == scripts[1] and web_case.name == scripts[4][:100]
    bulk = [
        case_submit_public(
            kind=CaseKind.CONSULTATION,
            title=payload.value[:200],
            body=payload.value,
            name=payload.value[:100],
            units=[unit],
        ).case
        for payload in STORABLE
    ]
    # The liaison (case handler) answers the web case and keeps a note.
    case_reply(case=web_case, user=liaison, body="\n".join([*values, LONG.value]))
    case_reply(case=web_case, user=liaison, body="内部备注：" + "".join(scripts), public=False)

    # 5. The public opens every page where the values show.
    public.open(f"{base}/directory/")
    public.shows([unit.name], "directory")
    public.open(f"{base}/directory/{unit.code}/")
    public.shows(
        [
            *visible,
            colleague.name,
            colleague.title,
            *[p.value for p in short if p.visible],
            unit.address,
            *[p.value for p in SCRIPTS[:4]],
        ],
        "unit page",
    )
    public.open(f"{base}/directory/staff/?q=99")
    public.shows([p.value for p in short if p.visible], "staff lookup")
    public.open(base + item.url)
    public.shows([item.title, *visible, "{{ 7*7 }} 结束"], "item page")
    assert page.locator(".rich-text a").first.get_attribute("href") is None
    public.open(base + CategoryPage.objects.get(number=2).url + "?subitem=2.1")
    public.open(f"{base}/search/?q=XSS语料")
    public.shows([item.title], "search results")
    public.open(f"{base}/kiosk/item/{item.pk}/")
    public.shows([item.title], "kiosk item")
    public.open(f"{base}/kiosk/search/?q=XSS语料")
    public.open(f"{base}/kiosk/category/2/")
    for path in ["/notices/", "/feeds/items/", "/api/v1/units/", f"/api/v1/items/{item.pk}/"]:
        response = page.request.get(base + path)
        assert response.status == 200, path
    assert draft.title not in page.request.get(f"{base}/search/?q=svg").text()
    public.open(f"{base}/cases/track/")
    page.fill("#id_tracking_code", web_code)
    page.fill("#id_password", web_password)
    page.get_by_role("button", name="查询").click()
    public.check("tracking")
    public.shows(visible, "tracking")
    assert "内部备注" not in public.text()  # the internal note stays internal

    # 6. The superuser opens the directory and the pages in the admin; the supervision office
    # (which sees every case, reporters included: cases are not the superuser's) the cases.
    context, page = login(browser, live_server, "admin", password)
    admin = Sentry(page)
    for path in [
        "/admin/",
        f"/admin/snippets/organization/staff/?unit={unit.pk}",
        f"/admin/snippets/organization/staff/edit/{colleague.pk}/",
        f"/admin/snippets/organization/staff/history/{colleague.pk}/",
        f"/admin/snippets/organization/unit/edit/{unit.pk}/",
        "/admin/snippets/organization/unit/",
        f"/admin/snippets/organization/post/?unit={unit.pk}",
        "/admin/snippets/organization/contactline/",
        f"/admin/pages/{item.get_parent().pk}/",
        f"/admin/pages/{item.pk}/edit/",
        f"/admin/pages/{item.pk}/history/",
        f"/admin/pages/{draft.pk}/edit/",
        f"/admin/pages/{draft.pk}/view_draft/",
        "/admin/pages/search/?q=XSS",
        "/admin/disclosure/reminders/",
    ]:
        admin.open(base + path)
        if path.endswith(f"/staff/?unit={unit.pk}"):
            admin.shows([colleague.name, *[p.value for p in short if p.visible]], path)
        if path == f"/admin/pages/{draft.pk}/view_draft/":
            admin.shows([draft.title, draft.summary], path)
    context.close()
    context, page = login(browser, live_server, "supervision", password)
    office = Sentry(page)
    for path in [
        "/admin/",
        "/admin/cases/",
        f"/admin/cases/{web_case.pk}/",
        *[f"/admin/cases/{case.pk}/" for case in bulk[: len(SCRIPTS)]],
    ]:
        office.open(base + path)
        if path == f"/admin/cases/{web_case.pk}/":
            office.shows([*visible, web_case.title, web_case.name, "内部备注"], path)
    context.close()


def test_corpus_covers_the_issue_list():
    """The payload list keeps what issue 8 names (a guard against trimming it)."""
    text = "\n".join(p.value for p in [*STORABLE, *UNICODE, LONG])
    for needle in [
        "<script>",
        "javascript:",
        "onerror=",
        "<svg",
        "onmouseover",
        "<iframe",
        "{{7*7}}",
    ]:
        assert needle in text, needle
    assert "\u202e" in text and "\u200b" in text
    assert re.search(r"[\x01-\x08]", text)
    assert len(LONG.value) > 4000
