"""Production: every secret and host from the environment; HTTPS-only cookies and redirects."""

from .base import *  # noqa: F403
from .env import env_bool, env_int, env_list, env_required

DEBUG = False
SECRET_KEY = env_required("SECRET_KEY")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS") or [env_required("ALLOWED_HOSTS")]
GUANWU_ENVIRONMENT = "production"

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
# Trust X-Forwarded-Proto only behind a TLS-terminating proxy that overwrites it; otherwise a
# client could claim HTTPS and dodge the redirect.
if env_bool("GUANWU_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Issue 8: one year, subdomains, preload (check --deploy: security.W004/W005/W021).
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True

# drf-spectacular registers a schema build as a deploy check, so its naming warnings would fail
# `check --deploy --fail-level WARNING`, the gate for the security settings above. The schema
# is to be checked on its own (schemathesis against /api/v1/schema/, issue 8).
SPECTACULAR_SETTINGS = {**SPECTACULAR_SETTINGS, "ENABLE_DJANGO_DEPLOY_CHECK": False}  # noqa: F405
