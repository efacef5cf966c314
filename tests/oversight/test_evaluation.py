"""The year-end evaluation (seed 五.(六); DESIGN rule 10): scores recomputed from their stored
figures, weights validated, ranks, year over year, exports read back."""

from __future__ import annotations

import datetime
import io
import itertools
import uuid
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

import openpyxl
import pytest
from pypdf import PdfReader

from guanwu.cases.models import Case, CaseReply
from guanwu.disclosure.models import DisclosureItemPage, SubItem
from guanwu.organization.models import ContactLine, Hall, Unit
from guanwu.oversight import evaluation
from guanwu.oversight.admin_evaluation import WeightsForm
from guanwu.oversight.enums import ActionState, Severity
from guanwu.oversight.findings import Finding
from guanwu.oversight.models import CorrectiveAction, Evaluation, EvaluationWeights
from guanwu.oversight.rosters import staffed_line_kinds
from tests.factories import make_item

pytestmark = pytest.mark.django_db

_codes = itertools.count(1)


def _year() -> int:
    return timezone.localdate().year


def _case(unit: Unit, *, author, on_time: bool = True, rating: int | None = None) -> Case:
    """A case received today and answered today; late ones had yesterday as their deadline."""
    today = timezone.localdate()
    case = Case.objects.create(
        tracking_code=f"T{next(_codes):09d}",
        password_salt=uuid.uuid4().hex,
        kind="consultation",
        channel="web",
        body="加工贸易手册如何核销？",
        responsible_unit=unit,
        received_on=today,
        deadline=today if on_time else today - datetime.timedelta(days=1),
        rating=rating,
    )
    CaseReply.objects.create(case=case, body="已答复。", author=author, sent_at=timezone.now())
    return case


def _action(unit: Unit, user, *, closed: bool) -> CorrectiveAction:
    return CorrectiveAction.objects.create(
        check_name="stale_standing",
        finding_key=f"test:{uuid.uuid4().hex}",
        unit=unit,
        severity=Severity.WARNING,
        subject="公开内容超过检查日期",
        deadline=timezone.localdate(),
        state=ActionState.CLOSED if closed else ActionState.OPEN,
        assigned_by=user,
        closed_by=user if closed else None,
        closed_at=timezone.now() if closed else None,
    )


def _subtree(code: str):
    return Unit.objects.filter(Q(code=code) | Q(parent__code=code))


def _hotline_seats(division: str) -> list[str]:
    """The staffed hotline seats (consultation, 通关110) of a division and its sections."""
    lines = ContactLine.objects.live().filter(
        kind__in=staffed_line_kinds(), unit__in=_subtree(division)
    )
    return [f"line:{line.unit.code}:{line.number}" for line in lines.select_related("unit")]


def _by_code(rows: list[Evaluation]) -> dict[str, Evaluation]:
    return {row.unit.code: row for row in rows}


@pytest.fixture
def office(demo_users):
    return demo_users["office"]


# --- weights ----------------------------------------------------------------------------------------


def test_default_weights_sum_to_100_and_a_wrong_sum_is_refused_in_chinese(demo):
    weights = evaluation.weights_for(_year())
    assert weights.pk is None
    assert sum(evaluation.weight_values(weights).values()) == 100
    evaluation.validate_weights(weights)

    wrong = {**evaluation.weight_values(weights), "coverage": 24}
    with pytest.raises(ValidationError) as caught:
        evaluation.validate_weights(wrong)
    assert "各项权重之和应为 100，目前为 99。" in caught.value.messages

    form = WeightsForm(data=wrong)
    assert not form.is_valid()
    assert "各项权重之和应为 100，目前为 99。" in form.non_field_errors()
    assert WeightsForm(data={**wrong, "coverage": 25}).is_valid()


def test_weights_are_saved_only_by_the_office_or_supervision(demo_users):
    year = _year()
    values = {
        **evaluation.weight_values(evaluation.weights_for(year)),
        "coverage": 30,
        "freshness": 15,
    }
    with pytest.raises(ValidationError):
        evaluation.evaluation_weights_save(year=year, values=values, user=demo_users["liaison"])
    saved = evaluation.evaluation_weights_save(
        year=year, values=values, user=demo_users["supervision"]
    )
    assert evaluation.weights_for(year).pk == saved.pk
    assert saved.coverage == 30


def test_evaluate_refuses_stored_weights_that_do_not_sum_to_100(demo):
    EvaluationWeights.objects.create(year=_year(), coverage=50)  # 50+20+20+15+10+10 = 125
    with pytest.raises(ValidationError, match="125"):
        evaluation.evaluate(_year())


# --- scores and their figures -------------------------------------------------------------------


def test_scores_are_recomputed_from_their_stored_figures(demo_users, office):
    xg_section = Unit.objects.get(code="HH-XG-ZHYW")
    for on_time, rating in ((True, 5), (True, 2), (False, None)):
        _case(xg_section, on_time=on_time, rating=rating, author=office)
    _action(xg_section, office, closed=True)
    _action(Unit.objects.get(code="HH-XG"), office, closed=False)

    rows = evaluation.evaluate(_year())
    assert rows
    for row in rows:
        figures = row.figures
        assert evaluation.score_from_figures(figures) == row.score
        assert Decimal(figures["score"]) == row.score
        for part in figures["parts"].values():
            expected = evaluation.share_score(part["numerator"], part["denominator"])
            assert (Decimal(part["score"]) if part["score"] is not None else None) == expected
        # The weighted mean by hand, over the parts that applied.
        applied = {
            key: int(figures["weights"][key])
            for key, part in figures["parts"].items()
            if part["score"] is not None
        }
        assert figures["applied_weight"] == sum(applied.values())
        total = sum(Decimal(w) * Decimal(figures["parts"][k]["score"]) for k, w in applied.items())
        assert row.score == (total / sum(applied.values())).quantize(Decimal("0.01"))

    xg = _by_code(rows)["HH-XG"].figures["parts"]
    # Hand-counted: 3 answered, 2 on time; 2 rated, 1 satisfied (5) and 1 not (2).
    assert (xg["on_time"]["numerator"], xg["on_time"]["denominator"]) == (2, 3)
    assert xg["on_time"]["score"] == "66.67"
    assert (xg["satisfaction"]["numerator"], xg["satisfaction"]["denominator"]) == (1, 2)
    assert xg["satisfaction"]["score"] == "50.00"
    # Sections count for their division: 1 of the 2 actions closed.
    assert (xg["findings_closed"]["numerator"], xg["findings_closed"]["denominator"]) == (1, 2)


def test_a_part_without_data_is_left_out_and_the_weights_renormalised(demo):
    rows = evaluation.evaluate(_year())
    # The test database has no cases and no corrective actions.
    office_row = _by_code(rows)["HH-BGS"]
    parts = office_row.figures["parts"]
    for key in ("on_time", "satisfaction", "findings_closed", "channels"):
        assert parts[key] == {"numerator": 0, "denominator": 0, "score": None}
    weights = office_row.figures["weights"]
    assert office_row.figures["applied_weight"] == weights["coverage"] + weights["freshness"]
    expected = (
        weights["coverage"] * Decimal(parts["coverage"]["score"])
        + weights["freshness"] * Decimal(parts["freshness"]["score"])
    ) / (weights["coverage"] + weights["freshness"])
    assert office_row.score == expected.quantize(Decimal("0.01"))
    # A unit with nothing at all to score is not ranked.
    assert all(row.figures["applied_weight"] > 0 for row in rows)
    ranked = {row.unit_id for row in rows}
    assert {u.pk for u in evaluation.units_without_score(_year())}.isdisjoint(ranked)


def test_stale_content_and_a_missing_sub_item_lower_freshness_and_coverage(demo):
    year = _year()
    before = _by_code(evaluation.evaluate(year))["HH-XG"].figures["parts"]
    xg_units = _subtree("HH-XG")
    # A standing item last published and checked two years ago is past its check date.
    stale = (
        DisclosureItemPage.objects.live()
        .filter(owning_unit__in=xg_units, mode="standing", content_checks__isnull=True)
        .first()
    )
    DisclosureItemPage.objects.filter(pk=stale.pk).update(
        last_published_at=timezone.now() - datetime.timedelta(days=800)
    )
    # A sub-item the branch starts on (a draft) but has not published.
    owned = set(
        DisclosureItemPage.objects.filter(owning_unit__in=xg_units).values_list(
            "subitem__code", flat=True
        )
    )
    missing = SubItem.objects.exclude(code__in=owned).filter(category=2).first()
    make_item(subitem=missing.code, unit="HH-XG-ZHYW", title="尚未发布的公开事项")

    after = _by_code(evaluation.evaluate(year))["HH-XG"].figures["parts"]
    assert after["freshness"]["denominator"] == before["freshness"]["denominator"]
    assert after["freshness"]["numerator"] == before["freshness"]["numerator"] - 1
    assert after["coverage"]["denominator"] == before["coverage"]["denominator"] + 1
    assert after["coverage"]["numerator"] == before["coverage"]["numerator"]
    assert missing.code in after["coverage"]["detail"]["missing"]


def test_channels_count_the_halls_no_channel_finding_names(demo, monkeypatch):
    airport = Unit.objects.get(code="HH-JC")
    halls = list(Hall.objects.live().filter(unit=airport).order_by("code"))
    assert len(halls) == 2
    broken = Finding(
        check="channels_kiosk",
        unit=airport,
        severity=Severity.SERIOUS,
        subject="没有正常使用的触摸屏",
        about=f"hall:{halls[0].code}",
    )
    # Only past roster gaps count; a roster not yet made for the coming days does not.
    upcoming = Finding(
        check="channels_roster",
        unit=airport,
        severity=Severity.WARNING,
        subject="尚未排班",
        about=f"hall:{halls[1].code}:upcoming",
    )
    monkeypatch.setattr(evaluation, "_findings", lambda as_of, names: [broken, upcoming])
    parts = _by_code(evaluation.evaluate(_year()))["HH-JC"].figures["parts"]
    places = len(halls) + len(_hotline_seats("HH-JC"))
    assert (parts["channels"]["numerator"], parts["channels"]["denominator"]) == (
        places - 1,
        places,
    )
    assert parts["channels"]["detail"] == {"not_in_place": [f"hall:{halls[0].code}"]}


def test_the_real_checks_feed_the_channels_part(demo):
    """A hall or hotline seat is in place when no bulletin, kiosk or past-roster finding of
    the oversight engine names it."""
    from guanwu.oversight.engine import run_checks

    today = timezone.localdate()
    named = {
        f.about.removesuffix(":past")
        for f in run_checks(today, only=set(evaluation.CHANNEL_CHECKS))
        if not f.about.endswith(":upcoming")
    }
    rows = _by_code(evaluation.evaluate(_year(), today))
    for code in ("HH-XG", "HH-JC", "HH-ZXZX"):
        halls = [f"hall:{h.code}" for h in Hall.objects.live().filter(unit__code=code)]
        places = halls + _hotline_seats(code)
        channels = rows[code].figures["parts"]["channels"]
        assert channels["denominator"] == len(places)
        assert channels["numerator"] == len([p for p in places if p not in named])


def test_weights_decide_the_score(demo_users):
    year = _year()
    only_coverage = dict.fromkeys(evaluation.PART_KEYS, 0) | {"coverage": 100}
    evaluation.evaluation_weights_save(year=year, values=only_coverage, user=demo_users["office"])
    for row in evaluation.evaluate(year):
        assert row.score == Decimal(row.figures["parts"]["coverage"]["score"])


# --- ranks and years ---------------------------------------------------------------------------------


def test_equal_scores_share_a_place():
    ranked = evaluation.rank(
        [("a", Decimal(90)), ("b", Decimal(80)), ("c", Decimal(80)), ("d", Decimal(70))]
    )
    assert [(item, place) for item, _score, place in ranked] == [
        ("a", 1),
        ("b", 2),
        ("c", 2),
        ("d", 4),
    ]


def test_stored_ranks_follow_the_scores(demo):
    rows = evaluation.evaluate(_year())
    for row in rows:
        assert row.rank == 1 + sum(1 for other in rows if other.score > row.score)
    assert [row.rank for row in rows] == sorted(row.rank for row in rows)


def test_recomputing_replaces_the_year_and_compares_with_last_year(demo):
    year = _year()
    office_unit = Unit.objects.get(code="HH-BGS")
    Evaluation.objects.create(
        year=year - 1, unit=office_unit, score=Decimal("50.00"), rank=9, figures={}
    )
    evaluation.evaluate(year)
    first = Evaluation.objects.filter(year=year).count()
    evaluation.evaluate(year)
    assert Evaluation.objects.filter(year=year).count() == first

    rows = {row.unit.code: row for row in evaluation.evaluation_rows(year)}
    row = rows["HH-BGS"]
    assert row.previous.score == Decimal("50.00") and row.previous.rank == 9
    assert row.change == row.score - Decimal("50.00")
    assert rows["HH-XG"].previous is None and rows["HH-XG"].change is None


def test_a_future_year_cannot_be_evaluated(demo):
    with pytest.raises(ValidationError):
        evaluation.evaluate(_year() + 1)


# --- exports -----------------------------------------------------------------------------------------


def test_the_xlsx_reads_back_with_every_figure_and_last_years_score(demo):
    year = _year()
    Evaluation.objects.create(
        year=year - 1, unit=Unit.objects.get(code="HH-BGS"), score=Decimal("60.00"), rank=3
    )
    rows = evaluation.evaluate(year)
    sheet = openpyxl.load_workbook(io.BytesIO(evaluation.export_xlsx(year))).active
    header = [cell.value for cell in sheet[1]]
    assert header[:4] == ["名次", "单位代码", "单位", "得分"]
    assert "内容覆盖 分项得分" in header and "公开渠道 分母" in header
    assert header[-5:] == ["计入权重合计", "上年得分", "上年名次", "得分变化", "计算日期"]
    assert sheet.max_row == len(rows) + 1
    by_code = {sheet.cell(row=r, column=2).value: r for r in range(2, sheet.max_row + 1)}
    for evaluation_row in rows:
        r = by_code[evaluation_row.unit.code]
        values = dict(zip(header, [cell.value for cell in sheet[r]], strict=True))
        assert values["名次"] == evaluation_row.rank
        assert Decimal(str(values["得分"])) == evaluation_row.score
        for part in evaluation.PARTS:
            stored = evaluation_row.figures["parts"][part.key]
            assert values[f"{part.label} 分子"] == stored["numerator"]
            assert values[f"{part.label} 分母"] == stored["denominator"]
    office_values = dict(zip(header, [c.value for c in sheet[by_code["HH-BGS"]]], strict=True))
    assert office_values["上年得分"] == 60.0 and office_values["上年名次"] == 3
    office_score = next(r.score for r in rows if r.unit.code == "HH-BGS")
    assert Decimal(str(office_values["得分变化"])).quantize(Decimal("0.01")) == office_score - 60


def test_the_pdf_reads_back(demo):
    year = _year()
    rows = evaluation.evaluate(year)
    reader = PdfReader(io.BytesIO(evaluation.render_pdf(year)))
    text = "".join(page.extract_text() for page in reader.pages).replace(" ", "")
    assert f"海河海关{year}年度关务公开检查评估结果" in text
    for row in rows:
        assert row.unit.name in text
    assert "内容覆盖" in text and "上年得分" in text


def test_the_command_computes_and_writes_both_files(demo, tmp_path, capsys):
    year = _year()
    xlsx, pdf = tmp_path / "e.xlsx", tmp_path / "e.pdf"
    call_command("evaluate", "--year", str(year), "--xlsx", str(xlsx), "--pdf", str(pdf))
    out = capsys.readouterr().out
    count = Evaluation.objects.filter(year=year).count()
    assert count and f"{year}年度考核：{count} 个单位" in out
    assert openpyxl.load_workbook(xlsx).active.max_row == count + 1
    assert PdfReader(str(pdf)).pages


def test_the_command_dry_run_stores_nothing(demo, capsys):
    call_command("evaluate", "--year", str(_year()), "--dry-run")
    assert "办公室" in capsys.readouterr().out
    assert not Evaluation.objects.exists()


# --- the admin ----------------------------------------------------------------------------------------


def _denied(response) -> bool:
    """Wagtail answers PermissionDenied in its admin with a redirect to the dashboard."""
    return response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")


def test_the_office_sets_weights_computes_and_downloads(client, demo_users):
    year = _year()
    url = f"{reverse('oversight_evaluation')}?year={year}"
    client.force_login(demo_users["office"])
    weights = evaluation.weight_values(evaluation.weights_for(year))
    page = client.post(url, {"action": "weights", **weights, "coverage": 5}).content.decode()
    assert "各项权重之和应为 100，目前为 80。" in page
    assert not EvaluationWeights.objects.filter(year=year).exists()

    response = client.post(url, {"action": "weights", **weights, "coverage": 35, "freshness": 10})
    assert response.status_code == 302
    assert EvaluationWeights.objects.get(year=year).coverage == 35

    assert client.post(url, {"action": "compute"}).status_code == 302
    page = client.get(url).content.decode()
    best = Evaluation.objects.filter(year=year).order_by("rank").first()
    assert best.unit.name in page and str(best.score) in page
    assert "上年得分" in page

    xlsx = client.get(reverse("oversight_evaluation_xlsx", args=[year]))
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxml")
    pdf = client.get(reverse("oversight_evaluation_pdf", args=[year]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


@pytest.mark.parametrize(
    ("username", "allowed"),
    [
        ("office", True),
        ("supervision", True),
        ("liaison", False),
        ("legal", False),
        ("centre", False),
    ],
)
def test_only_the_office_and_the_supervision_office_reach_the_evaluation(
    client, demo_users, username, allowed
):
    year = _year()
    client.force_login(demo_users[username])
    urls = [
        reverse("oversight_evaluation"),
        reverse("oversight_evaluation_xlsx", args=[year]),
        reverse("oversight_evaluation_pdf", args=[year]),
    ]
    for url in urls:
        response = client.get(url)
        assert (response.status_code == 200) is allowed, url
        assert _denied(response) is not allowed, url
    compute = client.post(reverse("oversight_evaluation"), {"action": "compute"})
    assert _denied(compute) is not allowed
    assert Evaluation.objects.exists() is allowed
