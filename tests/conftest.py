from __future__ import annotations

from django.core.management import call_command

import pytest


@pytest.fixture
def demo(db):
    """The full demo district, loaded through the public command."""
    call_command("load_demo", verbosity=0)


@pytest.fixture(autouse=True)
def _chinese_by_default(settings):
    settings.LANGUAGE_CODE = "zh-hans"
