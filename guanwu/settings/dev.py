"""Development and the embedded `make run` tier: local secret key, loopback hosts."""

from .base import *  # noqa: F403
from .env import env_bool, local_secret_key

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = SECRET_KEY or local_secret_key()  # noqa: F405
GUANWU_ENVIRONMENT = "dev"
