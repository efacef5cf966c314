from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CalendarConfig(AppConfig):
    """The official working-day calendar (DESIGN rule 6); label avoids the stdlib's name."""

    name = "guanwu.calendar"
    label = "workcalendar"
    verbose_name = _("工作日历")

    def ready(self) -> None:
        from . import signals

        # Only this app's post_migrate, so the seeding runs once per migrate, not once per app.
        post_migrate.connect(
            signals.seed_after_migrate, sender=self, dispatch_uid="workcalendar_seed"
        )
