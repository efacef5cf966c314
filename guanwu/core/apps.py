from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "guanwu.core"
    label = "core"
    verbose_name = _("基础")

    def ready(self) -> None:
        from . import sites, translation

        # Wagtail's site lookup from a per-process copy checked against a shared version.
        sites.install()
        # Message look-ups remembered per process (the zh-hans fallbacks are a long chain).
        translation.install()
