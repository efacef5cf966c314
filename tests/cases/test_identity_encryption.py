"""Issue 8 / DESIGN rule 8: askers' identities encrypted at rest, shown only to the supervision
office for integrity reports, every showing audited, never in exports, staff e-mails,
transfers, circulars or the audit log."""

from __future__ import annotations

import datetime
import io
import json
import os
import subprocess
import sys
from pathlib import Path

from django.core import mail, serializers
from django.core.checks import run_checks
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Q
from django.utils import timezone

import openpyxl
import pytest

from guanwu.audit.models import AuditEvent
from guanwu.cases import services
from guanwu.cases.exports import export_cases
from guanwu.cases.models import Case, CaseEvent, ReplyTemplate
from guanwu.cases.reminders import send_case_reminders
from guanwu.core import crypto
from guanwu.organization.models import Unit
from guanwu.oversight.circulars import compute_figures
from tests.api_clients import api

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent.parent
NAME, PHONE, EMAIL, CALLER = "举报人戊", "13911112222", "whistle-wu@example.com", "02288887777"
SECRETS = (NAME, PHONE, EMAIL, CALLER, "whistle-wu")
TEST_KEY = "dGVzdC1vbmx5LWZpZWxkLWtleS1ub3Qtc2VjcmV0ISE="


def raw_identity(case: Case) -> tuple[str, ...]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, phone, email, caller_number, phone_index, email_index "
            "FROM cases_case WHERE id = %s",
            [case.pk],
        )
        return cursor.fetchone()


def assert_no_identity(text: str, where: str) -> None:
    for secret in SECRETS:
        assert secret not in text, f"{secret!r} leaked into {where}"


@pytest.fixture
def report(demo_users):
    """A hotline report logged by the centre (its first contact), with every identity field."""
    return services.case_log_contact(
        user=demo_users["centre"],
        kind="integrity_report",
        channel="hotline",
        line="report",
        body="窗口人员收受礼品。",
        name=NAME,
        phone=PHONE,
        email=EMAIL,
        caller_number=CALLER,
    )


# --- at rest ------------------------------------------------------------------------------


def test_rule_8_the_database_column_holds_no_plaintext(report):
    raw = raw_identity(report)
    for value in raw[:4]:
        assert value.startswith(crypto.PREFIX)
    assert_no_identity(" ".join(raw), "the cases_case row")
    assert raw[4] and raw[5] and len(raw[4]) == 64  # blind indexes, not the values
    fresh = Case.objects.get(pk=report.pk)
    assert (fresh.name, fresh.phone, fresh.email, fresh.caller_number) == (
        NAME,
        PHONE,
        EMAIL,
        CALLER,
    )
    assert Case.objects.filter(pk=report.pk).values_list("phone", flat=True).get() == PHONE


def test_the_same_value_encrypts_differently_each_time(demo):
    first = services.case_submit_public(kind="consultation", body="问一", phone=PHONE).case
    second = services.case_submit_public(kind="consultation", body="问二", phone=PHONE).case
    assert raw_identity(first)[1] != raw_identity(second)[1]
    assert raw_identity(first)[4] == raw_identity(second)[4]  # the blind index matches


def test_an_empty_contact_stays_a_query_for_rule_7(demo):
    anonymous = services.case_submit_public(kind="integrity_report", body="匿名举报").case
    named = services.case_submit_public(kind="integrity_report", body="署名", name=NAME).case
    assert raw_identity(anonymous)[:4] == ("", "", "", "")
    given = Case.objects.filter(~Q(name="") | ~Q(phone="") | ~Q(email=""))
    assert named in given and anonymous not in given
    assert named.has_contact and not anonymous.has_contact


def test_equality_on_ciphertext_is_refused_and_the_blind_index_finds_the_asker(report):
    with pytest.raises(FieldError):
        list(Case.objects.filter(phone=PHONE))
    with pytest.raises(FieldError):
        list(Case.objects.filter(name__contains="举报"))
    assert list(Case.objects.same_contact(phone="139-1111-2222")) == [report]
    assert list(Case.objects.same_contact(email="Whistle-WU@example.com")) == [report]
    assert not Case.objects.same_contact(phone="13900000000").exists()


def test_updating_a_contact_keeps_the_blind_index_in_step(report):
    report.phone = "13800001111"
    report.save(update_fields=["phone"])
    assert list(Case.objects.same_contact(phone="13800001111")) == [report]
    assert not Case.objects.same_contact(phone=PHONE).exists()


def test_serialized_rows_carry_the_ciphertext(report):
    dumped = serializers.serialize("json", Case.objects.filter(pk=report.pk))
    assert_no_identity(dumped, "dumpdata")
    restored = next(serializers.deserialize("json", dumped)).object
    assert restored.name == NAME and restored.email == EMAIL


# --- keys ---------------------------------------------------------------------------------


def test_rotate_field_key_re_encrypts_under_the_new_first_key(report, settings):
    old_raw = raw_identity(report)
    new_key = crypto.generate_key()
    settings.GUANWU_FIELD_KEYS = [new_key, TEST_KEY]
    out = io.StringIO()
    call_command("rotate_field_key", "--dry-run", stdout=out)
    assert "would re-encrypt" in out.getvalue()
    assert raw_identity(report) == old_raw
    call_command("rotate_field_key", stdout=io.StringIO())
    rotated = raw_identity(report)
    assert rotated[0] != old_raw[0] and rotated[4] != old_raw[4]
    settings.GUANWU_FIELD_KEYS = [new_key]  # the old key retired
    fresh = Case.objects.get(pk=report.pk)
    assert (fresh.name, fresh.caller_number) == (NAME, CALLER)
    assert list(Case.objects.same_contact(phone=PHONE)) == [report]
    settings.GUANWU_FIELD_KEYS = [TEST_KEY]  # only the retired key: nothing opens
    with pytest.raises(crypto.FieldKeyError):
        Case.objects.get(pk=report.pk)


def test_lookups_work_during_a_rotation_before_the_rows_are_re_indexed(report, settings):
    settings.GUANWU_FIELD_KEYS = [crypto.generate_key(), TEST_KEY]
    assert list(Case.objects.same_contact(phone=PHONE)) == [report]


def test_generate_prints_a_usable_key():
    out = io.StringIO()
    call_command("rotate_field_key", "--generate", stdout=out)
    key = out.getvalue().strip()
    assert crypto.Fernet(key.encode())


def test_a_missing_or_malformed_key_is_named_by_the_checks(settings):
    settings.GUANWU_FIELD_KEYS = []
    assert "guanwu.E801" in {m.id for m in run_checks()}
    with pytest.raises(crypto.FieldKeyError):
        crypto.encrypt("x")
    settings.GUANWU_FIELD_KEYS = ["not-a-key"]
    messages = [m for m in run_checks() if m.id == "guanwu.E801"]
    assert messages and "not-a-key" not in messages[0].msg


def test_production_refuses_to_start_without_the_field_key(tmp_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"GUANWU_FIELD_KEYS", "DATABASE_URL", "SECRET_KEY", "ALLOWED_HOSTS"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="guanwu.settings.production",
        SECRET_KEY="x" * 50,
        ALLOWED_HOSTS="example.org",
        GUANWU_VAR_DIR=str(tmp_path),
    )
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "GUANWU_FIELD_KEYS" in result.stderr


@pytest.mark.django_db(transaction=True)
def test_the_migration_encrypts_existing_rows_and_reverses(transactional_db):
    from tests.conftest import fresh_demo_database

    fresh_demo_database()  # schema changes cannot run inside the usual test transaction
    case = services.case_submit_public(
        kind="integrity_report", body="迁移前的举报", name=NAME, phone=PHONE
    ).case

    def migrate(target: str) -> None:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate([("cases", target)])

    try:
        migrate("0003_default_policies_and_templates")  # backwards: decrypted in place
        with connection.cursor() as cursor:
            cursor.execute("SELECT name, phone, email FROM cases_case WHERE id = %s", [case.pk])
            assert cursor.fetchone() == (NAME, PHONE, "")
        migrate("0004_encrypt_identity")  # forwards: the plaintext rows are encrypted
        raw = raw_identity(case)
        assert raw[0].startswith(crypto.PREFIX) and raw[1].startswith(crypto.PREFIX)
        assert raw[2:4] == ("", "") and raw[4] == crypto.blind_index(PHONE) and raw[5] == ""
        assert_no_identity(" ".join(raw), "the migrated row")
        assert Case.objects.get(pk=case.pk).name == NAME
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())


# --- who sees it, and the record of every showing ---------------------------------------------


def identity_views(case: Case):
    return AuditEvent.objects.filter(
        event="case.identity_viewed", object_type="cases.case", object_id=str(case.pk)
    )


def test_rule_8_each_admin_showing_to_the_supervision_office_is_audited_once(
    client, report, demo_users
):
    client.force_login(demo_users["supervision"])
    html = client.get(f"/admin/cases/{report.pk}/", REMOTE_ADDR="10.1.2.3").content.decode()
    assert NAME in html and CALLER in html
    rows = identity_views(report)
    assert rows.count() == 1
    row = rows.get()
    assert row.actor == demo_users["supervision"] and row.address == "10.1.2.3"
    step = CaseEvent.objects.get(case=report, action="identity_viewed")
    assert row.detail == {"action": "identity_viewed", "case_event": step.pk}
    assert step.data == {"surface": "admin"} and row.request_id
    assert_no_identity(json.dumps(row.detail, ensure_ascii=False) + row.canonical(), "audit")
    assert CaseEvent.objects.filter(case=report, action="identity_viewed").count() == 1
    client.get(f"/admin/cases/{report.pk}/")
    assert identity_views(report).count() == 2


def test_the_first_contact_of_a_report_sees_it_masked_and_nothing_is_recorded(
    client, report, demo_users
):
    client.force_login(demo_users["centre"])
    detail = api(demo_users["centre"]).get(f"/api/v1/staff/cases/{report.pk}/")
    assert detail.status_code == 200
    assert {detail.json()[k] for k in ("name", "phone", "email")} == {"***"}
    listing = api(demo_users["centre"]).get("/api/v1/staff/cases/").content.decode()
    assert_no_identity(listing, "the centre's case list")
    assert not identity_views(report).exists()


def test_the_api_showing_to_the_supervision_office_is_audited(report, demo_users):
    body = api(demo_users["supervision"]).get(f"/api/v1/staff/cases/{report.pk}/").json()
    assert body["name"] == NAME
    step = CaseEvent.objects.get(case=report, action="identity_viewed")
    assert identity_views(report).get().detail["case_event"] == step.pk
    assert step.data == {"surface": "api"}


def test_an_anonymous_report_or_a_consultation_is_not_recorded_as_an_identity_view(
    client, demo_users
):
    anonymous = services.case_submit_public(kind="integrity_report", body="匿名举报").case
    consultation = services.case_submit_public(
        kind="consultation", body="咨询", name="咨询人", phone=PHONE
    ).case
    client.force_login(demo_users["supervision"])
    client.get(f"/admin/cases/{anonymous.pk}/")
    client.force_login(demo_users["centre"])
    assert "咨询人" in client.get(f"/admin/cases/{consultation.pk}/").content.decode()
    assert not identity_views(anonymous).exists() and not identity_views(consultation).exists()


def test_same_contact_links_never_point_a_consultation_at_a_report(client, report, demo_users):
    consultation = services.case_submit_public(
        kind="consultation", body="咨询", phone="139 1111 2222"
    ).case
    client.force_login(demo_users["centre"])  # sees the report masked, as its first contact
    html = client.get(f"/admin/cases/{consultation.pk}/").content.decode()
    assert report.tracking_code not in html
    client.force_login(demo_users["supervision"])
    html = client.get(f"/admin/cases/{report.pk}/").content.decode()
    assert consultation.tracking_code in html


# --- never in exports, staff e-mails, transfers, circulars ------------------------------------


def workbook_text(data: bytes) -> str:
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    return " ".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None)


def test_rule_8_the_export_never_carries_a_reporters_identity(client, report, demo_users):
    text = workbook_text(export_cases(Case.objects.filter(pk=report.pk), user=None))
    assert report.tracking_code in text
    assert_no_identity(text, "the export")
    client.force_login(demo_users["supervision"])
    response = client.get("/admin/cases/?kind=integrity_report&export=xlsx")
    assert response.status_code == 200
    text = workbook_text(response.content)
    assert report.tracking_code in text
    assert_no_identity(text, "the supervision office's export")


def test_rule_8_staff_e_mails_transfers_and_the_audit_log_carry_no_identity(
    report, demo_users, django_capture_on_commit_callbacks
):
    supervision = demo_users["supervision"]
    target = Unit.objects.filter(kind="section").exclude(pk=report.responsible_unit_id).first()
    with django_capture_on_commit_callbacks(execute=True):
        services.case_transfer(case=report, user=supervision, unit=target, reason="转科室核查")
        services.case_add_information(case=report, text="补充：时间是上周五。")
        # Overdue: escalation, reminders to heads, progress notices to the first contact.
        Case.objects.filter(pk=report.pk).update(
            deadline=timezone.localdate() - datetime.timedelta(30)
        )
        send_case_reminders(timezone.localdate())
        services.case_reply(case=report, user=supervision, body="已立案核查。")
    staff_mail = [m for m in mail.outbox if EMAIL not in m.to]
    asker_mail = [m for m in mail.outbox if EMAIL in m.to]
    assert staff_mail, "the scenario sends staff e-mails"
    for message in staff_mail:
        assert_no_identity(f"{message.subject}\n{message.body}\n{message.to}", "a staff e-mail")
    for message in asker_mail:  # delivery to the reporter's own address: no name inside
        assert NAME not in message.body
    for event in CaseEvent.objects.filter(case=report):
        assert_no_identity(f"{event.note} {json.dumps(event.data)}", f"the {event.action} step")
    for row in AuditEvent.objects.filter(object_type="cases.case", object_id=str(report.pk)):
        assert_no_identity(json.dumps(row.detail, ensure_ascii=False), "the audit log")


def test_rule_8_circulars_carry_no_identity(report, demo_users):
    consultation = services.case_log_contact(
        user=demo_users["centre"],
        kind="consultation",
        channel="hotline",
        body=f"我是{NAME}，电话{PHONE}，请问报关单怎么改？",
        name=NAME,
        phone=PHONE,
    )
    services.case_reply(case=consultation, user=demo_users["centre"], body="可以申请修改。")
    services.case_reply(case=report, user=demo_users["supervision"], body="已核查。")
    today = timezone.localdate()
    figures = compute_figures(f"{today.year}-{today.month:02d}")
    assert_no_identity(json.dumps(figures, ensure_ascii=False), "a circular")


def test_a_reply_template_does_not_name_the_reporter(report):
    template = ReplyTemplate(kind="", title="t", body="{name}：您的来件 {code} 已收悉。")
    assert NAME not in services.render_template(template, report)
