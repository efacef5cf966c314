from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from guanwu.audit.models import AuditEvent
from guanwu.audit.services import verify


class Command(BaseCommand):
    help = "Check the audit log's hash chain; exit 1 at the first changed or missing row."

    def handle(self, *args: Any, **options: Any) -> None:
        result = verify()
        if result.ok:
            self.stdout.write(_("审计日志完整，共 %(count)d 条") % {"count": result.count})
            self.stdout.write(_("链尾哈希：%(head)s") % {"head": result.head or "-"})
            return
        row = AuditEvent.objects.filter(pk=result.broken_id).first()
        label = f"#{result.broken_id} {row.event if row else ''} {row.at if row else ''}".strip()
        if result.reason == "changed":
            message = _("审计日志第 %(row)s 条被篡改（哈希不符）")
        else:
            message = _("审计日志第 %(row)s 条之前有记录缺失（链断开）")
        self.stderr.write(message % {"row": label})
        raise SystemExit(1)
