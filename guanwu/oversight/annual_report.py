"""The statutory annual report on government information disclosure (政府信息公开工作年度报告).

Its shape is the national template of 国办公开办函〔2021〕30号 (《中华人民共和国政府信息公开
工作年度报告格式》): six parts, three of them tables —

- 一、总体情况 (text, followed by what the platform's own data says);
- 二、主动公开政府信息情况: 第二十条第（一）项 rules and normative documents issued, repealed
  and in force; 第（五）项 licensing decisions; 第（六）项 penalty and coercion decisions;
  第（八）项 administrative fees collected (万元);
- 三、收到和处理政府信息公开申请情况: requests by kind of applicant (natural persons; legal
  persons and other organisations in five kinds; total) and by outcome;
- 四、政府信息公开行政复议、行政诉讼情况;
- 五、存在的主要问题及改进情况 and 六、其他需要报告的事项 (text; 六 includes the information
  processing fees charged under 国办函〔2020〕109号).

Where the platform holds the data it fills the cells: the rows of table 二 for rules and
normative documents come from the live legal-basis items of the disclosure column (see
:func:`legal_basis_kind`). Everything else — requests, reconsideration and litigation,
decisions, fees, the texts — is entered by the office (``AnnualReport.entries``). Totals are
always computed, never typed, and the template's own cross-check (第一项加第二项之和，等于第三项
加第四项之和) is validated before entries are saved. The report is due by 31 January of the
next year (条例 Art. 49–50).
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guanwu.disclosure.enums import (
    CATEGORY_NUMERALS,
    DisclosureMode,
    FilingDecision,
    ValidityStatus,
)
from guanwu.disclosure.models import (
    DisclosureItemPage,
    FeeItemPage,
    LegalBasisPage,
    LicensingGuidePage,
    WithheldFiling,
)
from guanwu.organization.enums import Role
from guanwu.organization.models import Unit
from guanwu.organization.roles import user_has_role

from .models import AnnualReport

# --- permissions (seed 六.一: the office manages disclosure; 六.二: supervision checks it) ----


def user_can_view_annual_report(user: Any) -> bool:
    return user_has_role(user, Role.OFFICE) or user_has_role(user, Role.SUPERVISION)


def user_can_edit_annual_report(user: Any) -> bool:
    """The office writes the report (条例 Art. 49: 政府信息公开工作主管部门); the supervision
    office reads it."""
    return user_has_role(user, Role.OFFICE)


# --- the template's structure --------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    key: str
    label: Promise


# 表三 columns: 申请人情况.
NATURAL = Line("natural", gettext_lazy("自然人"))
ORGANISATION_COLUMNS = (
    Line("business", gettext_lazy("商业企业")),
    Line("research", gettext_lazy("科研机构")),
    Line("public_interest", gettext_lazy("社会公益组织")),
    Line("legal_service", gettext_lazy("法律服务机构")),
    Line("other", gettext_lazy("其他")),
)
REQUEST_COLUMNS = (NATURAL, *ORGANISATION_COLUMNS)
COLUMN_KEYS = tuple(c.key for c in REQUEST_COLUMNS)

# 表三 rows. The groups of 三、本年度办理结果 have no subtotal row of their own in the template;
# （七）总计 adds every outcome row.
INTAKE_ROWS = (
    Line("new", gettext_lazy("一、本年新收政府信息公开申请数量")),
    Line("carried_in", gettext_lazy("二、上年结转政府信息公开申请数量")),
)
OUTCOME_GROUPS: tuple[tuple[Line, tuple[Line, ...]], ...] = (
    (Line("disclosed", gettext_lazy("（一）予以公开")), ()),
    (
        Line("partial", gettext_lazy("（二）部分公开（区分处理的，只计这一情形，不计其他情形）")),
        (),
    ),
    (
        Line("withheld", gettext_lazy("（三）不予公开")),
        (
            Line("withheld_state_secret", gettext_lazy("1.属于国家秘密")),
            Line("withheld_prohibited", gettext_lazy("2.其他法律行政法规禁止公开")),
            Line("withheld_security", gettext_lazy("3.危及“三安全一稳定”")),
            Line("withheld_third_party", gettext_lazy("4.保护第三方合法权益")),
            Line("withheld_internal", gettext_lazy("5.属于三类内部事务信息")),
            Line("withheld_process", gettext_lazy("6.属于四类过程性信息")),
            Line("withheld_case_file", gettext_lazy("7.属于行政执法案卷")),
            Line("withheld_query", gettext_lazy("8.属于行政查询事项")),
        ),
    ),
    (
        Line("unavailable", gettext_lazy("（四）无法提供")),
        (
            Line("unavailable_not_held", gettext_lazy("1.本机关不掌握相关政府信息")),
            Line("unavailable_to_be_made", gettext_lazy("2.没有现成信息需要另行制作")),
            Line("unavailable_unclear", gettext_lazy("3.补正后申请内容仍不明确")),
        ),
    ),
    (
        Line("not_handled", gettext_lazy("（五）不予处理")),
        (
            Line("not_handled_petition", gettext_lazy("1.信访举报投诉类申请")),
            Line("not_handled_repeated", gettext_lazy("2.重复申请")),
            Line("not_handled_publication", gettext_lazy("3.要求提供公开出版物")),
            Line("not_handled_mass", gettext_lazy("4.无正当理由大量反复申请")),
            Line(
                "not_handled_confirmation",
                gettext_lazy("5.要求行政机关确认或重新出具已获取信息"),
            ),
        ),
    ),
    (
        Line("other_handling", gettext_lazy("（六）其他处理")),
        (
            Line(
                "other_no_correction",
                gettext_lazy("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
            ),
            Line(
                "other_fee_unpaid",
                gettext_lazy(
                    "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"
                ),
            ),
            Line("other_other", gettext_lazy("3.其他")),
        ),
    ),
)
OUTCOME_TOTAL = Line("outcome_total", gettext_lazy("（七）总计"))
RESULTS_HEADING = gettext_lazy("三、本年度办理结果")
CARRIED_OUT = Line("carried_out", gettext_lazy("四、结转下年度继续办理"))
CROSS_CHECK_NOTE = gettext_lazy(
    "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
)


def outcome_rows() -> list[Line]:
    """Every outcome row that holds numbers (a group's items, or the group itself if it has
    none), in the template's order."""
    return [line for group, items in OUTCOME_GROUPS for line in (items or (group,))]


def entry_rows() -> list[Line]:
    """The typed rows of 表三 (every row but （七）总计)."""
    return [*INTAKE_ROWS, *outcome_rows(), CARRIED_OUT]


# 表四: reconsideration, litigation without and after reconsideration; a total per group.
REVIEW_GROUPS = (
    Line("reconsideration", gettext_lazy("行政复议")),
    Line("litigation_direct", gettext_lazy("未经复议直接起诉")),
    Line("litigation_after", gettext_lazy("复议后起诉")),
)
REVIEW_RESULTS = (
    Line("upheld", gettext_lazy("结果维持")),
    Line("corrected", gettext_lazy("结果纠正")),
    Line("other", gettext_lazy("其他结果")),
    Line("pending", gettext_lazy("尚未审结")),
)

# 表二: the rows typed by the office (decisions and fees); rules and normative documents come
# from the data.
DECISION_ROWS = (
    Line("licensing", gettext_lazy("行政许可")),
    Line("penalty", gettext_lazy("行政处罚")),
    Line("coercion", gettext_lazy("行政强制")),
)
TEXTS = (
    Line("overview", gettext_lazy("一、总体情况")),
    Line("problems", gettext_lazy("五、存在的主要问题及改进情况")),
    Line("other", gettext_lazy("六、其他需要报告的事项")),
)

MONEY_STEP = Decimal("0.01")
FEE_STEP = Decimal("0.0001")  # 万元 to four places: one yuan


# --- reading the entries ---------------------------------------------------------------------


def _int(value: Any) -> int:
    try:
        return max(int(value), 0)
    except (TypeError, ValueError):
        return 0


def _decimal(value: Any) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return Decimal(0)
    return number if number.is_finite() and number >= 0 else Decimal(0)


def empty_entries() -> dict[str, Any]:
    return {
        "texts": {t.key: "" for t in TEXTS},
        "proactive": {**{r.key: 0 for r in DECISION_ROWS}, "fee_amount": "0"},
        "requests": {r.key: dict.fromkeys(COLUMN_KEYS, 0) for r in entry_rows()},
        "review": {g.key: {r.key: 0 for r in REVIEW_RESULTS} for g in REVIEW_GROUPS},
        "processing_fees": {"notices": 0, "notified": "0", "collected": "0"},
    }


def normalised_entries(raw: dict[str, Any] | None) -> dict[str, Any]:
    """``raw`` (as stored) completed with zeros and blanks, unknown keys dropped, numbers
    coerced to non-negative integers or decimals: whatever is stored, the report renders."""
    raw = raw or {}
    entries = empty_entries()
    texts = raw.get("texts") or {}
    for line in TEXTS:
        entries["texts"][line.key] = str(texts.get(line.key) or "")
    proactive = raw.get("proactive") or {}
    for line in DECISION_ROWS:
        entries["proactive"][line.key] = _int(proactive.get(line.key))
    entries["proactive"]["fee_amount"] = str(_decimal(proactive.get("fee_amount")))
    requests = raw.get("requests") or {}
    for row in entry_rows():
        cells = requests.get(row.key) or {}  # nosec B113  # a dict, not the HTTP library
        for column in COLUMN_KEYS:
            entries["requests"][row.key][column] = _int(cells.get(column))
    review = raw.get("review") or {}
    for group in REVIEW_GROUPS:
        cells = review.get(group.key) or {}
        for result in REVIEW_RESULTS:
            entries["review"][group.key][result.key] = _int(cells.get(result.key))
    fees = raw.get("processing_fees") or {}
    entries["processing_fees"]["notices"] = _int(fees.get("notices"))
    for key in ("notified", "collected"):
        entries["processing_fees"][key] = str(_decimal(fees.get(key)))
    return entries


# --- 表二 from the data ----------------------------------------------------------------------

RULE, NORMATIVE, LAW, REGULATION = "rule", "normative", "law", "regulation"


def legal_basis_kind(page: LegalBasisPage) -> str:
    """What kind of document a legal-basis item is, from its number and issuing authority.

    Laws (主席令; the National People's Congress) and administrative regulations (国务院令) are
    not in 表二; ministerial orders (…令, e.g. 海关总署令) are 规章; announcements (公告) and
    anything else the customs issues are 行政规范性文件.
    """
    number = (page.document_number or "").replace(" ", "")
    authority = (page.issuing_authority or "").strip()
    if "公告" in number or "规范性文件" in number:
        return NORMATIVE
    if "主席令" in number or "全国人民代表大会" in authority:
        return LAW
    if "国务院令" in number or authority == "国务院":
        return REGULATION
    if "令" in number or authority.endswith(("总署", "部", "委员会", "总局")):
        return RULE
    return NORMATIVE


def repealed_on(page: LegalBasisPage) -> datetime.date | None:
    """When a repealed item stopped applying: the date its replacement took effect, else the
    day the repeal was published (the approved revision that marked it 已废止)."""
    if page.validity != ValidityStatus.REPEALED:
        return None
    replacement = page.replaced_by
    if replacement is not None and (replacement.effective_on or replacement.issued_on):
        return replacement.effective_on or replacement.issued_on
    published = page.last_published_at
    return timezone.localdate(published) if published else None


@dataclass
class DocumentRow:
    label: Promise
    issued: int = 0
    repealed: int = 0
    in_force: int = 0


def document_rows(year: int) -> tuple[DocumentRow, DocumentRow]:
    """第二十条第（一）项 from the live legal-basis items of the disclosure column: issued in
    ``year`` (发布日期), repealed in ``year`` (:func:`repealed_on`), in force now (现行有效)."""
    rows = {
        RULE: DocumentRow(gettext_lazy("规章")),
        NORMATIVE: DocumentRow(gettext_lazy("行政规范性文件")),
    }
    for page in LegalBasisPage.objects.live().select_related("replaced_by"):
        row = rows.get(legal_basis_kind(page))
        if row is None:
            continue
        if page.issued_on and page.issued_on.year == year:
            row.issued += 1
        repeal = repealed_on(page)
        if repeal and repeal.year == year:
            row.repealed += 1
        if page.validity == ValidityStatus.VALID:
            row.in_force += 1
    return rows[RULE], rows[NORMATIVE]


@dataclass
class DataFacts:
    """What the platform knows about the year, quoted under 一、总体情况 and beside the
    entry fields it can help with."""

    published: int = 0
    published_by_category: list[tuple[str, int]] = field(default_factory=list)
    live: int = 0
    licensing_guides: int = 0
    fee_items: int = 0
    fee_items_free: int = 0
    withheld_filed: int = 0
    withheld_decided: dict[str, int] = field(default_factory=dict)
    withheld_pending: int = 0

    def sentences(self) -> list[str]:
        """The facts as sentences for 一、总体情况."""
        by_category = "、".join(
            _("类别%(numeral)s %(count)s 条") % {"numeral": numeral, "count": count}
            for numeral, count in self.published_by_category
        )
        sentences = [
            _(
                "据关务公开平台统计，本年经法规处审核新公开关务公开信息 %(published)s 条"
                "%(by_category)s，目前公开 %(live)s 条。"
            )
            % {
                "published": self.published,
                "by_category": f"（{by_category}）" if by_category else "",
                "live": self.live,
            },
            _(
                "公开行政许可办事指南 %(guides)s 项，收费项目 %(fees)s 项（其中不收费 %(free)s 项）。"
            )
            % {
                "guides": self.licensing_guides,
                "fees": self.fee_items,
                "free": self.fee_items_free,
            },
        ]
        if self.withheld_filed:
            decided = "、".join(
                _("%(decision)s %(count)s 件") % {"decision": label, "count": count}
                for label, count in self.withheld_decided.items()
            )
            sentences.append(
                _(
                    "对暂时不宜公开的信息，本年报上级主管机关备案 %(filed)s 件，"
                    "已裁定 %(decided)s 件%(detail)s，待裁定 %(pending)s 件。"
                )
                % {
                    "filed": self.withheld_filed,
                    "decided": sum(self.withheld_decided.values()),
                    "detail": f"（{decided}）" if decided else "",
                    "pending": self.withheld_pending,
                }
            )
        return sentences


def data_facts(year: int) -> DataFacts:
    start = timezone.make_aware(datetime.datetime(year, 1, 1))
    end = timezone.make_aware(datetime.datetime(year + 1, 1, 1))
    items = DisclosureItemPage.objects.exclude(mode=DisclosureMode.WITHHELD)
    # First published in the year: still live, or an immediate notice that has since expired.
    published = items.filter(first_published_at__gte=start, first_published_at__lt=end)
    by_category = Counter(published.values_list("category", flat=True))
    filings = WithheldFiling.objects.filter(filed_at__gte=start, filed_at__lt=end)
    decided = Counter(
        filings.exclude(decision=FilingDecision.PENDING).values_list("decision", flat=True)
    )
    fees = FeeItemPage.objects.live()
    return DataFacts(
        published=sum(by_category.values()),
        published_by_category=[
            (CATEGORY_NUMERALS[number], by_category[number]) for number in sorted(by_category)
        ],
        live=items.live().count(),
        licensing_guides=LicensingGuidePage.objects.live().count(),
        fee_items=fees.count(),
        fee_items_free=fees.filter(no_fee=True).count(),
        withheld_filed=filings.count(),
        withheld_decided={str(FilingDecision(k).label): n for k, n in sorted(decided.items()) if n},
        withheld_pending=filings.filter(decision=FilingDecision.PENDING).count(),
    )


# --- the computed report -----------------------------------------------------------------------


@dataclass
class HeadCell:
    text: Any
    colspan: int = 1
    rowspan: int = 1
    css: str = "label"


@dataclass
class RequestRow:
    key: str
    heads: list[HeadCell]
    values: list[int]  # one per column of REQUEST_COLUMNS, then the computed 总计
    computed: bool = False  # （七）总计


@dataclass
class ReviewGroup:
    label: Promise
    values: list[int]  # one per REVIEW_RESULTS, then the computed 总计


@dataclass
class DueState:
    due: datetime.date
    days_left: int
    level: str  # "done", "ok", "soon" or "overdue"


@dataclass
class ReportData:
    year: int
    organ: str
    entries: dict[str, Any]
    documents: tuple[DocumentRow, DocumentRow]
    decisions: list[tuple[Promise, int]]
    fee_amount: Decimal
    requests: list[RequestRow]
    review: list[ReviewGroup]
    facts: DataFacts
    due: DueState
    finalised: bool
    finalised_on: datetime.date | None = None
    cross_check_note: Promise = CROSS_CHECK_NOTE
    organisation_columns: tuple[Line, ...] = ORGANISATION_COLUMNS
    review_results: tuple[Line, ...] = REVIEW_RESULTS

    @property
    def title(self) -> str:
        return _("%(organ)s%(year)s年政府信息公开工作年度报告") % {
            "organ": self.organ,
            "year": self.year,
        }

    def paragraphs(self, key: str) -> list[str]:
        """A written part as paragraphs: one per non-empty line (each indented in print)."""
        return [line.strip() for line in self.entries["texts"][key].splitlines() if line.strip()]

    @property
    def overview(self) -> list[str]:
        return self.paragraphs("overview")

    @property
    def problems(self) -> list[str]:
        return self.paragraphs("problems")

    @property
    def other(self) -> list[str]:
        return self.paragraphs("other")

    @property
    def processing_fees(self) -> dict[str, Any]:
        return self.entries["processing_fees"]


def due_date(year: int) -> datetime.date:
    """条例 Art. 50: the year's report is published by 31 January of the next year."""
    return datetime.date(year + 1, 1, 31)


# A report still open this many days before its due date is flagged.
DUE_SOON_DAYS = 31


def due_state(year: int, *, finalised: bool, today: datetime.date | None = None) -> DueState:
    today = today or timezone.localdate()
    due = due_date(year)
    days_left = (due - today).days
    if finalised:
        level = "done"
    elif days_left < 0:
        level = "overdue"
    elif days_left <= DUE_SOON_DAYS:
        level = "soon"
    else:
        level = "ok"
    return DueState(due=due, days_left=days_left, level=level)


def request_table(entries: dict[str, Any]) -> list[RequestRow]:
    """表三 with the template's merged cells; 总计 (the last column) and （七）总计 computed."""
    cells = entries["requests"]

    def values(key: str) -> list[int]:
        row = [cells[key][column] for column in COLUMN_KEYS]
        return [*row, sum(row)]

    rows = [
        RequestRow(line.key, [HeadCell(line.label, colspan=3)], values(line.key))
        for line in INTAKE_ROWS
    ]
    results_span = len(outcome_rows()) + 1
    first = True
    for group, items in OUTCOME_GROUPS:
        for index, line in enumerate(items or (group,)):
            heads = []
            if first:
                heads.append(HeadCell(RESULTS_HEADING, rowspan=results_span, css="group"))
                first = False
            if not items:
                heads.append(HeadCell(group.label, colspan=2))
            else:
                if index == 0:
                    heads.append(HeadCell(group.label, rowspan=len(items), css="result-group"))
                heads.append(HeadCell(line.label))
            rows.append(RequestRow(line.key, heads, values(line.key)))
    outcome_keys = [line.key for line in outcome_rows()]
    totals = [sum(cells[key][column] for key in outcome_keys) for column in COLUMN_KEYS]
    rows.append(
        RequestRow(
            OUTCOME_TOTAL.key,
            [HeadCell(OUTCOME_TOTAL.label, colspan=2)],
            [*totals, sum(totals)],
            computed=True,
        )
    )
    rows.append(
        RequestRow(
            CARRIED_OUT.key, [HeadCell(CARRIED_OUT.label, colspan=3)], values(CARRIED_OUT.key)
        )
    )
    return rows


def review_table(entries: dict[str, Any]) -> list[ReviewGroup]:
    groups = []
    for group in REVIEW_GROUPS:
        row = [entries["review"][group.key][result.key] for result in REVIEW_RESULTS]
        groups.append(ReviewGroup(group.label, [*row, sum(row)]))
    return groups


def table_errors(rows: list[RequestRow], review: list[ReviewGroup]) -> list[str]:
    """Every way the tables fail to add up, as Chinese messages (empty when they do).

    The totals are computed, so the sums can only fail if the computation is wrong; this is
    checked anyway, as the template's readers will. The cross-check can fail on typed data.
    """
    errors: list[str] = []
    by_key = {row.key: row for row in rows}
    for row in rows:
        if sum(row.values[:-1]) != row.values[-1]:
            errors.append(_("表三“%(row)s”一行各列之和与总计不符。") % {"row": row.heads[-1].text})
    outcome_keys = [line.key for line in outcome_rows()]
    for index, column in enumerate([*REQUEST_COLUMNS, Line("total", gettext_lazy("总计"))]):
        outcome = sum(by_key[key].values[index] for key in outcome_keys)
        if outcome != by_key[OUTCOME_TOTAL.key].values[index]:
            errors.append(
                _("表三“%(column)s”一列的办理结果之和与（七）总计不符。") % {"column": column.label}
            )
        intake = by_key["new"].values[index] + by_key["carried_in"].values[index]
        handled = by_key[OUTCOME_TOTAL.key].values[index] + by_key[CARRIED_OUT.key].values[index]
        if intake != handled:
            errors.append(
                _(
                    "表三“%(column)s”一列：本年新收（%(new)s）加上年结转（%(carried_in)s）应等于"
                    "办理结果总计（%(handled)s）加结转下年度（%(carried_out)s）。"
                )
                % {
                    "column": column.label,
                    "new": by_key["new"].values[index],
                    "carried_in": by_key["carried_in"].values[index],
                    "handled": by_key[OUTCOME_TOTAL.key].values[index],
                    "carried_out": by_key[CARRIED_OUT.key].values[index],
                }
            )
    for group in review:
        if sum(group.values[:-1]) != group.values[-1]:
            errors.append(_("表四“%(group)s”各项之和与总计不符。") % {"group": group.label})
    return errors


def organ_name() -> str:
    district = Unit.objects.districts().first()
    return district.name if district else ""


def build_report(
    year: int, *, entries: dict[str, Any] | None = None, today: datetime.date | None = None
) -> ReportData:
    """The year's report: the stored entries (or ``entries``, e.g. a form's data being
    previewed) with the data-filled cells and every total computed."""
    report = AnnualReport.objects.filter(year=year).first()
    if entries is None:
        entries = report.entries if report else {}
    entries = normalised_entries(entries)
    finalised = bool(report and report.pdf)
    finalised_on = timezone.localdate(report.updated_at) if finalised and report else None
    return ReportData(
        year=year,
        organ=organ_name(),
        entries=entries,
        documents=document_rows(year),
        decisions=[(line.label, entries["proactive"][line.key]) for line in DECISION_ROWS],
        fee_amount=Decimal(entries["proactive"]["fee_amount"]),
        requests=request_table(entries),
        review=review_table(entries),
        facts=data_facts(year),
        due=due_state(year, finalised=finalised, today=today),
        finalised=finalised,
        finalised_on=finalised_on,
    )


# --- validation and saving --------------------------------------------------------------------


def previous_carried_out(year: int) -> dict[str, int] | None:
    """Last year's 四、结转下年度继续办理 per column, when last year's report is on file."""
    previous = AnnualReport.objects.filter(year=year - 1).first()
    if previous is None or not (previous.entries or {}).get("requests"):
        return None
    return normalised_entries(previous.entries)["requests"][CARRIED_OUT.key]


def validate_entries(year: int, entries: dict[str, Any]) -> None:
    """Raise a (Chinese) ValidationError when the tables do not add up, or when 二、上年结转
    differs from what last year's report carried over."""
    entries = normalised_entries(entries)
    errors = table_errors(request_table(entries), review_table(entries))
    carried = previous_carried_out(year)
    if carried is not None:
        for column in REQUEST_COLUMNS:
            typed = entries["requests"]["carried_in"][column.key]
            if typed != carried[column.key]:
                errors.append(
                    _(
                        "表三“%(column)s”一列：上年结转（%(typed)s）与%(year)s年度报告的"
                        "结转下年度继续办理（%(carried)s）不一致。"
                    )
                    % {
                        "column": column.label,
                        "typed": typed,
                        "year": year - 1,
                        "carried": carried[column.key],
                    }
                )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def annual_report_save_entries(*, year: int, entries: dict[str, Any], user: Any) -> AnnualReport:
    """Store the office's entries for ``year`` after validating them. A finalised PDF no longer
    matches the entries, so it is discarded: the report must be finalised again."""
    if not user_can_edit_annual_report(user):
        raise ValidationError(_("只有办公室可以填报政府信息公开年度报告。"))
    entries = normalised_entries(entries)
    validate_entries(year, entries)
    report, _created = AnnualReport.objects.select_for_update().get_or_create(year=year)
    report.entries = entries
    report.updated_by = user
    if report.pdf:
        report.pdf.delete(save=False)
        report.pdf = ""
    report.save()
    return report


def render_report_pdf(year: int, *, today: datetime.date | None = None) -> bytes:
    from guanwu.printing.render import render_pdf

    data = build_report(year, today=today)
    return render_pdf("oversight/annual_report.html", {"report": data}).pdf


@transaction.atomic
def annual_report_finalise(*, year: int, user: Any) -> AnnualReport:
    """定稿: render the PDF and keep it with the report (which clears the due-date warning).
    Refused while the tables do not add up."""
    if not user_can_edit_annual_report(user):
        raise ValidationError(_("只有办公室可以为政府信息公开年度报告定稿。"))
    report, _created = AnnualReport.objects.select_for_update().get_or_create(year=year)
    validate_entries(year, report.entries)
    pdf = render_report_pdf(year)
    if report.pdf:
        report.pdf.delete(save=False)
    report.pdf.save(f"annual-report-{year}.pdf", ContentFile(pdf), save=False)
    report.updated_by = user
    report.save()
    return report


# --- the entry form -----------------------------------------------------------------------------


def _count_field(label: Any) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=10_000_000,
        initial=0,
        widget=forms.NumberInput(attrs={"min": 0, "class": "count"}),
    )


def _money_field(label: Any, places: int) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        min_value=0,
        max_digits=14,
        decimal_places=places,
        initial=0,
        widget=forms.NumberInput(attrs={"min": 0, "step": "any", "class": "money"}),
    )


def request_field(row: str, column: str) -> str:
    return f"requests__{row}__{column}"


def review_field(group: str, result: str) -> str:
    return f"review__{group}__{result}"


class AnnualReportEntriesForm(forms.Form):
    """The office's part of the report over ``AnnualReport.entries``: integer fields (min 0)
    for the counts, decimal fields for the amounts, text fields for the written parts.
    Totals have no field: they are computed."""

    def __init__(self, *args: Any, year: int, **kwargs: Any) -> None:
        self.year = year
        super().__init__(*args, **kwargs)
        for line in TEXTS:
            self.fields[f"texts__{line.key}"] = forms.CharField(
                label=line.label,
                required=False,
                max_length=20_000,
                widget=forms.Textarea(attrs={"rows": 8}),
            )
        for line in DECISION_ROWS:
            self.fields[f"proactive__{line.key}"] = _count_field(line.label)
        self.fields["proactive__fee_amount"] = _money_field(
            gettext_lazy("行政事业性收费 本年收费金额（万元）"), 4
        )
        for row in entry_rows():
            for column in REQUEST_COLUMNS:
                self.fields[request_field(row.key, column.key)] = _count_field(
                    f"{row.label} — {column.label}"
                )
        for group in REVIEW_GROUPS:
            for result in REVIEW_RESULTS:
                self.fields[review_field(group.key, result.key)] = _count_field(
                    f"{group.label} — {result.label}"
                )
        self.fields["fees__notices"] = _count_field(gettext_lazy("发出收费通知（件）"))
        self.fields["fees__notified"] = _money_field(gettext_lazy("收费通知总金额（元）"), 2)
        self.fields["fees__collected"] = _money_field(gettext_lazy("实际收取总金额（元）"), 2)
        # The grids show the row and column headings, not a label per input: name each input.
        for form_field in self.fields.values():
            form_field.widget.attrs["aria-label"] = str(form_field.label)

    @staticmethod
    def initial_from(entries: dict[str, Any]) -> dict[str, Any]:
        entries = normalised_entries(entries)
        initial: dict[str, Any] = {}
        for line in TEXTS:
            initial[f"texts__{line.key}"] = entries["texts"][line.key]
        for line in DECISION_ROWS:
            initial[f"proactive__{line.key}"] = entries["proactive"][line.key]
        initial["proactive__fee_amount"] = Decimal(entries["proactive"]["fee_amount"])
        for row in entry_rows():
            for column in COLUMN_KEYS:
                initial[request_field(row.key, column)] = entries["requests"][row.key][column]
        for group in REVIEW_GROUPS:
            for result in REVIEW_RESULTS:
                initial[review_field(group.key, result.key)] = entries["review"][group.key][
                    result.key
                ]
        fees = entries["processing_fees"]
        initial["fees__notices"] = fees["notices"]
        initial["fees__notified"] = Decimal(fees["notified"])
        initial["fees__collected"] = Decimal(fees["collected"])
        return initial

    def entries(self) -> dict[str, Any]:
        """The cleaned data as the JSON ``AnnualReport.entries`` keeps."""
        data = self.cleaned_data
        entries = empty_entries()
        for line in TEXTS:
            entries["texts"][line.key] = (data.get(f"texts__{line.key}") or "").strip()
        for line in DECISION_ROWS:
            entries["proactive"][line.key] = data.get(f"proactive__{line.key}") or 0
        entries["proactive"]["fee_amount"] = str(data.get("proactive__fee_amount") or 0)
        for row in entry_rows():
            for column in COLUMN_KEYS:
                entries["requests"][row.key][column] = data.get(request_field(row.key, column)) or 0
        for group in REVIEW_GROUPS:
            for result in REVIEW_RESULTS:
                entries["review"][group.key][result.key] = (
                    data.get(review_field(group.key, result.key)) or 0
                )
        entries["processing_fees"] = {
            "notices": data.get("fees__notices") or 0,
            "notified": str(data.get("fees__notified") or 0),
            "collected": str(data.get("fees__collected") or 0),
        }
        return entries

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if not self.errors:
            try:
                validate_entries(self.year, self.entries())
            except ValidationError as exc:
                for message in exc.messages:
                    self.add_error(None, message)
        return cleaned

    # Layout helpers for the template: the request grid and the review grid.
    def request_grid(self) -> list[tuple[Any, list[Any]]]:
        return [
            (row.label, [self[request_field(row.key, column)] for column in COLUMN_KEYS])
            for row in entry_rows()
        ]

    def review_grid(self) -> list[tuple[Any, list[Any]]]:
        return [
            (group.label, [self[review_field(group.key, result.key)] for result in REVIEW_RESULTS])
            for group in REVIEW_GROUPS
        ]

    def text_fields(self) -> list[Any]:
        return [self[f"texts__{line.key}"] for line in TEXTS]

    def proactive_fields(self) -> list[Any]:
        return [self[f"proactive__{line.key}"] for line in DECISION_ROWS] + [
            self["proactive__fee_amount"]
        ]

    def fee_fields(self) -> list[Any]:
        return [self["fees__notices"], self["fees__notified"], self["fees__collected"]]


def default_report_year(today: datetime.date | None = None) -> int:
    """The year being reported on: last year's report in January (it is due on the 31st),
    this year's otherwise."""
    today = today or timezone.localdate()
    return today.year - 1 if today.month == 1 else today.year
