"""The platform's one hash algorithm, for the audit chain and the webhook HMAC.

SHA-256 by default; SM3 (GB/T 32905-2016, the commercial-cryptography hash that a 密评
assessment under GB/T 39786-2021 asks for) when the CRYPTO_HASH setting says "sm3". Python's
hashlib provides SM3 through OpenSSL; `manage.py check` refuses a setting this process cannot
honour (audit's checks), so a deployment never signs with an algorithm it does not have.
"""

import hashlib
import hmac

from django.conf import settings

ALGORITHMS = ("sha256", "sm3")


def hash_algorithm() -> str:
    """The algorithm new audit events and webhook signatures use (settings.CRYPTO_HASH)."""
    return str(getattr(settings, "CRYPTO_HASH", "sha256")).strip().lower() or "sha256"


def algorithm_available(algorithm: str) -> bool:
    if algorithm not in ALGORITHMS:
        return False
    try:
        hashlib.new(algorithm, b"")
    except ValueError:
        return False
    return True


def digest(data: bytes, algorithm: str | None = None) -> str:
    """The hex digest of `data` under `algorithm` (the configured one when None)."""
    return hashlib.new(algorithm or hash_algorithm(), data).hexdigest()


def mac(key: bytes, data: bytes, algorithm: str | None = None) -> str:
    """The hex HMAC of `data` under `key` with `algorithm` (the configured one when None)."""
    return hmac.new(key, data, algorithm or hash_algorithm()).hexdigest()
