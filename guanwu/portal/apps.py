from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "guanwu.portal"
    label = "portal"
    verbose_name = _("公开专栏")

    def ready(self) -> None:
        from .cache import connect_signals
        from .search import signals  # noqa: F401  # its @receiver functions connect on import

        connect_signals()
