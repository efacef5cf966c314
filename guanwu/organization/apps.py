from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class OrganizationConfig(AppConfig):
    name = "guanwu.organization"
    label = "organization"
    verbose_name = _("机构设置")

    def ready(self) -> None:
        from . import signals

        post_migrate.connect(signals.sync_roles_after_migrate, dispatch_uid="sync_role_groups")
