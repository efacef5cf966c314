"""Field-level encryption at rest (issue 8; DESIGN rule 8).

A reporter's name and contact are stored as ``gw1:<Fernet token>``: AES-128-CBC with an
HMAC-SHA256 tag, under keys from ``GUANWU_FIELD_KEYS`` (comma-separated Fernet keys; the
first encrypts, every one decrypts, so a new key can be put first and the old rows re-encrypted
with ``manage.py rotate_field_key``). A database dump or backup without the key holds no
identity; the key is kept apart from the database and its backups.

Empty values stay empty: "did the asker leave a contact" must remain a query (DESIGN rule 7),
and an empty string reveals nothing about who the asker is.

Equality lookups on the ciphertext cannot work (each token has a random IV), so the field
refuses them; where a lookup is needed a keyed blind index (HMAC-SHA256, see
:func:`blind_index`) is stored beside the value and queried instead.
"""

from __future__ import annotations

import hashlib
import hmac
from functools import cache
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.core.signals import setting_changed
from django.db import models
from django.db.models.lookups import Exact, IsNull
from django.dispatch import receiver

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

# The version tag lets a later scheme (another cipher, another encoding) live beside this one.
PREFIX = "gw1:"
_INDEX_CONTEXT = b"guanwu blind index v1"


class FieldKeyError(ImproperlyConfigured):
    """No usable key, or a stored value that none of the configured keys opens."""


def _keys() -> list[str]:
    raw = getattr(settings, "GUANWU_FIELD_KEYS", None) or []
    if isinstance(raw, str):
        raw = [part.strip() for part in raw.split(",")]
    keys = [key for key in raw if key]
    if not keys:
        raise FieldKeyError(
            "GUANWU_FIELD_KEYS is empty: the key that encrypts reporters' identities is missing."
        )
    return keys


@cache
def _ring(keys: tuple[str, ...]) -> tuple[MultiFernet, tuple[bytes, ...]]:
    try:
        fernets = [Fernet(key.encode()) for key in keys]
    except (ValueError, TypeError) as exc:
        # Never echo the value: it is a secret, possibly mistyped.
        raise FieldKeyError(
            "GUANWU_FIELD_KEYS holds a malformed key (each must be a 32-byte url-safe "
            "base64 Fernet key, as `manage.py rotate_field_key --generate` prints)."
        ) from exc
    index_keys = tuple(
        hmac.new(key.encode(), _INDEX_CONTEXT, hashlib.sha256).digest() for key in keys
    )
    return MultiFernet(fernets), index_keys


def key_ring() -> MultiFernet:
    return _ring(tuple(_keys()))[0]


def check_keys() -> None:
    """Raise :class:`FieldKeyError` unless the configured keys are present and well formed."""
    key_ring()


@register(Tags.security)
def check_field_keys(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """``manage.py check`` (and every start of runserver/migrate) names a missing or
    malformed key before the first case is read or written."""
    try:
        check_keys()
    except FieldKeyError as exc:
        return [Error(str(exc), id="guanwu.E801")]
    return []


@receiver(setting_changed)
def _keys_changed(*, setting: str, **kwargs: Any) -> None:
    if setting == "GUANWU_FIELD_KEYS":
        _ring.cache_clear()


def generate_key() -> str:
    return Fernet.generate_key().decode()


def encrypt(value: str | None) -> str | None:
    if value is None or value == "":
        return value
    return PREFIX + key_ring().encrypt(str(value).encode()).decode()


def is_token(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(PREFIX)


def decrypt(value: str | None) -> str | None:
    if value is None or value == "":
        return value
    if not is_token(value):
        raise FieldKeyError("An encrypted column holds a value that is not a gw1 token.")
    try:
        return key_ring().decrypt(value[len(PREFIX) :].encode()).decode()
    except InvalidToken as exc:
        raise FieldKeyError(
            "None of the keys in GUANWU_FIELD_KEYS opens a stored value: the key it was "
            "encrypted with is missing (restored a backup without its key?)."
        ) from exc


def rotate(value: str | None) -> str | None:
    """The same plaintext under the first key (``value`` is a stored token)."""
    if value is None or value == "":
        return value
    decrypt(value)  # a clear error for a value no key opens
    token = key_ring().rotate(value[len(PREFIX) :].encode()).decode()
    return PREFIX + token


def normalise_for_index(value: str) -> str:
    """Phone numbers compare by their digits, e-mail addresses case-insensitively."""
    value = (value or "").strip()
    if "@" in value:
        return value.lower()
    digits = "".join(ch for ch in value if ch.isdigit())
    return digits or value.lower()


def blind_index(value: str | None) -> str:
    """A keyed hash of ``value`` under the first key ("" for an empty value)."""
    return blind_index_candidates(value)[0] if value else ""


def blind_index_candidates(value: str | None) -> list[str]:
    """The index of ``value`` under every configured key: lookups stay right while rows
    indexed under an older key wait for ``rotate_field_key``."""
    if not value or not normalise_for_index(value):
        return []
    _fernet, index_keys = _ring(tuple(_keys()))
    message = normalise_for_index(value).encode()
    return [hmac.new(key, message, hashlib.sha256).hexdigest() for key in index_keys]


class _EmptyOnlyExact(Exact):
    """``field=""`` works (is a contact given?); an equality test on a value cannot."""

    def get_prep_lookup(self) -> Any:
        if self.rhs not in ("", None):
            raise FieldError(
                f"{self.lhs.target.name} is encrypted: compare its blind index instead."
            )
        return super().get_prep_lookup()


class EncryptedMixin:
    """Encrypt on the way to the database, decrypt on the way back. The column is text (a
    token is about 1.4 times the UTF-8 plaintext plus 80 characters); ``max_length`` still
    limits the plaintext in forms and ``full_clean``."""

    def get_internal_type(self) -> str:
        return "TextField"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        return decrypt(value)

    def to_python(self, value: Any) -> Any:
        # A serialized row (value_to_string) carries the token; nothing else can be one of ours.
        if is_token(value):
            try:
                return decrypt(value)
            except FieldKeyError:
                pass
        return super().to_python(value)  # type: ignore[misc]

    def get_prep_value(self, value: Any) -> Any:
        return encrypt(super().get_prep_value(value))  # type: ignore[misc]

    def value_to_string(self, obj: Any) -> str:
        # dumpdata and other serializations carry the ciphertext, never the identity.
        return encrypt(self.value_from_object(obj)) or ""  # type: ignore[attr-defined]

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name == "exact":
            return _EmptyOnlyExact
        if lookup_name == "isnull":
            return IsNull
        raise FieldError(
            f"The encrypted field {getattr(self, 'name', '')} does not support the "
            f"'{lookup_name}' lookup."
        )

    def get_transform(self, lookup_name: str) -> Any:
        return None


class EncryptedCharField(EncryptedMixin, models.CharField):
    pass


class EncryptedEmailField(EncryptedMixin, models.EmailField):
    pass


def encrypted_fields() -> list[tuple[type[models.Model], models.Field]]:
    """Every (model, field) stored encrypted, for rotation and checks."""
    from django.apps import apps

    return [
        (model, field)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, EncryptedMixin)
    ]


def rotate_all(*, dry_run: bool = False, batch: int = 500) -> dict[str, int]:
    """Re-encrypt every stored value under the first key and recompute the blind indexes a
    model declares (``BLIND_INDEXES = {index_column: source_field}``). Returns the rows per
    model. Raw SQL: the tokens themselves are rewritten, nothing passes through the model."""
    from django.db import connections, router, transaction

    by_model: dict[type[models.Model], list[models.Field]] = {}
    for model, field in encrypted_fields():
        by_model.setdefault(model, []).append(field)
    counts: dict[str, int] = {}
    for model, fields in by_model.items():
        alias = router.db_for_write(model)
        connection = connections[alias]
        quote = connection.ops.quote_name
        table = quote(model._meta.db_table)
        pk = quote(model._meta.pk.column)
        indexes = {
            model._meta.get_field(index).column: model._meta.get_field(source).attname
            for index, source in getattr(model, "BLIND_INDEXES", {}).items()
        }
        columns = [field.column for field in fields]
        select = ", ".join(quote(c) for c in columns)
        assign = ", ".join(f"{quote(c)} = %s" for c in [*columns, *indexes])
        count = 0
        after: Any = None
        with transaction.atomic(using=alias), connection.cursor() as cursor:
            while True:
                where, params = (f"WHERE {pk} > %s", [after]) if after is not None else ("", [])
                cursor.execute(
                    f"SELECT {pk}, {select} FROM {table} {where} "  # noqa: S608 (quoted names)  # nosec B608
                    f"ORDER BY {pk} LIMIT {int(batch)}",
                    params,
                )
                rows = cursor.fetchall()
                if not rows:
                    break
                for key, *values in rows:
                    after = key
                    plain = dict(
                        zip([f.attname for f in fields], map(decrypt, values), strict=True)
                    )
                    new = [rotate(value) for value in values]
                    new += [blind_index(plain.get(source)) for source in indexes.values()]
                    count += 1
                    if not dry_run:
                        cursor.execute(
                            f"UPDATE {table} SET {assign} WHERE {pk} = %s",  # noqa: S608  # nosec B608
                            [*new, key],
                        )
        counts[model._meta.label] = count
    return counts
