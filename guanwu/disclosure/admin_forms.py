"""The item editor's form: choices limited to what the editing user may pick."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q

from wagtail.admin.forms import WagtailAdminPageForm

from guanwu.organization.models import Staff, Unit

from .permissions import staff_unit, units_user_can_edit_for


class DisclosureItemForm(WagtailAdminPageForm):
    """Owning unit and liaison as plain selects scoped to the user's units; sub-items of the
    parent category only; the parent's category handed to the model's validation."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user = self.for_user
        units = units_user_can_edit_for(user) if not user.is_superuser else None
        if "owning_unit" in self.fields:
            field = self.fields["owning_unit"]
            field.widget = forms.Select()
            if units is not None:
                # Keep the current owner selectable, so a reviewer from another unit can act.
                current = (
                    Q(pk=self.instance.owning_unit_id) if self.instance.owning_unit_id else Q()
                )
                field.queryset = Unit.objects.filter(Q(pk__in=units) | current).order_by(
                    "sort_order", "code"
                )
            field.widget.choices = field.choices
            own = staff_unit(user)
            if not self.instance.pk and own is not None and not self.initial.get("owning_unit"):
                self.initial["owning_unit"] = own.pk
        if "liaison" in self.fields:
            field = self.fields["liaison"]
            staff = Staff.objects.active().select_related("unit")
            if units is not None:
                current = Q(pk=self.instance.liaison_id) if self.instance.liaison_id else Q()
                staff = staff.filter(Q(unit__in=units) | current)
            field.queryset = staff.order_by("unit__sort_order", "work_number")
            field.label_from_instance = lambda s: f"{s.name}（{s.work_number}，{s.unit.name}）"
            field.widget = forms.Select()
            field.widget.choices = field.choices
            mine = getattr(user, "staff", None)
            if not self.instance.pk and mine is not None and not self.initial.get("liaison"):
                self.initial["liaison"] = mine.pk
        parent = getattr(self, "parent_page", None)
        number = getattr(getattr(parent, "specific", None), "number", None)
        if "subitem" in self.fields and number is not None:
            self.fields["subitem"].queryset = self.fields["subitem"].queryset.filter(
                category=number
            )

    def clean(self) -> dict[str, Any]:
        parent = getattr(self, "parent_page", None)
        if parent is not None:
            self.instance._parent_for_validation = parent
        return super().clean()
