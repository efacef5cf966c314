"""Wagtail's ``publish_scheduled``, refusing (and reporting) revisions legal review never passed.

Overrides Wagtail's command of the same name (this app comes first in INSTALLED_APPS), so a
scheduled revision without a ``LegalApproval`` is unscheduled instead of published.
"""

from typing import Any

from wagtail.management.commands.publish_scheduled import Command as WagtailCommand

from guanwu.disclosure.scheduling import unschedule_unapproved


class Command(WagtailCommand):
    help = "Publish scheduled revisions that passed legal review; unpublish expired content."

    def handle(self, *args: Any, **options: Any) -> None:
        for revision in unschedule_unapproved(dry_run=options.get("dryrun", False)):
            self.stderr.write(
                f"Refused: revision {revision.pk} of “{revision.object_str}” has not passed "
                "legal review (未经法规处审核), so it was not published."
            )
        super().handle(*args, **options)
