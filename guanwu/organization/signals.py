from __future__ import annotations

from typing import Any


def sync_roles_after_migrate(sender: Any, **kwargs: Any) -> None:
    """Keep the role groups in step; migrate emits this per app, so wait for the last one."""
    from .roles import PermissionsNotReady, sync_role_groups

    try:
        sync_role_groups()
    except PermissionsNotReady:
        return
