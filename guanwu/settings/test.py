"""Test settings: fast hashing, in-memory e-mail and cache, the same database URL logic."""

import os
import tempfile
from pathlib import Path

from .base import *  # noqa: F403

SECRET_KEY = "test-only-not-secret"  # noqa: S105
DEBUG = False
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
GUANWU_ENVIRONMENT = "test"
# Field encryption (issue 8): a fixed key, public in this repository: NOT A SECRET, tests only.
GUANWU_FIELD_KEYS = ["dGVzdC1vbmx5LWZpZWxkLWtleS1ub3Qtc2VjcmV0ISE="]
if not REDIS_URL:  # noqa: F405
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
elif os.environ.get("PYTEST_XDIST_WORKER", "").startswith("gw"):
    # With Redis (CI's PostgreSQL run), each pytest-xdist worker gets a database of its own,
    # after REDIS_URL's: tests call cache.clear(), which flushes the whole database.
    _redis_base, _, _redis_db = REDIS_URL.rstrip("/").rpartition("/")  # noqa: F405
    _worker = int(os.environ["PYTEST_XDIST_WORKER"][2:])
    CACHES["default"]["LOCATION"] = f"{_redis_base}/{(int(_redis_db or 0) + 1 + _worker) % 16}"
    CACHES["default"]["KEY_PREFIX"] = f"guanwu-test-{_worker}"
# Tests change the database behind the cache's back; the cache tests switch it on themselves.
GUANWU_PAGE_CACHE_SECONDS = 0
# The demo's few hundred cases are loaded only where a test asks for them (tests/demo).
GUANWU_DEMO_CASES = False
# Attachments of tests go to a throwaway folder, never into the developer's var/.
GUANWU_CASE_FILES_ROOT = str(Path(tempfile.gettempdir()) / "guanwu-test-case-files")
# Tests run background tasks at once, in the test's own thread (tests/printing also drives the
# database backend and its worker).
TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "background": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
}
# Staff authentication (issue 8): tests log in with force_login and Client.login(), which
# calls authenticate() without a request (axes refuses that), and browser tests sign in with
# the password alone. tests/accounts switch both on with the ``settings`` fixture.
AXES_ENABLED = False
GUANWU_OTP_REQUIRED = False
