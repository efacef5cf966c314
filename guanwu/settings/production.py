"""Production: every secret and host from the environment; HTTPS-only cookies and redirects."""

from .base import *  # noqa: F403
from .env import env_bool, env_int, env_list, env_required

DEBUG = False
SECRET_KEY = env_required("SECRET_KEY")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS") or [env_required("ALLOWED_HOSTS")]
GUANWU_ENVIRONMENT = "production"
# Field encryption (issue 8): no start without the key of reporters' identities.
GUANWU_FIELD_KEYS = env_list("GUANWU_FIELD_KEYS") or [env_required("GUANWU_FIELD_KEYS")]

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

# Staff authentication (issue 8): behind the proxy, the lockout counts the client's address
# (the proxy's last X-Forwarded-For entry), not the proxy's own.
if env_bool("GUANWU_BEHIND_PROXY", False):
    AXES_CLIENT_IP_CALLABLE = "guanwu.accounts.lockout.forwarded_client_ip"
