"""Staff authentication tests switch the lockout and the second factor on (test settings keep
them off for the rest of the suite, which signs in with force_login and Client.login)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client

import pytest

from guanwu.organization.enums import Role

PASSWORD = "correct-horse-battery"


@pytest.fixture
def secure(settings):
    settings.AXES_ENABLED = True
    settings.GUANWU_OTP_REQUIRED = True
    return settings


def make_user(username: str, *roles: Role, **fields) -> object:
    user = get_user_model().objects.create_user(username, password=PASSWORD, **fields)
    for role in roles:
        user.groups.add(Group.objects.get(name=role.group_name))
    return user


@pytest.fixture
def legal(db):
    return make_user("otp-legal", Role.LEGAL)


@pytest.fixture
def handler(db):
    return make_user("otp-handler", Role.CASE_HANDLER)


def client_at(address: str = "10.20.30.40") -> Client:
    return Client(REMOTE_ADDR=address)
