from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "guanwu.cases"
    label = "cases"
    verbose_name = _("咨询投诉")

    def ready(self) -> None:
        from . import signals  # noqa: F401
