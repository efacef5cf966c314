"""The oversight engine's content and case checks (seed 五.(四); DESIGN rules 2, 3, 7, 8, 10):
each finding is constructed, seen reported, then its cause is fixed and it is gone."""

from __future__ import annotations

import datetime
import json
from io import StringIO

from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from wagtail.models import Page

import pytest

from guanwu.cases import services as case_services
from guanwu.cases.enums import CaseKind, Status
from guanwu.cases.models import Case, CaseEvent, CaseReply
from guanwu.disclosure.enums import DisclosureMode, FilingDecision
from guanwu.disclosure.models import (
    CommitmentPage,
    DisclosureItemPage,
    LegalApproval,
    NoticePage,
    WithheldFiling,
)
from guanwu.disclosure.services import item_mark_checked, withheld_decide, withheld_file
from guanwu.organization.enums import ContactLineKind
from guanwu.organization.models import ContactLine, Unit
from guanwu.oversight.engine import run_checks
from guanwu.oversight.enums import Severity
from tests.factories import legal_reviewer, make_item, publish

pytestmark = pytest.mark.django_db

NOW = timezone.now


def findings(check: str, today: datetime.date | None = None):
    return run_checks(today or timezone.localdate(), only={check})


def about(check: str, today: datetime.date | None = None) -> dict[str, object]:
    return {f.about: f for f in findings(check, today)}


def backdate(page, **delta) -> None:
    DisclosureItemPage.objects.filter(pk=page.pk).update(
        last_published_at=NOW() - datetime.timedelta(**delta)
    )


# --- the demo district is covered ----------------------------------------------------------------


CONTENT_AND_CASE_CHECKS = {
    "coverage_catalogue",
    "coverage_units",
    "stale_standing",
    "stale_periodic",
    "notice_past_end",
    "unpublished_approvals",
    "site_not_updated",
    "column_not_updated",
    "column_empty",
    "cases_overdue",
    "replies_owed",
    "dissatisfied_no_follow_up",
    "filings_pending",
    "unanswered_3_months",
}


def test_the_demo_reports_exactly_its_content_gaps(demo):
    """docs/oversight.md, "The demo's content gaps": two branches without commitments of their
    own and one withheld filing awaiting the ruling; nothing else (the test database loads no
    demo cases)."""
    found = sorted(
        (f.check, f.about) for f in run_checks(timezone.localdate(), only=CONTENT_AND_CASE_CHECKS)
    )
    page = WithheldFiling.objects.get(decision=FilingDecision.PENDING).page
    filed = timezone.localdate(page.withheld_filings.get().filed_at).isoformat()
    assert found == [
        ("coverage_units", "unit:HH-JC:category:6"),
        ("coverage_units", "unit:HH-ZBQ:category:6"),
        ("filings_pending", f"page:{page.pk}:filing:{filed}"),
    ]


# --- coverage ----------------------------------------------------------------------------------------


def test_a_sub_item_without_live_content_is_reported_until_something_is_published(demo):
    DisclosureItemPage.objects.filter(subitem__code="2.6").update(live=False)
    found = about("coverage_catalogue")
    assert "subitem:2.6" in found
    assert found["subitem:2.6"].severity == Severity.SERIOUS
    assert found["subitem:2.6"].unit.code == "HH"
    assert "2.6" in found["subitem:2.6"].subject
    assert found["subitem:2.6"].link.startswith("/admin/pages/")

    publish(make_item(title="综合保税区监管规定", subitem="2.6"))
    assert "subitem:2.6" not in about("coverage_catalogue")


def test_an_empty_category_is_one_finding_and_an_empty_column(demo):
    DisclosureItemPage.objects.filter(category=6).update(live=False)
    found = about("coverage_catalogue")
    assert list(found) == ["category:6"]
    empty = about("column_empty")
    assert set(empty) == {"column:category:6"}
    assert empty["column:category:6"].severity == Severity.WARNING


def test_more_than_five_empty_columns_is_a_single_veto(demo):
    DisclosureItemPage.objects.update(live=False)
    empty = findings("column_empty")
    assert len(empty) == 6
    assert {f.severity for f in empty} == {Severity.VETO}


def test_a_branch_without_its_own_commitments_is_reported(demo):
    found = about("coverage_units")
    assert "unit:HH-JC:category:6" in found
    assert found["unit:HH-JC:category:6"].unit.code == "HH-JC"
    jc = Unit.objects.get(code="HH-JC")
    publish(
        make_item(
            CommitmentPage,
            category=6,
            subitem=None,
            unit="HH-JC",
            title="机场海关旅检通关承诺",
            promise="旅客通关排队不超过 30 分钟。",
            target="排队时间 30 分钟以内",
            responsible_unit=jc,
        )
    )
    assert "unit:HH-JC:category:6" not in about("coverage_units")


def test_a_branch_without_a_published_duty_line_is_reported(demo):
    assert "unit:HH-XG:category:1" not in about("coverage_units")
    lines = ContactLine.objects.filter(unit__code="HH-XG", kind=ContactLineKind.DUTY)
    lines.update(live=False)
    found = about("coverage_units")["unit:HH-XG:category:1"]
    assert "单位值班电话" in found.detail
    lines.update(live=True)
    assert "unit:HH-XG:category:1" not in about("coverage_units")


# --- freshness ---------------------------------------------------------------------------------------


def test_a_standing_item_past_its_check_date_until_checked(demo_users):
    page = publish(make_item(title="需要检查的规定", review_cycle_months=1))
    backdate(page, days=45)
    found = [f for f in findings("stale_standing") if f.about.startswith(f"page:{page.pk}:")]
    assert len(found) == 1
    assert found[0].severity == Severity.WARNING
    assert found[0].unit.code == "HH-XG-ZHYW"
    assert found[0].link == f"/admin/pages/{page.pk}/edit/"
    item_mark_checked(page=page.specific, user=demo_users["liaison"], note="已核对")
    assert not [f for f in findings("stale_standing") if f.about.startswith(f"page:{page.pk}:")]


def test_a_periodic_item_past_due_until_renewed(demo):
    page = publish(
        make_item(mode=DisclosureMode.PERIODIC, period_months=3, review_cycle_months=None)
    )
    backdate(page, days=100)
    assert any(f.about.startswith(f"page:{page.pk}:period:") for f in findings("stale_periodic"))
    publish(page.specific)
    assert not any(
        f.about.startswith(f"page:{page.pk}:period:") for f in findings("stale_periodic")
    )


def test_an_immediate_notice_past_its_end_still_shown_until_taken_down(demo):
    now = NOW()
    notice = publish(
        make_item(
            NoticePage,
            category=3,
            subitem="3.1",
            notice_kind="working_hours",
            body="<p>调整办公时间。</p>",
            starts_at=now - datetime.timedelta(days=3),
            ends_at=now + datetime.timedelta(days=1),
        )
    )
    DisclosureItemPage.objects.filter(pk=notice.pk).update(
        ends_at=now - datetime.timedelta(hours=2)
    )
    found = about("notice_past_end")
    assert found[f"page:{notice.pk}:past_end"].severity == Severity.SERIOUS
    notice.refresh_from_db()
    notice.unpublish()
    assert f"page:{notice.pk}:past_end" not in about("notice_past_end")


def test_an_approved_change_not_published_within_20_working_days(demo):
    page = make_item(title="审核通过后搁置的修订")
    reviewer = legal_reviewer()
    revision = page.save_revision(user=reviewer)
    approval = LegalApproval.objects.create(revision=revision, approved_by=reviewer)
    LegalApproval.objects.filter(pk=approval.pk).update(
        approved_at=NOW() - datetime.timedelta(days=40)
    )
    found = about("unpublished_approvals")
    assert f"revision:{revision.pk}" in found
    finding = found[f"revision:{revision.pk}"]
    assert finding.severity == Severity.SERIOUS
    assert "第二十六条" in finding.detail
    assert finding.unit.code == "HH-XG-ZHYW"

    # Only 10 working days after the approval: not yet late.
    assert f"revision:{revision.pk}" not in about(
        "unpublished_approvals", timezone.localdate() - datetime.timedelta(days=26)
    )
    revision.publish(user=reviewer, skip_permission_checks=True)
    assert f"revision:{revision.pk}" not in about("unpublished_approvals")


def test_nothing_published_for_two_weeks_is_a_single_veto(demo):
    Page.objects.update(last_published_at=NOW() - datetime.timedelta(days=15))
    found = about("site_not_updated")
    assert found["site:home"].severity == Severity.VETO
    assert "15" in found["site:home"].detail
    publish(make_item(title="本周新公开的内容"))
    assert about("site_not_updated") == {}


def test_notice_and_policy_columns_not_updated_for_six_months(demo):
    old = NOW() - datetime.timedelta(days=200)
    DisclosureItemPage.objects.filter(mode=DisclosureMode.IMMEDIATE).update(last_published_at=old)
    DisclosureItemPage.objects.filter(category=2).update(last_published_at=old)
    found = about("column_not_updated")
    assert set(found) == {"column:notices", "column:policy"}
    publish(make_item(title="新发布的执法依据", subitem="2.1"))
    assert set(about("column_not_updated")) == {"column:notices"}


# --- cases -------------------------------------------------------------------------------------------


@pytest.fixture
def section(demo):
    return Unit.objects.get(code="HH-XG-ZHYW")


def submit(section, *, kind=CaseKind.CONSULTATION, name="", phone="", days_late=3, **dates):
    case = case_services.case_submit_public(
        kind=kind, body="加工贸易手册如何核销？", name=name, phone=phone, units=[section]
    ).case
    today = timezone.localdate()
    Case.objects.filter(pk=case.pk).update(
        deadline=today - datetime.timedelta(days=days_late), **dates
    )
    case.refresh_from_db()
    return case


def test_an_overdue_case_is_reported_for_its_unit_until_answered(section, demo_users):
    case = submit(section)
    found = about("cases_overdue")["unit:HH-XG-ZHYW"]
    assert found.severity == Severity.SERIOUS
    assert case.tracking_code in found.detail
    assert "新港海关综合业务科" in found.subject
    case_services.case_reply(case=case, user=demo_users["chief"], body="已答复：请到窗口办理。")
    assert "unit:HH-XG-ZHYW" not in about("cases_overdue")


def test_a_named_asker_is_owed_a_reply_an_internal_note_is_not_one(section, demo_users):
    named = submit(section, name="王先生", phone="13800000000")
    anonymous = submit(section)
    found = about("replies_owed")["unit:HH-XG-ZHYW"]
    assert named.tracking_code in found.detail
    assert anonymous.tracking_code not in found.detail
    assert "王先生" not in found.subject + found.detail  # rule 8 spirit: codes only

    case_services.case_reply(
        case=named, user=demo_users["chief"], body="内部记录：已联系。", public=False
    )
    assert named.tracking_code in about("replies_owed")["unit:HH-XG-ZHYW"].detail
    case_services.case_reply(case=named, user=demo_users["chief"], body="您好，答复如下。")
    assert "unit:HH-XG-ZHYW" not in about("replies_owed")


def test_a_named_case_closed_without_a_reply_is_flagged(section):
    case = submit(section, name="李女士", status=Status.CLOSED, closed_at=NOW())
    found = about("replies_owed")["unit:HH-XG-ZHYW"]
    assert case.tracking_code in found.detail
    assert "未答复即已办结" in found.detail


def test_a_dissatisfied_rating_without_follow_up(section, demo_users):
    case = submit(section, name="赵先生", days_late=-5)
    case_services.case_reply(case=case, user=demo_users["chief"], body="答复如下。")
    case_services.case_rate(case=case, rating=1, comment="没有解决问题")
    key = f"case:{case.tracking_code}:rating"
    assert about("dissatisfied_no_follow_up")[key].severity == Severity.INFO
    # Replied three weeks ago, rated two weeks ago: no follow-up since.
    CaseReply.objects.filter(case=case).update(sent_at=NOW() - datetime.timedelta(days=21))
    CaseEvent.objects.filter(case=case, action="rated").update(
        at=NOW() - datetime.timedelta(days=14)
    )
    assert about("dissatisfied_no_follow_up")[key].severity == Severity.WARNING
    case_services.case_reply(case=case, user=demo_users["chief"], body="经复核，补充答复如下。")
    assert key not in about("dissatisfied_no_follow_up")


def test_a_satisfied_rating_needs_no_follow_up(section, demo_users):
    case = submit(section, name="钱先生", days_late=-5)
    case_services.case_reply(case=case, user=demo_users["chief"], body="答复如下。")
    case_services.case_rate(case=case, rating=4)
    assert f"case:{case.tracking_code}:rating" not in about("dissatisfied_no_follow_up")


def test_a_withheld_filing_without_decision_until_ruled(demo_users):
    page = make_item(mode=DisclosureMode.WITHHELD, title="暂不公开的核查情况")
    filing = withheld_file(
        page=page, user=demo_users["liaison"], reason="涉及在办案件", reference="备案9号"
    )
    found = [f for f in findings("filings_pending") if f.about.startswith(f"page:{page.pk}:")]
    assert len(found) == 1 and "备案9号" in found[0].detail
    assert found[0].link == "/admin/disclosure/filings/"
    withheld_decide(
        filing=filing,
        user=demo_users["office"],
        decision=FilingDecision.WITHHOLD,
        decided_on=timezone.localdate(),
        document="署办复〔2026〕1号",
    )
    assert WithheldFiling.objects.get(pk=filing.pk).decision == FilingDecision.WITHHOLD
    assert not [f for f in findings("filings_pending") if f.about.startswith(f"page:{page.pk}:")]


def test_a_message_unanswered_for_three_months_is_a_single_veto(section, demo_users):
    today = timezone.localdate()
    case = submit(
        section,
        name="孙先生",
        days_late=80,
        received_on=today - datetime.timedelta(days=100),
    )
    young = submit(section, days_late=40, received_on=today - datetime.timedelta(days=60))
    found = about("unanswered_3_months")
    assert found[f"case:{case.tracking_code}"].severity == Severity.VETO
    assert f"case:{young.tracking_code}" not in found
    case_services.case_reply(case=case, user=demo_users["chief"], body="迟复致歉，答复如下。")
    assert f"case:{case.tracking_code}" not in about("unanswered_3_months")


def test_an_integrity_report_finding_names_only_its_tracking_code(demo):
    """Rule 8: not the reporter's name or contact, nor the text that may carry them."""
    supervision = Unit.objects.get(code="HH-JCS")
    case = case_services.case_submit_public(
        kind=CaseKind.INTEGRITY_REPORT,
        body="举报人周某某反映某关员收受礼品。",
        name="周某某",
        phone="13911112222",
        email="zhou@example.com",
        units=[supervision],
    ).case
    today = timezone.localdate()
    Case.objects.filter(pk=case.pk).update(
        received_on=today - datetime.timedelta(days=120),
        deadline=today - datetime.timedelta(days=60),
    )
    everything = [
        f for f in run_checks(today) if case.tracking_code in f.subject + f.detail + f.about
    ]
    assert {f.check for f in everything} >= {"unanswered_3_months", "cases_overdue", "replies_owed"}
    for finding in everything:
        text = json.dumps(finding.as_dict(), ensure_ascii=False)
        for secret in ("周某某", "13911112222", "zhou@example.com", "收受礼品"):
            assert secret not in text


# --- the command -------------------------------------------------------------------------------------


def test_the_command_prints_json(demo_users):
    page = make_item(mode=DisclosureMode.WITHHELD, title="命令行可见的备案")
    withheld_file(page=page, user=demo_users["liaison"], reason="理由", reference="备案7号")
    out = StringIO()
    call_command("oversight", "--json", "--check", "filings_pending", stdout=out)
    data = json.loads(out.getvalue())
    assert data, "the pending filing is reported"
    assert all(
        set(item) == {"check", "unit", "severity", "subject", "detail", "link"} for item in data
    )
    mine = [item for item in data if "命令行可见的备案" in item["subject"]]
    assert mine == [
        {
            "check": "filings_pending",
            "unit": "HH-XG-ZHYW",
            "severity": "warning",
            "subject": "“命令行可见的备案”的暂不公开备案尚未裁定",
            "detail": mine[0]["detail"],
            "link": "/admin/disclosure/filings/",
        }
    ]
    assert "备案7号" in mine[0]["detail"]


def test_the_command_prints_a_chinese_table_and_takes_a_date(demo):
    out = StringIO()
    later = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
    call_command("oversight", "--date", later, "--check", "site_not_updated", stdout=out)
    text = out.getvalue()
    assert "严重程度" in text and "单项否决" in text and "网站首页超过2周未更新" in text
    with pytest.raises(CommandError):
        call_command("oversight", "--check", "no_such_check", stdout=StringIO())
    with pytest.raises(CommandError):
        call_command("oversight", "--date", "2026-13-01", stdout=StringIO())
