"""Staff passwords: at least 12 characters, enforced by Wagtail's own forms."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

import pytest

from .conftest import PASSWORD, make_user

pytestmark = pytest.mark.django_db


def test_eleven_characters_refused_when_creating_a_user():
    admin = make_user("pw-admin", is_superuser=True, is_staff=True)
    client = Client()
    client.force_login(admin)
    response = client.post(
        reverse("wagtailusers_users:add"),
        {
            "username": "pw-new-clerk",
            "email": "clerk@example.invalid",
            "first_name": "新",
            "last_name": "职员",
            "password1": "Kx7#mQ2$vL9",  # 11 characters
            "password2": "Kx7#mQ2$vL9",
        },
    )
    assert response.status_code == 200
    assert "至少 12 个字符" in response.content.decode()
    assert not get_user_model().objects.filter(username="pw-new-clerk").exists()


def test_eleven_characters_refused_when_changing_ones_password():
    clerk = make_user("pw-clerk", is_staff=True)
    from guanwu.organization.enums import Role
    from guanwu.organization.roles import role_group

    clerk.groups.add(role_group(Role.CASE_HANDLER))
    client = Client()
    client.force_login(clerk)
    response = client.post(
        reverse("wagtailadmin_account"),
        {
            "password-old_password": PASSWORD,
            "password-new_password1": "Kx7#mQ2$vL9",
            "password-new_password2": "Kx7#mQ2$vL9",
        },
    )
    clerk.refresh_from_db()
    assert clerk.check_password(PASSWORD)
    assert response.status_code == 200
    assert "至少 12 个字符" in response.content.decode()
