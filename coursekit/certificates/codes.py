"""Verification codes and certificate numbers.

A verification code is 140 random bits written in Crockford's base 32: 28 characters
from an alphabet without I, L, O and U, so a code read aloud or typed from paper
survives the usual confusions. It is stored and used in URLs without separators, and
printed in groups of four (``7K3M-…``). Typed codes are read case-insensitively, with
spaces and dashes ignored and O, I and L taken for 0, 1 and 1.
"""

from __future__ import annotations

import re
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 28
CODE_BITS = CODE_LENGTH * 5
_CODE_PATTERN = re.compile(f"[{ALPHABET}]{{{CODE_LENGTH}}}")
_SEPARATORS = re.compile(r"[\s\-_.]+")
_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})


def new_code() -> str:
    """A fresh random verification code (140 bits from the system's CSPRNG)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(typed: str) -> str | None:
    """The stored form of a code typed by hand, or None if it cannot be one."""
    if len(typed) > 4 * CODE_LENGTH:
        return None
    code = _SEPARATORS.sub("", typed).upper().translate(_LOOKALIKES)
    return code if _CODE_PATTERN.fullmatch(code) else None


def grouped(code: str) -> str:
    """The code as printed: groups of four joined by dashes."""
    return "-".join(code[start : start + 4] for start in range(0, len(code), 4))


def certificate_number(prefix: str, year: int, serial: int) -> str:
    """The human-readable number, e.g. ``CK-2026-000123``."""
    return f"{prefix}-{year}-{serial:06d}"
