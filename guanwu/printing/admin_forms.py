"""The admin's form for requesting a new edition."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from guanwu.organization.models import Hall, Unit

from .enums import SIZES, EditionKind
from .permissions import (
    halls_user_can_print_for,
    units_user_can_print_for,
    user_can_request_edition,
)


def size_choices() -> list[Any]:
    """Sizes grouped by the kind they belong to; the service refuses a size of the other kind."""
    return [
        ("", _("按类型默认（公开栏 A1，手册 A4）")),
        *((kind.label, [(size.value, size.label) for size in SIZES[kind]]) for kind in EditionKind),
    ]


class EditionRequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=EditionKind.choices)
    unit = forms.ModelChoiceField(
        label=_("单位"),
        queryset=Unit.objects.none(),
        required=False,
        help_text=_("手册不选单位即为全关区手册；公开栏按单位或按报关大厅编印。"),
    )
    hall = forms.ModelChoiceField(
        label=_("报关大厅"),
        queryset=Hall.objects.none(),
        required=False,
        help_text=_("仅用于报关大厅的公开栏。"),
    )
    size = forms.ChoiceField(label=_("纸张"), choices=size_choices, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        # Only the units and halls this user may print for are offered (and accepted).
        self.fields["unit"].queryset = units_user_can_print_for(user)
        self.fields["hall"].queryset = halls_user_can_print_for(user)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        kind, unit, hall = data.get("kind"), data.get("unit"), data.get("hall")
        if kind is None or self.errors:
            return data
        if unit is not None and hall is not None:
            raise forms.ValidationError(_("请只选择单位或报关大厅中的一项。"))
        if kind == EditionKind.BULLETIN and unit is None and hall is None:
            # The service's own rule, said here before anyone's permission is weighed.
            raise forms.ValidationError(_("公开栏须指定单位或报关大厅。"))
        if not user_can_request_edition(self.user, kind=kind, unit=unit, hall=hall):
            if unit is None and hall is None:
                raise forms.ValidationError(
                    _("全关区手册由办公室和咨询服务中心编印，请选择您的单位。")
                )
            raise forms.ValidationError(_("您无权编印该范围的版次。"))
        return data
