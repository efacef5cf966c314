"""Editions in the admin: requested through a form, built in the background, followed on
their page, downloaded, compared and filed; who may do which.

The content builders are replaced by a small one of these tests (a real template, rendered
for real by WeasyPrint) whose list of printed objects each test drives.
"""

from __future__ import annotations

import hashlib
import signal
from pathlib import Path

from django.core.management import call_command
from django.urls import reverse

import pytest
from django_tasks_db.models import DBTaskResult

from guanwu.organization.models import Hall, Unit
from guanwu.printing import services
from guanwu.printing.content import Collected, Printed, printed
from guanwu.printing.enums import BuildState, EditionKind
from guanwu.printing.models import Edition
from guanwu.printing.tasks import build_edition_task

pytestmark = pytest.mark.django_db

TEMPLATES = Path(__file__).parent / "templates"
OWN_SECTION = "HH-XG-ZHYW"  # the demo liaison's and chief's section (新港海关综合业务科)
OTHER_SECTION = "HH-BGS-GK"  # a section of the office, someone else's for them
HALL = "HH-XG-HALL1"  # the declaration hall of 新港海关, the demo division head's unit


class TinyBuilder:
    """A content builder whose printed objects the test sets in ``objects``."""

    def __init__(self) -> None:
        self.objects: list[Printed] = []
        self.error: Exception | None = None

    def __call__(self, *, unit, hall, size, edition) -> Collected:
        if self.error is not None:
            raise self.error
        scope = hall or unit
        title = f"{scope.name if scope else '全关区'}测试公开栏"
        return Collected(
            template="printing_test/edition.html",
            title=title,
            context={"title": title, "size": size, "objects": list(self.objects)},
            objects=list(self.objects),
        )


@pytest.fixture
def builder(settings, monkeypatch):
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "DIRS": [*engine["DIRS"], TEMPLATES]}]
    tiny = TinyBuilder()
    tiny.objects = [printed(unit, category=1) for unit in Unit.objects.live()[:2]]
    monkeypatch.setattr(services, "builder_for", lambda kind: tiny)
    return tiny


@pytest.fixture
def section(demo):
    return Unit.objects.get(code=OWN_SECTION)


@pytest.fixture
def other_section(demo):
    return Unit.objects.get(code=OTHER_SECTION)


def _built(unit=None, hall=None, kind=EditionKind.BULLETIN, size="A1"):
    return services.build_edition(kind=kind, unit=unit, hall=hall, size=size)


def _edition_url(edition, name="printing_admin_edition"):
    return reverse(name, args=[edition.pk])


def _request(client, capture, **data):
    with capture(execute=True):
        return client.post(reverse("printing_admin_new"), data)


def _denied(response) -> bool:
    """Wagtail answers PermissionDenied in its admin with a redirect to the dashboard."""
    return response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")


# --- the journey ---------------------------------------------------------------------------


def test_office_requests_an_edition_which_is_built_and_downloads(
    client, demo_users, builder, section, django_capture_on_commit_callbacks
):
    client.force_login(demo_users["office"])
    assert client.get(reverse("printing_admin_new")).status_code == 200
    response = _request(
        client,
        django_capture_on_commit_callbacks,
        kind=EditionKind.BULLETIN,
        unit=section.pk,
        size="A2",
    )
    edition = Edition.objects.get(kind=EditionKind.BULLETIN, unit=section)
    assert response.status_code == 302 and response["Location"] == _edition_url(edition)
    edition.refresh_from_db()
    assert edition.state == BuildState.DONE and edition.progress == 100
    assert edition.number == 1 and edition.size == "A2" and edition.page_count == 1
    assert edition.built_by == demo_users["office"] and edition.built_at is not None

    page = client.get(_edition_url(edition)).content.decode()
    assert "下载 PDF" in page and edition.sha256 in page
    assert "这是该范围的第一版" in page and "与当前已发布的内容一致" in page
    for entry in edition.entries.all():
        assert entry.title in page and str(entry.revision_id) in page
    assert "data-edition-status-url" not in page  # done: nothing left to poll

    download = client.get(_edition_url(edition, "printing_admin_pdf"))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    body = b"".join(download.streaming_content)
    assert body.startswith(b"%PDF")
    with edition.pdf.open("rb") as stored:
        assert body == stored.read()
    assert hashlib.sha256(body).hexdigest() == edition.sha256

    listing = client.get(reverse("printing_admin_editions")).content.decode()
    assert _edition_url(edition) in listing and "内容已变化" not in listing


def test_the_page_of_a_queued_edition_polls_its_status(client, demo_users, builder, section):
    edition = services.request_edition(kind=EditionKind.BULLETIN, unit=section)
    client.force_login(demo_users["office"])
    page = client.get(_edition_url(edition)).content.decode()
    status_url = _edition_url(edition, "printing_admin_status")
    assert f'data-edition-status-url="{status_url}"' in page
    assert 'src="/static/printing/edition.js"' in page
    assert f'href="{_edition_url(edition)}"' in page and "刷新" in page  # without JavaScript

    status = client.get(status_url)
    assert status.status_code == 200 and "no-store" in status["Cache-Control"]
    assert status.json() == {
        "id": edition.pk,
        "state": "queued",
        "state_label": "排队中",
        "progress": 0,
        "message": "",
        "finished": False,
        "page_count": None,
        "url": _edition_url(edition),
    }
    build_edition_task.enqueue(edition.pk)  # immediate in the tests
    data = client.get(status_url).json()
    assert data["state"] == "done" and data["finished"] and data["progress"] == 100
    assert data["page_count"] == 1


def test_a_failed_build_keeps_its_message(client, demo_users, builder, section):
    builder.error = RuntimeError("模板不存在")
    edition = services.request_edition(kind=EditionKind.BULLETIN, unit=section)
    build_edition_task.enqueue(edition.pk)
    edition.refresh_from_db()
    assert edition.state == BuildState.FAILED and edition.message == "模板不存在"

    builder.error = None
    build_edition_task.enqueue(edition.pk)  # delivered again: still failed, same message
    edition.refresh_from_db()
    assert edition.state == BuildState.FAILED and edition.message == "模板不存在"
    client.force_login(demo_users["office"])
    page = client.get(_edition_url(edition)).content.decode()
    assert "生成失败" in page and "模板不存在" in page and "重新生成" in page
    assert client.get(_edition_url(edition, "printing_admin_pdf")).status_code == 404


def test_a_task_for_a_built_edition_does_nothing(builder, section):
    edition = _built(unit=section)
    before = (edition.sha256, edition.built_at, edition.pdf.name, edition.entries.count())
    assert build_edition_task.call(edition.pk) == BuildState.DONE
    edition.refresh_from_db()
    assert (edition.sha256, edition.built_at, edition.pdf.name, edition.entries.count()) == before


def test_service_errors_come_back_on_the_form_in_chinese(
    client, demo_users, builder, section, django_capture_on_commit_callbacks
):
    client.force_login(demo_users["office"])
    wrong_size = _request(
        client,
        django_capture_on_commit_callbacks,
        kind=EditionKind.BULLETIN,
        unit=section.pk,
        size="A4",
    )
    assert wrong_size.status_code == 200
    assert "纸张尺寸应为：A0、A1、A2、A3。" in wrong_size.content.decode()
    no_scope = _request(client, django_capture_on_commit_callbacks, kind=EditionKind.BULLETIN)
    assert "公开栏须指定单位或报关大厅。" in no_scope.content.decode()
    hall = Hall.objects.get(code=HALL)
    handbook_for_hall = _request(
        client, django_capture_on_commit_callbacks, kind=EditionKind.HANDBOOK, hall=hall.pk
    )
    assert "手册按关区或单位编印，不按报关大厅。" in handbook_for_hall.content.decode()
    assert not Edition.objects.exists()


# --- comparing ----------------------------------------------------------------------------


def test_second_edition_shows_what_changed_since_the_previous_one(
    client, demo_users, builder, section, django_capture_on_commit_callbacks
):
    first, second = builder.objects
    _built(unit=section)
    third = printed(Unit.objects.live().exclude(pk__in=[first.obj.pk, second.obj.pk])[0], 1)
    edited = Printed(obj=first.obj, revision_id=(first.revision_id or 0) + 1000, title=first.title)
    builder.objects = [edited, third]
    client.force_login(demo_users["office"])
    _request(client, django_capture_on_commit_callbacks, kind="bulletin", unit=section.pk)
    latest = Edition.objects.get(unit=section, number=2)
    assert latest.state == BuildState.DONE

    changes = services.changes_since_previous(latest)
    assert (changes.added, changes.changed, changes.removed) == (
        [third.title],
        [first.title],
        [second.title],
    )
    page = client.get(_edition_url(latest)).content.decode()
    since_previous = page.split("与上一版相比", 1)[1].split("发布后内容变化", 1)[0]
    for label, title in (("新增", third.title), ("修改", first.title), ("删除", second.title)):
        assert label in since_previous and title in since_previous


def test_the_latest_edition_is_tagged_when_live_content_changes(
    client, demo_users, builder, section
):
    older = _built(unit=section)
    latest = _built(unit=section)
    client.force_login(demo_users["office"])
    listing = client.get(reverse("printing_admin_editions")).content.decode()
    assert ">内容已变化<" not in listing

    extra = printed(Unit.objects.live().exclude(pk__in=[p.obj.pk for p in builder.objects])[0])
    builder.objects = [*builder.objects, extra]
    listing = client.get(reverse("printing_admin_editions")).content.decode()
    # Only the latest built edition of the scope is compared; the older one is superseded.
    assert listing.count(">内容已变化<") == 1
    row = listing.split(_edition_url(latest), 1)[1].split("</tr>", 1)[0]
    assert ">内容已变化<" in row
    assert services.is_out_of_date(older)  # would be, but is not what the list looks at
    page = client.get(_edition_url(latest)).content.decode()
    since_built = page.split("发布后内容变化", 1)[1]
    assert "内容已变化" in since_built and extra.title in since_built

    builder.objects = builder.objects[:-1]  # the change is undone: nothing kept from before
    listing = client.get(reverse("printing_admin_editions")).content.decode()
    assert ">内容已变化<" not in listing


def test_the_list_filters_by_kind_and_pages(client, demo_users, builder, section):
    for _ in range(31):
        services.request_edition(kind=EditionKind.BULLETIN, unit=section)
    handbook = services.request_edition(kind=EditionKind.HANDBOOK, unit=section, size="A5")
    client.force_login(demo_users["office"])
    first_page = client.get(reverse("printing_admin_editions")).content.decode()
    assert "共 32 个版次" in first_page and "?page=2" in first_page
    handbooks = client.get(reverse("printing_admin_editions") + "?kind=handbook").content.decode()
    assert _edition_url(handbook) in handbooks and "公开栏" not in handbooks.split("<tbody>")[1]


# --- who may do what ----------------------------------------------------------------------


def test_anonymous_users_are_sent_to_the_login(client, builder, section):
    edition = _built(unit=section)
    for url in (
        reverse("printing_admin_editions"),
        reverse("printing_admin_new"),
        _edition_url(edition),
        _edition_url(edition, "printing_admin_status"),
        _edition_url(edition, "printing_admin_pdf"),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"], url
    assert "/admin/login/" in client.post(_edition_url(edition, "printing_admin_file"))["Location"]
    assert Edition.objects.get(pk=edition.pk).filed_at is None


@pytest.mark.parametrize("username", ["legal", "supervision", "admin"])
def test_people_without_printing_work_have_no_access(client, demo_users, builder, username):
    edition = _built(unit=Unit.objects.get(code=OWN_SECTION))
    client.force_login(demo_users[username])
    assert _denied(client.get(reverse("printing_admin_editions")))
    assert _denied(client.get(reverse("printing_admin_new")))
    for name in ("printing_admin_edition", "printing_admin_status", "printing_admin_pdf"):
        assert client.get(_edition_url(edition, name)).status_code == 404
    assert client.post(_edition_url(edition, "printing_admin_file")).status_code == 404
    assert "/admin/printing/editions/" not in client.get("/admin/").content.decode()


def test_the_menu_is_shown_to_those_who_print(client, demo_users):
    for username in ("office", "centre", "liaison", "chief", "division"):
        client.force_login(demo_users[username])
        dashboard = client.get("/admin/").content.decode()
        assert "/admin/printing/editions/new/" in dashboard, username


def test_a_liaison_works_on_the_own_unit_only(
    client, demo_users, builder, section, other_section, django_capture_on_commit_callbacks
):
    theirs = _built(unit=other_section)
    own = _built(unit=section)
    district = _built(kind=EditionKind.HANDBOOK, size="A4")
    client.force_login(demo_users["liaison"])
    for edition in (theirs, district):
        for name in ("printing_admin_edition", "printing_admin_status", "printing_admin_pdf"):
            assert client.get(_edition_url(edition, name)).status_code == 404
    assert client.get(_edition_url(own)).status_code == 200
    listing = client.get(reverse("printing_admin_editions")).content.decode()
    assert _edition_url(own) in listing and _edition_url(theirs) not in listing

    count = Edition.objects.count()
    refused = _request(
        client, django_capture_on_commit_callbacks, kind="bulletin", unit=other_section.pk
    )
    assert refused.status_code == 200 and "error-message" in refused.content.decode()
    no_scope = _request(client, django_capture_on_commit_callbacks, kind="bulletin")
    assert "公开栏须指定单位或报关大厅。" in no_scope.content.decode()
    district_handbook = _request(client, django_capture_on_commit_callbacks, kind="handbook")
    assert "全关区手册由办公室和咨询服务中心编印" in district_handbook.content.decode()
    assert Edition.objects.count() == count

    allowed = _request(client, django_capture_on_commit_callbacks, kind="bulletin", unit=section.pk)
    assert allowed.status_code == 302
    assert Edition.objects.filter(unit=section, number=2, state=BuildState.DONE).exists()


def test_a_division_head_prints_for_the_division_its_sections_and_halls(
    client, demo_users, builder, section, other_section
):
    hall = Hall.objects.get(code=HALL)
    board = _built(hall=hall)
    sections = _built(unit=section)
    theirs = _built(unit=other_section)
    client.force_login(demo_users["division"])
    assert client.get(_edition_url(board)).status_code == 200
    assert client.get(_edition_url(sections)).status_code == 200
    assert client.get(_edition_url(theirs)).status_code == 404
    form = client.get(reverse("printing_admin_new")).content.decode()
    assert hall.name in form and other_section.name not in form


def test_the_centre_files_an_edition_once_and_the_office_cannot(
    client, demo_users, builder, section
):
    edition = _built(unit=section)
    file_url = _edition_url(edition, "printing_admin_file")
    client.force_login(demo_users["office"])
    assert 'action="' + file_url not in client.get(_edition_url(edition)).content.decode()
    assert _denied(client.post(file_url))
    edition.refresh_from_db()
    assert edition.filed_at is None

    client.force_login(demo_users["centre"])
    assert 'action="' + file_url in client.get(_edition_url(edition)).content.decode()
    assert client.post(file_url)["Location"] == _edition_url(edition)
    edition.refresh_from_db()
    assert edition.filed_by == demo_users["centre"] and edition.filed_at is not None
    filed_at = edition.filed_at

    again = client.post(file_url, follow=True).content.decode()
    assert "该版次已经备案。" in again
    edition.refresh_from_db()
    assert edition.filed_at == filed_at
    assert client.get(file_url).status_code == 405


def test_a_queued_edition_cannot_be_filed(client, demo_users, builder, section):
    edition = services.request_edition(kind=EditionKind.BULLETIN, unit=section)
    client.force_login(demo_users["centre"])
    page = client.post(_edition_url(edition, "printing_admin_file"), follow=True)
    assert "只有已生成的版次可以备案。" in page.content.decode()


# --- the real background worker -----------------------------------------------------------


def test_the_database_worker_builds_what_the_request_queued(
    client, demo_users, builder, section, settings, monkeypatch, django_capture_on_commit_callbacks
):
    """With the database backend nothing is built inside the request; ``db_worker`` does it."""
    # A real worker is a process of its own; this one shares the test's transaction, which
    # its connection clean-up would end on PostgreSQL (SQLite in memory ignores it).
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )
    settings.TASKS = {
        **settings.TASKS,
        "background": {"BACKEND": "django_tasks_db.DatabaseBackend"},
    }
    client.force_login(demo_users["office"])
    response = _request(
        client, django_capture_on_commit_callbacks, kind="bulletin", unit=section.pk
    )
    edition = Edition.objects.get(unit=section)
    assert response["Location"] == _edition_url(edition)
    assert edition.state == BuildState.QUEUED and not edition.pdf
    task = DBTaskResult.objects.get()
    assert task.task_path == "guanwu.printing.tasks.build_edition_task"
    assert task.args_kwargs == {"args": [edition.pk], "kwargs": {}}
    assert task.backend_name == "background" and task.status == "READY"
    assert "data-edition-status-url" in client.get(_edition_url(edition)).content.decode()

    # The worker installs its own SIGINT/SIGTERM handlers; pytest gets its own back after.
    handlers = {
        sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)
    }
    try:
        call_command(
            "db_worker",
            "--backend",
            "background",
            "--batch",  # run what is queued, then return
            "--no-startup-delay",
            "--no-reload",
            verbosity=0,
        )
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
    edition.refresh_from_db()
    assert edition.state == BuildState.DONE and edition.page_count == 1
    task.refresh_from_db()
    assert task.status == "SUCCESSFUL"
    assert client.get(_edition_url(edition, "printing_admin_status")).json()["finished"]
