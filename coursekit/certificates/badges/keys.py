"""The key that signs Open Badges credentials, and the public keys verifiers fetch.

The private key is ``COURSEKIT_BADGE_SIGNING_KEY`` (PEM text) when set. Otherwise an RSA
2048 key (Open Badges 3.0 requires every verifier to support RS256) is generated once
into ``instance/badge_signing_key.pem`` (mode 0600) and read from there afterwards. Its
public keys are named by their RFC 7638 thumbprint, which depends only on the key, so
every process and machine holding the same key gives it the same name.

Public keys of retired signing keys, kept as PEM files in
``instance/badge_retired_keys/``, are published beside the current one so credentials
signed before a rotation still verify (docs/open-badges.md).

Keys are read once per app and kept for its lifetime: signing never parses PEM.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import threading
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import Flask, current_app

from coursekit.files import create_once

KEY_FILE = "badge_signing_key.pem"
RETIRED_KEYS_FOLDER = "badge_retired_keys"
KEY_BITS = 2048
ALGORITHM = "RS256"
log = logging.getLogger("coursekit.badges")


class BadgeKeyError(RuntimeError):
    """The configured or stored signing key cannot be used."""


@dataclass(frozen=True)
class PublicKey:
    """A public key as a JWK (``kty``, ``n``, ``e``) and its RFC 7638 thumbprint."""

    jwk: dict[str, str]
    thumbprint: str


@dataclass(frozen=True)
class BadgeKeys:
    """The signing key, its public half, and the retired public keys still published."""

    private_key: rsa.RSAPrivateKey
    current: PublicKey
    retired: tuple[PublicKey, ...] = ()

    @property
    def published(self) -> tuple[PublicKey, ...]:
        """Every public key a verifier may need: the current one first."""
        return (self.current, *self.retired)

    def find(self, thumbprint: str) -> PublicKey | None:
        """The published key with ``thumbprint``, if any."""
        return next((key for key in self.published if key.thumbprint == thumbprint), None)


_cache: weakref.WeakKeyDictionary[Flask, BadgeKeys] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def badge_keys(app: Flask | None = None) -> BadgeKeys:
    """The keys of ``app`` (default: the current app), loaded or created on first use."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    keys = _cache.get(app)
    if keys is None:
        with _lock:
            keys = _cache.get(app)
            if keys is None:
                keys = _cache[app] = _load(app)
    return keys


def _load(app: Flask) -> BadgeKeys:
    configured = app.config.get("COURSEKIT_BADGE_SIGNING_KEY")
    if configured:
        private_key = parse_private_key(str(configured), source="COURSEKIT_BADGE_SIGNING_KEY")
    else:
        private_key = load_or_create(Path(app.instance_path) / KEY_FILE)
    current = public_key_of(private_key.public_key())
    retired = tuple(
        key
        for key in _retired_keys(Path(app.instance_path) / RETIRED_KEYS_FOLDER)
        if key.thumbprint != current.thumbprint
    )
    return BadgeKeys(private_key, current, retired)


def prepare(app: Flask) -> None:
    """At start: check a configured key at once (a bad one stops the app), or make sure
    the instance folder holds a generated one. An instance folder that cannot be
    written is reported and retried on first use, so the rest of coursekit still runs."""
    if app.config.get("COURSEKIT_BADGE_SIGNING_KEY"):
        badge_keys(app)
        return
    try:
        ensure_key_file(Path(app.instance_path) / KEY_FILE)
    except OSError as error:
        log.warning("No Open Badges signing key yet (%s); set COURSEKIT_BADGE_SIGNING_KEY.", error)


def load_or_create(path: Path) -> rsa.RSAPrivateKey:
    """The key stored at ``path``, generated there first if there is none."""
    ensure_key_file(path)
    return parse_private_key(path.read_text(), source=str(path))


def ensure_key_file(path: Path) -> None:
    """Generate a key into ``path`` unless one is there (written whole or not at all,
    and by exactly one of several processes starting at once: ``files.create_once``)."""
    if path.exists():
        return
    candidate = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
    pem = candidate.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    create_once(path, pem)


def parse_private_key(text: str, *, source: str) -> rsa.RSAPrivateKey:
    """An unencrypted RSA private key (at least 2048 bits) from PEM text."""
    if "\\n" in text and "\n" not in text.strip():
        text = text.replace("\\n", "\n")  # PEM squeezed onto one line of an env file
    try:
        key = serialization.load_pem_private_key(text.strip().encode(), password=None)
    except (ValueError, TypeError) as error:
        raise BadgeKeyError(f"{source} is not an unencrypted PEM private key: {error}") from None
    if not isinstance(key, rsa.RSAPrivateKey) or key.key_size < KEY_BITS:
        raise BadgeKeyError(
            f"{source} must be an RSA key of at least {KEY_BITS} bits: Open Badges 3.0 "
            "verifiers are only required to support RS256."
        )
    return key


def public_key_of(key: rsa.RSAPublicKey) -> PublicKey:
    """The JWK of an RSA public key and its RFC 7638 thumbprint."""
    numbers = key.public_numbers()
    jwk = {"e": _b64_uint(numbers.e), "kty": "RSA", "n": _b64_uint(numbers.n)}
    # RFC 7638: the required members in lexicographic order, no whitespace, SHA-256.
    canonical = json.dumps(jwk, separators=(",", ":"), sort_keys=True).encode()
    return PublicKey(jwk, _b64(hashlib.sha256(canonical).digest()))


def published_jwk(key: PublicKey, kid: str) -> dict[str, Any]:
    """The JWK as served to verifiers: public members only, with ``kid``, ``alg``, ``use``."""
    return {**key.jwk, "kid": kid, "alg": ALGORITHM, "use": "sig"}


def _retired_keys(folder: Path) -> list[PublicKey]:
    if not folder.is_dir():
        return []
    keys = []
    for file in sorted(folder.glob("*.pem")):
        data = file.read_bytes()
        try:
            loaded: Any = serialization.load_pem_public_key(data)
        except ValueError:
            # A retired private key works too: only its public half is published.
            loaded = parse_private_key(data.decode(), source=str(file)).public_key()
        if not isinstance(loaded, rsa.RSAPublicKey):
            raise BadgeKeyError(f"{file} is not an RSA key.")
        keys.append(public_key_of(loaded))
    return keys


def _b64_uint(value: int) -> str:
    return _b64(value.to_bytes((value.bit_length() + 7) // 8, "big"))


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()
