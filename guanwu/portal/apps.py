from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "guanwu.portal"
    label = "portal"
    verbose_name = _("公开专栏")

    def ready(self) -> None:
        from .search import signals

        signals.connect_synonym_signals()

        from .cache import connect_signals

        connect_signals()
