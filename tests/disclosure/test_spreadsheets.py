"""Excel import and export of a category's items: exported files re-import as drafts only."""

from __future__ import annotations

import io

from django.contrib.auth.models import Group
from django.urls import reverse

from wagtail.models import PageLogEntry

import openpyxl
import pytest

from guanwu.disclosure import spreadsheets
from guanwu.disclosure.enums import DisclosureMode
from guanwu.disclosure.models import (
    DisclosureItemPage,
    GeneralItemPage,
    LegalApproval,
    LegalBasisPage,
)
from guanwu.disclosure.spreadsheets import HEADERS, export_items, import_items
from guanwu.organization.enums import Role
from tests.factories import UserFactory, make_item

pytestmark = pytest.mark.django_db

EXPORT_URL = "/admin/disclosure/export/"
IMPORT_URL = "/admin/disclosure/import/"


def live_public_items(category: int):
    return (
        DisclosureItemPage.objects.live()
        .filter(category=category)
        .exclude(mode=DisclosureMode.WITHHELD)
    )


def read_rows(data: bytes) -> list[dict[str, object]]:
    sheet = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == list(HEADERS)
    return [dict(zip(HEADERS, row, strict=True)) for row in rows[1:]]


def workbook(rows: list[dict[str, object]], headers=HEADERS) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(headers))
    for row in rows:
        sheet.append([row.get(header) for header in headers])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def good_row(**overrides) -> dict[str, object]:
    row = {
        "类型": "一般公开事项",
        "标题": "导入测试：加工贸易手册设立须知",
        "子项": "2.5",
        "责任单位代码": "HH-XG-ZHYW",
        "联络员工号": "121206",
        "公开方式": "长期公开",
        "摘要": "手册设立的基本要求。",
        "正文": "第一段。\n第二段 <b>不是标签</b>。",
    }
    row.update(overrides)
    return row


# --- export ---------------------------------------------------------------------------------


@pytest.mark.parametrize("category", [1, 2, 3, 4, 5, 6])
def test_export_lists_every_live_item_of_the_category_and_no_draft(demo, category):
    draft = make_item(
        category=category,
        subitem=None if category in (1, 6) else f"{category}.1",
        title=f"未审核的草稿{category}",
    )
    data = export_items(category=category)

    titles = [row["标题"] for row in read_rows(data)]
    expected = set(live_public_items(category).values_list("title", flat=True))
    assert expected, "the demo has live items in every category"
    assert set(titles) == expected
    assert len(titles) == len(expected)
    assert draft.title not in titles
    withheld = DisclosureItemPage.objects.filter(category=category, mode=DisclosureMode.WITHHELD)
    assert not set(withheld.values_list("title", flat=True)) & set(titles)
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames[1] == "说明"


def test_export_rows_follow_the_column_layout(demo):
    rows = read_rows(export_items(category=2))
    laws = [row for row in rows if row["类型"] == "法律依据"]
    assert laws
    page = LegalBasisPage.objects.live().get(title=laws[0]["标题"])
    row = laws[0]
    assert row["子项"] == page.subitem.code
    assert row["责任单位代码"] == page.owning_unit.code
    assert row["联络员工号"] == page.liaison.work_number
    assert row["发布机关"] == page.issuing_authority
    assert row["公开方式"] == "长期公开"
    assert "<" not in (row["正文"] or "")
    codes = [row["子项"] for row in rows]
    assert codes == sorted(codes, key=lambda code: [int(part) for part in code.split(".")])


# --- import: round trip ---------------------------------------------------------------------


@pytest.mark.parametrize("category", [1, 2, 3, 4, 5, 6])
def test_export_then_import_creates_unpublished_drafts(demo_users, category):
    office = demo_users["office"]
    original = {page.title: page for page in spreadsheets.exported_items(category)}
    book = openpyxl.load_workbook(io.BytesIO(export_items(category=category)))
    sheet = book.worksheets[0]
    title_column = HEADERS.index("标题") + 1
    for row in range(2, sheet.max_row + 1):
        cell = sheet.cell(row=row, column=title_column)
        cell.value = f"{cell.value}（导入）"
    buffer = io.BytesIO()
    book.save(buffer)
    live_before = live_public_items(category).count()

    result = import_items(category=category, data=buffer.getvalue(), user=office)

    assert result.errors == []
    assert len(result.created) == len(original)
    for page in result.created:
        page = DisclosureItemPage.objects.get(pk=page.pk).specific
        source = original[page.title.removesuffix("（导入）")]
        assert type(page) is type(source)
        assert not page.live
        assert page.has_unpublished_changes
        assert page.category == category
        assert page.latest_revision is not None
        assert not LegalApproval.objects.filter(revision__object_id=str(page.pk)).exists()
        assert PageLogEntry.objects.filter(page=page, action="guanwu.import").exists()
        exported = spreadsheets.row_values(source)
        imported = spreadsheets.row_values(page)
        assert imported.pop("标题") == exported.pop("标题") + "（导入）"
        assert imported == exported
    assert live_public_items(category).count() == live_before


def test_import_accepts_a_hand_written_row_and_its_formats(demo_users):
    rows = [
        good_row(),
        {
            "类型": "办事程序",
            "标题": "导入测试：手册变更程序",
            "子项": 3.1,  # Excel turns 3.1 into a number
            "责任单位代码": "hh-xg-zhyw",
            "联络员工号": 121206,
            "公开方式": "standing",
            "检查周期（月）": "6",
            "法定时限（工作日）": 20,
            "承诺时限（工作日）": 5.0,
            "办理环节": "受理：审核申请材料｜1个工作日\n审批：科长审批\n办结",
        },
    ]
    result = import_items(category=2, data=workbook(rows[:1]), user=demo_users["liaison"])
    assert result.errors == []
    page = result.created[0].specific
    assert isinstance(page, GeneralItemPage)
    assert page.body == "<p>第一段。</p><p>第二段 &lt;b&gt;不是标签&lt;/b&gt;。</p>"
    assert page.review_cycle_months == 12
    assert page.subitem.code == "2.5"

    result = import_items(category=3, data=workbook(rows[1:]), user=demo_users["liaison"])
    assert result.errors == []
    procedure = result.created[0].specific
    assert procedure.subitem.code == "3.1"
    assert procedure.review_cycle_months == 6
    assert procedure.promised_limit_days == 5
    assert [
        (s.value["title"], s.value["description"], s.value["time_limit"]) for s in procedure.steps
    ] == [
        ("受理", "审核申请材料", "1个工作日"),
        ("审批", "科长审批", ""),
        ("办结", "", ""),
    ]


# --- import: errors -------------------------------------------------------------------------


def test_one_good_and_two_bad_rows_report_both_errors_and_create_nothing(demo_users):
    rows = [
        good_row(),
        good_row(标题="导入测试：未知单位", 责任单位代码="HH-NOWHERE"),
        {},  # an empty row is skipped but keeps its Excel row number
        good_row(标题="导入测试：别的类别的子项", 子项="3.1"),
    ]
    count_before = DisclosureItemPage.objects.count()

    result = import_items(category=2, data=workbook(rows), user=demo_users["office"])

    assert result.created == []
    assert {(e.row, e.column) for e in result.errors} == {(3, "责任单位代码"), (5, "子项")}
    unit_error = next(e for e in result.errors if e.row == 3)
    assert "HH-NOWHERE" in unit_error.message
    subitem_error = next(e for e in result.errors if e.row == 5)
    assert subitem_error.message == "所选子项不属于本类别。"
    assert DisclosureItemPage.objects.count() == count_before


def test_row_errors_name_the_cell(demo_users):
    existing = live_public_items(2).first()
    rows = [
        good_row(类型="新闻稿"),
        good_row(标题=existing.title),
        good_row(标题="导入测试：坏日期", 类型="法律依据", 发布机关="海关总署", 发布日期="去年"),
        good_row(**{"标题": "导入测试：坏整数", "检查周期（月）": "一年"}),
        good_row(标题="导入测试：未知工号", 联络员工号="999999"),
        good_row(标题="导入测试：未知子项", 子项="2.99"),
        good_row(标题="导入测试：多余的列", 收费项目="不该填"),
        good_row(标题="导入测试：缺正文", 正文=None),
        good_row(标题="导入测试：随时公开无截止", 公开方式="随时公开"),
    ]
    result = import_items(category=2, data=workbook(rows), user=demo_users["office"])
    assert result.created == []
    assert {(e.row, e.column) for e in result.errors} == {
        (2, "类型"),
        (3, "标题"),
        (4, "发布日期"),
        (5, "检查周期（月）"),
        (6, "联络员工号"),
        (7, "子项"),
        (8, "收费项目"),
        (9, "正文"),
        (10, "截止时间"),
    }
    assert all(e.message for e in result.errors)


def test_duplicate_titles_within_the_workbook_are_refused(demo_users):
    result = import_items(
        category=2, data=workbook([good_row(), good_row()]), user=demo_users["office"]
    )
    assert [(e.row, e.column) for e in result.errors] == [(3, "标题")]
    assert "第 2 行" in result.errors[0].message


def test_a_wrong_header_is_reported_by_column_name(demo_users):
    headers = [h for h in HEADERS if h not in ("联络员工号", "摘要")] + ["备注"]
    result = import_items(
        category=2, data=workbook([good_row()], headers=headers), user=demo_users["office"]
    )
    assert result.created == []
    messages = " ".join(e.message for e in result.errors)
    assert "联络员工号" in messages and "摘要" in messages and "备注" in messages
    assert all(e.row == 1 for e in result.errors)


@pytest.mark.parametrize(
    "data",
    [b"not a spreadsheet", b"PK\x03\x04 broken zip", "类型,标题\n".encode()],
    ids=["text", "broken-zip", "csv"],
)
def test_a_file_that_is_not_xlsx_is_reported(demo_users, data):
    result = import_items(category=2, data=data, user=demo_users["office"])
    assert result.created == []
    assert len(result.errors) == 1
    assert "xlsx" in result.errors[0].message


def test_a_file_over_5_mb_is_refused(demo_users):
    result = import_items(category=2, data=b"0" * (5 * 1024 * 1024 + 1), user=demo_users["office"])
    assert "5 MB" in result.errors[0].message


def test_more_than_2000_rows_are_refused(demo_users):
    rows = [good_row(标题=f"导入测试{n}") for n in range(2001)]
    result = import_items(category=2, data=workbook(rows), user=demo_users["office"])
    assert result.created == []
    assert "2000" in result.errors[0].message


def test_a_liaison_cannot_import_for_another_unit(demo_users):
    rows = [
        good_row(标题="导入测试：本单位"),
        good_row(标题="导入测试：别的分关", 责任单位代码="HH-JC-ZHYW", 联络员工号="121303"),
        good_row(标题="导入测试：办公室", 责任单位代码="HH-BGS-GK", 联络员工号="120106"),
    ]
    result = import_items(category=2, data=workbook(rows), user=demo_users["liaison"])
    assert result.created == []
    assert [(e.row, e.column) for e in result.errors] == [(3, "责任单位代码"), (4, "责任单位代码")]
    assert not DisclosureItemPage.objects.filter(title__startswith="导入测试").exists()


# --- views ----------------------------------------------------------------------------------


def test_export_view_downloads_the_category(client, demo_users):
    client.force_login(demo_users["supervision"])
    response = client.get(EXPORT_URL, {"category": 5})
    assert response.status_code == 200
    assert response["Content-Type"] == spreadsheets.XLSX_CONTENT_TYPE
    assert 'filename="category-5-items.xlsx"' in response["Content-Disposition"]
    titles = {row["标题"] for row in read_rows(response.content)}
    assert titles == set(live_public_items(5).values_list("title", flat=True))
    assert client.get(EXPORT_URL, {"category": 9}).status_code == 400


def test_the_views_are_registered_under_the_admin():
    assert reverse("disclosure_import") == IMPORT_URL
    assert reverse("disclosure_export") == EXPORT_URL


def user_with_roles(*roles: Role):
    user = UserFactory()
    user.save()  # the factory sets the password without saving it
    user.groups.set(Group.objects.filter(name__in=[role.group_name for role in roles]))
    return user


def test_export_view_needs_admin_access(client, demo):
    client.force_login(user_with_roles())
    response = client.get(EXPORT_URL, {"category": 2})
    # Wagtail sends users without admin access to the login page.
    assert response.status_code in (302, 403)
    assert response.get("Content-Type") != spreadsheets.XLSX_CONTENT_TYPE


def test_import_view_is_refused_without_an_editing_role(client, demo_users):
    for name in ("supervision", "legal"):
        client.force_login(demo_users[name])
        assert client.get(IMPORT_URL).status_code == 403
        response = client.post(
            IMPORT_URL,
            {"category": 2, "file": io.BytesIO(workbook([good_row()]))},
        )
        assert response.status_code == 403
    assert not DisclosureItemPage.objects.filter(title=good_row()["标题"]).exists()


def test_import_view_creates_drafts_for_the_liaison(client, demo_users):
    client.force_login(demo_users["liaison"])
    form = client.get(IMPORT_URL)
    assert form.status_code == 200
    html = form.content.decode()
    assert 'name="file"' in html and 'name="category"' in html

    upload = io.BytesIO(workbook([good_row()]))
    upload.name = "catalogue.xlsx"
    response = client.post(IMPORT_URL, {"category": 2, "file": upload})

    assert response.status_code == 200
    page = DisclosureItemPage.objects.get(title=good_row()["标题"])
    assert not page.live
    assert f"/admin/pages/{page.pk}/edit/" in response.content.decode()


def test_import_view_shows_the_error_table(client, demo_users):
    client.force_login(demo_users["liaison"])
    upload = io.BytesIO(
        workbook([good_row(), good_row(标题="导入测试：错单位", 责任单位代码="NOPE")])
    )
    upload.name = "catalogue.xlsx"
    response = client.post(IMPORT_URL, {"category": 2, "file": upload})
    html = response.content.decode()
    assert response.status_code == 200
    assert "import-errors" in html and "NOPE" in html and "责任单位代码" in html
    assert not DisclosureItemPage.objects.filter(title=good_row()["标题"]).exists()


def test_import_view_allows_each_editing_role(client, demo):
    for role in (Role.SECTION_CHIEF, Role.DIVISION_HEAD, Role.OFFICE, Role.CENTRE):
        client.force_login(user_with_roles(role))
        assert client.get(IMPORT_URL).status_code == 200, role
