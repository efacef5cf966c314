from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_migrate
from django.utils.translation import gettext_lazy as _


class OrganizationConfig(AppConfig):
    name = "guanwu.organization"
    label = "organization"
    verbose_name = _("机构设置")

    def ready(self) -> None:
        from . import signals
        from .models import Staff

        m2m_changed.connect(
            signals.staff_posts_within_unit,
            sender=Staff.posts.through,
            dispatch_uid="staff_posts_within_unit",
        )
        post_migrate.connect(signals.sync_roles_after_migrate, dispatch_uid="sync_role_groups")
