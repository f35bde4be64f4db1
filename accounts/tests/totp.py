"""RFC 6238 time-based codes, computed here rather than by the library under test."""

from __future__ import annotations

import hashlib
import hmac
import struct
import time
from base64 import b32decode


def totp(secret_base32: str, *, at: float | None = None, step: int = 30, digits: int = 6) -> str:
    key = b32decode(secret_base32.replace(" ", "").upper())
    counter = int((time.time() if at is None else at) // step)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10**digits).zfill(digits)
