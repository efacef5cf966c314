"""Development and the embedded `make run` tier: local secret key, loopback hosts."""

from .base import *  # noqa: F403
from .env import env_bool, local_field_key, local_secret_key

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = SECRET_KEY or local_secret_key()  # noqa: F405
GUANWU_ENVIRONMENT = "dev"
# Field encryption (issue 8): the environment's keys, else one generated into var/ (never
# committed, unlike the test key) so a development database copied elsewhere stays unreadable.
GUANWU_FIELD_KEYS = GUANWU_FIELD_KEYS or [local_field_key()]  # noqa: F405
