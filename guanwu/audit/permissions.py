"""Who reads the audit log (issue 8, separation of duties: the audit administrator).

Superusers read it too, as the break-glass account; their reading is itself recorded
(``audit.viewed``). Nobody, through any view, changes or deletes a row.
"""

from __future__ import annotations

from typing import Any

from guanwu.organization.enums import Role
from guanwu.organization.roles import user_has_role


def user_can_read_audit_log(user: Any) -> bool:
    if not (getattr(user, "is_authenticated", False) and getattr(user, "is_active", False)):
        return False
    return bool(user.is_superuser) or user_has_role(user, Role.AUDIT_ADMIN)
