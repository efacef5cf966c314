"""Users holding given roles, and clients signed in as them, for the audit tests."""

from __future__ import annotations

from django.test import Client

from guanwu.organization.enums import Role
from guanwu.organization.roles import role_group
from tests.factories import UserFactory


def user_with(*roles: Role, **kwargs):
    user = UserFactory(**kwargs)
    for role in roles:
        user.groups.add(role_group(role))
    return user


def signed_in(user) -> Client:
    client = Client()
    user.save()  # the factory sets the password without saving it; the session checks it
    # An explicit backend: the first configured one is django-axes', which loads no users.
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client
