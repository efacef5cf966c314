"""An admin menu item shown only to the users a permission predicate lets in."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from wagtail.admin.menu import MenuItem


class PermittedMenuItem(MenuItem):
    """A ``MenuItem`` with ``predicate(user) -> bool`` deciding whether it is shown."""

    def __init__(self, *args: Any, predicate: Callable[[Any], bool], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.predicate = predicate

    def is_shown(self, request: Any) -> bool:
        return bool(self.predicate(request.user))
