"""Keep the index in step with publication: only live, reviewed versions are ever indexed."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete
from django.dispatch import receiver

from wagtail.signals import page_published, page_unpublished

from guanwu.disclosure.models import DisclosureItemPage


def _is_item(instance: Any) -> bool:
    return isinstance(instance, DisclosureItemPage)


@receiver(page_published, dispatch_uid="guanwu_search_index_on_publish")
def index_on_publish(sender: type, instance: Any, **kwargs: Any) -> None:
    if _is_item(instance):
        from . import index_pages

        # In the same transaction as the publication: both commit or neither does.
        index_pages([instance.pk])


@receiver(page_unpublished, dispatch_uid="guanwu_search_remove_on_unpublish")
def remove_on_unpublish(sender: type, instance: Any, **kwargs: Any) -> None:
    if _is_item(instance):
        from . import remove_pages

        remove_pages([instance.pk])


@receiver(post_delete, dispatch_uid="guanwu_search_remove_on_delete")
def remove_on_delete(sender: type, instance: Any, **kwargs: Any) -> None:
    if _is_item(instance):
        from . import remove_pages

        remove_pages([instance.pk])
