from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "guanwu.accounts"
    label = "accounts"
    verbose_name = _("员工登录与安全")

    def ready(self) -> None:
        from . import receivers  # noqa: F401
