"""The single-host shared cache: Django's file cache made fit for several worker processes.

Without ``REDIS_URL`` every gunicorn worker and the task worker of one host share cache files
under ``var/cache`` (the public page cache must be purged for all of them at once). Django's
``FileBasedCache`` has two habits that hurt there:

* every ``set`` lists the whole directory to decide whether to cull, so with thousands of
  cached pages each cache miss pays a directory listing. Here a process checks at most once
  every ``CULL_INTERVAL`` seconds (an option); the cache may overshoot ``MAX_ENTRIES`` by what
  one host writes in that time.
* ``add`` and ``incr`` are a read followed by a write, so two processes counting the same key
  (the public intake's per-address limit, login lockouts) can lose a count, and ``incr``
  resets the key's expiry to the default timeout. Here both run under an exclusive ``flock``
  (one of a few lock files, chosen by the key) and ``incr`` keeps the expiry, as Redis does.
"""

from __future__ import annotations

import fcntl
import os
import pickle  # nosec B403  # the cache files are written by this code only
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.filebased import FileBasedCache

LOCK_FILES = 16


class HostFileCache(FileBasedCache):
    """``FileBasedCache`` with occasional culling and atomic ``add``/``incr`` across processes."""

    def __init__(self, dir: str, params: dict[str, Any]) -> None:
        super().__init__(dir, params)
        options = params.get("OPTIONS", {})
        self.cull_interval = float(options.get("CULL_INTERVAL", 30))
        self._next_cull = 0.0
        self.compress_level = int(options.get("COMPRESS_LEVEL", 0))

    def _cull(self) -> None:
        now = time.monotonic()
        if now < self._next_cull:
            return
        self._next_cull = now + self.cull_interval
        super()._cull()

    def _write_content(self, file: Any, timeout: float | None, value: Any) -> None:
        """Django's format (the expiry, then the zlib stream of the pickled value), stored
        without compression (level 0): a cached page is read far more often than written, and
        inflating it cost a fifth of a page-cache hit; it takes about three times the disk."""
        expiry = self.get_backend_timeout(timeout)
        file.write(pickle.dumps(expiry, self.pickle_protocol))
        file.write(zlib.compress(pickle.dumps(value, self.pickle_protocol), self.compress_level))

    @contextmanager
    def _locked(self, fname: str) -> Iterator[None]:
        """Hold an exclusive lock shared by every process for the key stored in ``fname``."""
        self._createdir()
        slot = int(os.path.basename(fname)[:8], 16) % LOCK_FILES
        fd = os.open(os.path.join(self._dir, f"lock-{slot}"), os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # releases the lock

    def add(
        self, key: str, value: Any, timeout: float | None = DEFAULT_TIMEOUT, version=None
    ) -> bool:
        with self._locked(self._key_to_file(key, version)):
            return super().add(key, value, timeout, version)

    def incr(self, key: str, delta: int = 1, version=None) -> int:
        fname = self._key_to_file(key, version)
        with self._locked(fname):
            try:
                with open(fname, "rb") as f:
                    expiry = pickle.load(f)  # noqa: S301  # nosec B301  # our own cache files
                    value = pickle.loads(zlib.decompress(f.read()))  # noqa: S301  # nosec B301
            except (FileNotFoundError, EOFError):
                raise ValueError(f"Key '{key}' not found") from None
            now = time.time()
            if expiry is not None and expiry < now:
                raise ValueError(f"Key '{key}' not found")
            new_value = value + delta
            # What is left of the key's life, not a fresh default timeout.
            timeout = None if expiry is None else max(expiry - now, 0.001)
            self.set(key, new_value, timeout, version)
            return new_value
