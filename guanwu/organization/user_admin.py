"""Wagtail's user admin with the separation of duties of MLPS 2.0 level 3 (issue 8).

Settings install ``guanwu.organization.users_config.GuanwuUsersConfig`` in place of ``wagtail.users``; it keeps the app label
``wagtailusers`` and only swaps the user viewset for one whose forms

* refuse a set of roles holding two of the three administrator roles (系统管理员, 安全管理员,
  审计管理员), with a Chinese message on the form;
* let only a superuser grant or see the "administrator" (superuser) box, and refuse changes
  of one's own roles;

and whose edit view keeps non-superusers away from superuser accounts (changing a
superuser's password would be a way to become one). The model signals in
``guanwu/audit/receivers.py`` enforce the same rules for every other path.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from wagtail.users.forms import UserCreationForm, UserEditForm
from wagtail.users.views import users as wagtail_users

from .roles import check_separation_of_duties, user_can_assign_roles


class _DutiesFormMixin:
    """Needs ``for_user`` (the editor) in the form's kwargs."""

    def __init__(self, *args: Any, for_user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.for_user = for_user
        fields = self.fields  # type: ignore[attr-defined]
        if not getattr(for_user, "is_superuser", False):
            fields.pop("is_superuser", None)
        if "groups" in fields and not user_can_assign_roles(for_user):
            fields["groups"].disabled = True

    def clean_groups(self) -> Any:
        groups = self.cleaned_data.get("groups")  # type: ignore[attr-defined]
        if groups is None:
            return groups
        check_separation_of_duties(group.name for group in groups)
        instance = self.instance  # type: ignore[attr-defined]
        editor = self.for_user
        if (
            instance.pk
            and editor is not None
            and instance.pk == editor.pk
            and not editor.is_superuser
            and set(groups) != set(instance.groups.all())
        ):
            raise ValidationError(_("不能调整本人的角色。"), code="own_roles")
        return groups


class DutiesUserCreationForm(_DutiesFormMixin, UserCreationForm):
    pass


class DutiesUserEditForm(_DutiesFormMixin, UserEditForm):
    pass


class _ForUserKwargs:
    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()  # type: ignore[misc]
        kwargs["for_user"] = self.request.user  # type: ignore[attr-defined]
        return kwargs


class CreateView(_ForUserKwargs, wagtail_users.CreateView):
    pass


class EditView(_ForUserKwargs, wagtail_users.EditView):
    def setup(self, request: Any, *args: Any, **kwargs: Any) -> None:
        super().setup(request, *args, **kwargs)
        if self.object.is_superuser and not request.user.is_superuser:
            raise PermissionDenied


class UserViewSet(wagtail_users.UserViewSet):
    add_view_class = CreateView
    edit_view_class = EditView

    def get_form_class(self, for_update: bool = False) -> type:
        return DutiesUserEditForm if for_update else DutiesUserCreationForm
