"""System checks of the audit trail: `manage.py check` (and every command that runs checks)
refuses a hash algorithm this process cannot honour, so no event is ever written under an
algorithm that is unknown or missing from this Python's hashlib (GB/T 39786-2021 密评)."""

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error

from linzi_platform import crypto


def check_hash_algorithm(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    algorithm = crypto.hash_algorithm()
    if algorithm not in crypto.ALGORITHMS:
        return [
            Error(
                f"CRYPTO_HASH={settings.CRYPTO_HASH!r} 不是受支持的哈希算法，审计链无法写入。",
                hint=f"请将 CRYPTO_HASH 设为以下之一：{'、'.join(crypto.ALGORITHMS)}。",
                id="audit.E001",
            )
        ]
    if not crypto.algorithm_available(algorithm):
        return [
            Error(
                f"CRYPTO_HASH={algorithm!r}，但本机 Python 的 hashlib 不提供该算法，"
                "审计链无法写入。",
                hint="SM3 由 OpenSSL（1.1.1 及以上且启用 SM3）提供：请使用基于这样的 OpenSSL "
                "构建的 Python，或设置 CRYPTO_HASH=sha256。",
                id="audit.E001",
            )
        ]
    return []
