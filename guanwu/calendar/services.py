"""Loading, seeding and importing the official calendar (seed 四.五; DESIGN rule 6).

Rule 6: deadlines count official working days — the State Council schedule with its
swapped working weekends, editable for years not yet known to any library. The
``chinesecalendar`` package supplies the years it knows; later years come from a text file
(``import_holidays``) or the Wagtail admin. Every change sends ``calendar_changed`` once.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connections, router, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .enums import CalendarSource, DayKind
from .models import CalendarDay, CalendarYear, kind_mismatch
from .signals import row_signals_suppressed, send_calendar_changed
from .workdays import WorkCalendar

CACHE_KEY = "guanwu:workcalendar:v1"
CACHE_SECONDS = 24 * 3600


class CalendarError(ValidationError):
    """A calendar change was refused; the messages are for the user, in Chinese."""


# --- reading -------------------------------------------------------------------------------


def _stamp() -> str:
    """A fingerprint of both tables: changes on any host or worker, and after a rollback.

    An explicit delete alone would leave other processes' local caches stale (the embedded
    tier uses per-process memory), so the cached value carries the stamp it was built from.
    """
    # One statement, not two ORM aggregates: every deadline counted (each public submission)
    # reads this, and the two queries' compilation cost more than the tables' scan.
    connection = connections[router.db_for_read(CalendarDay)]
    quote = connection.ops.quote_name
    days, years = quote(CalendarDay._meta.db_table), quote(CalendarYear._meta.db_table)
    day_updated = quote(CalendarDay._meta.get_field("updated_at").column)
    year_updated = quote(CalendarYear._meta.get_field("updated_at").column)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT COUNT(*) FROM {days}), (SELECT MAX({day_updated}) FROM {days}),"  # noqa: S608  # nosec B608  # table and column names from the models
            f" (SELECT COUNT(*) FROM {years}), (SELECT MAX({year_updated}) FROM {years})"
        )
        row = cursor.fetchone()
    return "/".join(str(value) for value in row)


def build_calendar() -> WorkCalendar:
    """The calendar straight from the database (no cache)."""
    holidays, workdays = set(), set()
    for day, kind in CalendarDay.objects.values_list("date", "kind"):
        (holidays if kind == DayKind.HOLIDAY else workdays).add(day)
    known = CalendarYear.objects.filter(complete=True).values_list("year", flat=True)
    return WorkCalendar(
        holidays=frozenset(holidays), workdays=frozenset(workdays), known_years=frozenset(known)
    )


def load_calendar() -> WorkCalendar:
    """The calendar every deadline is counted with, cached until the tables change."""
    stamp = _stamp()
    cached = cache.get(CACHE_KEY)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    calendar = build_calendar()
    cache.set(CACHE_KEY, (stamp, calendar), CACHE_SECONDS)
    return calendar


def forget_cached_calendar() -> None:
    cache.delete(CACHE_KEY)


# --- the result of a change ----------------------------------------------------------------


@dataclass(frozen=True)
class DayChange:
    """One day added, changed or removed; ``old_*`` are empty for an added day."""

    action: str  # "add" | "change" | "remove"
    date: datetime.date
    kind: str = ""
    name: str = ""
    old_kind: str = ""
    old_name: str = ""

    def describe(self) -> str:
        def label(kind: str, name: str) -> str:
            text = str(DayKind(kind).label) if kind in DayKind.values else kind
            return f"{text} {name}".strip()

        day = self.date.isoformat()
        if self.action == "add":
            return _("新增 %(day)s %(what)s") % {"day": day, "what": label(self.kind, self.name)}
        if self.action == "remove":
            return _("删除 %(day)s %(what)s") % {
                "day": day,
                "what": label(self.old_kind, self.old_name),
            }
        return _("修改 %(day)s %(old)s → %(new)s") % {
            "day": day,
            "old": label(self.old_kind, self.old_name),
            "new": label(self.kind, self.name),
        }


@dataclass
class CalendarUpdate:
    """What a seeding or an import changed (or, with ``dry_run``, would change)."""

    dry_run: bool = False
    changes: list[DayChange] = field(default_factory=list)
    # Years newly recorded as known (complete): answers crossing them stop being provisional.
    years_marked: list[int] = field(default_factory=list)
    # Lines accepted but not stored, with the reason (weekend days off are rest days anyway).
    notes: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.changes or self.years_marked)

    @property
    def years(self) -> tuple[int, ...]:
        """The years whose working days or known status changed."""
        return tuple(sorted({c.date.year for c in self.changes} | set(self.years_marked)))

    def summary(self) -> str:
        if self.dry_run:
            return (
                _("演练（--dry-run）：以上变更均未写入。")
                if self.changed
                else _("演练：没有变更。")
            )
        if self.changed:
            return _("已更新：%(years)s 年。") % {"years": "、".join(map(str, self.years))}
        return _("没有变更。")

    def describe(self) -> list[str]:
        lines = [change.describe() for change in self.changes]
        lines += [_("%(year)d 年标记为已完整录入") % {"year": y} for y in self.years_marked]
        return lines


@dataclass(frozen=True)
class _Entry:
    line: int
    date: datetime.date
    kind: str
    name: str


def _apply(
    *,
    wanted: dict[datetime.date, _Entry],
    existing: dict[datetime.date, CalendarDay],
    removable: Iterable[CalendarDay],
    source: str,
    keep_admin_rows: bool,
    update: CalendarUpdate,
) -> tuple[list[CalendarDay], list[CalendarDay], list[int]]:
    """Compare wanted days with stored ones: (rows to create, rows to update, pks to delete)."""
    now = timezone.now()
    creates: list[CalendarDay] = []
    updates: list[CalendarDay] = []
    for day, entry in sorted(wanted.items()):
        row = existing.get(day)
        if row is None:
            creates.append(CalendarDay(date=day, kind=entry.kind, name=entry.name, source=source))
            update.changes.append(DayChange("add", day, entry.kind, entry.name))
            continue
        if keep_admin_rows and row.source == CalendarSource.ADMIN:
            continue  # an edit made by hand outranks the package
        if (row.kind, row.name) != (entry.kind, entry.name):
            update.changes.append(
                DayChange("change", day, entry.kind, entry.name, row.kind, row.name)
            )
        elif row.source == source:
            continue
        row.kind, row.name, row.source, row.updated_at = entry.kind, entry.name, source, now
        updates.append(row)
    deletes = []
    for row in removable:
        if row.date not in wanted:
            deletes.append(row.pk)
            update.changes.append(
                DayChange("remove", row.date, old_kind=row.kind, old_name=row.name)
            )
    return creates, updates, deletes


def _write(creates: list[CalendarDay], updates: list[CalendarDay], deletes: list[int]) -> None:
    with row_signals_suppressed():
        if deletes:
            CalendarDay.objects.filter(pk__in=deletes).delete()
        if updates:
            CalendarDay.objects.bulk_update(
                updates, ["kind", "name", "source", "updated_at"], batch_size=500
            )
        if creates:
            CalendarDay.objects.bulk_create(creates, batch_size=500)


def _mark_year(*, year: int, source: str, note: str | None, update: CalendarUpdate) -> None:
    """Record ``year`` as known (complete) from ``source``; ``note=None`` keeps the note."""
    record = CalendarYear.objects.filter(year=year).first()
    if record is None:
        record = CalendarYear(year=year)
    elif record.complete and record.source == source and note in (None, record.note):
        return
    if not record.complete:
        update.years_marked.append(year)
    if update.dry_run:
        return
    record.source, record.complete = source, True
    if note is not None:
        record.note = note
    with row_signals_suppressed():
        record.save()


# --- chinesecalendar -----------------------------------------------------------------------


def chinesecalendar_schedule() -> tuple[range, dict[int, dict[datetime.date, _Entry]]]:
    """The years the package knows and, per year, its exceptions to the Monday–Friday rule.

    The package lists whole holiday periods, weekends included; only weekday holidays and
    worked weekend days are exceptions, so only those are kept. Names come in Chinese
    from the package's ``Holiday`` enum (元旦, 春节, ...).
    """
    from chinese_calendar import constants

    chinese = {holiday.value: holiday.chinese for holiday in constants.Holiday}
    known = range(min(constants.holidays).year, max(constants.holidays).year + 1)
    per_year: dict[int, dict[datetime.date, _Entry]] = {year: {} for year in known}
    for source, kind in (
        (constants.holidays, DayKind.HOLIDAY),
        (constants.workdays, DayKind.WORKDAY),
    ):
        for day, label in source.items():
            if kind_mismatch(day, kind) is None and day.year in per_year:
                per_year[day.year][day] = _Entry(0, day, kind, chinese.get(label, label or ""))
    return known, per_year


def chinesecalendar_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("chinesecalendar")
    except PackageNotFoundError:  # pragma: no cover - it is a pinned dependency
        return "?"


@transaction.atomic
def seed_from_chinesecalendar(
    years: Iterable[int] | None = None, *, dry_run: bool = False
) -> CalendarUpdate:
    """Store the schedule of every year chinesecalendar knows (or of ``years``). Idempotent.

    Years imported from a file or completed by hand are left alone, and so are single days
    edited in the admin: the package only fills and refreshes what it supplied itself.
    Called after every ``migrate``; with nothing to change it reads two tables and writes
    nothing.
    """
    known, schedule = chinesecalendar_schedule()
    wanted_years = list(known) if years is None else sorted(set(years))
    unknown = [y for y in wanted_years if y not in known]
    if unknown:
        raise CalendarError(
            _(
                "chinesecalendar %(version)s 没有 %(years)s 年的放假安排（只有 %(low)d–%(high)d 年），请用文件导入。"
            )
            % {
                "version": chinesecalendar_version(),
                "years": "、".join(map(str, unknown)),
                "low": known.start,
                "high": known.stop - 1,
            }
        )
    records = {r.year: r for r in CalendarYear.objects.filter(year__in=wanted_years)}
    # A year someone imported or curated by hand is theirs; the package does not overwrite it.
    target = [
        y
        for y in wanted_years
        if y not in records or records[y].source == CalendarSource.CHINESECALENDAR
    ]
    update = CalendarUpdate(dry_run=dry_run)
    if not target:
        return update
    stored = list(CalendarDay.objects.in_years(target))
    wanted = {day: entry for year in target for day, entry in schedule[year].items()}
    creates, updates, deletes = _apply(
        wanted=wanted,
        existing={row.date: row for row in stored},
        removable=[r for r in stored if r.source == CalendarSource.CHINESECALENDAR],
        source=CalendarSource.CHINESECALENDAR,
        keep_admin_rows=True,
        update=update,
    )
    if not dry_run:
        _write(creates, updates, deletes)
    note = f"chinesecalendar {chinesecalendar_version()}"
    for year in target:
        _mark_year(year=year, source=CalendarSource.CHINESECALENDAR, note=note, update=update)
    if update.changed and not dry_run:
        send_calendar_changed(CalendarDay, update.years)
    return update


# --- import from a text file ---------------------------------------------------------------

DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
KIND_WORDS = {
    "holiday": DayKind.HOLIDAY,
    "放假": DayKind.HOLIDAY,
    "休": DayKind.HOLIDAY,
    "workday": DayKind.WORKDAY,
    "上班": DayKind.WORKDAY,
    "调休上班": DayKind.WORKDAY,
    "班": DayKind.WORKDAY,
}
NAME_MAX = CalendarDay._meta.get_field("name").max_length


def parse_holiday_lines(lines: Iterable[str]) -> tuple[list[_Entry], list[tuple[int, str]]]:
    """Parse ``YYYY-MM-DD holiday|workday [name]`` lines: (entries, [(line, error)]).

    ``#`` starts a comment; blank lines are ignored. The kind may also be written 放假/休
    or 上班/班/调休上班. Every error names its line, in Chinese.
    """
    entries: list[_Entry] = []
    errors: list[tuple[int, str]] = []
    seen: dict[datetime.date, int] = {}
    for number, raw in enumerate(lines, start=1):
        text = raw.lstrip("\ufeff").split("#", 1)[0].strip()
        if not text:
            continue
        parts = text.split(maxsplit=2)
        where = {"line": number}
        if len(parts) < 2:
            message = _("第 %(line)d 行：应为“YYYY-MM-DD holiday|workday 名称”，缺少类型。")
            errors.append((number, message % where))
            continue
        value, word = parts[0], parts[1]
        name = parts[2].strip() if len(parts) > 2 else ""
        try:
            if not DATE_RE.match(value):
                raise ValueError
            day = datetime.date.fromisoformat(value)
        except ValueError:
            message = _("第 %(line)d 行：日期“%(value)s”无效，应为存在的日期，格式 YYYY-MM-DD。")
            errors.append((number, message % {**where, "value": value}))
            continue
        kind = KIND_WORDS.get(word.lower())
        if kind is None:
            message = _(
                "第 %(line)d 行：类型“%(value)s”无效，应为 holiday（放假）或 workday（调休上班）。"
            )
            errors.append((number, message % {**where, "value": word}))
            continue
        if len(name) > NAME_MAX:
            message = _("第 %(line)d 行：名称过长（最多 %(max)d 字）。")
            errors.append((number, message % {**where, "max": NAME_MAX}))
            continue
        if day in seen:
            message = _("第 %(line)d 行：%(date)s 与第 %(first)d 行重复。")
            errors.append(
                (number, message % {**where, "date": day.isoformat(), "first": seen[day]})
            )
            continue
        seen[day] = number
        entries.append(_Entry(number, day, kind, name))
    return entries, errors


@transaction.atomic
def import_holidays(
    lines: Iterable[str], *, year: int | None = None, replace: bool = True, dry_run: bool = False
) -> CalendarUpdate:
    """Load one year's State Council schedule from text; all or nothing (DESIGN rule 6).

    The year is ``year``, or the one year all the dates fall in. With ``year`` given, dates
    of the neighbouring years are allowed too (a New Year holiday may begin on 31 December,
    a swapped working Sunday precede 1 January); they are added or changed, never used to
    replace those years. With ``replace`` (the default) the year's stored days become
    exactly the file's; otherwise the file's days are merged in. The year is then marked
    complete with source ``import``, so answers crossing it are no longer provisional.
    Raises ``CalendarError`` listing every bad line, and changes nothing, when any is bad.
    """
    entries, errors = parse_holiday_lines(lines)
    if not entries and not errors:
        errors.append((0, _("文件中没有任何日期。")))
    if year is None and entries:
        years = sorted({e.date.year for e in entries})
        if len(years) > 1:
            message = _("文件包含 %(years)s 多个年份的日期，请指定所属年份（--year）。")
            errors.append((0, message % {"years": "、".join(map(str, years))}))
        year = years[0]
    if year is not None:
        if not 1900 <= year <= 2200:
            errors.append((0, _("年份应在 1900 到 2200 之间。")))
        for entry in entries:
            if abs(entry.date.year - year) > 1:
                message = _("第 %(line)d 行：%(date)s 不属于 %(year)d 年，也不在相邻年份。")
                errors.append(
                    (
                        entry.line,
                        message
                        % {"line": entry.line, "date": entry.date.isoformat(), "year": year},
                    )
                )
    update = CalendarUpdate(dry_run=dry_run)
    wanted: dict[datetime.date, _Entry] = {}
    for entry in entries:
        message = kind_mismatch(entry.date, entry.kind)
        if message is None:
            wanted[entry.date] = entry
        elif entry.kind == DayKind.HOLIDAY:
            # State Council notices list whole periods: their weekend days are rest days anyway.
            update.notes.append(
                _("第 %(line)d 行：%(message)s已忽略。") % {"line": entry.line, "message": message}
            )
        else:
            text = _("第 %(line)d 行：%(message)s") % {"line": entry.line, "message": message}
            errors.append((entry.line, text))
    if errors or year is None:  # year is set whenever there is an entry
        # File-level problems first, then the bad lines in file order.
        raise CalendarError([text for _line, text in sorted(errors, key=lambda e: e[0])])

    own = {d: e for d, e in wanted.items() if d.year == year}
    neighbours = {d: e for d, e in wanted.items() if d.year != year}
    stored = {
        row.date: row for row in CalendarDay.objects.in_years({*(d.year for d in wanted), year})
    }
    own_stored = [row for row in stored.values() if row.date.year == year]
    creates, updates, deletes = _apply(
        wanted=own,
        existing=stored,
        removable=own_stored if replace else [],
        source=CalendarSource.IMPORT,
        keep_admin_rows=False,
        update=update,
    )
    more = _apply(
        wanted=neighbours,
        existing=stored,
        removable=[],
        source=CalendarSource.IMPORT,
        keep_admin_rows=False,
        update=update,
    )
    update.changes.sort(key=lambda change: change.date)
    if not dry_run:
        _write(creates + more[0], updates + more[1], deletes + more[2])
    _mark_year(year=year, source=CalendarSource.IMPORT, note=None, update=update)
    if update.changed and not dry_run:
        send_calendar_changed(CalendarDay, update.years)
    return update
