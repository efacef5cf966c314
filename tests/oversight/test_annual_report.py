"""The annual report on government information disclosure (国办公开办函〔2021〕30号): tables that
sum, cells filled from the demo data, the office's entries validated and saved, HTML and PDF,
the due date, permissions."""

from __future__ import annotations

import copy
import datetime
import io
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

import pytest
from pypdf import PdfReader

from guanwu.disclosure.models import LegalBasisPage
from guanwu.oversight import annual_report as ar
from guanwu.oversight.models import AnnualReport
from tests.factories import make_item, publish

pytestmark = pytest.mark.django_db


def _year() -> int:
    return timezone.localdate().year


def balanced_entries() -> dict:
    """A plausible year: 37 new and 3 carried in = 34 handled and 6 carried over."""
    entries = ar.empty_entries()
    entries["texts"]["overview"] = "全年主动公开各类信息。\n依申请公开按时办结。"
    entries["texts"]["problems"] = "部分内容更新不及时。"
    entries["proactive"].update(licensing=1286, penalty=342, coercion=57, fee_amount="1.2345")
    r = entries["requests"]
    r["new"].update(natural=23, business=11, legal_service=2, other=1)
    r["carried_in"].update(natural=2, business=1)
    r["disclosed"].update(natural=9, business=5)
    r["partial"].update(natural=3, business=2, legal_service=1)
    r["withheld_third_party"].update(natural=1, business=1)
    r["withheld_case_file"].update(natural=1)
    r["unavailable_not_held"].update(natural=5, business=2, other=1)
    r["not_handled_petition"].update(natural=2)
    r["other_no_correction"].update(natural=1)
    r["carried_out"].update(natural=3, business=2, legal_service=1)
    entries["review"]["reconsideration"].update(upheld=2, corrected=1)
    entries["review"]["litigation_direct"].update(upheld=1, pending=1)
    entries["processing_fees"].update(notices=1, notified="100.00", collected="100.00")
    return entries


def _row(rows, key):
    return next(row for row in rows if row.key == key)


# --- the tables ----------------------------------------------------------------------------------------


def test_the_request_table_has_the_templates_rows_and_computed_totals():
    rows = ar.request_table(ar.normalised_entries(balanced_entries()))
    # 一, 二, 三's 20 outcome rows, （七）总计, 四 — the rows of the official template.
    assert [row.key for row in rows][:4] == ["new", "carried_in", "disclosed", "partial"]
    assert len(ar.outcome_rows()) == 2 + 8 + 3 + 5 + 3
    assert len(rows) == 2 + 21 + 1 + 1
    assert rows[-2].key == "outcome_total" and rows[-1].key == "carried_out"
    # 总计 is the last column, the sum of the six kinds of applicant.
    assert _row(rows, "new").values == [23, 11, 0, 0, 2, 1, 37]
    assert _row(rows, "outcome_total").values == [22, 10, 0, 0, 1, 1, 34]
    assert _row(rows, "carried_out").values[-1] == 6
    # The merged heading cells span what the official template spans.
    heading = _row(rows, "disclosed").heads[0]
    assert str(heading.text) == "三、本年度办理结果" and heading.rowspan == 22
    assert _row(rows, "withheld_state_secret").heads[0].rowspan == 8
    assert _row(rows, "unavailable_not_held").heads[0].rowspan == 3
    assert _row(rows, "not_handled_petition").heads[0].rowspan == 5
    assert _row(rows, "other_no_correction").heads[0].rowspan == 3


def test_the_tables_sum_to_their_totals():
    entries = ar.normalised_entries(balanced_entries())
    rows, review = ar.request_table(entries), ar.review_table(entries)
    assert ar.table_errors(rows, review) == []
    outcome_keys = [line.key for line in ar.outcome_rows()]
    for index in range(len(ar.REQUEST_COLUMNS) + 1):
        assert _row(rows, "outcome_total").values[index] == sum(
            _row(rows, key).values[index] for key in outcome_keys
        )
        # The template's cross-check: 第一项加第二项之和，等于第三项加第四项之和.
        assert (
            _row(rows, "new").values[index] + _row(rows, "carried_in").values[index]
            == _row(rows, "outcome_total").values[index] + _row(rows, "carried_out").values[index]
        )
    for row in rows:
        assert sum(row.values[:-1]) == row.values[-1]
    assert [g.values for g in review] == [[2, 1, 0, 0, 3], [1, 0, 0, 1, 2], [0, 0, 0, 0, 0]]


def test_a_total_that_does_not_match_its_rows_is_reported():
    entries = ar.normalised_entries(balanced_entries())
    rows, review = ar.request_table(entries), ar.review_table(entries)
    tampered = copy.deepcopy(rows)
    _row(tampered, "outcome_total").values[0] += 1
    errors = ar.table_errors(tampered, review)
    assert any("（七）总计不符" in e for e in errors)
    assert any("各列之和与总计不符" in e for e in errors)
    review[0].values[-1] = 99
    assert any("表四“行政复议”各项之和与总计不符" in e for e in ar.table_errors(rows, review))


def test_entries_that_break_the_cross_check_are_refused():
    entries = balanced_entries()
    entries["requests"]["new"]["natural"] = 24
    with pytest.raises(ValidationError) as caught:
        ar.validate_entries(2020, entries)
    assert caught.value.messages == [
        "表三“自然人”一列：本年新收（24）加上年结转（2）应等于办理结果总计（22）加结转下年度（3）。",
        "表三“总计”一列：本年新收（38）加上年结转（3）应等于办理结果总计（34）加结转下年度（6）。",
    ]


def test_stored_entries_are_normalised_whatever_they_hold():
    entries = ar.normalised_entries(
        {"requests": {"new": {"natural": "-3", "business": "x"}, "bogus": {}}, "texts": None}
    )
    assert entries["requests"]["new"]["natural"] == 0
    assert entries["requests"]["new"]["business"] == 0
    assert "bogus" not in entries["requests"]
    assert entries["texts"]["overview"] == ""


def test_last_years_carry_over_must_be_this_years_carried_in(demo_users):
    office = demo_users["office"]
    last_year = balanced_entries()
    ar.annual_report_save_entries(year=2024, entries=last_year, user=office)
    this_year = balanced_entries()  # carried in: natural 2, business 1; 2024 carried out 3, 2, 1
    with pytest.raises(ValidationError) as caught:
        ar.validate_entries(2025, this_year)
    assert any("与2024年度报告的结转下年度继续办理（3）不一致" in m for m in caught.value.messages)
    this_year["requests"]["carried_in"].update(natural=3, business=2, legal_service=1)
    this_year["requests"]["new"].update(natural=22, business=10, legal_service=1)
    ar.validate_entries(2025, this_year)


# --- cells from the data ---------------------------------------------------------------------------------


def test_rules_and_normative_documents_are_counted_from_the_live_legal_basis(demo):
    # The demo column, counted by hand: 18 items issued by 海关总署 (ministerial orders, some
    # without a number), one of them (令第221号) repealed when 令第253号 took effect on
    # 2022-01-01; 253 and 251 were issued in 2021. Laws (主席令) and regulations (国务院令) are
    # not in the table; there is no announcement (公告).
    rules, normative = ar.document_rows(_year())
    assert (rules.in_force, normative.in_force) == (17, 0)
    assert (rules.issued, rules.repealed, normative.issued, normative.repealed) == (0, 0, 0, 0)
    assert ar.document_rows(2021)[0].issued == 2
    assert ar.document_rows(2022)[0].repealed == 1
    assert ar.document_rows(2024)[0].repealed == 0  # 国务院令第392号 is a regulation


def test_a_published_announcement_is_a_normative_document_issued_this_year(demo):
    page = make_item(
        LegalBasisPage,
        subitem="2.1",
        title="关于公布通关作业规范的公告",
        document_number="海河海关公告2026年第1号",
        issuing_authority="海河海关",
        issued_on=timezone.localdate(),
    )
    rules_before, normative_before = ar.document_rows(_year())
    assert normative_before.issued == 0  # a draft does not count
    publish(page)
    rules, normative = ar.document_rows(_year())
    assert (normative.issued, normative.in_force) == (1, 1)
    assert rules.in_force == rules_before.in_force


def test_the_data_facts_match_the_demo(demo):
    facts = ar.data_facts(_year())
    # Hand-counted in guanwu/demo/content.py: 9 licensing guides; 5 fees, 3 of them free;
    # one withheld item filed with the superior authority, not yet decided.
    assert facts.licensing_guides == 9
    assert (facts.fee_items, facts.fee_items_free) == (5, 3)
    assert (facts.withheld_filed, facts.withheld_pending, facts.withheld_decided) == (1, 1, {})
    assert facts.published == sum(count for _numeral, count in facts.published_by_category)
    sentences = "".join(facts.sentences())
    assert "公开行政许可办事指南 9 项，收费项目 5 项（其中不收费 3 项）" in sentences
    assert "报上级主管机关备案 1 件" in sentences


def test_the_report_puts_the_data_and_the_entries_together(demo_users):
    year = _year()
    ar.annual_report_save_entries(year=year, entries=balanced_entries(), user=demo_users["office"])
    report = ar.build_report(year)
    assert report.title == f"海河海关{year}年政府信息公开工作年度报告"
    assert report.documents[0].in_force == 17
    assert [(str(label), n) for label, n in report.decisions] == [
        ("行政许可", 1286),
        ("行政处罚", 342),
        ("行政强制", 57),
    ]
    assert report.fee_amount == Decimal("1.2345")
    assert report.overview == ["全年主动公开各类信息。", "依申请公开按时办结。"]


# --- the due date -------------------------------------------------------------------------------------------


def test_the_report_is_due_on_31_january():
    assert ar.due_date(2026) == datetime.date(2027, 1, 31)
    state = ar.due_state(2026, finalised=False, today=datetime.date(2026, 11, 27))
    assert (state.level, state.days_left) == ("ok", 65)
    assert ar.due_state(2026, finalised=False, today=datetime.date(2027, 1, 10)).level == "soon"
    assert ar.due_state(2026, finalised=False, today=datetime.date(2027, 2, 1)).level == "overdue"
    assert ar.due_state(2026, finalised=True, today=datetime.date(2027, 2, 1)).level == "done"
    assert ar.default_report_year(datetime.date(2027, 1, 15)) == 2026
    assert ar.default_report_year(datetime.date(2026, 11, 27)) == 2026


def test_an_overdue_report_is_flagged_until_finalised(client, demo_users):
    year = _year() - 1  # due on 31 January of this year
    client.force_login(demo_users["office"])
    url = reverse("oversight_annual_report", args=[year])
    today = timezone.localdate()
    page = client.get(url).content.decode()
    if today > ar.due_date(year):
        assert "已逾期，尚未定稿" in page
    else:
        assert "尚未定稿" in page
    ar.annual_report_save_entries(year=year, entries=balanced_entries(), user=demo_users["office"])
    assert client.post(reverse("oversight_annual_report_finalise", args=[year])).status_code == 302
    report = AnnualReport.objects.get(year=year)
    assert report.pdf
    page = client.get(url).content.decode()
    assert "尚未定稿" not in page and "定稿" in page
    # Changing the entries afterwards discards the finalised PDF.
    ar.annual_report_save_entries(year=year, entries=balanced_entries(), user=demo_users["office"])
    assert not AnnualReport.objects.get(year=year).pdf


# --- the admin: entries, HTML, PDF, permissions ------------------------------------------------------------


def _form_data(entries: dict) -> dict:
    initial = ar.AnnualReportEntriesForm.initial_from(entries)
    return {key: "" if value is None else str(value) for key, value in initial.items()}


def test_the_office_saves_the_entries_through_the_form(client, demo_users):
    year = _year()
    client.force_login(demo_users["office"])
    edit = reverse("oversight_annual_report_edit", args=[year])
    page = client.get(edit)
    assert page.status_code == 200
    assert "三、收到和处理政府信息公开申请情况" in page.content.decode()

    data = _form_data(balanced_entries())
    response = client.post(edit, data)
    assert response.status_code == 302
    stored = AnnualReport.objects.get(year=year)
    assert stored.updated_by == demo_users["office"]
    assert stored.entries == ar.normalised_entries(balanced_entries())
    assert stored.entries["proactive"]["fee_amount"] == "1.2345"


def test_the_form_refuses_negative_counts_and_unbalanced_tables(client, demo_users):
    year = _year()
    client.force_login(demo_users["office"])
    edit = reverse("oversight_annual_report_edit", args=[year])
    negative = _form_data(balanced_entries()) | {ar.request_field("disclosed", "natural"): "-1"}
    page = client.post(edit, negative).content.decode()
    assert "确保该值大于或等于0" in page
    unbalanced = _form_data(balanced_entries()) | {ar.request_field("new", "natural"): "30"}
    page = client.post(edit, unbalanced).content.decode()
    assert "应等于办理结果总计" in page
    assert not AnnualReport.objects.filter(year=year).exists()


def test_the_html_and_the_pdf_show_the_report(client, demo_users):
    year = _year()
    ar.annual_report_save_entries(year=year, entries=balanced_entries(), user=demo_users["office"])
    client.force_login(demo_users["supervision"])
    page = client.get(reverse("oversight_annual_report", args=[year])).content.decode()
    for text in (
        f"海河海关{year}年政府信息公开工作年度报告",
        "二、主动公开政府信息情况",
        "第二十条第（一）项",
        "（七）总计",
        "四、结转下年度继续办理",
        "四、政府信息公开行政复议、行政诉讼情况",
        "复议后起诉",
        "五、存在的主要问题及改进情况",
        "六、其他需要报告的事项",
    ):
        assert text in page, text
    response = client.get(reverse("oversight_annual_report_pdf", args=[year]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = "".join(p.extract_text() for p in reader.pages).replace(" ", "").replace("\n", "")
    assert f"海河海关{year}年政府信息公开工作年度报告" in text
    assert "三、收到和处理政府信息公开申请情况" in text
    assert "1286" in text and "（七）总计" in text


@pytest.mark.parametrize(
    ("username", "reads", "edits"),
    [
        ("office", True, True),
        ("supervision", True, False),
        ("supervisor", True, False),
        ("legal", False, False),
        ("liaison", False, False),
        ("centre", False, False),
    ],
)
def test_the_office_edits_and_the_supervision_office_reads(
    client, demo_users, username, reads, edits
):
    year = _year()
    client.force_login(demo_users[username])

    def allowed(response) -> bool:
        denied = response.status_code == 302 and response["Location"] == reverse(
            "wagtailadmin_home"
        )
        return not denied and response.status_code in (200, 302)

    assert allowed(client.get(reverse("oversight_annual_reports"))) is reads
    assert allowed(client.get(reverse("oversight_annual_report", args=[year]))) is reads
    assert allowed(client.get(reverse("oversight_annual_report_pdf", args=[year]))) is reads
    assert allowed(client.get(reverse("oversight_annual_report_edit", args=[year]))) is edits
    response = client.post(
        reverse("oversight_annual_report_edit", args=[year]), _form_data(balanced_entries())
    )
    assert allowed(response) is edits
    assert AnnualReport.objects.filter(year=year).exists() is edits
    assert allowed(client.post(reverse("oversight_annual_report_finalise", args=[year]))) is edits
    if not edits:
        with pytest.raises(ValidationError):
            ar.annual_report_save_entries(
                year=year, entries=balanced_entries(), user=demo_users[username]
            )


def test_the_menu_shows_each_item_to_whom_it_concerns(rf, demo_users):
    from guanwu.oversight.admin_evaluation import annual_report_menu_item, evaluation_menu_item

    for username, evaluation_shown, report_shown in (
        ("office", True, True),
        ("supervision", True, True),
        ("liaison", False, False),
    ):
        request = rf.get("/admin/")
        request.user = demo_users[username]
        assert evaluation_menu_item().is_shown(request) is evaluation_shown
        assert annual_report_menu_item().is_shown(request) is report_shown
