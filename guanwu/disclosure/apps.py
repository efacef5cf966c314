from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisclosureConfig(AppConfig):
    name = "guanwu.disclosure"
    label = "disclosure"
    verbose_name = _("公开内容")

    def ready(self) -> None:
        from . import signals  # noqa: F401
