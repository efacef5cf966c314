"""DESIGN rule 1 / seed 六.四: nothing unreviewed goes public, by any path, superusers included."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.utils import timezone

from wagtail.models import Page, Revision

import pytest

from guanwu.disclosure.guard import LegalReviewRequired
from guanwu.disclosure.models import DisclosureItemPage, LegalApproval
from tests.factories import make_item, publish

pytestmark = pytest.mark.django_db


def is_public(client, page) -> bool:
    return client.get(page.url or f"/home/legal-basis/{page.slug}/").status_code == 200


def test_rule_1_revision_publish_from_a_shell_is_refused_for_a_superuser(demo_users):
    page = make_item(title="未经审核的草稿")
    revision = page.save_revision(user=demo_users["admin"])
    with pytest.raises(LegalReviewRequired):
        revision.publish(user=demo_users["admin"])
    page.refresh_from_db()
    assert not page.live


def test_rule_1_save_revision_publish_chain_is_refused(demo_users):
    page = make_item()
    with pytest.raises(LegalReviewRequired):
        page.save_revision(user=demo_users["admin"]).publish(skip_permission_checks=True)
    assert not DisclosureItemPage.objects.get(pk=page.pk).live


def test_rule_1_setting_live_directly_is_refused(demo_users):
    page = make_item()
    page.live = True
    with pytest.raises(LegalReviewRequired):
        page.save()


def test_rule_1_editing_the_live_row_directly_is_refused(demo_users):
    page = publish(make_item(title="已审核的版本"), reviewer=demo_users["legal"]).specific
    page.title = "偷偷改掉的标题"
    with pytest.raises(LegalReviewRequired):
        page.save()
    assert DisclosureItemPage.objects.get(pk=page.pk).title == "已审核的版本"


def test_rule_1_a_legally_approved_revision_goes_live(client, demo_users):
    page = make_item(title="依法审核后公开的内容")
    publish(page, reviewer=demo_users["legal"])
    page.refresh_from_db()
    assert page.live
    assert LegalApproval.objects.filter(revision=page.live_revision).exists()
    assert client.get(page.url).status_code == 200


def test_rule_1_approval_by_a_non_legal_user_is_refused(demo_users):
    page = make_item()
    with pytest.raises(PermissionDenied):
        publish(page, reviewer=demo_users["admin"])
    page.refresh_from_db()
    assert not page.live


def test_rule_1_scheduling_an_unapproved_revision_is_refused(demo_users):
    page = make_item()
    page.go_live_at = timezone.now() + datetime.timedelta(hours=1)
    revision = page.save_revision(user=demo_users["admin"])
    with pytest.raises(LegalReviewRequired):
        revision.publish(user=demo_users["admin"])
    revision.refresh_from_db()
    assert revision.approved_go_live_at is None


def test_rule_1_publish_scheduled_command_skips_unapproved_revisions(demo_users):
    page = make_item(title="定时发布但未审核")
    revision = page.save_revision(user=demo_users["admin"])
    # Written behind the model's back, as a broken script or a restored backup might.
    Revision.objects.filter(pk=revision.pk).update(
        approved_go_live_at=timezone.now() - datetime.timedelta(minutes=5)
    )
    approved = make_item(title="定时发布且已审核")
    approved.go_live_at = timezone.now() + datetime.timedelta(minutes=1)
    approved_revision = approved.save_revision(user=demo_users["legal"])
    LegalApproval.objects.create(revision=approved_revision, approved_by=demo_users["legal"])
    approved_revision.publish(user=demo_users["legal"], skip_permission_checks=True)
    # Time passes: the scheduled moment is now behind us.
    past = timezone.now() - datetime.timedelta(minutes=1)
    content = dict(approved_revision.content, go_live_at=past.isoformat())
    Revision.objects.filter(pk=approved_revision.pk).update(
        content=content, approved_go_live_at=past
    )

    call_command("publish_scheduled", verbosity=0)

    assert not DisclosureItemPage.objects.get(pk=page.pk).live
    assert DisclosureItemPage.objects.get(pk=approved.pk).live
    revision.refresh_from_db()
    assert revision.approved_go_live_at is None


def test_rule_1_admin_publish_button_is_refused_for_a_superuser(client, demo_users):
    page = make_item(title="超级管理员试图直接发布")
    client.force_login(demo_users["admin"])
    edit_url = f"/admin/pages/{page.pk}/edit/"
    form = client.get(edit_url)
    assert form.status_code == 200
    assert "action-publish" not in form.content.decode()
    response = client.post(
        edit_url,
        {
            "title": "超级管理员试图直接发布",
            "slug": page.slug,
            "body": '{"blocks":[{"key":"a","type":"unstyled","depth":0,"text":"正文","inlineStyleRanges":[],"entityRanges":[]}],"entityMap":{}}',
            "owning_unit": page.owning_unit_id,
            "liaison": page.liaison_id,
            "subitem": page.subitem_id,
            "mode": "standing",
            "review_cycle_months": 12,
            "attachments-TOTAL_FORMS": 0,
            "attachments-INITIAL_FORMS": 0,
            "attachments-MIN_NUM_FORMS": 0,
            "attachments-MAX_NUM_FORMS": 1000,
            "comments-TOTAL_FORMS": 0,
            "comments-INITIAL_FORMS": 0,
            "comments-MIN_NUM_FORMS": 0,
            "comments-MAX_NUM_FORMS": 1000,
            "action-publish": "action-publish",
        },
    )
    assert response.status_code in (200, 302, 403)
    assert not DisclosureItemPage.objects.get(pk=page.pk).live


def test_rule_1_bulk_publish_is_refused_for_a_superuser(client, demo_users):
    first, second = make_item(title="批量一"), make_item(title="批量二")
    client.force_login(demo_users["admin"])
    parent = Page.objects.get(pk=first.get_parent().pk)
    url = (
        f"/admin/bulk/wagtailcore/page/publish/?next=/admin/pages/{parent.pk}/"
        f"&id={first.pk}&id={second.pk}"
    )
    client.post(url, {"include_descendants": False})
    assert not DisclosureItemPage.objects.filter(pk__in=[first.pk, second.pk], live=True).exists()


def test_rule_1_editing_a_live_item_keeps_the_public_on_the_approved_revision(client, demo_users):
    page = publish(make_item(title="原批准标题", summary="原摘要"), reviewer=demo_users["legal"])
    page = page.specific
    draft = page.get_latest_revision_as_object()
    draft.title = "待审核的新标题"
    draft.save_revision(user=demo_users["liaison"])
    page.refresh_from_db()
    assert page.title == "原批准标题"
    assert page.has_unpublished_changes
    html = client.get(page.url).content.decode()
    assert "原批准标题" in html and "待审核的新标题" not in html
    api = client.get(f"/api/v1/items/{page.pk}/").json()
    assert api["title"] == "原批准标题"


def test_unreviewed_items_never_reach_the_api(client, demo_users):
    draft = make_item(title="只在草稿里的事项")
    listing = client.get("/api/v1/items/", {"page_size": 200, "category": 2}).json()
    assert draft.pk not in {item["id"] for item in listing["results"]}
    assert client.get(f"/api/v1/items/{draft.pk}/").status_code == 404
